//! The SNIP-29 wire types: execution parameters, fee estimates, tokens, build and execute
//! answers, and the `params` Sesame sends. Parsing here is structural only; whether a build
//! answer may be signed is decided in `checks`.

use serde_json::{json, Map, Value};
use sesame_core::felt::felt_to_u64;
use sesame_core::outside::{Call, OutsideExecution};
use starknet_rust::core::types::Felt;

use super::checks::number_felt;
use super::error::PaymasterError;

/// The only execution-parameters version SNIP-29 defines.
pub const PARAMETERS_VERSION: &str = "0x1";

/// An API key. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Who pays the fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeMode {
    /// The paymaster (or the dapp behind its API key) pays; nothing is added to the calls.
    Sponsored,
    /// The user pays in `gas_token`; the paymaster appends one transfer of it.
    Default { gas_token: Felt },
}

/// `execute_after` / `execute_before` the user asks for (unix seconds, chain time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBounds {
    pub execute_after: u64,
    pub execute_before: u64,
}

/// SNIP-29 `EXECUTION_PARAMETERS` (version `0x1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionParameters {
    pub fee_mode: FeeMode,
    pub time_bounds: Option<TimeBounds>,
}

impl ExecutionParameters {
    /// Sponsored, with the paymaster's default time bounds.
    pub fn sponsored() -> Self {
        ExecutionParameters {
            fee_mode: FeeMode::Sponsored,
            time_bounds: None,
        }
    }

    /// Fee paid by the user in `gas_token`.
    pub fn paid_in(gas_token: Felt) -> Self {
        ExecutionParameters {
            fee_mode: FeeMode::Default { gas_token },
            time_bounds: None,
        }
    }

    pub fn to_json(&self) -> Value {
        let fee_mode = match self.fee_mode {
            FeeMode::Sponsored => json!({"mode": "sponsored"}),
            FeeMode::Default { gas_token } => {
                json!({"mode": "default", "gas_token": hex(gas_token)})
            }
        };
        let mut out = json!({"version": PARAMETERS_VERSION, "fee_mode": fee_mode});
        if let Some(tb) = self.time_bounds {
            // TIME_BOUNDS holds TIMESTAMPs, which are decimal strings.
            out["time_bounds"] = json!({
                "execute_after": tb.execute_after.to_string(),
                "execute_before": tb.execute_before.to_string(),
            });
        }
        out
    }

    /// Parses the `parameters` object (what a server receives).
    pub fn from_json(v: &Value) -> Result<Self, PaymasterError> {
        let bad = |what: &str| PaymasterError::BadResponse(format!("execution parameters: {what}"));
        match v.get("version").and_then(Value::as_str) {
            Some(PARAMETERS_VERSION) => {}
            _ => return Err(bad("version must be \"0x1\"")),
        }
        let fm = v.get("fee_mode").ok_or_else(|| bad("no fee_mode"))?;
        let fee_mode = match fm.get("mode").and_then(Value::as_str) {
            Some("sponsored") => FeeMode::Sponsored,
            Some("default") => FeeMode::Default {
                gas_token: fm
                    .get("gas_token")
                    .and_then(|t| number_felt(t).ok())
                    .ok_or_else(|| bad("fee_mode default needs a gas_token"))?,
            },
            _ => return Err(bad("fee_mode.mode must be \"sponsored\" or \"default\"")),
        };
        let time_bounds = match v.get("time_bounds") {
            None | Some(Value::Null) => None,
            Some(tb) => {
                let read = |k: &str| {
                    tb.get(k)
                        .and_then(|x| number_felt(x).ok())
                        .and_then(|f| felt_to_u64(&f))
                        .ok_or_else(|| bad("time_bounds need execute_after and execute_before"))
                };
                Some(TimeBounds {
                    execute_after: read("execute_after")?,
                    execute_before: read("execute_before")?,
                })
            }
        };
        Ok(ExecutionParameters {
            fee_mode,
            time_bounds,
        })
    }
}

/// SNIP-29 `FEE_ESTIMATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeEstimate {
    pub gas_token_price_in_strk: Felt,
    pub estimated_fee_in_strk: Felt,
    pub estimated_fee_in_gas_token: Felt,
    pub suggested_max_fee_in_strk: Felt,
    pub suggested_max_fee_in_gas_token: Felt,
}

const FEE_FIELDS: [&str; 5] = [
    "gas_token_price_in_strk",
    "estimated_fee_in_strk",
    "estimated_fee_in_gas_token",
    "suggested_max_fee_in_strk",
    "suggested_max_fee_in_gas_token",
];

impl FeeEstimate {
    pub fn to_json(&self) -> Value {
        let values = self.fields();
        let mut out = Map::new();
        for (name, value) in FEE_FIELDS.iter().zip(values) {
            out.insert((*name).to_string(), Value::String(hex(value)));
        }
        Value::Object(out)
    }

    pub fn from_json(v: &Value) -> Result<Self, PaymasterError> {
        let read = |k: &str| {
            v.get(k)
                .and_then(|x| number_felt(x).ok())
                .ok_or_else(|| PaymasterError::BadResponse(format!("fee estimate without {k}")))
        };
        Ok(FeeEstimate {
            gas_token_price_in_strk: read(FEE_FIELDS[0])?,
            estimated_fee_in_strk: read(FEE_FIELDS[1])?,
            estimated_fee_in_gas_token: read(FEE_FIELDS[2])?,
            suggested_max_fee_in_strk: read(FEE_FIELDS[3])?,
            suggested_max_fee_in_gas_token: read(FEE_FIELDS[4])?,
        })
    }

    fn fields(&self) -> [Felt; 5] {
        [
            self.gas_token_price_in_strk,
            self.estimated_fee_in_strk,
            self.estimated_fee_in_gas_token,
            self.suggested_max_fee_in_strk,
            self.suggested_max_fee_in_gas_token,
        ]
    }
}

/// SNIP-29 `TOKEN_DATA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenData {
    pub token_address: Felt,
    pub decimals: u32,
    pub price_in_strk: Felt,
}

/// The answer to `paymaster_buildTransaction` for an `invoke`, before any check.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltInvoke {
    /// The SNIP-12 typed data to sign, as the paymaster sent it (it is sent back verbatim).
    pub typed_data: Value,
    /// The parameters the paymaster echoed.
    pub parameters: Value,
    pub fee: FeeEstimate,
}

/// The answer to `paymaster_executeTransaction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteResult {
    pub transaction_hash: Felt,
    pub tracking_id: Felt,
}

/// A built invoke whose typed data passed [`verify_build`](super::verify_build): ready for the
/// session key.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedInvoke {
    pub user_address: Felt,
    pub chain_id: Felt,
    pub parameters: ExecutionParameters,
    /// The checked execution: the user's calls first, then at most the paymaster's fee transfer.
    pub outside: OutsideExecution,
    /// The paymaster's typed data, returned to it unchanged on execution.
    pub typed_data: Value,
    pub fee: FeeEstimate,
}

impl PreparedInvoke {
    /// The SNIP-12 hash the account verifies: sign this with `SessionSignature::sign`.
    pub fn message_hash(&self) -> Felt {
        self.outside.message_hash(self.chain_id, self.user_address)
    }

    /// The calls the paymaster appended after the user's (its fee transfer, if any).
    pub fn paymaster_calls(&self, requested: usize) -> &[Call] {
        self.outside.calls.get(requested..).unwrap_or(&[])
    }
}

/// The `params` of `paymaster_buildTransaction` for an invoke.
pub fn build_invoke_params(
    user_address: Felt,
    calls: &[Call],
    parameters: &ExecutionParameters,
) -> Value {
    json!({
        "transaction": {
            "type": "invoke",
            "invoke": {
                "user_address": hex(user_address),
                "calls": calls.iter().map(|c| json!({
                    "to": hex(c.to),
                    "selector": hex(c.selector),
                    "calldata": c.calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            },
        },
        "parameters": parameters.to_json(),
    })
}

/// Reads SNIP-29 `CALL`s (`{to, selector, calldata}`), as a server receives them.
pub fn calls_from_json(v: &Value) -> Result<Vec<Call>, PaymasterError> {
    let bad = |what: String| PaymasterError::BadResponse(format!("calls: {what}"));
    v.as_array()
        .ok_or_else(|| bad("not a list".into()))?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let felt = |k: &str| {
                c.get(k)
                    .ok_or_else(|| bad(format!("call {i} has no {k}")))
                    .and_then(|x| number_felt(x).map_err(|e| bad(format!("call {i} {k}: {e}"))))
            };
            let calldata = c
                .get("calldata")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("call {i} has no calldata list")))?
                .iter()
                .map(|x| number_felt(x).map_err(|e| bad(format!("call {i} calldata: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call {
                to: felt("to")?,
                selector: felt("selector")?,
                calldata,
            })
        })
        .collect()
}

/// A felt as SNIP-29 writes it: 0x-hex.
pub(super) fn hex(f: Felt) -> String {
    format!("{f:#x}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sesame_core::calls::erc20_transfer;
    use sesame_core::felt::U256;
    use sesame_core::selector::selector_from_name;

    const TOKEN: Felt = Felt::from_hex_unchecked("0x1234");
    const ALICE: Felt = Felt::from_hex_unchecked("0xa11ce");

    fn pay(amount: u128) -> Call {
        erc20_transfer(TOKEN, ALICE, U256::from_u128(amount))
    }

    #[test]
    fn build_params_use_the_snip29_field_names() {
        let p = build_invoke_params(ALICE, &[pay(3)], &ExecutionParameters::paid_in(TOKEN));
        assert_eq!(p["transaction"]["type"], "invoke");
        assert_eq!(p["transaction"]["invoke"]["user_address"], "0xa11ce");
        let call = &p["transaction"]["invoke"]["calls"][0];
        assert_eq!(call["to"], "0x1234");
        assert_eq!(call["selector"], hex(selector_from_name("transfer")));
        assert_eq!(call["calldata"], json!(["0xa11ce", "0x3", "0x0"]));
        assert_eq!(
            p["parameters"],
            json!({"version": "0x1", "fee_mode": {"mode": "default", "gas_token": "0x1234"}})
        );
        assert_eq!(
            ExecutionParameters::sponsored().to_json(),
            json!({"version": "0x1", "fee_mode": {"mode": "sponsored"}})
        );
        assert_eq!(
            calls_from_json(&p["transaction"]["invoke"]["calls"]).unwrap(),
            vec![pay(3)]
        );
        let back = ExecutionParameters::from_json(&p["parameters"]).unwrap();
        assert_eq!(back, ExecutionParameters::paid_in(TOKEN));
    }
}
