//! `cargo bench -p sesame-core`: the SNIP-12 hash of an OutsideExecution and the 4-felt session
//! signature over it, for every case in the reference vectors (testdata/vectors). Prints the median per operation.

use std::time::{Duration, Instant};

use serde_json::Value;
use sesame_core::felt::{parse_felt, short_string};
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, OutsideExecution, SessionSignature};
use sesame_core::Felt;

fn felt(v: &Value) -> Felt {
    match v {
        Value::String(s) if s.starts_with("0x") => parse_felt(s).expect("hex"),
        Value::String(s) => short_string(s).expect("short string"),
        Value::Number(n) => Felt::from(n.as_u64().expect("u64")),
        other => panic!("not a felt: {other}"),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let path = format!(
        "{}/../../testdata/vectors/snip9_outside_execution_v2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).expect("json");
    let cases: Vec<(OutsideExecution, Felt, Felt, PrivateKey, u64)> = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let calls = c["calls"]
                .as_array()
                .expect("calls")
                .iter()
                .map(|k| Call {
                    to: felt(&k["to"]),
                    selector: felt(&k["selector"]),
                    calldata: k["calldata"]
                        .as_array()
                        .expect("cd")
                        .iter()
                        .map(felt)
                        .collect(),
                })
                .collect();
            let oe = OutsideExecution {
                caller: felt(&c["caller"]),
                nonce: felt(&c["nonce"]),
                execute_after: c["execute_after"].as_u64().expect("after"),
                execute_before: c["execute_before"].as_u64().expect("before"),
                calls,
            };
            let key =
                PrivateKey::from_hex(c["session_private_key"].as_str().expect("key")).expect("key");
            (
                oe,
                felt(&c["chain_id"]),
                felt(&c["account"]),
                key,
                c["execute_before"].as_u64().expect("b"),
            )
        })
        .collect();

    const ROUNDS: usize = 200;
    let mut hash_samples = Vec::new();
    let mut sign_samples = Vec::new();
    let mut total_samples = Vec::new();
    for _ in 0..ROUNDS {
        for (oe, chain, account, key, valid_until) in &cases {
            let t0 = Instant::now();
            let hash = std::hint::black_box(oe.message_hash(*chain, *account));
            let t1 = Instant::now();
            let sig = SessionSignature::sign(key, &hash, *valid_until).expect("sign");
            std::hint::black_box(sig);
            let t2 = Instant::now();
            hash_samples.push(t1 - t0);
            sign_samples.push(t2 - t1);
            total_samples.push(t2 - t0);
        }
    }
    let n = hash_samples.len();
    println!(
        "outside_execution: {} cases x {ROUNDS} rounds = {n} samples",
        cases.len()
    );
    println!(
        "  SNIP-12 message hash        median {:>9.1?}",
        median(hash_samples)
    );
    println!(
        "  session signature (RFC6979) median {:>9.1?}",
        median(sign_samples)
    );
    println!(
        "  hash + signature            median {:>9.1?}",
        median(total_samples)
    );
}
