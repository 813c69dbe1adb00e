//! `$CARGO_TARGET_DIR/debug/examples/devnet_roundtrip [N]` (built by `scripts/test.sh`): on one embedded devnet, the
//! median wall-clock round trip, over N samples each (default 100), of
//!   - a bare owner invoke (an ERC-20 transfer through `__execute__`, nonce + simulation +
//!     submit + receipt);
//!   - the relayed session transfer's **floor**: sign the OutsideExecution, submit with fixed
//!     resource bounds and a locally counted nonce, wait for the receipt;
//!   - the same transfer's **full path** through `sesame-app`, as the CLI and the desktop app
//!     run it: pick wallet and session, preflight (session, chain time, policies), unlock the
//!     key from the vault, sign, relayer nonce, simulation (first send of a shape only),
//!     submit, receipt, and the read that confirms the session's call count moved.
//! It prints full / floor. It is an example rather than a `cargo bench` target so it reuses the
//! dev build, whose hot dependencies (blockifier, cairo-vm) are optimised.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use sesame_app::{ExecMode, Network, RegisterParams, Sesame};
use sesame_chain::relay_call;
use sesame_core::felt::parse_felt;
use sesame_tests::{predeployed_key, session_key, Fixture};
use sesame_vault::{Argon2Params, MemoryStore, Pin, PrivateKey, SystemClock, Vault};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn stats(v: &[Duration]) -> String {
    let mut v = v.to_vec();
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

    // Bare owner invokes.
    let mut owner = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        fx.user.invoke(&[fx.transfer(1)]).await.unwrap();
        owner.push(t.elapsed());
    }

    // The floor: fx.relayer relays for fx.user with bounds fixed once and its own nonce count.
    let key = session_key(999);
    let valid_until = fx.register(&key, 36_000, (n + 10) as u32, &[]).await;
    let probe = fx.outside(vec![fx.transfer(1)], valid_until);
    let probe_sig = fx.sign_v2(&key, &probe, valid_until);
    let bounds = fx
        .relayer
        .estimate_bounds(&[relay_call(fx.user.address(), &probe, &probe_sig)])
        .await
        .unwrap();
    let mut nonce = fx.chain.nonce(fx.relayer.address()).await.unwrap();
    let mut floor = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let outside = fx.outside(vec![fx.transfer(1)], valid_until);
        let sig = fx.sign_v2(&key, &outside, valid_until);
        fx.relayer
            .invoke_with(
                &[relay_call(fx.user.address(), &outside, &sig)],
                bounds,
                Some(nonce),
            )
            .await
            .unwrap();
        nonce += sesame_core::Felt::ONE;
        floor.push(t.elapsed());
    }

    // The full path, through sesame-app with a vault (in memory: the keychain is not what is
    // measured here). The wallet is devnet's second account; the app's relayer is the first.
    let vault = Vault::new(Arc::new(MemoryStore::new()), Arc::new(SystemClock), "bench")
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap();
    let network = Network::resolve("devnet", Some(&fx.devnet.rpc_url())).unwrap();
    let app = Sesame::connect(Arc::new(vault), network).await.unwrap();
    let unlocked = app.create_vault(Pin::from("482915")).await.unwrap();
    let account = &fx.devnet.accounts()[1];
    let owner_key = PrivateKey::from_be_bytes(*predeployed_key(account).expose_be_bytes()).unwrap();
    app.wallet_import_key(&unlocked, account.address, owner_key)
        .await
        .unwrap();
    let created = app
        .session_create(&unlocked, Some(account.address), Some(36_000))
        .await
        .unwrap();
    let session = parse_felt(&created.session_public_key).unwrap();
    app.session_register(
        &unlocked,
        Some(account.address),
        Some(session),
        RegisterParams {
            max_calls: (n + 10) as u32,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut full = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        app.session_execute(
            &unlocked,
            Some(account.address),
            Some(session),
            vec![fx.transfer(1)],
            ExecMode::Relayer(None),
        )
        .await
        .unwrap();
        full.push(t.elapsed());
    }

    println!("owner invoke (bare)            {}", stats(&owner));
    println!("relayed session floor          {}", stats(&floor));
    println!("relayed session full path      {}", stats(&full));
    let ratio = median(full.clone()).as_secs_f64() / median(floor.clone()).as_secs_f64();
    println!("full / floor (medians)         {ratio:.2}x");
}
