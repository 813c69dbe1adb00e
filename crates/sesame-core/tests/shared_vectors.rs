//! Known-answer tests against `testdata/vectors`, produced by starknet.js 10.8: matching them
//! byte for byte is what lets Sesame talk to real CHIPI wallets, relayers and paymasters.

use serde_json::Value;
use sesame_core::felt::parse_felt;
use sesame_core::keys::{verify_signature, PrivateKey};
use sesame_core::outside::{Call, OutsideExecution, SessionSignature};
use sesame_core::selector::selector_from_name;
use sesame_core::Felt;

fn vectors(name: &str) -> Value {
    let path = format!(
        "{}/../../testdata/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).expect("vector file is JSON")
}

fn felt(v: &Value) -> Felt {
    match v {
        Value::String(s) if s.starts_with("0x") => parse_felt(s).expect("hex felt"),
        Value::String(s) => sesame_core::felt::short_string(s).expect("short string"),
        Value::Number(n) => Felt::from(n.as_u64().expect("u64")),
        other => panic!("not a felt: {other}"),
    }
}

fn outside_execution(case: &Value) -> OutsideExecution {
    let calls = case["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .map(|c| {
            let selector = felt(&c["selector"]);
            let entrypoint = c["entrypoint"].as_str().expect("entrypoint");
            assert_eq!(
                selector_from_name(entrypoint),
                selector,
                "selector of {entrypoint}"
            );
            Call {
                to: felt(&c["to"]),
                selector,
                calldata: c["calldata"]
                    .as_array()
                    .expect("calldata")
                    .iter()
                    .map(felt)
                    .collect(),
            }
        })
        .collect();
    OutsideExecution {
        caller: felt(&case["caller"]),
        nonce: felt(&case["nonce"]),
        execute_after: case["execute_after"].as_u64().expect("after"),
        execute_before: case["execute_before"].as_u64().expect("before"),
        calls,
    }
}

#[test]
fn outside_execution_hashes_match_starknet_js_for_every_case() {
    let v = vectors("snip9_outside_execution_v2.json");
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20);
    for (i, case) in cases.iter().enumerate() {
        let oe = outside_execution(case);
        let hash = oe.message_hash(felt(&case["chain_id"]), felt(&case["account"]));
        assert_eq!(hash, felt(&case["message_hash"]), "case {i}");
    }
}

#[test]
fn session_signatures_match_starknet_js_byte_for_byte() {
    let v = vectors("snip9_outside_execution_v2.json");
    for (i, case) in v["cases"].as_array().expect("cases").iter().enumerate() {
        let key = PrivateKey::from_hex(case["session_private_key"].as_str().expect("key"))
            .expect("valid key");
        assert_eq!(
            key.public_key(),
            felt(&case["session_public_key"]),
            "case {i} public key"
        );
        let hash = felt(&case["message_hash"]);
        let sig = SessionSignature::sign(
            &key,
            &hash,
            case["execute_before"].as_u64().expect("before"),
        )
        .expect("signs");
        let expected: Vec<Felt> = case["session_signature"]
            .as_array()
            .expect("sig")
            .iter()
            .map(felt)
            .collect();
        assert_eq!(sig.to_felts().to_vec(), expected, "case {i}");
        assert_eq!(sig.signature.r, felt(&case["signature_r"]));
        assert_eq!(sig.signature.s, felt(&case["signature_s"]));
    }
}

#[test]
fn a_changed_field_changes_the_hash_so_the_vector_signature_no_longer_verifies() {
    let v = vectors("snip9_outside_execution_v2.json");
    for case in v["cases"].as_array().expect("cases") {
        let mut oe = outside_execution(case);
        oe.nonce += Felt::ONE;
        let hash = oe.message_hash(felt(&case["chain_id"]), felt(&case["account"]));
        assert_ne!(hash, felt(&case["message_hash"]));
        let pubkey = felt(&case["session_public_key"]);
        let sig = sesame_core::keys::Signature {
            r: felt(&case["signature_r"]),
            s: felt(&case["signature_s"]),
        };
        assert!(verify_signature(
            &pubkey,
            &felt(&case["message_hash"]),
            &sig
        ));
        assert!(!verify_signature(&pubkey, &hash, &sig));
    }
}

#[test]
fn stark_keys_and_rfc6979_signatures_match_starknet_js() {
    let v = vectors("stark_keys_and_signatures.json");
    let cases = v["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for (i, case) in cases.iter().enumerate() {
        let key = PrivateKey::from_hex(case["private_key"].as_str().expect("key")).expect("valid");
        assert_eq!(key.public_key(), felt(&case["public_key"]), "case {i}");
        let sig = key.sign(&felt(&case["message_hash"])).expect("signs");
        assert_eq!(
            (sig.r, sig.s),
            (felt(&case["r"]), felt(&case["s"])),
            "case {i}"
        );
        // Negative: the signature is bound to the hash.
        let other = felt(&case["message_hash"]) + Felt::ONE;
        assert!(!verify_signature(&key.public_key(), &other, &sig));
    }
}
