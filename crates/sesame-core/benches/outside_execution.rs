//! `cargo bench -p sesame-core`: the SNIP-12 hash of an OutsideExecution and the 4-felt session
//! signature over it, next to starknet-crypto's bare sign of the same hashes, for every case in the reference vectors (testdata/vectors). Prints the median per operation.

use std::time::{Duration, Instant};

use serde_json::Value;
use sesame_core::felt::{parse_felt, short_string};
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, OutsideExecution, SessionSignature};
use sesame_core::Felt;
use starknet_rust_crypto::{rfc6979_generate_k, sign};

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

    // The floor: starknet-crypto's bare RFC 6979 sign of the same hashes (k generation + sign),
    // with no key parsing, no public key and no Sesame types around it.
    let bare: Vec<(Felt, Felt)> = cases
        .iter()
        .map(|(oe, chain, account, key, _)| {
            let scalar = Felt::from_bytes_be(key.expose_be_bytes());
            (scalar, oe.message_hash(*chain, *account))
        })
        .collect();
    // Sesame's signing path: the session's public key comes from its stored record, as in the
    // app, so it is derived once here too.
    let public_keys: Vec<Felt> = cases.iter().map(|c| c.3.public_key()).collect();

    const ROUNDS: usize = 200;
    let mut hash_samples = Vec::new();
    let mut sign_samples = Vec::new();
    let mut total_samples = Vec::new();
    let mut bare_samples = Vec::new();
    for _ in 0..ROUNDS {
        for ((oe, chain, account, key, valid_until), public_key) in cases.iter().zip(&public_keys) {
            let t0 = Instant::now();
            let hash = std::hint::black_box(oe.message_hash(*chain, *account));
            let t1 = Instant::now();
            let sig =
                SessionSignature::sign_as(key, *public_key, &hash, *valid_until).expect("sign");
            std::hint::black_box(sig);
            let t2 = Instant::now();
            hash_samples.push(t1 - t0);
            sign_samples.push(t2 - t1);
            total_samples.push(t2 - t0);
        }
        for (scalar, hash) in &bare {
            let t0 = Instant::now();
            let k = rfc6979_generate_k(hash, scalar, None);
            std::hint::black_box(sign(scalar, hash, &k).expect("bare sign"));
            bare_samples.push(t0.elapsed());
        }
    }
    let n = hash_samples.len();
    println!(
        "outside_execution: {} cases x {ROUNDS} rounds = {n} samples",
        cases.len()
    );
    let rows = [
        ("rust_hash_us", "SNIP-12 message hash", median(hash_samples)),
        (
            "rust_sign_us",
            "session signature (RFC6979)",
            median(sign_samples),
        ),
        (
            "rust_hash_sign_us",
            "hash + session signature",
            median(total_samples),
        ),
        (
            "rust_bare_sign_us",
            "bare starknet-crypto sign",
            median(bare_samples),
        ),
    ];
    for (_, label, d) in rows {
        println!("  {label:<28} median {d:>9.1?}");
    }
    // Machine-readable, for scripts/bench.sh.
    for (key, _, d) in rows {
        println!("{key}={:.1}", d.as_secs_f64() * 1e6);
    }
}
