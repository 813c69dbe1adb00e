//! The real app in WebKit on two real devnets: in Settings a person switches to a custom
//! network (the second devnet), chooses to pay for sends through a SNIP-29 paymaster (the local
//! test server, with its API key), creates a wallet there, funds it and deploys it from the app,
//! creates a session and sends. The chain is checked after each step, and no error banner is
//! on screen at any stage. PNGs in target/e2e-screenshots/ (prefixed `settings-`).

#![allow(clippy::unwrap_used)]

use fantoccini::Locator;
use sesame_e2e::{e2e_available, App};
use sesame_tests::paymaster_server::{PaymasterServer, PaymasterServerConfig, TEST_API_KEY};
use sesame_tests::Fixture;

const PIN: &str = "8642";
const ONE_AND_A_HALF_STRK: u128 = 1_500_000_000_000_000_000;
const FUNDING: u128 = 50_000_000_000_000_000_000;

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

#[tokio::test]
async fn settings_switch_to_a_custom_network_pay_through_a_paymaster_deploy_and_send() {
    if !e2e_available() {
        return;
    }
    let (fx, second) = tokio::join!(Fixture::start(), Fixture::start());
    let paymaster = PaymasterServer::start(&second.relayer, PaymasterServerConfig::default())
        .await
        .unwrap();
    let data_dir = std::env::temp_dir().join(format!("sesame-e2e-settings-{}", std::process::id()));
    let profile = format!("e2e-settings-{}", std::process::id());
    let env = [
        ("SESAME_NETWORK", "devnet".to_string()),
        ("SESAME_RPC", fx.devnet.rpc_url()),
        ("SESAME_PROFILE", profile.clone()),
        ("SESAME_DATA_DIR", data_dir.display().to_string()),
        ("SESAME_AUTO_LOCK_SECS", "900".to_string()),
    ];
    let app = App::start(&env).await;

    // Onboarding on the local devnet: PIN, a wallet, the backup skipped.
    app.fill("pin-input", PIN).await;
    app.fill("pin-confirm-input", PIN).await;
    app.click("pin-submit").await;
    app.click("onboard-create-wallet").await;
    app.click("backup-skip").await;
    let waited = std::time::Instant::now();
    loop {
        if let Ok(skip) = app
            .client
            .find(Locator::Css("[data-testid=\"passkey-skip\"]"))
            .await
        {
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
    app.wait_text("wallet-address", "the devnet wallet", |t| {
        t.starts_with("0x")
    })
    .await;
    no_error_banner(&app, "on the dashboard").await;

    // Settings → network: a custom RPC URL, the second devnet. Its chain id is recorded.
    let custom = second.devnet.rpc_url();
    app.choose("[data-testid=\"network-select\"]", "custom")
        .await;
    app.fill("network-rpc", &custom).await;
    app.click("network-apply").await;
    app.wait_text(
        "settings-payer-summary",
        "the custom network's payer",
        |t| t.contains(&custom) && t.contains("nobody yet"),
    )
    .await;
    let pinned = app.text("settings-pinned-chain").await;
    assert!(pinned.contains("0x534e5f5345504f4c4941"), "{pinned}");
    no_error_banner(&app, "after switching to the custom network").await;
    app.screenshot("settings-01-custom-network").await;

    // Who pays: the local SNIP-29 paymaster, sponsored, with its API key.
    app.choose("[data-testid=\"settings-payer-kind\"]", "paymaster")
        .await;
    app.fill("settings-paymaster-url", paymaster.url()).await;
    app.choose("[data-testid=\"settings-paymaster-mode\"]", "sponsored")
        .await;
    app.fill("settings-paymaster-key", TEST_API_KEY).await;
    app.show("[data-testid=\"settings-payer-save\"]").await;
    app.click("settings-payer-save").await;
    app.wait_text("settings-paymaster-key-state", "the key stored", |t| {
        t == "set"
    })
    .await;
    let key_field = app.find("settings-paymaster-key").await;
    assert_eq!(key_field.prop("value").await.unwrap().as_deref(), Some(""));
    no_error_banner(&app, "after choosing the paymaster").await;
    app.screenshot("settings-02-paymaster").await;

    // A new wallet here: an address to fund, then Deploy from the app.
    app.show("[data-testid=\"onboard-create-wallet\"]").await;
    app.click("onboard-create-wallet").await;
    let address = app
        .wait_text("deploy-address", "the address to fund", |t| {
            t.starts_with("0x")
        })
        .await;
    let wallet = sesame_core::felt::parse_felt(address.trim()).unwrap();
    assert!(second.chain.class_hash_at(wallet).await.unwrap().is_none());
    let required = app
        .wait_text("deploy-required", "the funding asked for", |t| {
            t.ends_with("STRK")
        })
        .await;
    assert!(!required.starts_with("0 "), "{required}");
    no_error_banner(&app, "while waiting for the funding").await;
    app.screenshot("settings-03-fund-wallet").await;
    second.dev.mint_strk(wallet, FUNDING).await.unwrap();
    app.wait_text("deploy-status", "the funding noticed", |t| {
        t.starts_with("Funded")
    })
    .await;
    app.click("deploy-button").await;
    app.wait_text("wallet-deployed", "deployed", |t| t == "deployed")
        .await;
    assert!(second.chain.class_hash_at(wallet).await.unwrap().is_some());
    no_error_banner(&app, "after deploying").await;
    app.screenshot("settings-04-deployed").await;

    // A session (registered by the owner, paid by the wallet), then a send the paymaster pays.
    app.click("new-session").await;
    app.fill("session-max-calls", "5").await;
    app.click("session-submit").await;
    app.wait_text("session-state", "active", |t| t.trim() == "active")
        .await;
    no_error_banner(&app, "after registering the session").await;
    let before_to = second.strk(second.recipient).await;
    let before_wallet = second.strk(wallet).await;
    app.click("session-send").await;
    app.fill("send-recipient", &format!("{:#x}", second.recipient))
        .await;
    app.fill("send-amount", "1.5").await;
    app.click("send-preview").await;
    app.wait_text("send-fee-payer", "the paymaster as payer", |t| {
        t.contains("paymaster") && t.contains("sponsored")
    })
    .await;
    app.show("[data-testid=\"send-preview-result\"]").await;
    app.screenshot("settings-05-send-preview").await;
    app.click("send-confirm").await;
    app.wait_text("tx-hash", "a tx hash", |t| t.starts_with("0x"))
        .await;
    no_error_banner(&app, "after the send").await;
    app.screenshot("settings-06-sent").await;
    assert_eq!(paymaster.executions(), 1, "the paymaster carried the send");
    assert_eq!(
        second.strk(second.recipient).await,
        before_to + ONE_AND_A_HALF_STRK
    );
    assert_eq!(
        second.strk(wallet).await,
        before_wallet - ONE_AND_A_HALF_STRK,
        "sponsored: the wallet paid no fee"
    );
    // The keychain items stay in the run's private keyring (scripts/with-keyring.sh).
    app.close().await;
    let _ = std::fs::remove_dir_all(&data_dir);
}
