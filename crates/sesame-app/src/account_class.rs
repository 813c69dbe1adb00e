//! Which session rules a wallet's contract enforces. Sesame's v2 account says so through
//! SRC-5 (`ISESSION_KEYS_V2_ID`); its v1 account is known by class hash; anything else that
//! answers `get_session_data` (CHIPI, SNIP-163) is "other" and gets the v1 rule set.

use std::sync::OnceLock;

use serde::Serialize;
use sesame_core::selector::ISESSION_KEYS_V2_ID;
use sesame_core::Felt;

use crate::{AppError, Sesame};

/// The family of a wallet's account contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AccountClass {
    /// Fee-safe, scoped sessions, recipient rules, key epochs.
    #[serde(rename = "sesame-v2")]
    SesameV2,
    /// Selector allowlist valid on every contract; spending policies.
    #[serde(rename = "sesame-v1")]
    SesameV1,
    /// Another session account (CHIPI / SNIP-163), or none.
    #[serde(rename = "other")]
    Other,
}

impl AccountClass {
    /// Whether sessions can be limited to exact contracts and recipients.
    pub fn scoped_sessions(self) -> bool {
        self == AccountClass::SesameV2
    }
}

fn class_hash_of(sierra: &str) -> Result<Felt, AppError> {
    let class: starknet_rust::core::types::contract::SierraClass = serde_json::from_str(sierra)
        .map_err(|e| AppError::Internal(format!("embedded class: {e}")))?;
    class
        .class_hash()
        .map_err(|e| AppError::Internal(format!("embedded class hash: {e}")))
}

/// Class hash of Sesame's v1 session account (read-only support: older wallets).
pub fn session_account_v1_class_hash() -> Result<Felt, AppError> {
    static HASH: OnceLock<Felt> = OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(*h);
    }
    let h = class_hash_of(crate::SESSION_ACCOUNT_V1_SIERRA)?;
    Ok(*HASH.get_or_init(|| h))
}

/// Class hash of Sesame's session account, the class new wallets get (v2).
pub fn session_account_class_hash() -> Result<Felt, AppError> {
    static HASH: OnceLock<Felt> = OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(*h);
    }
    let h = class_hash_of(crate::SESSION_ACCOUNT_SIERRA)?;
    Ok(*HASH.get_or_init(|| h))
}

impl Sesame {
    /// The family of the contract at `address`. A v2 answer is remembered (a v2 account never
    /// goes back to v1); others are asked again, since a v1 account may be upgraded.
    pub async fn account_class(&self, address: Felt) -> Result<AccountClass, AppError> {
        if self.known_v2().contains(&address) {
            return Ok(AccountClass::SesameV2);
        }
        let Some(class_hash) = self.chain.class_hash_at(address).await? else {
            return Ok(AccountClass::Other);
        };
        if self
            .chain
            .supports_interface(address, ISESSION_KEYS_V2_ID)
            .await?
        {
            self.known_v2().insert(address);
            return Ok(AccountClass::SesameV2);
        }
        if class_hash == session_account_v1_class_hash()? {
            return Ok(AccountClass::SesameV1);
        }
        Ok(AccountClass::Other)
    }

    fn known_v2(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<Felt>> {
        self.known_v2
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
