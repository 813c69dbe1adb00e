//! `cargo run -p sesame-tests --example devnet_roundtrip [-- N]`: on one embedded devnet,
//! the median wall-clock round trip (nonce + simulation + submit + receipt) of
//!   - a bare owner invoke (an ERC-20 transfer through `__execute__`), and
//!   - a relayed session execute (sign the OutsideExecution, relayer submits
//!     `execute_from_outside_v2`, wait for the receipt),
//! over N samples each (default 100). It is an example rather than a `cargo bench` target so it
//! reuses the dev build, whose dependencies (blockifier, cairo-vm) are already optimised.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use sesame_tests::{session_key, Fixture};

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let pct = |p: usize| v[(v.len() - 1) * p / 100];
    format!(
        "median {:>7.2?}  p10 {:>7.2?}  p90 {:>7.2?}  (n={})",
        pct(50),
        pct(10),
        pct(90),
        v.len()
    )
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100);
    let t = Instant::now();
    let fx = Fixture::start().await;
    println!(
        "devnet started in {:?} ({:?} including the client)",
        fx.devnet.started_in(),
        t.elapsed()
    );
    let key = session_key(999);
    let valid_until = fx.register(&key, 36_000, (n + 10) as u32, &[]).await;

    let mut owner = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        fx.user.invoke(&[fx.transfer(1)]).await.unwrap();
        owner.push(t.elapsed());
    }
    let mut relayed = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        fx.relay(&key, vec![fx.transfer(1)], valid_until)
            .await
            .unwrap();
        relayed.push(t.elapsed());
    }
    println!("owner invoke (bare)        {}", stats(owner));
    println!("relayed session execute    {}", stats(relayed));
}
