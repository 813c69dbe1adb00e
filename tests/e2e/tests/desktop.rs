//! The real Sesame app in WebKitGTK, driven by tauri-driver under Xvfb, on a real devnet and
//! the real keychain: onboarding → dashboard → session → gasless send → refusal → revoke →
//! lock → wrong PIN → unlock. A PNG is kept at every stage (target/e2e-screenshots/).

#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use sesame_e2e::{e2e_available, App};
use sesame_tests::Fixture;

const PIN: &str = "2468";
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

    // Onboarding: PIN, then a new wallet (funded and deployed on devnet).
    app.find("pin-input").await;
    println!("cold start to interactive: {:?}", started.elapsed());
    app.screenshot("01-onboarding-pin").await;
    app.fill("pin-input", PIN).await;
    app.fill("pin-confirm-input", PIN).await;
    app.click("pin-submit").await;
    app.click("onboard-create-wallet").await;
    app.find("passkey-skip").await;
    app.screenshot("02-onboarding-wallet-ready").await;
    app.click("passkey-skip").await;
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

    // A session allowed to transfer, 10 calls: create → register.
    app.click("new-session").await;
    app.fill("session-max-calls", "10").await;
    app.click("session-submit").await;
    app.wait_text("session-state", "active", |t| t.trim() == "active")
        .await;
    let transfer_session = session_with(&app, "transfer").await;
    wait_in(&app, &transfer_session, "session-remaining", "10").await;
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
    assert!(tx.len() > 20);
    assert_eq!(fx.strk(fx.recipient).await, before + ONE_AND_A_HALF_STRK);
    let _ = app.click("send-close").await;
    wait_in(&app, &transfer_session, "session-remaining", "9").await;

    // A second session that may only approve: a transfer is refused with its message.
    app.click("new-session").await;
    app.click("session-allow-transfer").await;
    app.click("session-allow-approve").await;
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
    app.screenshot("07-send-refused-outside-allowlist").await;
    let _ = app.click("send-close").await;

    // Revoke the transfer session, with confirmation; the badge reads revoked, a send is refused.
    click_in(&app, &transfer_session, "session-revoke").await;
    app.find("confirm-dialog").await;
    app.screenshot("08-revoke-confirm").await;
    app.click("confirm-ok").await;
    wait_in(&app, &transfer_session, "session-state", "revoked").await;
    wait_in(
        &app,
        &transfer_session,
        "session-entrypoints",
        "none (revoked)",
    )
    .await;
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
    wait_in(&app, &approve_session, "session-state", "active").await;
    app.screenshot("12-unlocked-again").await;

    app.close().await;
    let _ = std::fs::remove_dir_all(data_dir);
}
