//! The replies of the desktop commands, built from the real Rust types (and the commands' own
//! reply helpers) with sample values, must equal `ui/test/fixtures/replies.json`: the file the
//! UI's unit tests feed through its types and views, and its dev fake backend serves. A change to
//! a reply type fails here until the fixture follows, and then the UI's tests say what the UI
//! makes of the new shape. No devnet, no keychain.
//!
//! `SESAME_WRITE_FIXTURES=1 cargo test -p sesame-desktop --test reply_shapes` rewrites the file.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value};
use sesame_app::activity::ActivityEntry;
use sesame_app::DeployFunding;
use sesame_app::{
    AccountClass, AppError, EntrypointView, ErrorReply, ExecOutcome, Network, NetworkKind,
    PolicyView, RecipientRuleView, RotateOutcome, ScopeEntryView, SessionStatus, TxOutcome,
    WalletView,
};
use sesame_core::calls::SessionCall;
use sesame_core::felt::U256;
use sesame_core::preflight::PreflightError;
use sesame_core::preflight::RecipientRule;
use sesame_core::selector::selector_from_name;
use sesame_core::session::{SessionDataShape, SessionState};
use sesame_core::Felt;
use sesame_desktop::commands::{policy_reply, revoke_all_reply, session_tx_reply};
use sesame_desktop::shell::{
    AddressEntry, AppState, BackupReply, Payer, SendPreview, SettingsView,
};
use sesame_desktop::{Shell, ShellConfig};
use sesame_vault::vault::MAX_FAILURES;
use sesame_vault::{AttemptStatus, VaultError};

/// Chain time of every sample status (2026-01-01T00:00:00Z).
const NOW: u64 = 1_767_225_600;
const SN_SEPOLIA: &str = "0x534e5f5345504f4c4941";
const WALLET: &str = "0x5f8e3a17c2b94d06a1e7c3b8d2f4a6e9c1b3d5f7a9e2c4b6d8f0a1c3e5b7d90";
const WALLET_KEY: &str = "0x1b7c0e4f9a2d5c8e3b6a9d2c5f8e1b4a7d0c3f6e9b2a5d8c1f4e7b0a3d6c9f2";
const WALLET2: &str = "0x3a91c6e2f5b8d1a4c7e0b3f6a9d2c5e8b1f4a7d0c3e6b9f2a5d8c1e4b7a0d3f";
const WALLET2_KEY: &str = "0x2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7a0f3c6e9b2d5a8f1c4e7b0d3a6f9c2e5";
const S_REVOKED: &str = "0x6e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1";
const S_EXPIRED: &str = "0x14a5b6c7d8e9fa0b1c2d3e4f5a6b7c8d9eafb0c1d2e3f4a5b6c7d8e9fa0b1c2";
const S_SNIP163: &str = "0x4b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const S_NONE: &str = "0x7a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0";
const S_ACTIVE: &str = "0x2c7e1f0a9b8d6e5c4a3b2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1";
const S_CREATED: &str = "0x3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2";
const WALLET_KEY_ROTATED: &str =
    "0x5c2e9b4a7d0f3c6e1b8a5d2f9c4e7b0a3d6f1c8e5b2a9d4f7c0e3b6a1d8f5c2";
const TX_ROTATE: &str = "0x1e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9";
const TX_REGISTER: &str = "0x6d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5be2";
const TX_POLICY: &str = "0x1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f";
const TX_SEND: &str = "0x5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4";
const TX_REVOKE: &str = "0x3e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8";
const TX_REVOKE_ALL: &str = "0x7c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1";
const RECIPIENT: &str = "0x3a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80";
const RELAYER: &str = "0x64b48806902a367c8598f4f95c305e8c1a1acba5f082d294a43793113115691";
const STRK_WEI_1234_5: &str = "1234500000000000000000";

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/test/fixtures/replies.json")
}

fn v(x: impl Serialize) -> Value {
    serde_json::to_value(x).unwrap()
}

fn devnet() -> Network {
    Network {
        kind: NetworkKind::Devnet,
        name: "devnet".into(),
        rpc_url: "http://127.0.0.1:5050/rpc".into(),
    }
}

fn sepolia() -> Network {
    Network {
        kind: NetworkKind::Sepolia,
        name: "sepolia".into(),
        rpc_url: "https://rpc.example/sepolia".into(),
    }
}

fn attempts(failures: u32, retry_after_secs: u64) -> AttemptStatus {
    AttemptStatus {
        failures,
        attempts_left: MAX_FAILURES.saturating_sub(failures),
        retry_after_secs,
        locked_out: failures >= MAX_FAILURES,
        tampered: false,
    }
}

fn app_state(network: Network, initialized: bool, unlocked: bool, passkey: bool) -> AppState {
    AppState {
        network,
        chain_id: Some(SN_SEPOLIA.into()),
        chain_error: None,
        initialized,
        unlocked,
        attempts: attempts(0, 0),
        auto_lock_secs: 300,
        passkey_enrolled: passkey,
        // As a build without the usb-passkey feature reports it.
        passkey_available: false,
    }
}

fn wallet(address: &str, public_key: &str, deployed: bool, strk: &str, eth: &str) -> WalletView {
    WalletView {
        address: address.into(),
        public_key: public_key.into(),
        network: "devnet".into(),
        deployed,
        supports_sessions: deployed,
        // An undeployed wallet reports the class Sesame will deploy.
        account_class: AccountClass::SesameV2,
        scoped_sessions: true,
        session_limits: AccountClass::SesameV2.session_limits().into(),
        strk_balance: strk.into(),
        eth_balance: eth.into(),
        // As `Sesame::wallet_show` words it.
        next_step: (!deployed).then(|| {
            format!(
                "send STRK to {address} for the deployment fee, then deploy it: in the app, or \
                 run `sesame --profile desktop --network devnet --wallet {address} wallet deploy`"
            )
        }),
    }
}

fn named(name: &str) -> EntrypointView {
    EntrypointView::of(&selector_from_name(name))
}

/// A session status as `Sesame::status_of` builds it at chain time `NOW`.
fn status(
    key: &str,
    state: SessionState,
    valid_until: u64,
    remaining_calls: u32,
    allowed: Option<Vec<EntrypointView>>,
    data_shape: SessionDataShape,
    created_at: u64,
) -> SessionStatus {
    let counting = matches!(state, SessionState::Active | SessionState::Created);
    SessionStatus {
        session_public_key: key.into(),
        wallet: WALLET.into(),
        state,
        is_active: state == SessionState::Active,
        valid_until,
        remaining_calls,
        allowed_entrypoints: allowed,
        chain_time: NOW,
        seconds_left: if counting {
            valid_until.saturating_sub(NOW)
        } else {
            0
        },
        // Not registered, or registered by v1: see `with_scope` for a scoped one.
        broad: false,
        scope: Vec::new(),
        recipients: Vec::new(),
        data_shape,
        created_at,
    }
}

/// `s` as a v2 scoped session with these pairs and recipient rules.
fn with_scope(
    mut s: SessionStatus,
    pairs: &[(Felt, &str)],
    rules: &[(Felt, Vec<Felt>)],
) -> SessionStatus {
    s.scope = pairs
        .iter()
        .map(|(to, name)| {
            let selector = if name.starts_with("0x") {
                Felt::from_hex_unchecked(name)
            } else {
                selector_from_name(name)
            };
            ScopeEntryView::of(&SessionCall { to: *to, selector })
        })
        .collect();
    s.recipients = rules
        .iter()
        .map(|(token, list)| {
            RecipientRuleView::of(&RecipientRule {
                token: *token,
                recipients: list.clone(),
            })
        })
        .collect();
    s
}

fn tx(hash: &str, fee: &str) -> TxOutcome {
    TxOutcome {
        tx_hash: hash.into(),
        fee: fee.into(),
        fee_unit: "FRI".into(),
    }
}

/// An activity entry as `Shell::record` writes it on `network`.
fn entry(
    network: &Network,
    at: u64,
    session: Option<&str>,
    kind: &str,
    summary: &str,
    tx: Option<&str>,
) -> ActivityEntry {
    ActivityEntry {
        at,
        wallet: WALLET.into(),
        session: session.map(str::to_string),
        kind: kind.into(),
        summary: summary.into(),
        tx_hash: tx.map(str::to_string),
        explorer_url: tx.and_then(|t| network.explorer_tx_url(t)),
    }
}

fn put(map: &mut Map<String, Value>, key: &str, value: impl Serialize) {
    map.insert(key.to_string(), v(value));
}

/// Every reply, with sample values: `ok` holds one per command, `more` other cases of some of
/// them (`command:case`), `errors` what commands reject with.
fn replies() -> Value {
    let (devnet, sepolia) = (devnet(), sepolia());
    let shell = Shell::new(ShellConfig {
        data_dir: std::env::temp_dir().join("sesame-reply-shapes"),
        profile: "reply-shapes".into(),
        network: "devnet".into(),
        rpc: None,
        auto_lock_secs: 300,
        start_local_devnet: false,
        keep_local_chain: false,
        rpc_timeouts: Default::default(),
        backup_dir: None,
    });

    let w1 = wallet(
        WALLET,
        WALLET_KEY,
        true,
        STRK_WEI_1234_5,
        "250000000000000000",
    );
    let w2 = wallet(WALLET2, WALLET2_KEY, false, "0", "0");

    let transfer_approve_other = vec![
        named("transfer"),
        named("approve"),
        EntrypointView::of(&Felt::from_hex_unchecked("0x5eed")),
    ];
    let revoked = status(
        S_REVOKED,
        SessionState::Revoked,
        NOW - 3 * 86_400 + 21_600,
        0,
        Some(vec![]),
        SessionDataShape::ChipiTuple,
        NOW - 3 * 86_400,
    );
    let strk_felt = sesame_core::spec::STRK;
    let other_contract = Felt::from_hex_unchecked(
        "0x7c3a5e8b1d4f6a9c2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7a0f3c6e9b2d5a8f1",
    );
    let expired = with_scope(
        status(
            S_EXPIRED,
            SessionState::Expired,
            NOW - 7_200,
            400,
            Some(vec![named("transfer"), named("approve")]),
            SessionDataShape::ChipiTuple,
            NOW - 86_400,
        ),
        &[(strk_felt, "transfer"), (strk_felt, "approve")],
        &[],
    );
    let mut snip163 = status(
        S_SNIP163,
        SessionState::Active,
        NOW + 510,
        12,
        None,
        SessionDataShape::Snip163Struct,
        NOW - 21_090,
    );
    // A CHIPI / SNIP-163 account: its allowlist holds on every contract.
    snip163.broad = true;
    let none = status(
        S_NONE,
        SessionState::None,
        NOW + 3_600,
        0,
        Some(vec![]),
        SessionDataShape::ChipiTuple,
        NOW - 7_200,
    );
    let active = with_scope(
        status(
            S_ACTIVE,
            SessionState::Active,
            NOW + 20_460,
            997,
            Some(transfer_approve_other),
            SessionDataShape::ChipiTuple,
            NOW - 1_200,
        ),
        &[
            (strk_felt, "transfer"),
            (strk_felt, "approve"),
            (other_contract, "0x5eed"),
        ],
        &[(strk_felt, vec![Felt::from_hex_unchecked(RECIPIENT)])],
    );
    let created = status(
        S_CREATED,
        SessionState::Created,
        NOW + 21_300,
        0,
        Some(vec![]),
        SessionDataShape::ChipiTuple,
        NOW - 300,
    );
    let list = vec![
        revoked,
        expired,
        snip163,
        none,
        active.clone(),
        created.clone(),
    ];
    let all_revoked: Vec<SessionStatus> = list
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if matches!(s.state, SessionState::Active | SessionState::Created) {
                s.state = SessionState::Revoked;
                s.is_active = false;
                s.remaining_calls = 0;
                s.allowed_entrypoints = Some(vec![]);
                s.scope.clear();
                s.recipients.clear();
                s.seconds_left = 0;
            }
            s
        })
        .collect();

    let strk = shell.tokens()[0].address.clone();
    let policy = PolicyView {
        token: strk.clone(),
        max_per_call: "10000000000000000000".into(),
        max_per_window: "100000000000000000000".into(),
        window_seconds: 86_400,
        spent_in_window: "12500000000000000000".into(),
        window_start: NOW - 1_200,
    };
    let no_policy = PolicyView {
        token: strk.clone(),
        max_per_call: "0".into(),
        max_per_window: "0".into(),
        window_seconds: 0,
        spent_in_window: "0".into(),
        window_start: 0,
    };
    let preview = SendPreview {
        ok: true,
        error: None,
        balance_before: STRK_WEI_1234_5.into(),
        balance_after: "1233000000000000000000".into(),
        fee_payer: "the local relayer (gasless)".into(),
        remaining_calls_after: 996,
    };
    let over_cap = SendPreview {
        ok: false,
        error: Some(
            AppError::Preflight(PreflightError::OverPerCallCap {
                amount: U256::from_u128(15_000_000_000_000_000_000),
                cap: U256::from_u128(10_000_000_000_000_000_000),
            })
            .reply(),
        ),
        balance_before: STRK_WEI_1234_5.into(),
        balance_after: "1219500000000000000000".into(),
        fee_payer: "the local relayer (gasless)".into(),
        remaining_calls_after: 0,
    };
    let too_much = SendPreview {
        ok: false,
        // As `Shell::send_preview` words it.
        error: Some(ErrorReply {
            code: "INSUFFICIENT_BALANCE".into(),
            message: "the wallet does not hold that much of this token".into(),
        }),
        balance_before: STRK_WEI_1234_5.into(),
        balance_after: "0".into(),
        fee_payer: "the local relayer (gasless)".into(),
        remaining_calls_after: 0,
    };
    let sent = |network: &Network| ExecOutcome {
        tx_hash: TX_SEND.into(),
        mode: "relayer".into(),
        paid_by: RELAYER.into(),
        fee: "876000000000000".into(),
        fee_unit: "FRI".into(),
        explorer_url: network.explorer_tx_url(TX_SEND),
        remaining_calls: 996,
    };
    // `Shell::send` words the summary in the token's units.
    let send_summary = format!("Sent 1.5 STRK to {RECIPIENT}");
    // Newest first, as `ActivityLog::list` returns them.
    let activity = |n: &Network| {
        vec![
            entry(
                n,
                NOW - 600,
                Some(S_ACTIVE),
                "send",
                &send_summary,
                Some(TX_SEND),
            ),
            entry(
                n,
                NOW - 1_150,
                Some(S_ACTIVE),
                "policy",
                "Spending policy set",
                Some(TX_POLICY),
            ),
            entry(
                n,
                NOW - 1_180,
                Some(S_ACTIVE),
                "register",
                "Session registered: 1000 calls",
                Some(TX_REGISTER),
            ),
            entry(
                n,
                NOW - 1_200,
                Some(S_ACTIVE),
                "create",
                "Session key created",
                None,
            ),
            entry(
                n,
                NOW - 2 * 86_400,
                None,
                "revoke",
                "Every session revoked",
                Some(TX_REVOKE_ALL),
            ),
            entry(n, NOW - 4 * 86_400, None, "create", "Wallet created", None),
        ]
    };
    let register_tx = tx(TX_REGISTER, "2100000000000000");
    let revoke_tx = tx(TX_REVOKE, "1400000000000000");
    let revoke_all_tx = tx(TX_REVOKE_ALL, "1900000000000000");
    let policy_tx = tx(TX_POLICY, "1200000000000000");
    let mut just_revoked = active.clone();
    just_revoked.state = SessionState::Revoked;
    just_revoked.is_active = false;
    just_revoked.remaining_calls = 0;
    just_revoked.allowed_entrypoints = Some(vec![]);
    just_revoked.scope.clear();
    just_revoked.recipients.clear();
    just_revoked.seconds_left = 0;

    let mut ok = Map::new();
    put(
        &mut ok,
        "app_state",
        app_state(devnet.clone(), false, false, false),
    );
    put(
        &mut ok,
        "set_network",
        app_state(sepolia.clone(), true, true, false),
    );
    put(
        &mut ok,
        "vault_create",
        app_state(devnet.clone(), true, true, false),
    );
    put(
        &mut ok,
        "vault_unlock",
        app_state(devnet.clone(), true, true, false),
    );
    put(
        &mut ok,
        "vault_unlock_passkey",
        app_state(devnet.clone(), true, true, true),
    );
    put(
        &mut ok,
        "passkey_enroll",
        app_state(devnet.clone(), true, true, true),
    );
    put(
        &mut ok,
        "vault_lock",
        app_state(devnet.clone(), true, false, false),
    );
    put(
        &mut ok,
        "vault_backup",
        BackupReply {
            path: format!(
                "/home/me/Documents/{}",
                sesame_app::custody::backup_file_name("desktop", NOW)
            ),
            wallets: 2,
            sessions: list.len(),
        },
    );
    put(
        &mut ok,
        "vault_restore",
        app_state(devnet.clone(), true, true, false),
    );
    put(
        &mut ok,
        "vault_recover",
        app_state(devnet.clone(), true, true, false),
    );
    put(&mut ok, "touch", ());
    put(&mut ok, "tokens", shell.tokens());
    put(&mut ok, "wallet_create", &w1);
    put(&mut ok, "wallet_import", &w1);
    put(&mut ok, "wallets", [&w1, &w2]);
    put(&mut ok, "wallet_show", &w1);
    let mut rotated = w1.clone();
    rotated.public_key = WALLET_KEY_ROTATED.into();
    put(
        &mut ok,
        "wallet_rotate_key",
        RotateOutcome {
            tx: tx(TX_ROTATE, "1800000000000000"),
            explorer_url: None,
            wallet: rotated,
            sessions_ended: 3,
        },
    );
    put(&mut ok, "session_create", &created);
    put(
        &mut ok,
        "session_register",
        session_tx_reply(&register_tx, &active),
    );
    put(&mut ok, "session_list", &list);
    put(
        &mut ok,
        "session_revoke",
        session_tx_reply(&revoke_tx, &just_revoked),
    );
    put(
        &mut ok,
        "session_revoke_all",
        revoke_all_reply(Some(&revoke_all_tx), &all_revoked),
    );
    put(&mut ok, "policy_set", policy_reply(&policy_tx, &policy));
    put(&mut ok, "policy_get", &policy);
    put(&mut ok, "send_preview", &preview);
    put(&mut ok, "send", sent(&devnet));
    put(&mut ok, "activity", activity(&devnet));
    put(&mut ok, "open_external", ());
    let custom = Network {
        kind: NetworkKind::Custom,
        name: "https://rpc.example/custom".into(),
        rpc_url: "https://rpc.example/custom".into(),
    };
    let paymaster = Payer::Paymaster {
        url: "https://paymaster.example/".into(),
        gas_token: None,
    };
    // As `Shell::settings_get` builds it (`describe_payer` words the payer).
    let settings = |network: Network, payer: Option<Payer>, key_set: bool| SettingsView {
        schema: sesame_desktop::shell::settings::SETTINGS_SCHEMA,
        pinned_chain_id: (network.kind == NetworkKind::Custom).then(|| SN_SEPOLIA.to_string()),
        payer_description: sesame_desktop::shell::settings::describe_payer(payer.as_ref()),
        payer,
        paymaster_api_key_set: key_set,
        auto_lock_secs: 300,
        keep_local_chain: false,
        file: "/home/me/.local/share/sesame/settings-desktop.json".into(),
        network,
    };
    put(
        &mut ok,
        "settings_get",
        settings(devnet.clone(), Some(Payer::LocalRelayer), false),
    );
    put(
        &mut ok,
        "settings_set_payer",
        settings(custom.clone(), Some(paymaster.clone()), true),
    );
    put(
        &mut ok,
        "settings_set_auto_lock",
        settings(devnet.clone(), Some(Payer::LocalRelayer), false),
    );
    let mut kept = settings(devnet.clone(), Some(Payer::LocalRelayer), false);
    kept.keep_local_chain = true;
    put(&mut ok, "settings_set_keep_local_chain", kept);
    let saved = AddressEntry {
        address: RECIPIENT.into(),
        network: "devnet".into(),
        label: Some("Alice".into()),
        saved: true,
        last_used: Some(NOW - 600),
    };
    let recent = AddressEntry {
        address: RELAYER.into(),
        network: "devnet".into(),
        label: None,
        saved: false,
        last_used: Some(NOW - 3_600),
    };
    let book = vec![saved.clone(), recent.clone()];
    put(&mut ok, "address_book", &book);
    put(&mut ok, "address_save", &book);
    put(&mut ok, "address_remove", vec![saved]);
    let funding = |deployed: bool, balance: &str| DeployFunding {
        address: WALLET2.into(),
        network: "sepolia".into(),
        deployed,
        balance: balance.into(),
        estimated_fee: if deployed { "0" } else { "1200000000000000" }.into(),
        required: if deployed { "0" } else { "3600000000000000" }.into(),
        funded: deployed || balance.len() > 16,
    };
    put(&mut ok, "wallet_funding", funding(false, "0"));
    let mut deployed_w2 = w2.clone();
    deployed_w2.deployed = true;
    deployed_w2.supports_sessions = true;
    deployed_w2.next_step = None;
    deployed_w2.strk_balance = "2400000000000000".into();
    put(&mut ok, "wallet_deploy", &deployed_w2);

    let mut offline = app_state(devnet.clone(), true, false, false);
    offline.chain_id = None;
    offline.chain_error = Some(
        AppError::DevnetUnavailable("sesame-devnet did not answer on port 5050".into()).reply(),
    );
    let mut backoff = app_state(devnet.clone(), true, false, false);
    backoff.attempts = attempts(4, 30);
    let mut locked_out = app_state(devnet.clone(), true, false, false);
    locked_out.attempts = attempts(MAX_FAILURES, 0);
    // A missing or edited counter reads as locked out (`Vault::attempt_status`).
    let mut tampered = locked_out.clone();
    tampered.attempts.tampered = true;
    let mut locked_out_passkey = app_state(devnet.clone(), true, false, true);
    locked_out_passkey.attempts = attempts(MAX_FAILURES, 0);
    locked_out_passkey.passkey_available = true;

    let mut more = Map::new();
    put(&mut more, "app_state:node_unreachable", &offline);
    put(&mut more, "app_state:pin_backoff", &backoff);
    put(&mut more, "app_state:locked_out", &locked_out);
    put(&mut more, "app_state:attempts_tampered", &tampered);
    put(
        &mut more,
        "app_state:locked_out_with_passkey",
        &locked_out_passkey,
    );
    put(&mut more, "wallet_show:not_deployed", &w2);
    put(&mut more, "session_list:empty", Vec::<SessionStatus>::new());
    put(
        &mut more,
        "session_revoke_all:nothing_live",
        revoke_all_reply(None, &[]),
    );
    put(&mut more, "policy_get:no_policy", &no_policy);
    put(&mut more, "send_preview:over_cap", &over_cap);
    put(&mut more, "send_preview:insufficient_balance", &too_much);
    put(&mut more, "send:sepolia", sent(&sepolia));
    put(&mut more, "activity:sepolia", activity(&sepolia));
    put(&mut more, "activity:empty", Vec::<ActivityEntry>::new());
    put(
        &mut more,
        "wallet_funding:funded",
        funding(false, "5000000000000000"),
    );
    put(
        &mut more,
        "wallet_funding:deployed",
        funding(true, "2400000000000000"),
    );
    put(
        &mut more,
        "settings_get:no_payer",
        settings(custom.clone(), None, false),
    );
    put(
        &mut more,
        "settings_get:relayer",
        settings(
            sepolia.clone(),
            Some(Payer::Relayer {
                wallet: WALLET2.into(),
            }),
            false,
        ),
    );
    put(
        &mut more,
        "settings_get:gas_token",
        settings(
            custom.clone(),
            Some(Payer::Paymaster {
                url: "https://paymaster.example/".into(),
                gas_token: Some(shell.tokens()[0].address.clone()),
            }),
            true,
        ),
    );
    put(&mut more, "address_book:empty", Vec::<AddressEntry>::new());
    let mut no_payer = too_much.clone();
    no_payer.error = Some(ErrorReply {
        code: "NO_PAYER".into(),
        message: "nobody pays for session sends on this network yet: choose a paymaster or one \
                  of your wallets as relayer in Settings"
            .into(),
    });
    no_payer.fee_payer = sesame_desktop::shell::settings::describe_payer(None);
    no_payer.balance_after = "1233000000000000000000".into();
    put(&mut more, "send_preview:no_payer", &no_payer);

    let errors: Vec<ErrorReply> = vec![
        AppError::Locked.reply(),
        AppError::NoWallet.reply(),
        AppError::WalletNotFound(WALLET2.into()).reply(),
        AppError::SessionNotFound(S_CREATED.into()).reply(),
        AppError::Vault(VaultError::WrongPinOrDamaged).reply(),
        AppError::Vault(VaultError::SecretTooShort {
            what: "backup passphrase",
            min: sesame_vault::vault::MIN_PASSPHRASE_CHARS,
        })
        .reply(),
        AppError::Vault(VaultError::AlreadyInitialized).reply(),
        AppError::Vault(VaultError::OwnerKeyMismatch).reply(),
        AppError::BackupFile(
            "cannot read /home/me/Documents/missing.sesame: No such file or directory (os error 2)"
                .into(),
        )
        .reply(),
        AppError::InvalidArgument(
            "Sesame only opens its own explorer links, not https://evil.example/tx/0x1".into(),
        )
        .reply(),
        AppError::ChainIdChanged {
            network: "https://rpc.example/custom".into(),
            pinned: "SN_SEPOLIA".into(),
            found: "SN_MAIN".into(),
        }
        .reply(),
        Network::resolve("http://node.example/rpc", None)
            .unwrap_err()
            .reply(),
    ];

    let mut all = Map::new();
    put(
        &mut all,
        "about",
        "Real replies of the desktop commands, checked against the Rust types by \
         src-tauri/tests/reply_shapes.rs (SESAME_WRITE_FIXTURES=1 rewrites this file). \
         ok: one reply per command; more: other cases (command:case); errors: rejections.",
    );
    all.insert("ok".into(), Value::Object(ok));
    all.insert("more".into(), Value::Object(more));
    put(&mut all, "errors", errors);
    Value::Object(all)
}

/// Paths where `built` and `committed` differ, with both values.
fn diff(at: &str, built: &Value, committed: &Value, out: &mut Vec<String>) {
    match (built, committed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let path = format!("{at}.{k}");
                match b.get(k) {
                    Some(vb) => diff(&path, va, vb, out),
                    None => out.push(format!("{path}: Rust sends {va}, the fixture lacks it")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{at}.{k}: in the fixture, but Rust never sends it"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff(&format!("{at}[{i}]"), va, vb, out);
            }
        }
        _ if built == committed => {}
        _ => out.push(format!(
            "{at}: Rust sends {built}, the fixture has {committed}"
        )),
    }
}

#[test]
fn the_ui_fixture_holds_what_the_rust_types_serialize() {
    let path = fixture_path();
    let built = replies();
    if std::env::var("SESAME_WRITE_FIXTURES").as_deref() == Ok("1") {
        let text = serde_json::to_string_pretty(&built).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let committed: Value = serde_json::from_str(&text).unwrap();
    let mut diffs = Vec::new();
    diff("", &built, &committed, &mut diffs);
    assert!(
        diffs.is_empty(),
        "ui/test/fixtures/replies.json is not what the Rust types serialize:\n{}\n\
         If the change is meant, rewrite it with SESAME_WRITE_FIXTURES=1 cargo test -p \
         sesame-desktop --test reply_shapes, fix ui/src/api.ts to match, and run npm --prefix ui test.",
        diffs.join("\n")
    );
}

#[test]
fn the_fixture_has_a_reply_for_every_command() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let names = std::fs::read_to_string(format!("{root}src-tauri/src/command_names.in")).unwrap();
    let names: Vec<&str> = names.split('"').skip(1).step_by(2).collect();
    assert!(names.len() > 20, "{names:?}");
    let built = replies();
    let ok = built["ok"].as_object().unwrap();
    for name in &names {
        assert!(ok.contains_key(*name), "no sample reply for {name}");
    }
    assert_eq!(
        ok.len(),
        names.len(),
        "a sample reply for a command that does not exist"
    );
}
