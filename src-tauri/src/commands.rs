//! Tauri commands: each reads the managed [`Shell`], calls one method, and maps the error to
//! `{code, message}`. Arguments are snake_case, as the UI's `api.ts` sends them. Replies are
//! views without key material; the PIN, an imported key and a backup passphrase only ever
//! travel *into* Rust, and a backup's bytes never leave it (the shell writes the file).

use serde_json::{json, Value};
use sesame_app::activity::ActivityEntry;
use sesame_app::{
    DeployFunding, ErrorReply, ExecOutcome, LimitSpec, PolicyView, RotateOutcome, SessionStatus,
    TxOutcome, WalletView,
};
use sesame_vault::{Passphrase, Pin};
use tauri::{AppHandle, Manager, Runtime};

use crate::shell::{
    AddressEntry, AppState, BackupReply, Payer, RegisterRequest, SendPreview, SettingsView, Shell,
    TokenInfo,
};

type Reply<T> = Result<T, ErrorReply>;

fn shell<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, Shell> {
    app.state::<Shell>()
}

/// The reply of `session_register` and `session_revoke`: `{tx, status}`.
pub fn session_tx_reply(tx: &TxOutcome, status: &SessionStatus) -> Value {
    json!({ "tx": tx, "status": status })
}

/// The reply of `session_revoke_all`: `{tx, sessions}`; `tx` is null when nothing was live.
pub fn revoke_all_reply(tx: Option<&TxOutcome>, sessions: &[SessionStatus]) -> Value {
    json!({ "tx": tx, "sessions": sessions })
}

/// The reply of `policy_set`: `{tx, policy}`.
pub fn policy_reply(tx: &TxOutcome, policy: &PolicyView) -> Value {
    json!({ "tx": tx, "policy": policy })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_state<R: Runtime>(app: AppHandle<R>) -> Reply<AppState> {
    Ok(shell(&app).app_state().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_network<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    rpc: Option<String>,
) -> Reply<AppState> {
    Ok(shell(&app).set_network(&name, rpc.as_deref()).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_create<R: Runtime>(app: AppHandle<R>, pin: String) -> Reply<AppState> {
    Ok(shell(&app).vault_create(Pin::new(pin)).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_unlock<R: Runtime>(app: AppHandle<R>, pin: String) -> Reply<AppState> {
    Ok(shell(&app).vault_unlock(Pin::new(pin)).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_unlock_passkey<R: Runtime>(app: AppHandle<R>) -> Reply<AppState> {
    Ok(shell(&app).vault_unlock_passkey().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn passkey_enroll<R: Runtime>(app: AppHandle<R>) -> Reply<AppState> {
    Ok(shell(&app).passkey_enroll().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_lock<R: Runtime>(app: AppHandle<R>) -> Reply<AppState> {
    Ok(shell(&app).vault_lock().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_backup<R: Runtime>(app: AppHandle<R>, passphrase: String) -> Reply<BackupReply> {
    Ok(shell(&app)
        .vault_backup(Passphrase::new(passphrase))
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_restore<R: Runtime>(
    app: AppHandle<R>,
    path: String,
    passphrase: String,
    new_pin: String,
    replace: bool,
) -> Reply<AppState> {
    Ok(shell(&app)
        .vault_restore(
            &path,
            Passphrase::new(passphrase),
            Pin::new(new_pin),
            replace,
        )
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn vault_recover<R: Runtime>(
    app: AppHandle<R>,
    wallet: String,
    private_key: String,
    new_pin: String,
) -> Reply<AppState> {
    Ok(shell(&app)
        .vault_recover(&wallet, private_key, Pin::new(new_pin))
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn touch<R: Runtime>(app: AppHandle<R>) -> Reply<()> {
    shell(&app).touch().await;
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn tokens<R: Runtime>(app: AppHandle<R>) -> Reply<Vec<TokenInfo>> {
    Ok(shell(&app).tokens())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_create<R: Runtime>(app: AppHandle<R>) -> Reply<WalletView> {
    Ok(shell(&app).wallet_create().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_import<R: Runtime>(
    app: AppHandle<R>,
    address: String,
    private_key: String,
) -> Reply<WalletView> {
    Ok(shell(&app).wallet_import(&address, private_key).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallets<R: Runtime>(app: AppHandle<R>) -> Reply<Vec<WalletView>> {
    Ok(shell(&app).wallets().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_show<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<WalletView> {
    Ok(shell(&app).wallet_show(&wallet).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_rotate_key<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<RotateOutcome> {
    Ok(shell(&app).wallet_rotate_key(&wallet).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_create<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    duration_secs: Option<u64>,
) -> Reply<SessionStatus> {
    Ok(shell(&app).session_create(&wallet, duration_secs).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_register<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
    max_calls: u32,
    allow: Vec<String>,
    allow_any_contract: Option<bool>,
    recipients: Option<Vec<String>>,
    policies: Option<Vec<LimitSpec>>,
    valid_until: Option<u64>,
) -> Reply<Value> {
    let request = RegisterRequest {
        max_calls,
        allow,
        allow_any_contract: allow_any_contract.unwrap_or(false),
        recipients: recipients.unwrap_or_default(),
        policies: policies.unwrap_or_default(),
        valid_until,
    };
    let (tx, status) = shell(&app)
        .session_register(&wallet, &session, &request)
        .await?;
    Ok(session_tx_reply(&tx, &status))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_list<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<Vec<SessionStatus>> {
    Ok(shell(&app).session_list(&wallet).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_revoke<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
) -> Reply<Value> {
    let (tx, status) = shell(&app).session_revoke(&wallet, &session).await?;
    Ok(session_tx_reply(&tx, &status))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn session_revoke_all<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<Value> {
    let (tx, sessions) = shell(&app).session_revoke_all(&wallet).await?;
    Ok(revoke_all_reply(tx.as_ref(), &sessions))
}

#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
pub async fn policy_set<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
    token: String,
    max_per_call: String,
    max_per_window: String,
    window_seconds: u64,
) -> Reply<Value> {
    let (tx, policy) = shell(&app)
        .policy_set(
            &wallet,
            &session,
            &token,
            &max_per_call,
            &max_per_window,
            window_seconds,
        )
        .await?;
    Ok(policy_reply(&tx, &policy))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn policy_get<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
    token: String,
) -> Reply<PolicyView> {
    Ok(shell(&app).policy_get(&wallet, &session, &token).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send_preview<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
    token: String,
    recipient: String,
    amount: String,
) -> Reply<SendPreview> {
    Ok(shell(&app)
        .send_preview(&wallet, &session, &token, &recipient, &amount)
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
    session: Option<String>,
    token: String,
    recipient: String,
    amount: String,
) -> Reply<ExecOutcome> {
    Ok(shell(&app)
        .send(&wallet, &session, &token, &recipient, &amount)
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn activity<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<Vec<ActivityEntry>> {
    Ok(shell(&app).activity(&wallet).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_external<R: Runtime>(_app: AppHandle<R>, url: String) -> Reply<()> {
    Ok(crate::shell::open_explorer_link(&url)?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings_get<R: Runtime>(app: AppHandle<R>) -> Reply<SettingsView> {
    Ok(shell(&app).settings_get().await?)
}

/// `payer` null: the network's default. `api_key` travels only into Rust (the vault); the
/// reply says whether one is set, never what it is.
#[tauri::command(rename_all = "snake_case")]
pub async fn settings_set_payer<R: Runtime>(
    app: AppHandle<R>,
    payer: Option<Payer>,
    api_key: Option<String>,
    clear_api_key: Option<bool>,
) -> Reply<SettingsView> {
    Ok(shell(&app)
        .settings_set_payer(
            payer,
            api_key.map(sesame_app::custody::Zeroizing::new),
            clear_api_key.unwrap_or(false),
        )
        .await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings_set_auto_lock<R: Runtime>(
    app: AppHandle<R>,
    secs: u64,
) -> Reply<SettingsView> {
    Ok(shell(&app).settings_set_auto_lock(secs).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings_set_keep_local_chain<R: Runtime>(
    app: AppHandle<R>,
    keep: bool,
) -> Reply<SettingsView> {
    Ok(shell(&app).settings_set_keep_local_chain(keep).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn address_book<R: Runtime>(app: AppHandle<R>) -> Reply<Vec<AddressEntry>> {
    Ok(shell(&app).address_book().await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn address_save<R: Runtime>(
    app: AppHandle<R>,
    address: String,
    label: String,
) -> Reply<Vec<AddressEntry>> {
    Ok(shell(&app).address_save(&address, &label).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn address_remove<R: Runtime>(
    app: AppHandle<R>,
    address: String,
) -> Reply<Vec<AddressEntry>> {
    Ok(shell(&app).address_remove(&address).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_funding<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<DeployFunding> {
    Ok(shell(&app).wallet_funding(&wallet).await?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn wallet_deploy<R: Runtime>(
    app: AppHandle<R>,
    wallet: Option<String>,
) -> Reply<WalletView> {
    Ok(shell(&app).wallet_deploy(&wallet).await?)
}
