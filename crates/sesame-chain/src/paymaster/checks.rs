//! What makes a paymaster's answer safe to sign: parsing SNIP-29 "Version 2" typed data (a
//! SNIP-9 v2 outside execution, SNIP-12 revision 1) into the execution it describes, and
//! checking that execution against what the user asked for. Everything here is pure (no I/O),
//! so it can be tested exhaustively on its own.

use serde_json::{json, Value};
use sesame_core::felt::{felt_to_u128, felt_to_u64, parse_felt, short_string, U256};
use sesame_core::outside::{Call, OutsideExecution};
use sesame_core::selector::selector_from_name;
use starknet_rust::core::types::Felt;

use super::error::{truncate, PaymasterError};
use super::wire::{hex, BuiltInvoke, ExecutionParameters, FeeEstimate, FeeMode};

const DOMAIN_NAME: &str = "Account.execute_from_outside";

fn expected_types() -> Value {
    json!({
        "StarknetDomain": [
            {"name": "name", "type": "shortstring"},
            {"name": "version", "type": "shortstring"},
            {"name": "chainId", "type": "shortstring"},
            {"name": "revision", "type": "shortstring"},
        ],
        "OutsideExecution": [
            {"name": "Caller", "type": "ContractAddress"},
            {"name": "Nonce", "type": "felt"},
            {"name": "Execute After", "type": "u128"},
            {"name": "Execute Before", "type": "u128"},
            {"name": "Calls", "type": "Call*"},
        ],
        "Call": [
            {"name": "To", "type": "ContractAddress"},
            {"name": "Selector", "type": "selector"},
            {"name": "Calldata", "type": "felt*"},
        ],
    })
}

/// The SNIP-29 V2 typed data of `outside` on `chain_id` (what a paymaster returns from a build).
pub fn outside_execution_typed_data(outside: &OutsideExecution, chain_id: Felt) -> Value {
    json!({
        "types": expected_types(),
        "primaryType": "OutsideExecution",
        "domain": {
            "name": DOMAIN_NAME,
            "version": "2",
            "chainId": hex(chain_id),
            "revision": "1",
        },
        "message": {
            "Caller": hex(outside.caller),
            "Nonce": hex(outside.nonce),
            "Execute After": format!("{:#x}", outside.execute_after),
            "Execute Before": format!("{:#x}", outside.execute_before),
            "Calls": outside.calls.iter().map(|c| json!({
                "To": hex(c.to),
                "Selector": hex(c.selector),
                "Calldata": c.calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
    })
}

/// A felt written as 0x-hex, decimal digits, or a JSON integer.
pub(super) fn number_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s) => parse_felt(s).map_err(|e| e.to_string()),
        Value::Number(n) => n
            .as_u64()
            .map(Felt::from)
            .ok_or_else(|| format!("{n} is not a non-negative integer")),
        other => Err(format!("{} is not a number", truncate(&other.to_string()))),
    }
}

/// A SNIP-12 `shortstring` value as starknet.js reads it: hex, then decimal, then text.
fn shortstring_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => {
            parse_felt(s).map_err(|e| e.to_string())
        }
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            parse_felt(s).map_err(|e| e.to_string())
        }
        Value::String(s) => short_string(s).map_err(|e| e.to_string()),
        other => number_felt(other),
    }
}

/// A SNIP-12 `selector` value: a felt, or an entrypoint name to hash.
fn selector_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s)
            if !(s.is_empty() || s.starts_with("0x") || s.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Ok(selector_from_name(s))
        }
        other => number_felt(other),
    }
}

/// Parses SNIP-29 V2 typed data into the execution it describes, checking that it is one: the
/// three type definitions exactly as the SNIP fixes them, `primaryType` `OutsideExecution`, and
/// the domain `{name: "Account.execute_from_outside", version: 2, chainId: chain_id,
/// revision: 1}`. It does not look at the calls: see [`verify_build`].
pub fn outside_execution_from_typed_data(
    typed_data: &Value,
    chain_id: Felt,
) -> Result<OutsideExecution, PaymasterError> {
    let bad = |what: String| PaymasterError::BadTypedData(truncate(&what));
    let types = typed_data
        .get("types")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no types".into()))?;
    let expected = expected_types();
    for name in ["StarknetDomain", "OutsideExecution", "Call"] {
        if types.get(name) != expected.get(name) {
            return Err(bad(format!(
                "type {name} is not the SNIP-9 v2 definition (is this SNIP-9 v1 or v3?)"
            )));
        }
    }
    match typed_data.get("primaryType").and_then(Value::as_str) {
        Some("OutsideExecution") => {}
        other => {
            return Err(bad(format!(
                "primaryType is {other:?}, not OutsideExecution"
            )))
        }
    }

    let domain = typed_data
        .get("domain")
        .ok_or_else(|| bad("no domain".into()))?;
    let field = |k: &str| {
        domain
            .get(k)
            .ok_or_else(|| bad(format!("domain has no {k}")))
            .and_then(|v| shortstring_felt(v).map_err(|e| bad(format!("domain {k}: {e}"))))
    };
    let expected_name = short_string(DOMAIN_NAME).map_err(|e| bad(e.to_string()))?;
    if field("name")? != expected_name {
        return Err(bad(format!(
            "domain name is {}, not {DOMAIN_NAME}",
            domain["name"]
        )));
    }
    if field("version")? != Felt::TWO {
        return Err(bad(format!(
            "domain version is {}, not 2",
            domain["version"]
        )));
    }
    if field("revision")? != Felt::ONE {
        return Err(bad(format!(
            "SNIP-12 revision is {}, not 1",
            domain["revision"]
        )));
    }
    let domain_chain = field("chainId")?;
    if domain_chain != chain_id {
        return Err(bad(format!(
            "domain chainId is {}, but this chain is {}",
            domain["chainId"],
            hex(chain_id)
        )));
    }

    let message = typed_data
        .get("message")
        .ok_or_else(|| bad("no message".into()))?;
    let member = |k: &str| {
        message
            .get(k)
            .ok_or_else(|| bad(format!("message has no {k}")))
    };
    let felt_member =
        |k: &str| member(k).and_then(|v| number_felt(v).map_err(|e| bad(format!("{k}: {e}"))));
    let time_member = |k: &str| {
        felt_member(k).and_then(|f| {
            felt_to_u64(&f).ok_or_else(|| bad(format!("{k} does not fit the account's u64")))
        })
    };
    let caller = felt_member("Caller")?;
    let nonce = felt_member("Nonce")?;
    let execute_after = time_member("Execute After")?;
    let execute_before = time_member("Execute Before")?;
    if execute_before <= execute_after {
        return Err(bad(format!(
            "Execute Before ({execute_before}) is not after Execute After ({execute_after})"
        )));
    }
    let calls = member("Calls")?
        .as_array()
        .ok_or_else(|| bad("Calls is not a list".into()))?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let get = |k: &str| c.get(k).ok_or_else(|| bad(format!("call {i} has no {k}")));
            let to = get("To")
                .and_then(|v| number_felt(v).map_err(|e| bad(format!("call {i} To: {e}"))))?;
            let selector = get("Selector").and_then(|v| {
                selector_felt(v).map_err(|e| bad(format!("call {i} Selector: {e}")))
            })?;
            let calldata = get("Calldata")?
                .as_array()
                .ok_or_else(|| bad(format!("call {i} Calldata is not a list")))?
                .iter()
                .map(|v| number_felt(v).map_err(|e| bad(format!("call {i} Calldata: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call {
                to,
                selector,
                calldata,
            })
        })
        .collect::<Result<Vec<_>, PaymasterError>>()?;
    Ok(OutsideExecution {
        caller,
        nonce,
        execute_after,
        execute_before,
        calls,
    })
}

/// Checks that `outside` carries exactly the `requested` calls, in order, followed by nothing
/// (sponsored) or by one transfer of the gas token no larger than the paymaster's own quote
/// `fee.suggested_max_fee_in_gas_token` (default mode); and that requested time bounds are kept.
pub fn verify_calls(
    outside: &OutsideExecution,
    requested: &[Call],
    parameters: &ExecutionParameters,
    fee: &FeeEstimate,
) -> Result<(), PaymasterError> {
    let tampered = |what: String| PaymasterError::TamperedCalls(truncate(&what));
    if outside.calls.len() < requested.len() {
        return Err(tampered(format!(
            "you asked for {} call(s), the paymaster returned {}",
            requested.len(),
            outside.calls.len()
        )));
    }
    for (i, (want, got)) in requested.iter().zip(&outside.calls).enumerate() {
        if want != got {
            let what = if want.to != got.to {
                format!(
                    "its contract is {} instead of {}",
                    hex(got.to),
                    hex(want.to)
                )
            } else if want.selector != got.selector {
                format!(
                    "its entrypoint is {} instead of {}",
                    hex(got.selector),
                    hex(want.selector)
                )
            } else {
                let at = want
                    .calldata
                    .iter()
                    .zip(&got.calldata)
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.calldata.len().min(got.calldata.len()));
                format!(
                    "its calldata differs at position {at} ({} instead of {})",
                    got.calldata
                        .get(at)
                        .map(|f| hex(*f))
                        .unwrap_or_else(|| "nothing".into()),
                    want.calldata
                        .get(at)
                        .map(|f| hex(*f))
                        .unwrap_or_else(|| "nothing".into()),
                )
            };
            return Err(tampered(format!(
                "call {} of {} was changed: {what}",
                i + 1,
                requested.len()
            )));
        }
    }
    let extra = &outside.calls[requested.len()..];
    match parameters.fee_mode {
        FeeMode::Sponsored => {
            if !extra.is_empty() {
                return Err(tampered(format!(
                    "a sponsored transaction must carry only your calls, but the paymaster added {}",
                    extra.len()
                )));
            }
        }
        FeeMode::Default { gas_token } => {
            if extra.len() > 1 {
                return Err(tampered(format!(
                    "the paymaster added {} calls; only one fee transfer is acceptable",
                    extra.len()
                )));
            }
            if let Some(fee_call) = extra.first() {
                let amount = match (
                    fee_call.to == gas_token,
                    fee_call.selector == selector_from_name("transfer"),
                    fee_call.calldata.as_slice(),
                ) {
                    (true, true, [_recipient, low, high]) => U256::from_felts(low, high),
                    _ => None,
                };
                let amount = amount.ok_or_else(|| {
                    tampered(
                        "the call the paymaster added is not a transfer of the gas token".into(),
                    )
                })?;
                let quote = felt_to_u128(&fee.suggested_max_fee_in_gas_token)
                    .map(U256::from_u128)
                    .unwrap_or(U256 {
                        high: u128::MAX,
                        low: u128::MAX,
                    });
                if amount > quote {
                    return Err(tampered(format!(
                        "the fee transfer ({amount}) is above the paymaster's own quote ({quote})"
                    )));
                }
            }
        }
    }
    if let Some(tb) = parameters.time_bounds {
        if outside.execute_after != tb.execute_after || outside.execute_before != tb.execute_before
        {
            return Err(tampered(format!(
                "you asked for execution between {} and {}, the paymaster wrote {} and {}",
                tb.execute_after, tb.execute_before, outside.execute_after, outside.execute_before
            )));
        }
    }
    Ok(())
}

/// Parses a build answer and checks it ([`outside_execution_from_typed_data`], then
/// [`verify_calls`]). Only an execution that passes may be signed.
pub fn verify_build(
    built: &BuiltInvoke,
    chain_id: Felt,
    requested: &[Call],
    parameters: &ExecutionParameters,
) -> Result<OutsideExecution, PaymasterError> {
    let outside = outside_execution_from_typed_data(&built.typed_data, chain_id)?;
    verify_calls(&outside, requested, parameters, &built.fee)?;
    Ok(outside)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::paymaster::TimeBounds;
    use sesame_core::calls::erc20_transfer;

    const CHAIN: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941"); // SN_SEPOLIA
    const TOKEN: Felt = Felt::from_hex_unchecked("0x1234");
    const ALICE: Felt = Felt::from_hex_unchecked("0xa11ce");
    const RELAYER: Felt = Felt::from_hex_unchecked("0x7e1a7");

    fn sample(calls: Vec<Call>) -> OutsideExecution {
        OutsideExecution {
            caller: RELAYER,
            nonce: Felt::from(77u8),
            execute_after: 0,
            execute_before: 1_900_000_000,
            calls,
        }
    }

    fn no_fee() -> FeeEstimate {
        FeeEstimate {
            gas_token_price_in_strk: Felt::ONE,
            estimated_fee_in_strk: Felt::ZERO,
            estimated_fee_in_gas_token: Felt::ZERO,
            suggested_max_fee_in_strk: Felt::from(500u16),
            suggested_max_fee_in_gas_token: Felt::from(500u16),
        }
    }

    fn pay(amount: u128) -> Call {
        erc20_transfer(TOKEN, ALICE, U256::from_u128(amount))
    }

    #[test]
    fn typed_data_round_trips_to_the_same_execution_and_hash() {
        let oe = sample(vec![pay(5), pay(6)]);
        let td = outside_execution_typed_data(&oe, CHAIN);
        let back = outside_execution_from_typed_data(&td, CHAIN).unwrap();
        assert_eq!(back, oe);
        assert_eq!(
            back.message_hash(CHAIN, ALICE),
            oe.message_hash(CHAIN, ALICE)
        );
    }

    /// starknet.js writes the domain chain id as a short string, numbers in decimal and
    /// selectors as names: each vector built that way parses to its known message hash.
    #[test]
    fn starknet_js_style_typed_data_hashes_to_the_shared_vectors() {
        let path = format!(
            "{}/../../testdata/vectors/snip9_outside_execution_v2.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("missing {path}");
        };
        let v: Value = serde_json::from_str(&text).unwrap();
        let cases = v["cases"].as_array().unwrap();
        assert!(cases.len() >= 20);
        for case in cases {
            let chain_name = case["chain_id"].as_str().unwrap();
            let calls: Vec<Value> = case["calls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    json!({
                        "To": c["to"],
                        "Selector": c["entrypoint"],
                        "Calldata": c["calldata"].as_array().unwrap().iter().map(|f| {
                            Value::String(parse_felt(f.as_str().unwrap()).unwrap().to_string())
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let td = json!({
                "types": expected_types(),
                "primaryType": "OutsideExecution",
                "domain": {"name": DOMAIN_NAME, "version": "2", "chainId": chain_name, "revision": "1"},
                "message": {
                    "Caller": case["caller"],
                    "Nonce": case["nonce"],
                    "Execute After": case["execute_after"],
                    "Execute Before": case["execute_before"].to_string(),
                    "Calls": calls,
                },
            });
            let chain = short_string(chain_name).unwrap();
            let account = parse_felt(case["account"].as_str().unwrap()).unwrap();
            let oe = outside_execution_from_typed_data(&td, chain).unwrap();
            let want = parse_felt(case["message_hash"].as_str().unwrap()).unwrap();
            assert_eq!(oe.message_hash(chain, account), want, "case {case}");
        }
    }

    #[test]
    fn a_wrong_domain_type_or_chain_is_refused() {
        let td = outside_execution_typed_data(&sample(vec![pay(1)]), CHAIN);
        let check = |edit: &dyn Fn(&mut Value), why: &str| {
            let mut t = td.clone();
            edit(&mut t);
            let err = outside_execution_from_typed_data(&t, CHAIN).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_BAD_TYPED_DATA", "{why}: {err}");
        };
        check(
            &|t| t["domain"]["name"] = json!("Account.execute_from_inside"),
            "name",
        );
        check(&|t| t["domain"]["version"] = json!("1"), "version 1");
        check(&|t| t["domain"]["revision"] = json!(0), "revision 0");
        check(
            &|t| t["domain"]["chainId"] = json!("SN_MAIN"),
            "other chain",
        );
        check(&|t| t["primaryType"] = json!("Call"), "primary type");
        check(
            &|t| t["types"]["OutsideExecution"][1]["name"] = json!("nonce"),
            "v1 field names",
        );
        check(
            &|t| t["message"]["Execute Before"] = json!("0x0"),
            "window closed",
        );
        check(
            &|t| t["message"]["Calls"][0]["Calldata"][0] = json!("hello"),
            "text calldata",
        );
        // The same data with the accepted spellings of version and revision passes.
        let mut ok = td.clone();
        ok["domain"]["version"] = json!(2);
        ok["domain"]["revision"] = json!(1);
        ok["domain"]["chainId"] = json!("SN_SEPOLIA");
        assert!(outside_execution_from_typed_data(&ok, CHAIN).is_ok());
    }

    #[test]
    fn only_the_exact_requested_calls_pass_in_sponsored_mode() {
        let requested = vec![pay(10), pay(20)];
        let p = ExecutionParameters::sponsored();
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());

        let mut amount = requested.clone();
        amount[1] = pay(21);
        let mut recipient = requested.clone();
        recipient[0] = erc20_transfer(TOKEN, RELAYER, U256::from_u128(10));
        let dropped = vec![pay(10)];
        let reordered = vec![pay(20), pay(10)];
        let mut appended = requested.clone();
        appended.push(erc20_transfer(TOKEN, RELAYER, U256::from_u128(1)));
        for (calls, why) in [
            (amount, "amount"),
            (recipient, "recipient"),
            (dropped, "dropped"),
            (reordered, "reordered"),
            (appended, "appended in sponsored mode"),
        ] {
            let err = verify_calls(&sample(calls), &requested, &p, &no_fee()).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS", "{why}");
        }
    }

    #[test]
    fn in_default_mode_one_gas_token_transfer_within_the_quote_may_follow() {
        let requested = vec![pay(10)];
        let p = ExecutionParameters::paid_in(TOKEN);
        let with_fee = |call: Call| {
            let mut calls = requested.clone();
            calls.push(call);
            sample(calls)
        };
        let fee_ok = erc20_transfer(TOKEN, RELAYER, U256::from_u128(500));
        assert!(verify_calls(&with_fee(fee_ok.clone()), &requested, &p, &no_fee()).is_ok());
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());

        let over = erc20_transfer(TOKEN, RELAYER, U256::from_u128(501));
        let other_token = erc20_transfer(Felt::from(9u8), RELAYER, U256::from_u128(1));
        let approve = Call::new(TOKEN, "approve", vec![RELAYER, Felt::from(1u8), Felt::ZERO]);
        for (call, why) in [
            (over, "over quote"),
            (other_token, "other token"),
            (approve, "approve"),
        ] {
            let err = verify_calls(&with_fee(call), &requested, &p, &no_fee()).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS", "{why}");
        }
        let mut two = requested.clone();
        two.push(fee_ok.clone());
        two.push(fee_ok);
        assert!(verify_calls(&sample(two), &requested, &p, &no_fee()).is_err());
    }

    #[test]
    fn requested_time_bounds_must_be_kept() {
        let requested = vec![pay(1)];
        let mut p = ExecutionParameters::sponsored();
        p.time_bounds = Some(TimeBounds {
            execute_after: 0,
            execute_before: 1_900_000_000,
        });
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());
        p.time_bounds = Some(TimeBounds {
            execute_after: 0,
            execute_before: 1_800_000_000,
        });
        let err = verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).unwrap_err();
        assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS");
    }
}
