//! The real Sesame app in WebKitGTK, driven by tauri-driver under Xvfb, on a real devnet and
//! the real keychain: onboarding (with a backup) → dashboard → session → gasless send →
//! refusal → revoke → lock → wrong PIN → unlock → forgotten PIN: restore the backup. A PNG is
//! kept at every stage (target/e2e-screenshots/).

#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use sesame_e2e::{e2e_available, App};
use sesame_tests::Fixture;

const PIN: &str = "2468";
const NEW_PIN: &str = "1357";
const BACKUP_PASSPHRASE: &str = "e2e backup passphrase, quiet heron";
const ONE_AND_A_HALF_STRK: u128 = 1_500_000_000_000_000_000;

/// The session entry whose allowed entrypoints text contains `needle`, as a CSS selector.
async fn session_with(app: &App, needle: &str) -> String {
    for item in app
        .client
        .find_all(Locator::Css("[data-testid=\"session-item\"]"))
        .await
        .unwrap()
    {
        let allowed = item
            .find(Locator::Css("[data-testid=\"session-entrypoints\"]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if allowed.contains(needle) {
            let key = item.attr("data-session").await.unwrap().unwrap();
            return format!("[data-testid=\"session-item\"][data-session=\"{key}\"]");
        }
    }
    panic!("no session allowing {needle}");
}

/// No error banner is on screen at this stage.
async fn no_error_banner(app: &App, stage: &str) {
    if let Ok(banner) = app
        .client
        .find(Locator::Css("[data-testid=\"error-banner\"]"))
        .await
    {
        let text = banner.text().await.unwrap_or_default();
        panic!("an error banner is on screen {stage}: {text}");
    }
}

async fn click_in(app: &App, scope: &str, testid: &str) {
    let sel = format!("{scope} [data-testid=\"{testid}\"]");
    app.client
        .find(Locator::Css(&sel))
        .await
        .unwrap_or_else(|e| panic!("{sel}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn wait_in(app: &App, scope: &str, testid: &str, want: &str) {
    let started = std::time::Instant::now();
    loop {
        let sel = format!("{scope} [data-testid=\"{testid}\"]");
        if let Ok(el) = app.client.find(Locator::Css(&sel)).await {
            if el.text().await.map(|t| t.trim() == want).unwrap_or(false) {
                return;
            }
        }
        assert!(
            started.elapsed().as_secs() < 90,
            "{sel} never read {want:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_person_goes_from_nothing_to_a_gasless_transfer_and_back_to_a_revoked_session() {
    if !e2e_available() {
        return;
    }
    let fx = Fixture::start().await;
    let data_dir = std::env::temp_dir().join(format!("sesame-e2e-{}", std::process::id()));
    let env = [
        ("SESAME_NETWORK", "devnet".to_string()),
        ("SESAME_RPC", fx.devnet.rpc_url()),
        ("SESAME_PROFILE", format!("e2e-{}", std::process::id())),
        ("SESAME_DATA_DIR", data_dir.display().to_string()),
        ("SESAME_AUTO_LOCK_SECS", "900".to_string()),
    ];
    let started = std::time::Instant::now();
    let app = App::start(&env).await;

    // Onboarding: PIN, then a new wallet (funded and deployed on devnet), then a backup.
    app.find("pin-input").await;
    println!("cold start to interactive: {:?}", started.elapsed());
    app.screenshot("01-onboarding-pin").await;
    app.fill("pin-input", PIN).await;
    app.fill("pin-confirm-input", PIN).await;
    app.click("pin-submit").await;
    app.find("onboard-create-wallet").await;
    no_error_banner(&app, "after setting the PIN").await;
    app.click("onboard-create-wallet").await;
    app.find("backup-passphrase").await;
    no_error_banner(&app, "after creating the wallet").await;
    app.screenshot("02-onboarding-wallet-ready").await;
    // The backup step (strongly suggested): the shell writes the file, owner-only, into the
    // harness's backup directory and shows where.
    app.fill("backup-passphrase", BACKUP_PASSPHRASE).await;
    app.fill("backup-passphrase-confirm", BACKUP_PASSPHRASE)
        .await;
    app.click("backup-submit").await;
    let backup = app
        .wait_text("backup-path", "the backup's path", |t| {
            t.trim().ends_with(".sesame")
        })
        .await
        .replace('\n', "")
        .trim()
        .to_string();
    let backup_file = std::path::PathBuf::from(&backup);
    assert_eq!(
        backup_file.parent(),
        Some(app.backup_dir.as_path()),
        "{backup}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{backup}");
    }
    no_error_banner(&app, "after the backup").await;
    app.screenshot("02b-onboarding-backup-saved").await;
    app.click("backup-continue").await;
    // A build that can use passkeys offers one next (skipped here); others go to the dashboard.
    let waited = std::time::Instant::now();
    loop {
        let passkey = app
            .client
            .find(Locator::Css("[data-testid=\"passkey-skip\"]"))
            .await;
        if let Ok(skip) = passkey {
            skip.click().await.unwrap();
            break;
        }
        if app
            .client
            .find(Locator::Css("[data-testid=\"dashboard\"]"))
            .await
            .is_ok()
        {
            break;
        }
        assert!(waited.elapsed().as_secs() < 60, "onboarding did not finish");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let address = app
        .wait_text("wallet-address", "an address", |t| t.starts_with("0x"))
        .await;
    assert!(address.len() > 10);
    // The activity shows the wallet's creation, an entry without a session, and no error is on
    // screen (one such entry once broke the activity card behind an error banner).
    app.wait_text("activity-item", "the wallet's creation", |t| {
        t.contains("Wallet created")
    })
    .await;
    assert!(
        app.client
            .find(Locator::Css("[data-testid=\"error-banner\"]"))
            .await
            .is_err(),
        "an error banner is on the dashboard"
    );
    app.screenshot("03-dashboard").await;

    // A session scoped to STRK transfers (the form's default), 10 calls, that may pay only
    // the recipient: create → register, the scope and the recipient rule in one transaction.
    let wallet = sesame_core::felt::parse_felt(&address).unwrap();
    let nonce_before = fx.chain.nonce(wallet).await.unwrap();
    app.click("new-session").await;
    app.fill("session-max-calls", "10").await;
    app.click("recipients-add").await;
    app.fill("recipient-addresses", &format!("{:#x}", fx.recipient))
        .await;
    app.screenshot("04a-new-session-scoped").await;
    app.click("session-submit").await;
    app.wait_text("session-state", "active", |t| t.trim() == "active")
        .await;
    no_error_banner(&app, "after registering the scoped session").await;
    assert_eq!(
        fx.chain.nonce(wallet).await.unwrap(),
        nonce_before + sesame_core::Felt::ONE,
        "registration, scope and recipients went in one owner transaction"
    );
    let transfer_session = session_with(&app, "transfer").await;
    wait_in(&app, &transfer_session, "session-remaining", "10").await;
    let scope_text = app
        .client
        .find(Locator::Css(&format!(
            "{transfer_session} [data-testid=\"session-entrypoints\"]"
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(scope_text.contains("STRK · transfer"), "{scope_text}");
    let recipients_text = app
        .client
        .find(Locator::Css(&format!(
            "{transfer_session} [data-testid=\"session-recipients\"]"
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        recipients_text.starts_with("STRK to 0x"),
        "{recipients_text}"
    );
    app.show(&transfer_session).await;
    app.screenshot("04-session-active").await;

    // Send 1.5 STRK gaslessly; the recipient's balance on devnet grows by exactly that.
    let before = fx.strk(fx.recipient).await;
    click_in(&app, &transfer_session, "session-send").await;
    app.fill("send-recipient", &format!("{:#x}", fx.recipient))
        .await;
    app.fill("send-amount", "1.5").await;
    app.click("send-preview").await;
    app.find("send-confirm").await;
    app.wait_text("send-preview-result", "a passing preflight", |t| {
        t.to_lowercase().contains("gasless")
    })
    .await;
    app.show("[data-testid=\"send-preview-result\"]").await;
    app.screenshot("05-send-preview").await;
    app.click("send-confirm").await;
    let tx = app
        .wait_text("tx-hash", "a tx hash", |t| t.starts_with("0x"))
        .await;
    app.show("[data-testid=\"send-result\"]").await;
    app.screenshot("06-send-result").await;
    no_error_banner(&app, "after the send").await;
    assert!(tx.len() > 20);
    assert_eq!(fx.strk(fx.recipient).await, before + ONE_AND_A_HALF_STRK);
    let _ = app.click("send-close").await;
    wait_in(&app, &transfer_session, "session-remaining", "9").await;

    // Anyone but the listed recipient is refused before anything is signed or sent.
    let stranger = fx.devnet.accounts()[0].address;
    let wallet_before = fx.strk(wallet).await;
    click_in(&app, &transfer_session, "session-send").await;
    app.fill("send-recipient", &format!("{stranger:#x}")).await;
    app.fill("send-amount", "1").await;
    app.click("send-preview").await;
    let refusal = app
        .wait_text("send-refusal", "a refusal", |t| !t.is_empty())
        .await;
    assert!(refusal.contains("recipients"), "{refusal}");
    app.show("[data-testid=\"send-refusal\"]").await;
    app.screenshot("06b-send-refused-other-recipient").await;
    assert_eq!(fx.strk(wallet).await, wallet_before, "nothing was sent");
    let _ = app.click("send-close").await;
    wait_in(&app, &transfer_session, "session-remaining", "9").await;

    // A second session that may only approve STRK: a transfer is refused with its message.
    app.click("new-session").await;
    app.choose(
        "[data-testid=\"new-session-form\"] [data-testid=\"scope-entrypoint\"]",
        "approve",
    )
    .await;
    app.click("session-submit").await;
    let approve_session = loop {
        let items = app
            .client
            .find_all(Locator::Css(
                "[data-testid=\"session-item\"][data-state=\"active\"]",
            ))
            .await
            .unwrap();
        if items.len() == 2 {
            break session_with(&app, "approve").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    no_error_banner(&app, "after registering the approve session").await;
    click_in(&app, &approve_session, "session-send").await;
    app.fill("send-recipient", &format!("{:#x}", fx.recipient))
        .await;
    app.fill("send-amount", "1").await;
    app.click("send-preview").await;
    let refusal = app
        .wait_text("send-refusal", "a refusal", |t| !t.is_empty())
        .await;
    assert!(refusal.contains("transfer"), "{refusal}");
    app.show("[data-testid=\"send-refusal\"]").await;
    app.screenshot("07-send-refused-outside-scope").await;
    let _ = app.click("send-close").await;

    // Revoke the transfer session, with confirmation; the badge reads revoked, a send is refused.
    click_in(&app, &transfer_session, "session-revoke").await;
    app.find("confirm-dialog").await;
    app.screenshot("08-revoke-confirm").await;
    app.click("confirm-ok").await;
    wait_in(&app, &transfer_session, "session-state", "revoked").await;
    no_error_banner(&app, "after revoking").await;
    app.show(&transfer_session).await;
    app.screenshot("09-session-revoked").await;
    click_in(&app, &transfer_session, "session-send").await;
    app.fill("send-recipient", &format!("{:#x}", fx.recipient))
        .await;
    app.fill("send-amount", "1").await;
    app.click("send-preview").await;
    let refusal = app
        .wait_text("send-refusal", "a refusal", |t| !t.is_empty())
        .await;
    assert!(refusal.to_lowercase().contains("revoked"), "{refusal}");
    app.show("[data-testid=\"send-refusal\"]").await;
    app.screenshot("10-send-refused-revoked").await;
    assert_eq!(
        fx.strk(fx.recipient).await,
        before + ONE_AND_A_HALF_STRK,
        "nothing more was sent"
    );
    let _ = app.click("send-close").await;

    // Rotate the owner key, with confirmation: the approve session, the one still live, ends;
    // the chain answers to the new key.
    let old_key = fx
        .chain
        .call(wallet, "get_public_key", vec![])
        .await
        .unwrap();
    // The wallet card is at the top, under the sticky header once the page has scrolled.
    app.show("[data-testid=\"rotate-key\"]").await;
    app.screenshot("09a-before-rotate").await;
    app.click("rotate-key").await;
    app.find("confirm-dialog").await;
    app.screenshot("09b-rotate-confirm").await;
    app.click("confirm-ok").await;
    let ended = app
        .wait_text("rotate-key-sessions", "the sessions ended", |t| {
            !t.is_empty()
        })
        .await;
    assert!(ended.contains('1'), "{ended}");
    no_error_banner(&app, "after rotating the owner key").await;
    let new_key = fx
        .chain
        .call(wallet, "get_public_key", vec![])
        .await
        .unwrap();
    assert_ne!(new_key, old_key, "the chain answers to a new key");
    wait_in(&app, &approve_session, "session-state", "revoked").await;
    app.screenshot("09c-rotated").await;

    // Lock, a wrong PIN shows its error, the right one unlocks.
    app.click("lock").await;
    app.fill("pin-input", "9999").await;
    app.click("pin-submit").await;
    let err = app
        .wait_text("unlock-error", "an error", |t| !t.is_empty())
        .await;
    assert!(err.to_lowercase().contains("wrong pin"), "{err}");
    app.screenshot("11-wrong-pin").await;
    app.fill("pin-input", PIN).await;
    app.click("pin-submit").await;
    app.find("wallet-address").await;
    // Back on the dashboard, the sessions are read again from the chain.
    wait_in(&app, &approve_session, "session-state", "revoked").await;
    no_error_banner(&app, "after unlocking again").await;
    app.screenshot("12-unlocked-again").await;

    // A forgotten PIN: restore the onboarding backup under a new PIN. The replace box is
    // required, and a confirmation says what is lost; then the backed-up wallet is back.
    app.click("lock").await;
    app.click("recovery-toggle").await;
    app.click("recover-restore-open").await;
    app.fill("restore-path", &backup).await;
    app.fill("restore-passphrase", BACKUP_PASSPHRASE).await;
    app.fill("restore-pin", NEW_PIN).await;
    app.fill("restore-pin-confirm", NEW_PIN).await;
    app.click("restore-replace").await;
    app.click("restore-submit").await;
    app.find("confirm-dialog").await;
    no_error_banner(&app, "before restoring").await;
    app.screenshot("13-restore-confirm").await;
    app.click("confirm-ok").await;
    let restored = app
        .wait_text("wallet-address", "the restored wallet", |t| {
            t.starts_with("0x")
        })
        .await;
    assert_eq!(restored, address);
    no_error_banner(&app, "after restoring").await;
    app.screenshot("14-restored-from-backup").await;

    let backup_dir = app.backup_dir.clone();
    app.close().await;
    let _ = std::fs::remove_dir_all(data_dir);
    let _ = std::fs::remove_dir_all(backup_dir);
}
