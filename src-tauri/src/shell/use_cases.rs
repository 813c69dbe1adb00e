//! The use cases the UI calls: wallets, sessions, spending policies, sends (with a preview
//! before anything is signed) and the activity log every one of them writes to.

use serde::Serialize;
use sesame_app::activity::ActivityEntry;
use sesame_app::{
    AppError, ErrorReply, ExecOutcome, LimitSpec, PolicyView, RegisterParams, RotateOutcome,
    Sesame, SessionStatus, TxOutcome, WalletView,
};
use sesame_core::calls::erc20_transfer;
use sesame_core::felt::{parse_address, parse_felt, to_hex, U256};
use sesame_core::spec::{format_units, parse_contract, ETH, STRK};
use sesame_core::Felt;

use super::Shell;

/// A token the UI offers.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub symbol: &'static str,
    pub address: String,
    pub decimals: u8,
}

/// What the UI sends to register a session (see [`RegisterParams::from_specs`]).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RegisterRequest {
    pub max_calls: u32,
    pub allow: Vec<String>,
    #[serde(default)]
    pub allow_any_contract: bool,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub policies: Vec<LimitSpec>,
    pub valid_until: Option<u64>,
}

/// The send preview: preflight and the balance change, before anything is signed.
#[derive(Debug, Clone, Serialize)]
pub struct SendPreview {
    pub ok: bool,
    pub error: Option<ErrorReply>,
    pub balance_before: String,
    pub balance_after: String,
    pub fee_payer: String,
    pub remaining_calls_after: u32,
}

fn arg_err(e: impl std::fmt::Display) -> AppError {
    AppError::InvalidArgument(e.to_string())
}

pub(super) fn opt_felt(text: &Option<String>) -> Result<Option<Felt>, AppError> {
    text.as_deref()
        .filter(|t| !t.is_empty())
        .map(parse_felt)
        .transpose()
        .map_err(AppError::from)
}

impl Shell {
    pub fn tokens(&self) -> Vec<TokenInfo> {
        vec![
            TokenInfo {
                symbol: "STRK",
                address: to_hex(&STRK),
                decimals: 18,
            },
            TokenInfo {
                symbol: "ETH",
                address: to_hex(&ETH),
                decimals: 18,
            },
        ]
    }

    pub(super) fn record(
        &self,
        app: &Sesame,
        wallet: &str,
        session: Option<&str>,
        kind: &str,
        summary: String,
        tx: Option<&str>,
    ) {
        let entry = ActivityEntry {
            at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            wallet: wallet.to_string(),
            session: session.map(str::to_string),
            kind: kind.to_string(),
            summary,
            tx_hash: tx.map(str::to_string),
            explorer_url: tx.and_then(|t| app.network().explorer_tx_url(t)),
        };
        // The transaction already happened: a diary write failure must not turn it into an error.
        let _ = self.activity_log(app.network()).append(&entry);
    }

    pub async fn wallet_create(&self) -> Result<WalletView, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let w = app.wallet_create(&u).await?;
        self.record(
            &app,
            &w.address,
            None,
            "create",
            "Wallet created".into(),
            None,
        );
        Ok(w)
    }

    pub async fn wallet_import(
        &self,
        address: &str,
        private_key: String,
    ) -> Result<WalletView, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let address = parse_address(address)?;
        let key = sesame_core::keys::PrivateKey::from_hex(&private_key)
            .map_err(|_| AppError::Vault(sesame_vault::VaultError::InvalidPrivateKey))?;
        drop(private_key);
        let w = app.wallet_import_key(&u, address, key).await?;
        self.record(
            &app,
            &w.address,
            None,
            "create",
            "Wallet imported".into(),
            None,
        );
        Ok(w)
    }

    pub async fn wallets(&self) -> Result<Vec<WalletView>, AppError> {
        self.app().await?.wallets().await
    }

    pub async fn wallet_show(&self, wallet: &Option<String>) -> Result<WalletView, AppError> {
        self.app().await?.wallet_show(opt_felt(wallet)?).await
    }

    pub async fn wallet_rotate_key(
        &self,
        wallet: &Option<String>,
    ) -> Result<RotateOutcome, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let out = app.wallet_rotate_key(&u, opt_felt(wallet)?).await?;
        self.record(
            &app,
            &out.wallet.address,
            None,
            "rotate",
            format!(
                "Owner key rotated; {} active session(s) ended",
                out.sessions_ended
            ),
            Some(&out.tx.tx_hash),
        );
        Ok(out)
    }

    pub async fn session_create(
        &self,
        wallet: &Option<String>,
        duration_secs: Option<u64>,
    ) -> Result<SessionStatus, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let s = app
            .session_create(&u, opt_felt(wallet)?, duration_secs)
            .await?;
        self.record(
            &app,
            &s.wallet,
            Some(&s.session_public_key),
            "create",
            "Session key created".into(),
            None,
        );
        Ok(s)
    }

    pub async fn session_register(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        request: &RegisterRequest,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let params = RegisterParams::from_specs(
            request.max_calls,
            &request.allow,
            request.allow_any_contract,
            &request.recipients,
            &request.policies,
            request.valid_until,
        )?;
        let (tx, status) = app
            .session_register(&u, opt_felt(wallet)?, opt_felt(session)?, params)
            .await?;
        let scope = if status.broad {
            "broad".to_string()
        } else {
            status
                .scope
                .iter()
                .map(|p| {
                    format!(
                        "{} · {}",
                        p.contract_name.as_deref().unwrap_or(&p.contract),
                        p.entrypoint.as_deref().unwrap_or(&p.selector)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let summary = format!("Session registered: {} calls, {scope}", request.max_calls);
        self.record(
            &app,
            &status.wallet,
            Some(&status.session_public_key),
            "register",
            summary,
            Some(&tx.tx_hash),
        );
        Ok((tx, status))
    }

    pub async fn session_list(
        &self,
        wallet: &Option<String>,
    ) -> Result<Vec<SessionStatus>, AppError> {
        let app = self.app().await?;
        match app.session_list(opt_felt(wallet)?).await {
            Err(AppError::NoWallet) => Ok(Vec::new()),
            other => other,
        }
    }

    pub async fn session_revoke(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
    ) -> Result<(TxOutcome, SessionStatus), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (tx, status) = app
            .session_revoke(&u, opt_felt(wallet)?, opt_felt(session)?)
            .await?;
        self.record(
            &app,
            &status.wallet,
            Some(&status.session_public_key),
            "revoke",
            "Session revoked".into(),
            Some(&tx.tx_hash),
        );
        Ok((tx, status))
    }

    pub async fn session_revoke_all(
        &self,
        wallet: &Option<String>,
    ) -> Result<(Option<TxOutcome>, Vec<SessionStatus>), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (tx, sessions) = app.session_revoke_all(&u, opt_felt(wallet)?).await?;
        if let (Some(tx), Some(first)) = (&tx, sessions.first()) {
            self.record(
                &app,
                &first.wallet,
                None,
                "revoke",
                "Every session revoked".into(),
                Some(&tx.tx_hash),
            );
        }
        Ok((tx, sessions))
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn policy_set(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        max_per_call: &str,
        max_per_window: &str,
        window_seconds: u64,
    ) -> Result<(TxOutcome, PolicyView), AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (token, limit) = LimitSpec {
            token: token.to_string(),
            max_per_call: max_per_call.to_string(),
            max_per_window: max_per_window.to_string(),
            window_seconds,
        }
        .parse()?;
        let (tx, policy) = app
            .policy_set(&u, opt_felt(wallet)?, opt_felt(session)?, token, limit)
            .await?;
        let wallet_hex = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        self.record(
            &app,
            &wallet_hex,
            session.as_deref(),
            "policy",
            "Spending policy set".into(),
            Some(&tx.tx_hash),
        );
        Ok((tx, policy))
    }

    pub async fn policy_get(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
    ) -> Result<PolicyView, AppError> {
        self.app()
            .await?
            .policy_get(
                opt_felt(wallet)?,
                opt_felt(session)?,
                parse_contract(token)?,
            )
            .await
    }

    fn transfer(
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<(Felt, U256, sesame_core::outside::Call), AppError> {
        let token = parse_contract(token)?;
        let recipient = parse_address(recipient)?;
        let amount = U256::parse(amount)?;
        if amount == U256::ZERO {
            return Err(arg_err("the amount must be more than zero"));
        }
        Ok((token, amount, erc20_transfer(token, recipient, amount)))
    }

    pub async fn send_preview(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<SendPreview, AppError> {
        let app = self.app().await?;
        let (token, amount, call) = Self::transfer(token, recipient, amount)?;
        let address = app.wallet_address(opt_felt(wallet)?).await?;
        let balance = app.chain().erc20_balance(token, address).await?;
        let payer = self.settings().payer_for(app.network());
        let mut preview = SendPreview {
            ok: false,
            error: None,
            balance_before: balance.to_string(),
            balance_after: balance.saturating_sub(amount).to_string(),
            fee_payer: self.payer_description(app.network()),
            remaining_calls_after: 0,
        };
        if payer.is_none() {
            preview.error = Some(ErrorReply {
                code: "NO_PAYER".into(),
                message: "nobody pays for session sends on this network yet: choose a paymaster \
                          or one of your wallets as relayer in Settings"
                    .into(),
            });
            return Ok(preview);
        }
        if amount > balance {
            preview.error = Some(ErrorReply {
                code: "INSUFFICIENT_BALANCE".into(),
                message: "the wallet does not hold that much of this token".into(),
            });
            return Ok(preview);
        }
        match app
            .session_check(opt_felt(wallet)?, opt_felt(session)?, &[call])
            .await
        {
            Ok(status) => {
                preview.ok = true;
                preview.remaining_calls_after = status.remaining_calls.saturating_sub(1);
            }
            Err(e) => preview.error = Some(e.reply()),
        }
        Ok(preview)
    }

    pub async fn send(
        &self,
        wallet: &Option<String>,
        session: &Option<String>,
        token: &str,
        recipient: &str,
        amount: &str,
    ) -> Result<ExecOutcome, AppError> {
        let (app, u) = (self.app().await?, self.unlocked().await?);
        let (token_v, amount_v, call) = Self::transfer(token, recipient, amount)?;
        let mode = self.exec_mode(&app, &u).await?;
        let out = app
            .session_execute(&u, opt_felt(wallet)?, opt_felt(session)?, vec![call], mode)
            .await?;
        self.note_recipient(app.network(), parse_address(recipient)?);
        let address = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        let summary = sent_summary(&self.tokens(), token_v, amount_v, recipient);
        self.record(
            &app,
            &address,
            session.as_deref(),
            "send",
            summary,
            Some(&out.tx_hash),
        );
        Ok(out)
    }

    pub async fn activity(&self, wallet: &Option<String>) -> Result<Vec<ActivityEntry>, AppError> {
        let app = self.app().await?;
        let address = to_hex(&app.wallet_address(opt_felt(wallet)?).await?);
        Ok(self.activity_log(app.network()).list(&address))
    }
}

/// Opens a block-explorer transaction link in the system browser. Only the links Sesame builds
/// itself (Voyager, Mainnet or Sepolia, `/tx/0x…`) are accepted: the webview cannot use this to
/// open anything else.
pub fn open_explorer_link(url: &str) -> Result<(), AppError> {
    if !is_explorer_tx_link(url) {
        return Err(AppError::InvalidArgument(format!(
            "Sesame only opens its own explorer links, not {url}"
        )));
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut command = std::process::Command::new(opener);
    if cfg!(target_os = "windows") {
        command = std::process::Command::new("explorer");
    }
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| {
            AppError::InvalidArgument(format!(
                "cannot open a browser ({opener}: {e}); the link is {url}"
            ))
        })
}

fn is_explorer_tx_link(url: &str) -> bool {
    [
        "https://voyager.online/tx/",
        "https://sepolia.voyager.online/tx/",
    ]
    .iter()
    .any(|prefix| {
        url.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix("0x"))
            .is_some_and(|hex| {
                !hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
            })
    })
}

/// The activity line of a send, in the token's own units when Sesame knows the token
/// ("Sent 1.5 STRK to 0x…"), in raw units with the token's address otherwise.
fn sent_summary(tokens: &[TokenInfo], token: Felt, amount: U256, recipient: &str) -> String {
    let known = tokens
        .iter()
        .find(|t| parse_felt(&t.address).ok() == Some(token));
    let what = match known {
        Some(t) => format!("{} {}", format_units(amount, t.decimals), t.symbol),
        None => format!("{amount} (smallest units) of token {}", to_hex(&token)),
    };
    format!("Sent {what} to {recipient}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_reads_in_token_units_and_an_unknown_token_says_so() {
        let tokens = vec![TokenInfo {
            symbol: "STRK",
            address: to_hex(&STRK),
            decimals: 18,
        }];
        let amount = U256::from_u128(1_500_000_000_000_000_000);
        assert_eq!(
            sent_summary(&tokens, STRK, amount, "0xabc"),
            "Sent 1.5 STRK to 0xabc"
        );
        let other = sent_summary(&tokens, Felt::from(0x99u8), U256::from_u128(7), "0xabc");
        assert_eq!(other, "Sent 7 (smallest units) of token 0x99 to 0xabc");
    }

    #[test]
    fn only_sesames_own_explorer_links_may_be_opened() {
        assert!(is_explorer_tx_link("https://voyager.online/tx/0xabc123"));
        assert!(is_explorer_tx_link("https://sepolia.voyager.online/tx/0x1"));
        assert!(!is_explorer_tx_link("https://voyager.online/tx/0xabc?x=1"));
        assert!(!is_explorer_tx_link("https://evil.example/tx/0x1"));
        assert!(!is_explorer_tx_link("file:///etc/passwd"));
        assert!(!is_explorer_tx_link(
            "https://voyager.online.evil.example/tx/0x1"
        ));
        assert_eq!(
            open_explorer_link("javascript:alert(1)")
                .unwrap_err()
                .code(),
            "INVALID_ARGUMENT"
        );
    }

    #[test]
    fn a_transfer_needs_a_valid_recipient_and_a_positive_amount() {
        assert!(Shell::transfer("strk", "0x123", "10").is_ok());
        assert_eq!(
            Shell::transfer("strk", "0x0", "10").unwrap_err().code(),
            "INVALID_INPUT"
        );
        assert_eq!(
            Shell::transfer("strk", "0x123", "0").unwrap_err().code(),
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            Shell::transfer("doge", "0x123", "1").unwrap_err().code(),
            "INVALID_INPUT"
        );
    }
}
