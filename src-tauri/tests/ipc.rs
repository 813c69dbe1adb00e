//! Every command through Tauri's IPC (mock runtime, real `tauri.conf.json` and capabilities),
//! against a real devnet and the real OS keychain. Every reply is collected, and the test proves
//! none contains the owner key, the session key, an imported key, a PIN or the backup passphrase
//! (a backup's bytes never cross IPC either: the shell writes the file and replies with its path).
//! Run under scripts/with-keyring.sh (SESAME_KEYCHAIN_TESTS=1); otherwise it skips.

#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};
use sesame_desktop::{with_sesame, Shell, ShellConfig};
use sesame_tests::Fixture;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

const PIN: &str = "ipc-Pin-quiet-otter";
/// The PIN set by restoring the backup, then the one set by owner-key recovery.
const RESTORED_PIN: &str = "ipc-Restored-pin-heron";
const RECOVERED_PIN: &str = "ipc-Recovered-pin-lynx";
const PASSPHRASE: &str = "ipc backup passphrase amber-kestrel";

struct Ipc {
    webview: WebviewWindow<MockRuntime>,
    transcript: String,
}

impl Ipc {
    fn call(&mut self, cmd: &str, args: Value) -> Result<Value, Value> {
        let reply = get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap());
        let text = match &reply {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.transcript.push_str(&text);
        self.transcript.push('\n');
        reply
    }

    fn ok(&mut self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd}({args}) failed: {e}"))
    }

    fn code(&mut self, cmd: &str, args: Value) -> String {
        let err = self.call(cmd, args).expect_err(cmd);
        assert!(
            err["message"].as_str().is_some_and(|m| m.len() > 5),
            "{cmd}: {err}"
        );
        err["code"].as_str().unwrap().to_string()
    }
}

#[test]
fn every_command_answers_over_ipc_and_no_reply_carries_a_secret() {
    if std::env::var("SESAME_KEYCHAIN_TESTS").as_deref() != Ok("1") {
        eprintln!("SKIPPED: needs the OS keychain; run under scripts/with-keyring.sh");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fx = rt.block_on(Fixture::start());
    let data_dir = std::env::temp_dir().join(format!("sesame-ipc-{}", std::process::id()));
    let profile = format!("ipc-test-{}", std::process::id());
    let backup_dir = data_dir.join("backups");
    let config = ShellConfig {
        data_dir: data_dir.clone(),
        profile: profile.clone(),
        network: "devnet".into(),
        rpc: Some(fx.devnet.rpc_url()),
        auto_lock_secs: 300,
        start_local_devnet: false,
        keep_local_chain: false,
        rpc_timeouts: Default::default(),
        backup_dir: Some(backup_dir.clone()),
    };
    let app = with_sesame(mock_builder(), Shell::new(config))
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let mut ipc = Ipc {
        webview,
        transcript: String::new(),
    };
    let rpc = fx.devnet.rpc_url();

    let state = ipc.ok("app_state", json!({}));
    assert_eq!(
        (state["initialized"].as_bool(), state["unlocked"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(state["attempts"]["tampered"], false);
    assert_eq!(state["passkey_available"], sesame_vault::PASSKEY_SUPPORTED);
    assert!(state["chain_id"].is_string());
    ipc.ok("set_network", json!({ "name": "devnet", "rpc": rpc }));
    assert_eq!(ipc.code("wallet_create", json!({})), "VAULT_LOCKED");
    let state = ipc.ok("vault_create", json!({ "pin": PIN }));
    assert_eq!(state["unlocked"], true);
    ipc.ok("vault_lock", json!({}));
    assert_eq!(
        ipc.code("vault_unlock", json!({ "pin": "wrong-pin-1" })),
        "WRONG_PIN_OR_DAMAGED_DATA"
    );
    assert_eq!(ipc.ok("app_state", json!({}))["attempts"]["failures"], 1);
    ipc.ok("vault_unlock", json!({ "pin": PIN }));
    assert!(ipc
        .code("vault_unlock_passkey", json!({}))
        .starts_with("PASSKEY_"));
    assert!(ipc
        .code("passkey_enroll", json!({}))
        .starts_with("PASSKEY_"));
    ipc.ok("touch", json!({}));
    assert_eq!(ipc.ok("tokens", json!({})).as_array().unwrap().len(), 2);
    // Only Sesame's own explorer links may be opened from the webview.
    assert_eq!(
        ipc.code(
            "open_external",
            json!({ "url": "https://evil.example/tx/0x1" })
        ),
        "INVALID_ARGUMENT"
    );

    // A paymaster's API key goes into the vault; replies only say whether one is set. Back to
    // the devnet's default payer (the local relayer) for the sends below.
    let pm = json!({ "kind": "paymaster", "url": "https://pm.example/", "gas_token": null });
    let set = ipc.ok(
        "settings_set_payer",
        json!({ "payer": pm, "api_key": PAYMASTER_KEY }),
    );
    assert_eq!(set["paymaster_api_key_set"], true);
    let set = ipc.ok("settings_set_payer", json!({ "payer": null }));
    assert_eq!(set["payer"]["kind"], "local-relayer", "{set}");

    let wallet = ipc.ok("wallet_create", json!({}));
    assert_eq!(wallet["deployed"], true);
    let w = wallet["address"].as_str().unwrap().to_string();
    let imported = &fx.devnet.accounts()[2];
    let imported_key = format!("{:#x}", imported.private_key);
    let iw = ipc.ok(
        "wallet_import",
        json!({ "address": format!("{:#x}", imported.address), "private_key": imported_key }),
    );
    assert_eq!(iw["supports_sessions"], true);
    assert_eq!(
        ipc.code(
            "wallet_import",
            json!({ "address": "0x0", "private_key": "0x1" })
        ),
        "INVALID_INPUT"
    );
    assert_eq!(ipc.ok("wallets", json!({})).as_array().unwrap().len(), 2);
    assert_eq!(
        ipc.ok("wallet_show", json!({ "wallet": w }))["address"],
        w.as_str()
    );

    let s = ipc.ok(
        "session_create",
        json!({ "wallet": w, "duration_secs": 3600 }),
    );
    let key = s["session_public_key"].as_str().unwrap().to_string();
    let to = format!("{:#x}", fx.recipient);
    // Scope, recipient rule and spending cap: one registration, one owner transaction.
    let nonce_before = rt
        .block_on(fx.chain.nonce(sesame_core::felt::parse_felt(&w).unwrap()))
        .unwrap();
    let reg = ipc.ok(
        "session_register",
        json!({
            "wallet": w, "session": key, "max_calls": 5, "allow": ["strk:transfer"],
            "allow_any_contract": false, "recipients": [format!("strk:{to}")],
            "policies": [{ "token": "strk", "max_per_call": "1000", "max_per_window": "5000", "window_seconds": 3600 }],
            "valid_until": null
        }),
    );
    assert_eq!(reg["status"]["state"], "active");
    assert_eq!(
        rt.block_on(fx.chain.nonce(sesame_core::felt::parse_felt(&w).unwrap()))
            .unwrap(),
        nonce_before + sesame_core::Felt::ONE
    );
    let list = ipc.ok("session_list", json!({ "wallet": w }));
    assert_eq!(list[0]["allowed_entrypoints"][0]["name"], "transfer");
    assert_eq!(
        (
            list[0]["broad"].as_bool(),
            list[0]["scope"][0]["entrypoint"].as_str()
        ),
        (Some(false), Some("transfer"))
    );
    assert_eq!(list[0]["recipients"][0]["recipients"][0], to.as_str());
    // A scope with nothing in it, or a malformed recipient, is refused before anything is sent.
    assert_eq!(
        ipc.code(
            "session_register",
            json!({ "wallet": w, "session": key, "max_calls": 5, "allow": ["transfer"], "valid_until": null })
        ),
        "INVALID_ARGUMENT"
    );
    let strk = format!("{:#x}", sesame_core::spec::STRK);
    let p = ipc.ok(
        "policy_get",
        json!({ "wallet": w, "session": key, "token": "strk" }),
    );
    assert_eq!(p["max_per_call"], "1000");
    assert_eq!(
        ipc.ok(
            "policy_get",
            json!({ "wallet": w, "session": key, "token": strk })
        )["window_seconds"],
        3600
    );

    let stranger = format!("{:#x}", fx.devnet.accounts()[0].address);
    let other = ipc.ok(
        "send_preview",
        json!({ "wallet": w, "session": key, "token": "strk", "recipient": stranger, "amount": "1" }),
    );
    assert_eq!(
        (other["ok"].as_bool(), other["error"]["code"].as_str()),
        (Some(false), Some("SESSION_RECIPIENT_NOT_ALLOWED"))
    );
    let preview = ipc.ok(
        "send_preview",
        json!({ "wallet": w, "session": key, "token": "strk", "recipient": to, "amount": "700" }),
    );
    assert_eq!(preview["ok"], true, "{preview}");
    assert_eq!(preview["remaining_calls_after"], 4);
    let over = ipc.ok(
        "send_preview",
        json!({ "wallet": w, "session": key, "token": "strk", "recipient": to, "amount": "1001" }),
    );
    assert_eq!(
        (over["ok"].as_bool(), over["error"]["code"].as_str()),
        (Some(false), Some("SESSION_SPENDING_LIMIT_PER_CALL"))
    );
    let before = rt.block_on(fx.strk(fx.recipient));
    let sent = ipc.ok(
        "send",
        json!({ "wallet": w, "session": key, "token": "strk", "recipient": to, "amount": "700" }),
    );
    assert_eq!(sent["remaining_calls"], 4);
    assert_eq!(rt.block_on(fx.strk(fx.recipient)), before + 700);
    let approve_only = ipc.ok(
        "send_preview",
        json!({ "wallet": w, "session": key, "token": "eth", "recipient": to, "amount": "1" }),
    );
    assert_eq!(approve_only["ok"], false);

    let activity = ipc.ok("activity", json!({ "wallet": w }));
    let kinds: Vec<&str> = activity
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"send"), "{activity}");
    assert!(kinds.contains(&"register") && kinds.contains(&"create"));

    let revoked = ipc.ok("session_revoke", json!({ "wallet": w, "session": key }));
    assert_eq!(revoked["status"]["state"], "revoked");
    assert_eq!(
        ipc.code(
            "send",
            json!({ "wallet": w, "session": key, "token": "strk", "recipient": to, "amount": "1" })
        ),
        "SESSION_REVOKED"
    );
    ipc.ok(
        "session_create",
        json!({ "wallet": w, "duration_secs": 3600 }),
    );
    ipc.ok(
        "session_register",
        json!({ "wallet": w, "session": null, "max_calls": 3, "allow": [], "valid_until": null }),
    );
    let all = ipc.ok("session_revoke_all", json!({ "wallet": w }));
    assert!(all["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["state"] == "revoked"));
    // Owner-key rotation: no session is left to end; the wallet answers to a new key.
    let rotated = ipc.ok("wallet_rotate_key", json!({ "wallet": w }));
    assert_eq!(rotated["sessions_ended"], 0, "{rotated}");
    assert_ne!(rotated["wallet"]["public_key"], wallet["public_key"]);
    assert_eq!(
        ipc.code("wallet_rotate_key", json!({ "wallet": "0x1234" })),
        "WALLET_NOT_FOUND"
    );

    // Never locked out. A backup needs the vault unlocked and a long passphrase; the shell
    // writes the file itself (owner-only) and the reply says where, never what.
    assert_eq!(
        ipc.code("vault_backup", json!({ "passphrase": "too short" })),
        "SECRET_TOO_SHORT"
    );
    let backup = ipc.ok("vault_backup", json!({ "passphrase": PASSPHRASE }));
    assert_eq!(
        (backup["wallets"].as_u64(), backup["sessions"].as_u64()),
        (Some(2), Some(2)),
        "{backup}"
    );
    let file = std::path::PathBuf::from(backup["path"].as_str().unwrap());
    assert_eq!(file.parent(), Some(backup_dir.as_path()), "{backup}");
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(&format!("sesame-backup-{profile}-")) && name.ends_with(".sesame"),
        "{name}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the backup file must be readable by its owner only"
        );
    }
    // A second backup never replaces the first (even within the same second).
    let again = ipc.ok("vault_backup", json!({ "passphrase": PASSPHRASE }));
    assert_ne!(again["path"], backup["path"]);
    let path = file.display().to_string();

    // Restore (what the unlock screen offers): a wrong passphrase changes nothing, nor does a
    // restore without consent to replace this device's vault; then the backup comes back.
    ipc.ok("vault_lock", json!({}));
    let restore = |passphrase: &str, replace: bool| {
        json!({
            "path": path,
            "passphrase": passphrase,
            "new_pin": RESTORED_PIN,
            "replace": replace,
        })
    };
    assert_eq!(
        ipc.code("vault_restore", restore("not the backup passphrase", true)),
        "WRONG_PIN_OR_DAMAGED_DATA"
    );
    assert_eq!(
        ipc.code("vault_restore", restore(PASSPHRASE, false)),
        "VAULT_ALREADY_EXISTS"
    );
    assert_eq!(
        ipc.code(
            "vault_restore",
            json!({ "path": format!("{path}.missing"), "passphrase": PASSPHRASE, "new_pin": RESTORED_PIN, "replace": true })
        ),
        "BACKUP_FILE_ERROR"
    );
    assert_eq!(ipc.ok("app_state", json!({}))["initialized"], true);
    let state = ipc.ok("vault_restore", restore(PASSPHRASE, true));
    assert_eq!(
        (state["initialized"].as_bool(), state["unlocked"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(ipc.ok("wallets", json!({})).as_array().unwrap().len(), 2);
    let sessions = ipc.ok("session_list", json!({ "wallet": w }));
    assert_eq!(sessions.as_array().unwrap().len(), 2, "{sessions}");
    // The old PIN is gone; the restored vault answers to the new one.
    ipc.ok("vault_lock", json!({}));
    assert_eq!(
        ipc.code("vault_unlock", json!({ "pin": PIN })),
        "WRONG_PIN_OR_DAMAGED_DATA"
    );

    // Owner-key recovery: a key that is not the wallet's is refused; the imported wallet's own
    // key reopens the vault under another PIN, with every wallet and session kept.
    assert_eq!(
        ipc.code(
            "vault_recover",
            json!({ "wallet": w, "private_key": "0x1234", "new_pin": RECOVERED_PIN })
        ),
        "OWNER_KEY_MISMATCH"
    );
    let state = ipc.ok(
        "vault_recover",
        json!({ "wallet": format!("{:#x}", imported.address), "private_key": imported_key, "new_pin": RECOVERED_PIN }),
    );
    assert_eq!(state["unlocked"], true);
    assert_eq!(state["attempts"]["failures"], 0);
    assert_eq!(ipc.ok("wallets", json!({})).as_array().unwrap().len(), 2);
    assert_eq!(
        ipc.ok("session_list", json!({ "wallet": w }))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Secrets stay in Rust: read the keys back from the keychain and search every reply.
    let vault = sesame_vault::Vault::open_keychain(&profile).unwrap();
    let unlocked = vault
        .unlock_with_pin(&sesame_vault::Pin::new(RECOVERED_PIN.to_string()))
        .unwrap();
    let hex = |k: &sesame_core::keys::PrivateKey| {
        format!(
            "{:x}",
            sesame_core::Felt::from_bytes_be(k.expose_be_bytes())
        )
    };
    let owner = hex(&unlocked
        .owner_key(&sesame_core::felt::parse_felt(&w).unwrap())
        .unwrap());
    let session = hex(&unlocked
        .session_key(&sesame_core::felt::parse_felt(&key).unwrap())
        .unwrap());
    let transcript = ipc.transcript.to_lowercase();
    for (name, secret) in [
        ("owner key", owner.as_str()),
        ("session key", session.as_str()),
        ("imported key", imported_key.trim_start_matches("0x")),
        ("PIN", &PIN.to_lowercase()),
        ("restored PIN", &RESTORED_PIN.to_lowercase()),
        ("recovered PIN", &RECOVERED_PIN.to_lowercase()),
        ("backup passphrase", &PASSPHRASE.to_lowercase()),
        ("paymaster API key", &PAYMASTER_KEY.to_lowercase()),
    ] {
        assert!(!transcript.contains(secret), "the {name} crossed IPC");
    }
    assert!(transcript.len() > 2_000);
    let _ = std::fs::remove_dir_all(data_dir);
}

#[test]
fn a_command_outside_the_capability_is_refused() {
    let app = with_sesame(mock_builder(), Shell::new(ShellConfig::from_env()))
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let mut ipc = Ipc {
        webview,
        transcript: String::new(),
    };
    // A core command the capability does not grant (no fs, no shell, no window control).
    let denied = ipc.call("plugin:window|close", json!({}));
    assert!(
        denied.is_err(),
        "window control must not be allowed: {denied:?}"
    );
    // And one of ours that is granted answers.
    assert!(ipc.call("tokens", json!({})).is_ok());
}

#[test]
fn the_command_list_the_capability_and_the_handler_agree() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let names = std::fs::read_to_string(format!("{root}src-tauri/src/command_names.in")).unwrap();
    let names: Vec<String> = names
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}capabilities/main-window.json")).unwrap(),
    )
    .unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            p.as_str()?
                .strip_prefix("allow-")
                .map(|n| n.replace('-', "_"))
        })
        .collect();
    let mut declared = names.clone();
    granted.sort();
    declared.sort();
    assert_eq!(
        granted, declared,
        "capabilities/main-window.json must grant exactly the declared commands"
    );
    let lib = std::fs::read_to_string(format!("{root}src-tauri/src/lib.rs")).unwrap();
    for name in &names {
        assert!(
            lib.contains(&format!("commands::{name},")),
            "{name} is not in generate_handler!"
        );
    }
}

/// A node that accepts connections and never answers (a hung server). A real devnet cannot
/// hang on demand, so this is a bare loopback listener (a mock for this one fault).
fn silent_node() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64) {
            held.push(stream);
        }
    });
    format!("http://{addr}/rpc")
}

#[test]
fn lock_and_auto_lock_finish_at_once_while_a_call_waits_on_a_silent_node() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    if std::env::var("SESAME_KEYCHAIN_TESTS").as_deref() != Ok("1") {
        eprintln!("SKIPPED: needs the OS keychain; run under scripts/with-keyring.sh");
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data_dir = std::env::temp_dir().join(format!("sesame-hang-{}", std::process::id()));
    let profile = format!("hang-test-{}", std::process::id());
    let config = ShellConfig {
        data_dir: data_dir.clone(),
        profile: profile.clone(),
        network: "devnet".into(),
        rpc: Some(silent_node()),
        auto_lock_secs: 0,
        start_local_devnet: false,
        keep_local_chain: false,
        rpc_timeouts: sesame_app::Timeouts {
            connect: Duration::from_secs(2),
            request: Duration::from_secs(3),
        },
        backup_dir: None,
    };
    let shell = Arc::new(Shell::new(config));
    rt.block_on(async {
        // Creating the vault needs no chain; its state reply reports the timeout as chain_error.
        let state = shell
            .vault_create(sesame_vault::Pin::from(PIN))
            .await
            .unwrap();
        assert_eq!(state.chain_error.unwrap().code, "NETWORK_TIMEOUT");
        for lock in ["button", "auto-lock"] {
            if lock == "auto-lock" {
                shell
                    .vault_unlock(sesame_vault::Pin::from(PIN))
                    .await
                    .unwrap();
            }
            assert!(shell.is_unlocked().await);
            // A command that needs the chain is stuck on the silent node...
            let pending = tokio::spawn({
                let shell = shell.clone();
                async move { shell.wallets().await }
            });
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert!(!pending.is_finished());
            // ...and locking does not wait for it.
            let started = Instant::now();
            if lock == "button" {
                let state = shell.vault_lock().await.unwrap();
                assert!(!state.unlocked);
            } else {
                assert!(shell.lock_if_idle().await);
            }
            // Proof without a timing threshold: the lock returned while the call was still
            // waiting on the node (its timeout is 3 s).
            assert!(!pending.is_finished(), "{lock} waited for the network");
            eprintln!("{lock}: locked in {:?}", started.elapsed());
            assert!(!shell.is_unlocked().await);
            // The stuck call ends with a typed timeout, not a hang.
            let err = pending.await.unwrap().unwrap_err();
            assert_eq!(err.code(), "NETWORK_TIMEOUT", "{err}");
        }
        let vault = sesame_vault::Vault::open_keychain(&profile).unwrap();
        vault.destroy().unwrap();
    });
    let _ = std::fs::remove_dir_all(data_dir);
}

/// The mock app over IPC with `config`, as a fresh start of the shell would build it.
fn start_ipc(config: ShellConfig) -> Ipc {
    let app = with_sesame(mock_builder(), Shell::new(config))
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    // The app must outlive the webview: leak it for the test's lifetime (one per start).
    std::mem::forget(app);
    Ipc {
        webview,
        transcript: String::new(),
    }
}

fn test_config(tag: &str, rpc: String) -> (ShellConfig, std::path::PathBuf, String) {
    let data_dir = std::env::temp_dir().join(format!("sesame-{tag}-{}", std::process::id()));
    let profile = format!("{tag}-{}", std::process::id());
    let config = ShellConfig {
        data_dir: data_dir.clone(),
        profile: profile.clone(),
        network: "devnet".into(),
        rpc: Some(rpc),
        auto_lock_secs: 300,
        start_local_devnet: false,
        keep_local_chain: false,
        rpc_timeouts: Default::default(),
        backup_dir: Some(data_dir.join("backups")),
    };
    (config, data_dir, profile)
}

const SN_SEPOLIA_HEX: &str = "0x534e5f5345504f4c4941";
const PAYMASTER_KEY: &str = "ipc-paymaster-api-key-violet-crane";

/// Settings survive a restart of the shell (network, payer, auto-lock, address book, the API
/// key's presence); a custom network is a second devnet whose chain id is recorded at first
/// connect, and when the node behind its URL later claims another chain it is refused.
#[test]
fn settings_persist_across_a_restart_and_a_custom_network_keeps_its_chain_id() {
    if std::env::var("SESAME_KEYCHAIN_TESTS").as_deref() != Ok("1") {
        eprintln!("SKIPPED: needs the OS keychain; run under scripts/with-keyring.sh");
        return;
    }
    use sesame_tests::chain_id_proxy::ChainIdProxy;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (fx, second) = rt.block_on(async { tokio::join!(Fixture::start(), Fixture::start()) });
    let proxy = rt
        .block_on(ChainIdProxy::start(&second.devnet.rpc_url()))
        .unwrap();
    let (config, data_dir, profile) = test_config("ipc-settings", fx.devnet.rpc_url());
    let mut ipc = start_ipc(config.clone());
    ipc.ok("vault_create", json!({ "pin": PIN }));

    // Defaults: devnet's local relayer pays; no API key; the configured auto-lock.
    let s = ipc.ok("settings_get", json!({}));
    assert_eq!(s["payer"]["kind"], "local-relayer", "{s}");
    assert_eq!(s["paymaster_api_key_set"], false);
    assert_eq!(s["auto_lock_secs"], 300);
    assert_eq!(s["schema"], 1);

    // Auto-lock: out of bounds is refused, a valid time applies at once.
    assert_eq!(
        ipc.code("settings_set_auto_lock", json!({ "secs": 5 })),
        "INVALID_ARGUMENT"
    );
    ipc.ok("settings_set_auto_lock", json!({ "secs": 120 }));
    assert_eq!(ipc.ok("app_state", json!({}))["auto_lock_secs"], 120);
    // The local chain stops with the app by default; keeping it is a choice that persists.
    assert_eq!(s["keep_local_chain"], false);
    let kept = ipc.ok("settings_set_keep_local_chain", json!({ "keep": true }));
    assert_eq!(kept["keep_local_chain"], true);

    // A remote node over plain http is refused with the https rule; the network stays.
    let err = ipc
        .call(
            "set_network",
            json!({ "name": "http://node.example/rpc", "rpc": null }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "INVALID_ARGUMENT");
    assert!(
        err["message"].as_str().unwrap().contains("use https://"),
        "{err}"
    );
    // A named network whose node answers another chain is refused, and the network stays.
    assert_eq!(
        ipc.code(
            "set_network",
            json!({ "name": "mainnet", "rpc": fx.devnet.rpc_url() })
        ),
        "CHAIN_ID_MISMATCH"
    );
    assert_eq!(ipc.ok("app_state", json!({}))["network"]["kind"], "devnet");

    // The custom network (the second devnet, behind the proxy): its chain id is recorded.
    let custom = proxy.url().to_string();
    let state = ipc.ok("set_network", json!({ "name": custom, "rpc": null }));
    assert_eq!(state["network"]["kind"], "custom");
    assert_eq!(state["chain_id"], SN_SEPOLIA_HEX);
    let s = ipc.ok("settings_get", json!({}));
    assert_eq!(s["pinned_chain_id"], SN_SEPOLIA_HEX);
    assert!(s["payer"].is_null(), "no default payer off devnet: {s}");

    // Who pays here: the local relayer does not exist off devnet; a paymaster must be https
    // (or on this machine); then a paymaster with an API key, whose value never comes back.
    assert_eq!(
        ipc.code(
            "settings_set_payer",
            json!({ "payer": { "kind": "local-relayer" }, "api_key": null })
        ),
        "INVALID_ARGUMENT"
    );
    assert_eq!(
        ipc.code(
            "settings_set_payer",
            json!({ "payer": { "kind": "paymaster", "url": "http://pm.example/", "gas_token": null } })
        ),
        "INVALID_ARGUMENT"
    );
    let s = ipc.ok(
        "settings_set_payer",
        json!({ "payer": { "kind": "paymaster", "url": "https://pm.example/", "gas_token": null }, "api_key": PAYMASTER_KEY }),
    );
    assert_eq!(s["paymaster_api_key_set"], true, "{s}");
    assert!(s["payer_description"]
        .as_str()
        .unwrap()
        .contains("paymaster at pm.example (sponsored"));

    // The address book of this network.
    let bob = format!("{:#x}", fx.recipient);
    assert_eq!(
        ipc.code("address_save", json!({ "address": bob, "label": "" })),
        "INVALID_ARGUMENT"
    );
    let book = ipc.ok("address_save", json!({ "address": bob, "label": "Bob" }));
    assert_eq!(book[0]["label"], "Bob");

    // The file is owner-only and holds no secret.
    let file = std::path::PathBuf::from(s["file"].as_str().unwrap());
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(PAYMASTER_KEY) && !text.contains(PIN),
        "{text}"
    );

    // A restart (the environment still says devnet): the settings file wins.
    let transcript = std::mem::take(&mut ipc.transcript);
    let mut ipc = start_ipc(config);
    ipc.transcript = transcript;
    let state = ipc.ok("app_state", json!({}));
    assert_eq!(state["network"]["name"], custom.as_str(), "{state}");
    assert_eq!(state["auto_lock_secs"], 120);
    let s = ipc.ok("settings_get", json!({}));
    assert_eq!(s["payer"]["url"], "https://pm.example/");
    assert_eq!(s["paymaster_api_key_set"], true);
    assert_eq!(s["keep_local_chain"], true, "{s}");
    assert_eq!(ipc.ok("address_book", json!({}))[0]["label"], "Bob");

    // The node behind the custom URL now claims Mainnet: refused, with both ids named.
    proxy.pose_as(Some(sesame_app::network::SN_MAIN));
    let err = ipc
        .call("set_network", json!({ "name": custom, "rpc": null }))
        .unwrap_err();
    assert_eq!(err["code"], "CHAIN_ID_CHANGED", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("now answers with chain id SN_MAIN, not SN_SEPOLIA"),
        "{err}"
    );
    let state = ipc.ok("app_state", json!({}));
    assert_eq!(state["chain_error"]["code"], "CHAIN_ID_CHANGED", "{state}");
    assert!(state["chain_id"].is_null());
    // Back to its own chain, it is accepted again.
    proxy.pose_as(None);
    let state = ipc.ok("set_network", json!({ "name": custom, "rpc": null }));
    assert_eq!(state["chain_id"], SN_SEPOLIA_HEX);

    // Clearing the key forgets it.
    let s = ipc.ok(
        "settings_set_payer",
        json!({ "payer": { "kind": "paymaster", "url": "https://pm.example/", "gas_token": null }, "clear_api_key": true }),
    );
    assert_eq!(s["paymaster_api_key_set"], false);
    assert!(
        !ipc.transcript.contains(PAYMASTER_KEY),
        "the API key crossed IPC"
    );
    assert!(!ipc.transcript.contains(PIN));

    let vault = sesame_vault::Vault::open_keychain(&profile).unwrap();
    vault.destroy().unwrap();
    let _ = std::fs::remove_dir_all(data_dir);
}

/// On a custom network (a second devnet) a new wallet is funded and deployed from the app,
/// then each payer chosen in Settings is the one that carries and pays for a session's send:
/// nobody (refused before signing), the local SNIP-29 paymaster sponsored (with its API key
/// from the vault; refused without it), in gas-token mode (the wallet pays the fee in STRK),
/// and one of the person's own wallets as relayer.
#[test]
fn the_payer_chosen_in_settings_carries_and_pays_for_session_sends() {
    if std::env::var("SESAME_KEYCHAIN_TESTS").as_deref() != Ok("1") {
        eprintln!("SKIPPED: needs the OS keychain; run under scripts/with-keyring.sh");
        return;
    }
    use sesame_tests::paymaster_server::{PaymasterServer, PaymasterServerConfig, TEST_API_KEY};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fx = rt.block_on(Fixture::start());
    let paymaster = rt
        .block_on(PaymasterServer::start(
            &fx.relayer,
            PaymasterServerConfig::default(),
        ))
        .unwrap();
    let (mut config, data_dir, profile) = test_config("ipc-payer", fx.devnet.rpc_url());
    // The custom network from the first start: the devnet's URL, not named "devnet".
    config.network = fx.devnet.rpc_url();
    config.rpc = None;
    let mut ipc = start_ipc(config);
    ipc.ok("vault_create", json!({ "pin": PIN }));
    assert_eq!(ipc.ok("app_state", json!({}))["network"]["kind"], "custom");

    // A new wallet here is an address until funded; the funding asked for covers the fee.
    let w = ipc.ok("wallet_create", json!({}));
    assert_eq!(w["deployed"], false);
    let next = w["next_step"].as_str().unwrap();
    assert!(
        next.contains(&format!("sesame --profile {profile} --network ")),
        "{next}"
    );
    let address = w["address"].as_str().unwrap().to_string();
    let wallet = sesame_core::felt::parse_felt(&address).unwrap();
    let f = ipc.ok("wallet_funding", json!({ "wallet": address }));
    assert_eq!(
        (f["deployed"].as_bool(), f["funded"].as_bool()),
        (Some(false), Some(false))
    );
    let required: u128 = f["required"].as_str().unwrap().parse().unwrap();
    let estimated: u128 = f["estimated_fee"].as_str().unwrap().parse().unwrap();
    assert!(estimated > 0 && required >= estimated * 2, "{f}");
    assert!(
        ipc.code("wallet_deploy", json!({ "wallet": address }))
            .len()
            > 3
    );
    rt.block_on(
        fx.dev
            .mint_strk(wallet, required + 50_000_000_000_000_000_000),
    )
    .unwrap();
    let f = ipc.ok("wallet_funding", json!({ "wallet": address }));
    assert_eq!(f["funded"], true, "{f}");
    let w = ipc.ok("wallet_deploy", json!({ "wallet": address }));
    assert_eq!(
        (w["deployed"].as_bool(), w.get("next_step")),
        (Some(true), None)
    );
    assert!(rt
        .block_on(fx.chain.class_hash_at(wallet))
        .unwrap()
        .is_some());

    // A session that may send STRK (owner-paid registration).
    let s = ipc.ok(
        "session_create",
        json!({ "wallet": address, "duration_secs": 3600 }),
    );
    let key = s["session_public_key"].as_str().unwrap().to_string();
    ipc.ok(
        "session_register",
        json!({ "wallet": address, "session": key, "max_calls": 10, "allow": ["strk:transfer"], "valid_until": null }),
    );
    let to = format!("{:#x}", fx.recipient);
    let send = json!({ "wallet": address, "session": key, "token": "strk", "recipient": to, "amount": "1000" });

    // Nobody chosen: the preview says so and a send is refused before anything is signed.
    let p = ipc.ok("send_preview", send.clone());
    assert_eq!(
        (p["ok"].as_bool(), p["error"]["code"].as_str()),
        (Some(false), Some("NO_PAYER"))
    );
    assert_eq!(ipc.code("send", send.clone()), "INVALID_ARGUMENT");

    // The paymaster, sponsored, with its API key: it builds and submits; the wallet pays
    // nothing but the transfer; the recipient becomes a recent address.
    let pm = json!({ "kind": "paymaster", "url": paymaster.url(), "gas_token": null });
    ipc.ok(
        "settings_set_payer",
        json!({ "payer": pm, "api_key": TEST_API_KEY }),
    );
    let p = ipc.ok("send_preview", send.clone());
    assert_eq!(p["ok"], true, "{p}");
    assert!(
        p["fee_payer"].as_str().unwrap().contains("sponsored"),
        "{p}"
    );
    let (before_to, before_w) =
        rt.block_on(async { (fx.strk(fx.recipient).await, fx.strk(wallet).await) });
    let out = ipc.ok("send", send.clone());
    assert_eq!(out["mode"], "paymaster", "{out}");
    assert_eq!(paymaster.executions(), 1);
    assert_eq!(rt.block_on(fx.strk(fx.recipient)), before_to + 1000);
    assert_eq!(
        rt.block_on(fx.strk(wallet)),
        before_w - 1000,
        "sponsored: no fee"
    );
    assert_eq!(ipc.ok("address_book", json!({}))[0]["address"], to.as_str());

    // Without the API key the paymaster refuses, and nothing is sent.
    ipc.ok(
        "settings_set_payer",
        json!({ "payer": pm, "clear_api_key": true }),
    );
    assert!(ipc.code("send", send.clone()).starts_with("PAYMASTER_"));
    assert_eq!(paymaster.executions(), 1);

    // Gas-token mode: the wallet pays the paymaster's fee in STRK, within its quote.
    let gas = json!({ "kind": "paymaster", "url": paymaster.url(), "gas_token": "strk" });
    ipc.ok(
        "settings_set_payer",
        json!({ "payer": gas, "api_key": TEST_API_KEY }),
    );
    let before_w = rt.block_on(fx.strk(wallet));
    let out = ipc.ok("send", send.clone());
    assert_eq!(out["fee_unit"], "FRI", "{out}");
    let fee: u128 = out["fee"].as_str().unwrap().parse().unwrap();
    let paid = before_w - rt.block_on(fx.strk(wallet)) - 1000;
    assert!(paid > 0 && paid <= fee, "paid {paid}, quoted at most {fee}");

    // A relayer: only one of this device's wallets on this network may be chosen.
    assert_eq!(
        ipc.code(
            "settings_set_payer",
            json!({ "payer": { "kind": "relayer", "wallet": format!("{:#x}", fx.relayer.address()) } })
        ),
        "WALLET_NOT_FOUND"
    );
    let own = &fx.devnet.accounts()[0];
    let own_address = format!("{:#x}", own.address);
    ipc.ok(
        "wallet_import",
        json!({ "address": own_address, "private_key": format!("{:#x}", own.private_key) }),
    );
    ipc.ok(
        "settings_set_payer",
        json!({ "payer": { "kind": "relayer", "wallet": own_address } }),
    );
    let before_relayer = rt.block_on(fx.strk(own.address));
    let before_w = rt.block_on(fx.strk(wallet));
    let out = ipc.ok("send", send.clone());
    assert_eq!(
        (out["mode"].as_str(), out["paid_by"].as_str()),
        (Some("relayer"), Some(own_address.as_str()))
    );
    assert!(
        rt.block_on(fx.strk(own.address)) < before_relayer,
        "the relayer paid the fee"
    );
    assert_eq!(rt.block_on(fx.strk(wallet)), before_w - 1000);
    assert!(
        !ipc.transcript.contains(TEST_API_KEY),
        "the API key crossed IPC"
    );

    let vault = sesame_vault::Vault::open_keychain(&profile).unwrap();
    vault.destroy().unwrap();
    let _ = std::fs::remove_dir_all(data_dir);
}
