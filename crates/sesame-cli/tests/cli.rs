//! The `sesame` binary end to end with `--json`: a real devnet per test, the real OS keychain
//! (run under scripts/with-keyring.sh, which sets SESAME_KEYCHAIN_TESTS=1), the chain state
//! asserted after each step. Without a keychain session these tests skip with a message.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use sesame_core::felt::parse_felt;
use sesame_core::outside::Call;
use sesame_core::Felt;
use sesame_devnet::DevnetConfig;
use sesame_tests::Fixture;

const PIN: &str = "2468";

fn keychain_available() -> bool {
    if std::env::var("SESAME_KEYCHAIN_TESTS").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("SKIPPED: needs the OS keychain; run under scripts/with-keyring.sh");
    false
}

/// One CLI user: a profile of its own in the keychain, pointed at one devnet.
struct User {
    rpc: String,
    profile: String,
    /// Extra environment for the child process only (e.g. a paymaster API key).
    env: Vec<(String, String)>,
    /// Everything the CLI printed, stdout and stderr, to search for leaked secrets.
    transcript: std::sync::Mutex<String>,
}

static N: AtomicU32 = AtomicU32::new(0);

impl User {
    fn new(fx: &Fixture) -> User {
        let profile = format!(
            "cli-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        User {
            rpc: fx.devnet.rpc_url(),
            profile,
            env: Vec::new(),
            transcript: Default::default(),
        }
    }

    /// Runs `sesame --json ARGS` with `stdin_lines` on standard input; returns (success, JSON).
    fn run_with(&self, args: &[&str], stdin_lines: &[&str]) -> (bool, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesame"))
            .args([
                "--json",
                "--network",
                "devnet",
                "--rpc",
                &self.rpc,
                "--profile",
                &self.profile,
                "--pin-stdin",
            ])
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        for line in stdin_lines {
            writeln!(stdin, "{line}").unwrap();
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        {
            let mut t = self.transcript.lock().unwrap();
            t.push_str(&text);
            t.push_str(&String::from_utf8_lossy(&out.stderr));
        }
        let value: Value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
            panic!(
                "not one JSON object ({e}): {text} / {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.success(), value)
    }

    /// Runs with the PIN and expects success.
    fn ok(&self, args: &[&str]) -> Value {
        let (ok, v) = self.run_with(args, &[PIN]);
        assert!(ok, "sesame {args:?} failed: {v}");
        v
    }

    /// Runs with the PIN and expects the error `code`.
    fn fails(&self, args: &[&str], code: &str) -> Value {
        let (ok, v) = self.run_with(args, &[PIN]);
        assert!(!ok, "sesame {args:?} should fail with {code}: {v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().len() > 10);
        v
    }
}

fn felt(v: &Value) -> Felt {
    parse_felt(v.as_str().unwrap()).unwrap()
}

fn transfer_arg(to: Felt, amount: u64) -> String {
    format!("strk:transfer:{to:#x},u256:{amount}")
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test]
async fn the_full_lifecycle_through_the_cli_matches_the_chain_at_every_step() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = User::new(&fx);

    let user = std::sync::Arc::new(user);
    let w = {
        let user = user.clone();
        blocking(move || user.ok(&["wallet", "create"])).await
    };
    assert_eq!(w["deployed"], true);
    assert_eq!(w["supports_sessions"], true);
    // Minted 100 STRK, minus the deployment fee the new account paid itself.
    let balance: u128 = w["strk_balance"].as_str().unwrap().parse().unwrap();
    assert!(
        balance < 100 * 10u128.pow(18) && balance > 99 * 10u128.pow(18),
        "{balance}"
    );
    let wallet = felt(&w["address"]);

    let s = {
        let user = user.clone();
        blocking(move || user.ok(&["session", "create", "--duration", "3600"])).await
    };
    assert_eq!(s["state"], "created");
    let key = felt(&s["session_public_key"]);
    assert!(!fx
        .chain
        .session_data(wallet, key)
        .await
        .unwrap()
        .is_registered());

    let r = {
        let user = user.clone();
        blocking(move || user.ok(&["session", "register", "--max-calls", "5"])).await
    };
    assert_eq!(r["status"]["state"], "active");
    assert_eq!(r["status"]["remaining_calls"], 5);
    assert!(r["tx"]["tx_hash"].as_str().unwrap().starts_with("0x"));
    let chain = fx.chain.session_data(wallet, key).await.unwrap();
    assert!(chain.is_active);
    assert_eq!(chain.remaining_calls, 5);

    let before_wallet = fx.strk(wallet).await;
    let before_recipient = fx.strk(fx.recipient).await;
    let call = transfer_arg(fx.recipient, 1_000);
    let e = {
        let user = user.clone();
        blocking(move || user.ok(&["session", "execute", "--call", &call])).await
    };
    assert_eq!(e["mode"], "relayer");
    assert_eq!(e["remaining_calls"], 4);
    assert_eq!(fx.strk(fx.recipient).await, before_recipient + 1_000);
    assert_eq!(
        fx.strk(wallet).await,
        before_wallet - 1_000,
        "gasless: the wallet pays only the transfer"
    );
    assert_eq!(
        fx.chain
            .session_data(wallet, key)
            .await
            .unwrap()
            .remaining_calls,
        4
    );

    let st = {
        let user = user.clone();
        blocking(move || user.ok(&["session", "status"])).await
    };
    assert_eq!(
        (st["state"].as_str(), st["remaining_calls"].as_u64()),
        (Some("active"), Some(4))
    );
    for field in [
        "is_active",
        "valid_until",
        "allowed_entrypoints",
        "session_public_key",
        "wallet",
    ] {
        assert!(st.get(field).is_some(), "status lacks {field}: {st}");
    }

    let rv = {
        let user = user.clone();
        blocking(move || user.ok(&["session", "revoke"])).await
    };
    assert_eq!(rv["status"]["state"], "revoked");
    assert!(!fx
        .chain
        .session_data(wallet, key)
        .await
        .unwrap()
        .is_registered());
    let call = transfer_arg(fx.recipient, 1);
    {
        let user = user.clone();
        blocking(move || user.fails(&["session", "execute", "--call", &call], "SESSION_REVOKED"))
            .await
    };
    assert_eq!(
        fx.strk(fx.recipient).await,
        before_recipient + 1_000,
        "nothing was sent"
    );
}

#[tokio::test]
async fn preflight_refuses_before_anything_is_signed_or_sent() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let w = {
        let u = user.clone();
        blocking(move || u.ok(&["wallet", "create"])).await
    };
    let wallet = felt(&w["address"]);
    let recipient = fx.recipient;
    let u = user.clone();
    blocking(move || {
        u.ok(&["session", "create", "--duration", "600"]);
        u.ok(&[
            "session",
            "register",
            "--max-calls",
            "1",
            "--allow",
            "strk:transfer",
        ]);
        // Outside the scope: another entrypoint on the token, the same one on another token.
        u.fails(
            &["session", "execute", "--call", "strk:approve:0x1,u256:5"],
            "SESSION_CALL_NOT_IN_SCOPE",
        );
        u.fails(
            &["session", "execute", "--call", "eth:transfer:0x1,u256:5"],
            "SESSION_CALL_NOT_IN_SCOPE",
        );
        // An admin entrypoint, even on the wallet itself.
        let admin = format!("{wallet:#x}:revoke_session_key:0x1");
        u.fails(
            &["session", "execute", "--call", &admin],
            "SESSION_ADMIN_ENTRYPOINT",
        );
        // A spending cap.
        u.ok(&[
            "session",
            "policy",
            "set",
            "--token",
            "strk",
            "--max-per-call",
            "10",
            "--max-per-window",
            "20",
            "--window",
            "600",
        ]);
        let over = transfer_arg(recipient, 11);
        u.fails(
            &["session", "execute", "--call", &over],
            "SESSION_SPENDING_LIMIT_PER_CALL",
        );
        let p = u.ok(&["session", "policy", "get", "--token", "strk"]);
        assert_eq!(
            (p["max_per_call"].as_str(), p["window_seconds"].as_u64()),
            (Some("10"), Some(600))
        );
        // Within every rule: the one call left is used.
        let fine = transfer_arg(recipient, 10);
        u.ok(&["session", "execute", "--call", &fine]);
        u.fails(
            &["session", "execute", "--call", &fine],
            "SESSION_MAX_CALLS_EXCEEDED",
        );
    })
    .await;
    assert_eq!(
        fx.remaining(&sesame_tests::session_key(0)).await,
        0,
        "an unknown key has nothing"
    );

    // Self-calls with an empty allowlist, then expiry.
    let u = user.clone();
    blocking(move || {
        u.ok(&["session", "create", "--duration", "600"]);
        // Broad, with an allowlist: another entrypoint is refused on every contract.
        u.ok(&[
            "session",
            "register",
            "--max-calls",
            "10",
            "--allow-any-contract",
            "--allow",
            "transfer",
        ]);
        u.fails(
            &["session", "execute", "--call", "eth:approve:0x1,u256:5"],
            "SESSION_ENTRYPOINT_NOT_ALLOWED",
        );
        u.ok(&["session", "create", "--duration", "600"]);
        // Broad with no allowlist: still never the account itself.
        u.ok(&[
            "session",
            "register",
            "--max-calls",
            "10",
            "--allow-any-contract",
        ]);
        let selfcall = format!("{wallet:#x}:get_public_key");
        u.fails(
            &["session", "execute", "--call", &selfcall],
            "SESSION_SELF_CALL_BLOCKED",
        );
    })
    .await;
    fx.dev.increase_time(601).await.unwrap();
    let u = user.clone();
    let call = transfer_arg(recipient, 1);
    blocking(move || u.fails(&["session", "execute", "--call", &call], "SESSION_EXPIRED")).await;
}

#[tokio::test]
async fn two_sessions_live_side_by_side_and_revoke_all_ends_both() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let recipient = fx.recipient;
    let u = user.clone();
    let (first, second) = blocking(move || {
        u.ok(&["wallet", "create"]);
        let a = u.ok(&["session", "create"]);
        u.ok(&["session", "register", "--max-calls", "3"]);
        let b = u.ok(&["session", "create"]);
        u.ok(&["session", "register", "--max-calls", "7"]);
        let a_key = a["session_public_key"].as_str().unwrap().to_string();
        let call = transfer_arg(recipient, 3);
        u.ok(&["--session", &a_key, "session", "execute", "--call", &call]);
        (a, b)
    })
    .await;
    let u = user.clone();
    let list = blocking(move || u.ok(&["session", "list"])).await;
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        sessions[0]["session_public_key"],
        first["session_public_key"]
    );
    assert_eq!(
        (
            sessions[0]["remaining_calls"].as_u64(),
            sessions[1]["remaining_calls"].as_u64()
        ),
        (Some(2), Some(7))
    );
    assert!(sessions.iter().all(|s| s["state"] == "active"));

    let u = user.clone();
    let all = blocking(move || u.ok(&["session", "revoke-all"])).await;
    assert!(all["tx"]["tx_hash"].is_string());
    assert!(
        all["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "revoked"),
        "{all}"
    );
    let wallet = felt(&sessions[0]["wallet"]);
    for s in [&first, &second] {
        let word = fx
            .chain
            .call(
                wallet,
                "get_session_status",
                vec![felt(&s["session_public_key"])],
            )
            .await
            .unwrap();
        assert_eq!(
            word,
            vec![sesame_core::felt::short_string("revoked").unwrap()]
        );
    }
    // On v2 revoke-all is one O(1) call that also ends sessions this device never saw, so it
    // is always sent; a session registered afterwards works.
    let call = transfer_arg(fx.recipient, 1);
    let u = user.clone();
    let (again, fresh) = blocking(move || {
        let again = u.ok(&["session", "revoke-all"]);
        u.ok(&["session", "create"]);
        u.ok(&["session", "register"]);
        (again, u.ok(&["session", "execute", "--call", &call]))
    })
    .await;
    assert!(again["tx"]["tx_hash"].is_string(), "{again}");
    assert!(fresh["tx_hash"].is_string(), "{fresh}");
}

#[tokio::test]
async fn a_signed_outside_execution_from_the_cli_is_relayed_by_another_account() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let recipient = fx.recipient;
    let caller = fx.relayer.address();
    let u = user.clone();
    let signed = blocking(move || {
        u.ok(&["wallet", "create"]);
        u.ok(&["session", "create"]);
        u.ok(&["session", "register"]);
        let call = transfer_arg(recipient, 42);
        u.ok(&[
            "session",
            "sign-outside",
            "--call",
            &call,
            "--caller",
            &format!("{caller:#x}"),
        ])
    })
    .await;
    assert_eq!(signed["signature"].as_array().unwrap().len(), 4);
    let account = felt(&signed["account"]);
    let calldata: Vec<Felt> = signed["calldata"]
        .as_array()
        .unwrap()
        .iter()
        .map(felt)
        .collect();
    let before = fx.strk(recipient).await;
    // Any third party can submit it: here the second funded account, named as the caller.
    fx.relayer
        .invoke(&[Call::new(
            account,
            "execute_from_outside_v2",
            calldata.clone(),
        )])
        .await
        .unwrap();
    assert_eq!(fx.strk(recipient).await, before + 42);
    // And only once.
    let replay = fx
        .relayer
        .invoke(&[Call::new(account, "execute_from_outside_v2", calldata)])
        .await;
    assert!(replay
        .unwrap_err()
        .reason()
        .unwrap()
        .contains("duplicate nonce"));
}

#[tokio::test]
async fn a_scoped_session_with_recipients_and_a_cap_is_registered_in_one_transaction() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    let w = blocking(move || {
        let w = u.ok(&["wallet", "create"]);
        u.ok(&["session", "create"]);
        w
    })
    .await;
    let wallet = felt(&w["address"]);
    assert_eq!(
        (w["account_class"].as_str(), w["scoped_sessions"].as_bool()),
        (Some("sesame-v2"), Some(true))
    );
    let nonce_before = fx.chain.nonce(wallet).await.unwrap();
    let friend = format!("strk:{:#x}", fx.recipient);
    let u = user.clone();
    let r = blocking(move || {
        u.ok(&[
            "session",
            "register",
            "--max-calls",
            "5",
            "--allow",
            "strk:transfer",
            "--allow-recipient",
            &friend,
            "--limit",
            "strk:1000:5000:3600",
        ])
    })
    .await;
    println!(
        "register, scope + recipient rule + spending cap in one multicall: fee {} {}",
        r["tx"]["fee"], r["tx"]["fee_unit"]
    );
    // Registration, cap and recipients: exactly one owner transaction.
    assert_eq!(
        fx.chain.nonce(wallet).await.unwrap(),
        nonce_before + Felt::ONE
    );
    let s = &r["status"];
    assert_eq!(
        (s["state"].as_str(), s["broad"].as_bool()),
        (Some("active"), Some(false)),
        "{s}"
    );
    assert_eq!(s["scope"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(
        (
            s["scope"][0]["contract_name"].as_str(),
            s["scope"][0]["entrypoint"].as_str()
        ),
        (Some("STRK"), Some("transfer"))
    );
    assert_eq!(
        felt(&s["recipients"][0]["recipients"][0]),
        fx.recipient,
        "{s}"
    );
    let u = user.clone();
    let p = blocking(move || u.ok(&["session", "policy", "get", "--token", "strk"])).await;
    assert_eq!(p["max_per_call"], "1000");

    // The listed recipient gets paid.
    let paid_before = fx.strk(fx.recipient).await;
    let to_friend = transfer_arg(fx.recipient, 500);
    let u = user.clone();
    let e = blocking(move || u.ok(&["session", "execute", "--call", &to_friend])).await;
    assert_eq!(e["remaining_calls"], 4);
    assert_eq!(fx.strk(fx.recipient).await, paid_before + 500);

    // Anyone else, or anything outside the scope, is refused before anything is signed.
    let stranger = fx.devnet.accounts()[0].address;
    let (wallet_before, relayer_nonce) = (
        fx.strk(wallet).await,
        fx.chain.nonce(fx.relayer.address()).await.unwrap(),
    );
    let to_stranger = transfer_arg(stranger, 500);
    let eth = format!("eth:transfer:{:#x},u256:1", fx.recipient);
    let u = user.clone();
    let (refused, out_of_scope, status) = blocking(move || {
        (
            u.fails(
                &["session", "execute", "--call", &to_stranger],
                "SESSION_RECIPIENT_NOT_ALLOWED",
            ),
            u.fails(
                &["session", "execute", "--call", &eth],
                "SESSION_CALL_NOT_IN_SCOPE",
            ),
            u.ok(&["session", "status"]),
        )
    })
    .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("recipients"),
        "{refused}"
    );
    assert!(
        out_of_scope["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ETH"),
        "{out_of_scope}"
    );
    assert_eq!(status["remaining_calls"], 4);
    assert_eq!(fx.strk(wallet).await, wallet_before);
    assert_eq!(
        fx.chain.nonce(fx.relayer.address()).await.unwrap(),
        relayer_nonce,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_broad_session_needs_the_explicit_flag_and_direct_mode_is_gone() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    let (bare, broad) = blocking(move || {
        u.ok(&["wallet", "create"]);
        u.ok(&["session", "create"]);
        // An entrypoint without a contract is not a scope.
        let bare = u.fails(
            &["session", "register", "--allow", "transfer"],
            "INVALID_ARGUMENT",
        );
        let broad = u.ok(&[
            "session",
            "register",
            "--allow-any-contract",
            "--allow",
            "transfer",
        ]);
        (bare, broad)
    })
    .await;
    assert!(
        bare["error"]["message"]
            .as_str()
            .unwrap()
            .contains("CONTRACT:ENTRYPOINT"),
        "{bare}"
    );
    let s = &broad["status"];
    assert_eq!(
        (s["broad"].as_bool(), s["scope"].as_array().map(Vec::len)),
        (Some(true), Some(0)),
        "{s}"
    );
    assert_eq!(s["allowed_entrypoints"][0]["name"], "transfer");
    // The session never signs the account's own transaction: the flag no longer exists.
    let out = Command::new(env!("CARGO_BIN_EXE_sesame"))
        .args([
            "session",
            "execute",
            "--direct",
            "--call",
            "strk:transfer:0x1,u256:1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--direct"));
}

#[tokio::test]
async fn rotating_the_owner_key_ends_every_session_and_the_new_key_takes_over() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    let w = blocking(move || {
        let w = u.ok(&["wallet", "create"]);
        u.ok(&["session", "create"]);
        u.ok(&["session", "register"]);
        w
    })
    .await;
    let wallet = felt(&w["address"]);
    let old_key = felt(&w["public_key"]);
    let u = user.clone();
    let r = blocking(move || u.ok(&["wallet", "rotate-key"])).await;
    assert_eq!(r["sessions_ended"], 1, "{r}");
    assert!(r["notice"].as_str().unwrap().contains("every session"));
    let new_key = felt(&r["wallet"]["public_key"]);
    assert_ne!(new_key, old_key);
    let on_chain = fx
        .chain
        .call(wallet, "get_public_key", vec![])
        .await
        .unwrap();
    assert_eq!(on_chain, vec![new_key], "the chain answers to the new key");
    let call = transfer_arg(fx.recipient, 1);
    let u = user.clone();
    let (status, refused, fresh) = blocking(move || {
        let status = u.ok(&["session", "status"]);
        let refused = u.fails(&["session", "execute", "--call", &call], "SESSION_REVOKED");
        // The new key signs the next registration.
        u.ok(&["session", "create"]);
        let fresh = u.ok(&["session", "register"]);
        u.ok(&["session", "execute", "--call", &call]);
        (status, refused, fresh)
    })
    .await;
    assert_eq!(status["state"], "revoked", "{status}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("revoked"));
    assert_eq!(fresh["status"]["state"], "active");
}

#[tokio::test]
async fn a_v1_wallet_gets_broad_sessions_only_and_no_rotation() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start_v1().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let account = fx.devnet.accounts()[0].clone();
    let address = format!("{:#x}", account.address);
    let key = format!("{:#x}", account.private_key);
    let u = user.clone();
    let (imported, scoped, rotate, broad) = blocking(move || {
        let (ok, imported) = u.run_with(&["wallet", "import", "--address", &address], &[PIN, &key]);
        assert!(ok, "{imported}");
        u.ok(&["session", "create"]);
        let scoped = u.fails(&["session", "register"], "SCOPE_UNSUPPORTED");
        let rotate = u.fails(&["wallet", "rotate-key"], "UNSUPPORTED_BY_WALLET");
        let broad = u.ok(&[
            "session",
            "register",
            "--allow-any-contract",
            "--allow",
            "transfer",
        ]);
        (imported, scoped, rotate, broad)
    })
    .await;
    assert_eq!(
        (
            imported["account_class"].as_str(),
            imported["scoped_sessions"].as_bool()
        ),
        (Some("sesame-v1"), Some(false))
    );
    assert!(
        scoped["error"]["message"]
            .as_str()
            .unwrap()
            .contains("every"),
        "{scoped}"
    );
    assert!(
        rotate["error"]["message"].as_str().unwrap().contains("v2"),
        "{rotate}"
    );
    assert_eq!(broad["status"]["broad"], true);
}

#[tokio::test]
async fn a_wrong_pin_an_unknown_session_and_a_down_rpc_are_clear_errors() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    blocking(move || {
        u.ok(&["wallet", "create"]);
        let (ok, v) = u.run_with(&["session", "create"], &["9999"]);
        assert!(!ok);
        assert_eq!(v["error"]["code"], "WRONG_PIN_OR_DAMAGED_DATA");
        assert!(!v.to_string().contains(PIN));
        u.fails(
            &["--session", "0x123", "session", "status"],
            "SESSION_NOT_FOUND",
        );
        u.fails(&["session", "status"], "NO_SESSION");
        let down = User {
            rpc: "http://127.0.0.1:9/rpc".into(),
            profile: u.profile.clone(),
            env: Vec::new(),
            transcript: Default::default(),
        };
        down.fails(&["wallet", "list"], "RPC_UNAVAILABLE");
    })
    .await;
}

#[tokio::test]
async fn an_account_without_session_support_is_refused_on_import() {
    if !keychain_available() {
        return;
    }
    // A chain whose accounts are OpenZeppelin's: no session keys.
    let fx = Fixture::start_with(DevnetConfig {
        account_class_sierra: None,
        ..DevnetConfig::default()
    })
    .await;
    let user = User::new(&fx);
    let oz = fx.devnet.accounts()[2].clone();
    let v = blocking(move || {
        let key = format!("{:#x}", oz.private_key);
        let (ok, v) = user.run_with(
            &[
                "wallet",
                "import",
                "--address",
                &format!("{:#x}", oz.address),
            ],
            &[PIN, &key],
        );
        assert!(!ok);
        assert_eq!(v["error"]["code"], "INVALID_WALLET_TYPE_FOR_SESSION", "{v}");
        assert!(!v.to_string().contains(&key), "the key is never echoed");
        v
    })
    .await;
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("session keys"));
}

#[tokio::test]
async fn the_paymaster_path_sends_gasless_and_a_wrong_api_key_is_refused() {
    if !keychain_available() {
        return;
    }
    use sesame_tests::paymaster_server::{PaymasterServer, PaymasterServerConfig, TEST_API_KEY};
    let fx = Fixture::start().await;
    let server = PaymasterServer::start(&fx.relayer, PaymasterServerConfig::default())
        .await
        .unwrap();
    let url = server.url().to_string();
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    let w = blocking(move || {
        let w = u.ok(&["wallet", "create"]);
        u.ok(&["session", "create"]);
        u.ok(&["session", "register", "--max-calls", "5"]);
        w
    })
    .await;
    let wallet = felt(&w["address"]);
    let before = fx.strk(wallet).await;
    let before_recipient = fx.strk(fx.recipient).await;
    let call = transfer_arg(fx.recipient, 321);

    let with_key = |key: &str| User {
        rpc: user.rpc.clone(),
        profile: user.profile.clone(),
        env: vec![("SESAME_PAYMASTER_API_KEY".to_string(), key.to_string())],
        transcript: Default::default(),
    };
    let (u, c, p) = (with_key("not-the-key"), call.clone(), url.clone());
    blocking(move || {
        u.fails(
            &["session", "execute", "--paymaster", &p, "--call", &c],
            "PAYMASTER_INVALID_API_KEY",
        )
    })
    .await;
    assert_eq!(fx.strk(fx.recipient).await, before_recipient);

    let (u, c, p) = (with_key(TEST_API_KEY), call.clone(), url.clone());
    let e = blocking(move || u.ok(&["session", "execute", "--paymaster", &p, "--call", &c])).await;
    assert_eq!(
        (e["mode"].as_str(), e["remaining_calls"].as_u64()),
        (Some("paymaster"), Some(4))
    );
    assert_eq!(fx.strk(fx.recipient).await, before_recipient + 321);
    assert_eq!(
        fx.strk(wallet).await,
        before - 321,
        "the paymaster paid the fee"
    );
    assert_eq!(server.executions(), 1);
}

#[tokio::test]
async fn a_chipi_wallet_imports_with_its_encrypt_key_and_a_wrong_key_is_refused() {
    if !keychain_available() {
        return;
    }
    use sesame_chain::class::{counterfactual_address, deploy_account};
    let fx = Fixture::start().await;
    // A Chipi WalletData from the reference vectors (testdata/vectors) (crypto-es 2.1), and its account on devnet.
    let path = format!(
        "{}/../../testdata/vectors/chipi_cryptojs_envelopes.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = &vectors["cases"][1];
    let key = std::sync::Arc::new(
        sesame_core::keys::PrivateKey::from_hex(case["plaintext_private_key"].as_str().unwrap())
            .unwrap(),
    );
    let class = fx.devnet.account_class_hash();
    let address = counterfactual_address(class, key.public_key(), key.public_key());
    fx.dev.mint_strk(address, 10u128.pow(20)).await.unwrap();
    deploy_account(&fx.chain, class, key.clone(), key.public_key())
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("chipi-wallet-{}.json", std::process::id()));
    let wallet_data = serde_json::json!({
        "publicKey": case["public_key"],
        "encryptedPrivateKey": case["encrypted_private_key"],
    });
    std::fs::write(&file, wallet_data.to_string()).unwrap();
    let encrypt_key = case["encrypt_key"].as_str().unwrap().to_string();

    let user = User::new(&fx);
    let v = blocking(move || {
        let args = [
            "wallet",
            "import",
            "--address",
            &format!("{address:#x}"),
            "--chipi",
            file.to_str().unwrap(),
        ];
        let (ok, wrong) = user.run_with(&args, &[PIN, "not-the-encrypt-key"]);
        assert!(!ok);
        assert_eq!(
            wrong["error"]["code"], "SESSION_DECRYPTION_FAILED",
            "{wrong}"
        );
        let (ok, v) = user.run_with(&args, &[PIN, &encrypt_key]);
        assert!(ok, "{v}");
        let _ = std::fs::remove_file(&file);
        v
    })
    .await;
    assert_eq!(felt(&v["address"]), address);
    assert_eq!(felt(&v["public_key"]), key.public_key());
    assert_eq!(
        (v["deployed"].as_bool(), v["supports_sessions"].as_bool()),
        (Some(true), Some(true))
    );
}

const NEW_PIN: &str = "8642";
const PASSPHRASE: &str = "a long backup passphrase for tests";

/// Drives the user's vault to a PIN lockout: ten wrong PINs through the vault API, with a
/// clock that jumps an hour per reading so the backoff (two minutes of real waiting between
/// the 3rd and the 10th try) passes at once. Everything else about the vault is real.
fn lock_out(profile: &str) {
    struct HourPerRead(std::sync::atomic::AtomicU64);
    impl sesame_vault::Clock for HourPerRead {
        fn now_unix(&self) -> u64 {
            self.0.fetch_add(3_600, Ordering::SeqCst)
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let store = std::sync::Arc::new(sesame_vault::KeychainStore::connect().unwrap());
    let clock = std::sync::Arc::new(HourPerRead(std::sync::atomic::AtomicU64::new(now)));
    let vault = sesame_vault::Vault::new(store, clock, profile).unwrap();
    for _ in 0..10 {
        let _ = vault.unlock_with_pin(&sesame_vault::Pin::from("0000"));
    }
    assert!(vault.attempt_status().unwrap().locked_out);
}

#[tokio::test]
async fn a_locked_out_vault_comes_back_from_a_backup_and_its_session_still_sends() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let dir = std::env::temp_dir().join(format!("sesame-backup-{}", user.profile));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vault.sesame-backup");
    let file_arg = file.display().to_string();
    let u = user.clone();
    let recipient = fx.recipient;
    let before = fx.strk(recipient).await;
    blocking(move || {
        u.ok(&["wallet", "create"]);
        u.ok(&["session", "create", "--duration", "3600"]);
        u.ok(&["session", "register", "--max-calls", "5"]);

        // Two different passphrases: refused, and no file is written.
        let mismatch = dir.join("mismatch");
        let m = mismatch.display().to_string();
        let (ok, v) = u.run_with(
            &["vault", "backup", "--out", &m, "--passphrase-stdin"],
            &[PIN, PASSPHRASE, "another passphrase entirely"],
        );
        assert!(!ok && v["error"]["code"] == "INVALID_ARGUMENT", "{v}");
        assert!(!mismatch.exists());

        let (ok, b) = u.run_with(
            &["vault", "backup", "--out", &file_arg, "--passphrase-stdin"],
            &[PIN, PASSPHRASE, PASSPHRASE],
        );
        assert!(ok, "{b}");
        assert_eq!(
            (b["wallets"].as_u64(), b["sessions"].as_u64()),
            (Some(1), Some(1))
        );
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A backup never overwrites a file.
        let (ok, v) = u.run_with(
            &["vault", "backup", "--out", &file_arg, "--passphrase-stdin"],
            &[PIN, PASSPHRASE, PASSPHRASE],
        );
        assert!(!ok, "{v}");

        lock_out(&u.profile);
        let v = u.fails(&["session", "create"], "PIN_LOCKED_OUT");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("sesame vault restore"), "{message}");

        let restore = [
            "vault",
            "restore",
            "--from",
            &file_arg,
            "--passphrase-stdin",
        ];
        // A wrong passphrase, or no consent to replace the vault, changes nothing.
        let mut with_replace = restore.to_vec();
        with_replace.push("--replace");
        let (ok, v) = u.run_with(&with_replace, &["not the passphrase", NEW_PIN, NEW_PIN]);
        assert!(
            !ok && v["error"]["code"] == "WRONG_PIN_OR_DAMAGED_DATA",
            "{v}"
        );
        let (ok, v) = u.run_with(&restore, &[PASSPHRASE, NEW_PIN, NEW_PIN]);
        assert!(
            !ok && v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--replace"),
            "{v}"
        );
        u.fails(&["session", "create"], "PIN_LOCKED_OUT");

        let (ok, r) = u.run_with(&with_replace, &[PASSPHRASE, NEW_PIN, NEW_PIN]);
        assert!(ok, "{r}");
        assert_eq!(r["restored"]["owner_keys"], 1);
        assert_eq!(r["restored"]["session_keys"], 1);

        // Everything is back under the new PIN: the session is active and sends.
        let st = u.ok(&["session", "status"]);
        assert_eq!(st["state"], "active", "{st}");
        let call = transfer_arg(recipient, 700);
        let (ok, e) = u.run_with(&["session", "execute", "--call", &call], &[NEW_PIN]);
        assert!(ok, "{e}");
        assert_eq!(e["remaining_calls"], 4);
        // The old PIN is gone.
        u.fails(&["session", "create"], "WRONG_PIN_OR_DAMAGED_DATA");
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
    assert_eq!(fx.strk(recipient).await, before + 700);
    assert!(!user.transcript.lock().unwrap().contains(PASSPHRASE));
}

#[tokio::test]
async fn the_owner_key_reopens_a_locked_out_vault_and_keeps_its_sessions() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let account = &fx.devnet.accounts()[0];
    let address = format!("{:#x}", account.address);
    let owner_key = format!("{:#x}", account.private_key);
    let recipient = fx.recipient;
    let before = fx.strk(recipient).await;
    let u = user.clone();
    blocking(move || {
        let (ok, v) = u.run_with(
            &["wallet", "import", "--address", &address],
            &[PIN, &owner_key],
        );
        assert!(ok, "{v}");
        u.ok(&["session", "create", "--duration", "3600"]);
        u.ok(&["session", "register", "--max-calls", "5"]);
        lock_out(&u.profile);
        u.fails(&["session", "create"], "PIN_LOCKED_OUT");

        // Another key proves nothing, and changes nothing.
        let (ok, v) = u.run_with(
            &["--wallet", &address, "vault", "recover"],
            &["0x1234", NEW_PIN, NEW_PIN],
        );
        assert!(!ok && v["error"]["code"] == "OWNER_KEY_MISMATCH", "{v}");

        let (ok, r) = u.run_with(
            &["--wallet", &address, "vault", "recover"],
            &[&owner_key, NEW_PIN, NEW_PIN],
        );
        assert!(ok, "{r}");
        assert_eq!(
            (r["wallets"].as_u64(), r["sessions"].as_u64()),
            (Some(1), Some(1))
        );
        let call = transfer_arg(recipient, 300);
        let (ok, e) = u.run_with(&["session", "execute", "--call", &call], &[NEW_PIN]);
        assert!(ok, "{e}");
    })
    .await;
    assert_eq!(fx.strk(recipient).await, before + 300);
    assert!(!user
        .transcript
        .lock()
        .unwrap()
        .contains(&format!("{:#x}", account.private_key)));
}

#[tokio::test]
async fn clearing_a_live_session_needs_force_and_lifetimes_are_bounded() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let u = user.clone();
    blocking(move || {
        u.ok(&["wallet", "create"]);
        let v = u.fails(
            &["session", "create", "--duration", "10"],
            "INVALID_ARGUMENT",
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("30 days"),
            "{v}"
        );
        u.fails(
            &["session", "create", "--duration", "18446744073709551615"],
            "INVALID_ARGUMENT",
        );
        // A session only created here (never registered) clears without force.
        u.ok(&["session", "create", "--duration", "3600"]);
        assert!(u.ok(&["session", "clear"])["warning"].is_null());

        u.ok(&["session", "create", "--duration", "3600"]);
        u.fails(
            &["session", "register", "--max-calls", "0"],
            "INVALID_ARGUMENT",
        );
        u.ok(&["session", "register", "--max-calls", "5"]);
        let v = u.fails(&["session", "clear"], "SESSION_LIVE");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("revoke"),
            "{v}"
        );
        assert_eq!(
            u.ok(&["session", "list"])["sessions"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let forced = u.ok(&["session", "clear", "--force"]);
        assert!(forced["warning"]
            .as_str()
            .unwrap()
            .contains("cannot list or revoke"));
        assert!(u.ok(&["session", "list"])["sessions"]
            .as_array()
            .unwrap()
            .is_empty());
    })
    .await;
}

impl User {
    /// Runs `sesame` with `SESAME_CRASH_AT=point`, which kills it with SIGKILL at that point;
    /// asserts that it died that way.
    fn crash_at(&self, point: &str, args: &[&str]) {
        use std::os::unix::process::ExitStatusExt;
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesame"))
            .args(["--json", "--network", "devnet", "--rpc", &self.rpc])
            .args(["--profile", &self.profile, "--pin-stdin"])
            .args(args)
            .env("SESAME_CRASH_AT", point)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PIN}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.signal(),
            Some(9),
            "expected a kill -9 at {point}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// A `kill -9` between sending and reading the receipt (a crash point: no outside signal can
/// land there on demand). The next command shows the chain's truth, the key is still there,
/// and nothing was sent twice.
#[tokio::test]
async fn a_kill_during_register_or_execute_loses_nothing_and_sends_nothing_twice() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let recipient = fx.recipient;
    let before = fx.strk(recipient).await;
    let u = user.clone();
    let (wallet, key) = blocking(move || {
        let w = u.ok(&["wallet", "create"]);
        let s = u.ok(&["session", "create", "--duration", "3600"]);
        u.crash_at("after-send", &["session", "register", "--max-calls", "5"]);
        // The registration landed although the CLI died: the chain's truth is shown, and the
        // key is still on this device.
        let st = u.ok(&["session", "status"]);
        assert_eq!(st["state"], "active", "{st}");
        assert_eq!(st["remaining_calls"], 5);
        assert_eq!(st["session_public_key"], s["session_public_key"]);

        let call = transfer_arg(recipient, 900);
        u.crash_at("after-send", &["session", "execute", "--call", &call]);
        let st = u.ok(&["session", "status"]);
        assert_eq!(st["remaining_calls"], 4, "{st}");
        // The key still signs.
        let call = transfer_arg(recipient, 100);
        u.ok(&["session", "execute", "--call", &call]);
        (felt(&w["address"]), felt(&s["session_public_key"]))
    })
    .await;
    // 900 once (not twice), then 100.
    assert_eq!(fx.strk(recipient).await, before + 1_000);
    let chain = fx.chain.session_data(wallet, key).await.unwrap();
    assert_eq!(chain.remaining_calls, 3);

    // A kill during a key rotation, after the transaction left: the new key was stored before
    // it was sent, so the next owner action finds it (the chain answers to it) and signs.
    let old_key = fx
        .chain
        .call(wallet, "get_public_key", vec![])
        .await
        .unwrap();
    let u = user.clone();
    blocking(move || u.crash_at("after-send", &["wallet", "rotate-key"])).await;
    let new_key = fx
        .chain
        .call(wallet, "get_public_key", vec![])
        .await
        .unwrap();
    assert_ne!(new_key, old_key, "the rotation landed");
    let u = user.clone();
    let (registered, shown) = blocking(move || {
        u.ok(&["session", "create"]);
        let registered = u.ok(&["session", "register"]);
        (registered, u.ok(&["wallet", "show"]))
    })
    .await;
    assert_eq!(registered["status"]["state"], "active", "{registered}");
    assert_eq!(
        felt(&shown["public_key"]),
        new_key[0],
        "the device now holds the new key"
    );
}

/// The local chain is killed (`kill -9`) under a session: the next send fails with a clear
/// error and sends nothing; after `sesame devnet up` restores the chain from its state file, the
/// same send works and the session's count continues where it was.
#[tokio::test]
async fn a_killed_local_chain_is_a_clear_error_and_a_retry_after_its_restart_works() {
    if !keychain_available() {
        return;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port().to_string()
    };
    // The CLI on its own local chain (`sesame devnet up`, state in a data dir), as a user runs
    // it. The explicit --rpc that `User` passes keeps the CLI from restarting the chain itself.
    let data_dir = std::env::temp_dir().join(format!("sesame-local-{}-{port}", std::process::id()));
    let user = User {
        rpc: format!("http://127.0.0.1:{port}/rpc"),
        profile: format!("cli-local-{}", std::process::id()),
        env: vec![
            ("SESAME_DATA_DIR".into(), data_dir.display().to_string()),
            ("SESAME_DEVNET_PORT".into(), port),
        ],
        transcript: Default::default(),
    };
    blocking(move || {
        let up = user.run_with(&["devnet", "up"], &[]);
        assert!(up.0, "{}", up.1);
        user.ok(&["wallet", "create"]);
        user.ok(&["session", "create", "--duration", "3600"]);
        user.ok(&["session", "register", "--max-calls", "5"]);
        let recipient = "0x1234";
        let call = format!("strk:transfer:{recipient},u256:100");
        user.ok(&["session", "execute", "--call", &call]);

        let pid = std::fs::read_to_string(data_dir.join("devnet/pid")).unwrap();
        let killed = Command::new("kill")
            .args(["-9", pid.trim()])
            .status()
            .unwrap();
        assert!(killed.success());
        std::thread::sleep(std::time::Duration::from_millis(300));

        let (ok, v) = user.run_with(&["session", "execute", "--call", &call], &[PIN]);
        assert!(!ok, "{v}");
        assert_eq!(v["error"]["code"], "RPC_UNAVAILABLE", "{v}");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot reach"));

        // Restarted from its state file: the chain still knows the wallet and the session.
        let up = user.run_with(&["devnet", "up"], &[]);
        assert!(up.0, "{}", up.1);
        let st = user.ok(&["session", "status"]);
        assert_eq!(st["remaining_calls"], 4, "{st}");
        let e = user.ok(&["session", "execute", "--call", &call]);
        assert_eq!(e["remaining_calls"], 3, "{e}");

        let down = user.run_with(&["devnet", "down"], &[]);
        assert!(down.0, "{}", down.1);
        let vault = sesame_vault::Vault::open_keychain(&user.profile).unwrap();
        vault.destroy().unwrap();
        let _ = std::fs::remove_dir_all(&data_dir);
    })
    .await;
}

/// A "mainnet" (or "sepolia") URL that answers with another chain's id is refused before any
/// command runs, with a clear code. A devnet answers `SN_SEPOLIA`, so it may stand in for
/// Sepolia but never for Mainnet.
#[tokio::test]
async fn a_named_network_whose_node_answers_another_chain_id_is_refused() {
    if !keychain_available() {
        return;
    }
    let fx = Fixture::start().await;
    let user = std::sync::Arc::new(User::new(&fx));
    let rpc = fx.devnet.rpc_url();
    blocking(move || {
        let run = |network: &str| {
            let out = Command::new(env!("CARGO_BIN_EXE_sesame"))
                .args(["--json", "--network", network, "--rpc", &rpc])
                .args(["--profile", &user.profile, "wallet", "list"])
                .output()
                .unwrap();
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            (out.status.success(), v)
        };
        let (ok, v) = run("mainnet");
        assert!(!ok, "{v}");
        assert_eq!(v["error"]["code"], "CHAIN_ID_MISMATCH", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("SN_SEPOLIA") && message.contains("SN_MAIN"),
            "{message}"
        );
        let (ok, v) = run("sepolia");
        assert!(ok, "{v}");
    })
    .await;
}

#[tokio::test]
async fn a_real_chipi_v27_wallet_lives_its_whole_session_lifecycle_through_the_cli() {
    if !keychain_available() {
        return;
    }
    let Some(fx) = Fixture::start_chipi_v27(
        "a_real_chipi_v27_wallet_lives_its_whole_session_lifecycle_through_the_cli",
    )
    .await
    else {
        return;
    };
    let user = std::sync::Arc::new(User::new(&fx));
    // The wallet is a CHIPI account; devnet's first account (CHIPI too) is the default relayer.
    let chipi = fx.devnet.accounts()[3].clone();
    let (address, key) = (
        format!("{:#x}", chipi.address),
        format!("{:#x}", chipi.private_key),
    );
    let u = user.clone();
    let a = address.clone();
    let (imported, scoped, capped, registered) = blocking(move || {
        let (ok, imported) = u.run_with(&["wallet", "import", "--address", &a], &[PIN, &key]);
        assert!(ok, "{imported}");
        u.ok(&["session", "create"]);
        let scoped = u.fails(&["session", "register"], "SCOPE_UNSUPPORTED");
        let capped = u.fails(
            &[
                "session",
                "register",
                "--allow-any-contract",
                "--allow",
                "transfer",
                "--limit",
                "strk:1:2:60",
            ],
            "SCOPE_UNSUPPORTED",
        );
        let registered = u.ok(&[
            "session",
            "register",
            "--max-calls",
            "5",
            "--allow-any-contract",
            "--allow",
            "transfer",
        ]);
        (imported, scoped, capped, registered)
    })
    .await;
    assert_eq!(imported["account_class"], "chipi-v27", "{imported}");
    assert!(
        imported["session_limits"]
            .as_str()
            .unwrap()
            .contains("not checked"),
        "{imported}"
    );
    assert!(
        scoped["error"]["message"]
            .as_str()
            .unwrap()
            .contains("allowlist"),
        "{scoped}"
    );
    assert!(
        capped["error"]["message"]
            .as_str()
            .unwrap()
            .contains("caps"),
        "{capped}"
    );
    assert_eq!(
        (
            registered["status"]["state"].as_str(),
            registered["status"]["remaining_calls"].as_u64()
        ),
        (Some("active"), Some(5)),
        "{registered}"
    );
    assert_eq!(registered["status"]["data_shape"], "snip163_struct");

    // Relayed by a CHIPI-class account (the devnet relayer): the money moves, a call is used.
    let paid = fx.strk(fx.recipient).await;
    let call = transfer_arg(fx.recipient, 1000);
    let u = user.clone();
    let c = call.clone();
    let sent = blocking(move || u.ok(&["session", "execute", "--call", &c])).await;
    assert_eq!(sent["remaining_calls"], 4, "{sent}");
    assert_eq!(fx.strk(fx.recipient).await, paid + 1000);

    // Relayed by an account of ours (a v2 wallet made here, declared beside CHIPI's class).
    let u = user.clone();
    let (a, c) = (address.clone(), call.clone());
    let (ours, sent) = blocking(move || {
        let ours = u.ok(&["wallet", "create"]);
        let relayer = ours["address"].as_str().unwrap().to_string();
        let sent = u.ok(&[
            "--wallet",
            &a,
            "session",
            "execute",
            "--relayer",
            &relayer,
            "--call",
            &c,
        ]);
        (ours, sent)
    })
    .await;
    assert_eq!(ours["account_class"], "sesame-v2");
    assert_eq!(sent["remaining_calls"], 3, "{sent}");
    assert_eq!(fx.strk(fx.recipient).await, paid + 2000);

    // An inner execution that fails (more than the balance) is a failure through either
    // relayer: CHIPI's multicall swallows it and the tx succeeds, ours reverts; nothing moves.
    let wallet_balance = fx.strk(chipi.address).await;
    let too_much = format!("strk:transfer:{:#x},u256:{}", fx.recipient, u128::MAX);
    let u = user.clone();
    let (a, r) = (
        address.clone(),
        ours["address"].as_str().unwrap().to_string(),
    );
    let (via_chipi, via_ours, status) = blocking(move || {
        let (ok1, via_chipi) = u.run_with(
            &["--wallet", &a, "session", "execute", "--call", &too_much],
            &[PIN],
        );
        let (ok2, via_ours) = u.run_with(
            &[
                "--wallet",
                &a,
                "session",
                "execute",
                "--relayer",
                &r,
                "--call",
                &too_much,
            ],
            &[PIN],
        );
        assert!(!ok1 && !ok2, "{via_chipi} / {via_ours}");
        (
            via_chipi,
            via_ours,
            u.ok(&["--wallet", &a, "session", "status"]),
        )
    })
    .await;
    println!("inner failure via the CHIPI relayer: {via_chipi}");
    println!("inner failure via a Sesame relayer: {via_ours}");
    assert_eq!(
        via_chipi["error"]["code"], "EXECUTION_NOT_CONFIRMED",
        "{via_chipi}"
    );
    assert_eq!(
        via_ours["error"]["code"], "EXECUTION_NOT_CONFIRMED",
        "{via_ours}"
    );
    for e in [&via_chipi, &via_ours] {
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("transfer on 0x4718"),
            "{e}"
        );
    }
    // CHIPI v27 counts the swallowed execution against the session: two calls were spent.
    assert_eq!(status["remaining_calls"], 1, "{status}");
    assert_eq!(
        fx.strk(chipi.address).await,
        wallet_balance,
        "nothing moved"
    );

    // Revoke; a send afterwards is refused before anything is signed.
    let u = user.clone();
    let a = address.clone();
    let (revoked, refused) = blocking(move || {
        let revoked = u.ok(&["--wallet", &a, "session", "revoke"]);
        let refused = u.fails(
            &["--wallet", &a, "session", "execute", "--call", &call],
            "SESSION_REVOKED",
        );
        (revoked, refused)
    })
    .await;
    assert_eq!(revoked["status"]["state"], "revoked");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("revoked"));
    assert_eq!(fx.strk(fx.recipient).await, paid + 2000);
}
