//! One error type for every use case, with a stable `code` and a message a person understands.

use sesame_chain::{ChainError, PaymasterError};
use sesame_core::felt::FeltError;
use sesame_core::preflight::PreflightError;
use sesame_vault::VaultError;

/// What a shell shows: `{code, message}`. It never carries secret material.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorReply {
    pub code: String,
    pub message: String,
}

/// Everything a use case can refuse.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Paymaster(#[from] PaymasterError),
    #[error(transparent)]
    Preflight(#[from] PreflightError),
    #[error(transparent)]
    Input(#[from] FeltError),
    /// The account has no session-key support (no `get_session_data`).
    #[error("the account at {address} does not support session keys (it is not a CHIPI/SNIP-163 session account)")]
    InvalidWalletTypeForSession { address: String },
    #[error("no wallet {0} on this device; create or import it first")]
    WalletNotFound(String),
    #[error("there is no wallet on this device yet; create or import one first")]
    NoWallet,
    #[error("no session {0} on this device")]
    SessionNotFound(String),
    #[error("this wallet has no sessions on this device")]
    NoSession,
    #[error("the wallet at {0} is not deployed yet; fund it and deploy it first")]
    WalletNotDeployed(String),
    #[error("Sesame is locked: unlock it with your PIN or passkey")]
    Locked,
    #[error("the local devnet is not available: {0}")]
    DevnetUnavailable(String),
    #[error("{0}")]
    InvalidArgument(String),
    /// The carrying transaction succeeded, but the session's own execution did not run (a
    /// relayer whose multicall swallows a failed call, for example): nothing was done.
    #[error(
        "transaction {tx_hash} was included, but the session's calls did not run ({detail}); \
         nothing was sent"
    )]
    NotExecuted { tx_hash: String, detail: String },
    /// A named network's node answered with another chain's id.
    #[error(
        "the node for {network} answers with chain id {found}, not {expected}: refusing to sign \
         for a chain you did not choose (check the RPC URL)"
    )]
    ChainIdMismatch {
        network: String,
        expected: String,
        found: String,
    },
    /// A custom network's node answers with another chain id than the one recorded when the
    /// network was added: the URL now leads to another chain (or an impostor).
    #[error(
        "this node now answers with chain id {found}, not {pinned} as when you added it \
         ({network}): refusing to sign for another chain; remove the network and add it again \
         if the change is expected"
    )]
    ChainIdChanged {
        network: String,
        pinned: String,
        found: String,
    },
    /// `session clear` of a session the chain still honours, without `force`.
    #[error(
        "session {0} is still live on-chain: revoke it first (sesame session revoke), or force \
         the clear, after which this device can no longer revoke it"
    )]
    SessionLive(String),
    /// The wallet's contract cannot enforce what the user asked for (scopes or recipient
    /// rules on a v1 or CHIPI account): refused rather than registered without the limit.
    #[error("{0}")]
    ScopeUnsupported(String),
    /// The wallet's contract has no way to do what was asked (a key rotation with proof on a
    /// v1 account, a paymaster's typed data on CHIPI v27).
    #[error("{0}")]
    UnsupportedByWallet(String),
    /// A backup file could not be written or read (the message names the file and why).
    #[error("{0}")]
    BackupFile(String),
    #[error("a background task failed: {0}")]
    Internal(String),
}

impl AppError {
    /// A stable code for shells and scripts (a superset of Chipi's `SESSION_*` codes).
    pub fn code(&self) -> &str {
        match self {
            AppError::Vault(e) => e.code(),
            AppError::Chain(e) => e
                .reason()
                .and_then(session_code_for_reason)
                .unwrap_or(e.code()),
            AppError::Paymaster(e) => e
                .reason()
                .and_then(session_code_for_reason)
                .unwrap_or(e.code()),
            AppError::Preflight(e) => e.code(),
            AppError::Input(_) => "INVALID_INPUT",
            AppError::InvalidWalletTypeForSession { .. } => "INVALID_WALLET_TYPE_FOR_SESSION",
            AppError::WalletNotFound(_) => "WALLET_NOT_FOUND",
            AppError::NoWallet => "NO_WALLET",
            AppError::SessionNotFound(_) => "SESSION_NOT_FOUND",
            AppError::NoSession => "NO_SESSION",
            AppError::WalletNotDeployed(_) => "WALLET_NOT_DEPLOYED",
            AppError::Locked => "VAULT_LOCKED",
            AppError::DevnetUnavailable(_) => "DEVNET_UNAVAILABLE",
            AppError::InvalidArgument(_) => "INVALID_ARGUMENT",
            AppError::SessionLive(_) => "SESSION_LIVE",
            AppError::ChainIdMismatch { .. } => "CHAIN_ID_MISMATCH",
            AppError::ChainIdChanged { .. } => "CHAIN_ID_CHANGED",
            AppError::NotExecuted { .. } => "EXECUTION_NOT_CONFIRMED",
            AppError::BackupFile(_) => "BACKUP_FILE_ERROR",
            AppError::ScopeUnsupported(_) => "SCOPE_UNSUPPORTED",
            AppError::UnsupportedByWallet(_) => "UNSUPPORTED_BY_WALLET",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The `{code, message}` a shell shows.
    pub fn reply(&self) -> ErrorReply {
        ErrorReply {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

/// When the chain refused a session execution, name the rule as preflight would have.
fn session_code_for_reason(reason: &str) -> Option<&'static str> {
    let table = [
        ("Session: expired", "SESSION_EXPIRED"),
        ("Session: not registered", "SESSION_NOT_REGISTERED"),
        ("Session: revoked", "SESSION_REVOKED"),
        (
            "Session: valid_until mismatch",
            "SESSION_VALID_UNTIL_MISMATCH",
        ),
        ("Session: max calls exceeded", "SESSION_MAX_CALLS_EXCEEDED"),
        ("Session: admin selector", "SESSION_ADMIN_ENTRYPOINT"),
        ("Session: self-call blocked", "SESSION_SELF_CALL_BLOCKED"),
        (
            "Session: selector not allowed",
            "SESSION_ENTRYPOINT_NOT_ALLOWED",
        ),
        ("Session: invalid signature", "SESSION_INVALID_SIGNATURE"),
        ("Session: call not in scope", "SESSION_CALL_NOT_IN_SCOPE"),
        (
            "Session: recipient not allowed",
            "SESSION_RECIPIENT_NOT_ALLOWED",
        ),
        ("Session: epoch ended", "SESSION_REVOKED"),
        ("Session: key retired", "SESSION_KEY_RETIRED"),
        (
            "Policy: exceeds per-call cap",
            "SESSION_SPENDING_LIMIT_PER_CALL",
        ),
        (
            "Policy: exceeds window cap",
            "SESSION_SPENDING_LIMIT_WINDOW",
        ),
    ];
    table
        .iter()
        .find(|(text, _)| reason.contains(text))
        .map(|(_, code)| *code)
}

impl From<AppError> for ErrorReply {
    fn from(e: AppError) -> Self {
        e.reply()
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_refusal_carries_the_session_code_of_its_rule() {
        let e = AppError::Chain(ChainError::Rejected {
            reason: "Session: expired".into(),
        });
        assert_eq!(e.code(), "SESSION_EXPIRED");
        let other = AppError::Chain(ChainError::Rejected {
            reason: "u256_sub Overflow".into(),
        });
        assert_eq!(other.code(), "TX_REJECTED");
    }

    #[test]
    fn replies_have_code_and_message() {
        let r = AppError::NoWallet.reply();
        assert_eq!(r.code, "NO_WALLET");
        assert!(r.message.contains("create or import"));
    }
}
