//! Property tests of the typed-data checks, the security-critical part of the paymaster path:
//! a paymaster's build answer built from exactly the requested calls passes, and any single
//! tamper with what the account would execute (domain, types, calls, an extra call in
//! sponsored mode) is refused before anything is signed. Random bytes never panic the parser.
//!
//! `scripts/test.sh` fixes the seed and the budget (`PROPTEST_RNG_SEED`, `PROPTEST_CASES`).

use proptest::prelude::*;
use serde_json::{json, Value};
use sesame_core::outside::{Call, OutsideExecution};
use starknet_rust::core::types::Felt;

use super::checks::{outside_execution_typed_data, verify_build};
use super::{BuiltInvoke, ExecutionParameters, FeeEstimate};

const CHAIN: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941"); // SN_SEPOLIA

fn felt() -> impl Strategy<Value = Felt> {
    any::<[u8; 31]>().prop_map(|b| {
        let mut bytes = [0u8; 32];
        bytes[1..].copy_from_slice(&b);
        Felt::from_bytes_be(&bytes)
    })
}

fn call() -> impl Strategy<Value = Call> {
    (felt(), felt(), proptest::collection::vec(felt(), 0..5)).prop_map(
        |(to, selector, calldata)| Call {
            to,
            selector,
            calldata,
        },
    )
}

fn execution() -> impl Strategy<Value = OutsideExecution> {
    (felt(), felt(), proptest::collection::vec(call(), 1..4)).prop_map(|(caller, nonce, calls)| {
        OutsideExecution {
            caller,
            nonce,
            execute_after: 0,
            execute_before: 1_900_000_000,
            calls,
        }
    })
}

fn built(typed_data: Value) -> BuiltInvoke {
    BuiltInvoke {
        typed_data,
        parameters: json!({}),
        fee: FeeEstimate {
            gas_token_price_in_strk: Felt::ONE,
            estimated_fee_in_strk: Felt::ZERO,
            estimated_fee_in_gas_token: Felt::ZERO,
            suggested_max_fee_in_strk: Felt::ZERO,
            suggested_max_fee_in_gas_token: Felt::ZERO,
        },
    }
}

/// One change to what the account would execute, or to how the message is hashed.
#[derive(Debug, Clone)]
enum Tamper {
    DomainName(String),
    DomainVersion(u8),
    DomainChain(Felt),
    Revision(u8),
    PrimaryType(String),
    FieldType(usize),
    CallTo(usize, Felt),
    CallSelector(usize, Felt),
    CalldataChanged(usize, usize, Felt),
    CalldataAppended(usize, Felt),
    CallDropped(usize),
    CallAdded(Call),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        "[A-Za-z. ]{1,30}".prop_map(Tamper::DomainName),
        (0u8..10).prop_map(Tamper::DomainVersion),
        felt().prop_map(Tamper::DomainChain),
        (0u8..10).prop_map(Tamper::Revision),
        "[A-Za-z]{1,20}".prop_map(Tamper::PrimaryType),
        (0usize..5).prop_map(Tamper::FieldType),
        (any::<usize>(), felt()).prop_map(|(i, f)| Tamper::CallTo(i, f)),
        (any::<usize>(), felt()).prop_map(|(i, f)| Tamper::CallSelector(i, f)),
        (any::<usize>(), any::<usize>(), felt())
            .prop_map(|(i, j, f)| Tamper::CalldataChanged(i, j, f)),
        (any::<usize>(), felt()).prop_map(|(i, f)| Tamper::CalldataAppended(i, f)),
        any::<usize>().prop_map(Tamper::CallDropped),
        call().prop_map(Tamper::CallAdded),
    ]
}

/// Applies `t` to `td`; returns false when it happens to change nothing (e.g. the same value).
fn apply(td: &mut Value, t: &Tamper) -> bool {
    let hex = |f: &Felt| format!("{f:#x}");
    let before = td.clone();
    let calls = td["message"]["Calls"].as_array().map(Vec::len).unwrap_or(0);
    match t {
        Tamper::DomainName(n) => td["domain"]["name"] = json!(n),
        Tamper::DomainVersion(v) => td["domain"]["version"] = json!(v.to_string()),
        Tamper::DomainChain(c) => td["domain"]["chainId"] = json!(hex(c)),
        Tamper::Revision(r) => td["domain"]["revision"] = json!(r.to_string()),
        Tamper::PrimaryType(p) => td["primaryType"] = json!(p),
        Tamper::FieldType(i) => {
            td["types"]["OutsideExecution"][i]["type"] = json!("felt252");
        }
        Tamper::CallTo(i, f) => td["message"]["Calls"][i % calls]["To"] = json!(hex(f)),
        Tamper::CallSelector(i, f) => td["message"]["Calls"][i % calls]["Selector"] = json!(hex(f)),
        Tamper::CalldataChanged(i, j, f) => {
            let data = &mut td["message"]["Calls"][i % calls]["Calldata"];
            let len = data.as_array().map(Vec::len).unwrap_or(0);
            if len == 0 {
                return false;
            }
            data[j % len] = json!(hex(f));
        }
        Tamper::CalldataAppended(i, f) => {
            if let Some(a) = td["message"]["Calls"][i % calls]["Calldata"].as_array_mut() {
                a.push(json!(hex(f)));
            }
        }
        Tamper::CallDropped(i) => {
            if let Some(a) = td["message"]["Calls"].as_array_mut() {
                a.remove(i % calls);
            }
        }
        Tamper::CallAdded(c) => {
            if let Some(a) = td["message"]["Calls"].as_array_mut() {
                a.push(json!({
                    "To": hex(&c.to),
                    "Selector": hex(&c.selector),
                    "Calldata": c.calldata.iter().map(hex).collect::<Vec<_>>(),
                }));
            }
        }
    }
    *td != before
}

proptest! {
    #[test]
    fn an_honest_build_passes_and_parses_to_the_requested_execution(oe in execution()) {
        let td = outside_execution_typed_data(&oe, CHAIN);
        let parsed = verify_build(&built(td), CHAIN, &oe.calls, &ExecutionParameters::sponsored());
        prop_assert_eq!(parsed, Ok(oe));
    }

    #[test]
    fn any_tamper_with_what_would_execute_is_refused(oe in execution(), t in tamper()) {
        let mut td = outside_execution_typed_data(&oe, CHAIN);
        // A tamper that lands on the same value is no tamper; a domain name that differs only
        // in case is still another domain.
        prop_assume!(apply(&mut td, &t));
        let r = verify_build(&built(td), CHAIN, &oe.calls, &ExecutionParameters::sponsored());
        prop_assert!(r.is_err(), "{:?} was accepted", t);
    }

    #[test]
    fn random_json_never_panics_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
            let _ = verify_build(&built(v), CHAIN, &[], &ExecutionParameters::sponsored());
        }
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = verify_build(&built(json!({"types": text.clone(), "message": {"Calls": [text]}})), CHAIN, &[], &ExecutionParameters::sponsored());
    }
}
