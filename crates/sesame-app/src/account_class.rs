//! Which session rules a wallet's contract enforces, and which SNIP-9 dialect it speaks.
//! Sesame's v2 account says so through SRC-5 (`ISESSION_KEYS_V2_ID`); its v1 account is known
//! by class hash; CHIPI accounts by `get_contract_info` (and v27 by class hash); anything else
//! that answers `get_session_data` (SNIP-163) is "other" and gets the v1 rule set.

use std::sync::OnceLock;

use serde::Serialize;
use sesame_core::felt::decode_short_string;
use sesame_core::outside::{OutsideTypeHash, ANY_CALLER};
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
    /// CHIPI's v27 account (`get_contract_info` = `v27_custom_snip9v2`): SNIP-9 with `felt`
    /// time bounds and caller `0` for "anyone"; no spending policies; the allowlist is not
    /// checked on outside executions.
    #[serde(rename = "chipi-v27")]
    ChipiV27,
    /// A later CHIPI account (v29+): SNIP-9 v2 as specified; a selector allowlist.
    #[serde(rename = "chipi")]
    Chipi,
    /// Another session account (SNIP-163), or none.
    #[serde(rename = "other")]
    Other,
}

/// What one connection has learnt about account classes (see [`Sesame::account_class`]).
#[derive(Debug, Default)]
pub(crate) struct KnownClasses {
    /// Each class hash's family.
    families: std::collections::HashMap<Felt, AccountClass>,
    /// Addresses known to be v2 accounts.
    v2_addresses: std::collections::HashSet<Felt>,
}

/// Class hash of CHIPI's v27 account (chipi-pay/sessions-smart-contract at 4f6581d), as
/// starknet-devnet 0.10.1 computes it.
pub const CHIPI_V27_CLASS_HASH: Felt =
    Felt::from_hex_unchecked("0x79d5c04b1f1e72ce8ef71c16ba98260b239ff09d9e50b2bfad5860eaaafa30a");

impl AccountClass {
    /// Whether sessions can be limited to exact contracts and recipients.
    pub fn scoped_sessions(self) -> bool {
        self == AccountClass::SesameV2
    }

    /// The `OutsideExecution` type the account hashes.
    pub fn outside_type_hash(self) -> OutsideTypeHash {
        match self {
            AccountClass::ChipiV27 => OutsideTypeHash::Felt,
            _ => OutsideTypeHash::U128,
        }
    }

    /// The `caller` that lets any relayer submit an outside execution.
    pub fn any_caller(self) -> Felt {
        match self {
            AccountClass::ChipiV27 => Felt::ZERO,
            _ => ANY_CALLER,
        }
    }

    /// Whether the class certainly has spending policies (`Some(false)`: certainly not;
    /// `None`: ask the contract).
    pub fn spending_policies(self) -> Option<bool> {
        match self {
            AccountClass::SesameV2 | AccountClass::SesameV1 => Some(true),
            AccountClass::ChipiV27 => Some(false),
            AccountClass::Chipi | AccountClass::Other => None,
        }
    }

    /// What its sessions can and cannot enforce, in a sentence for the user.
    pub fn session_limits(self) -> &'static str {
        match self {
            AccountClass::SesameV2 => {
                "Sesame v2: each session may call only the exact contracts and entrypoints it was \
                 given, pay only listed recipients and spend within its caps, until it expires or \
                 runs out of calls; the account never pays a session's fees"
            }
            AccountClass::SesameV1 => {
                "Sesame v1: selector-only allowlist: an allowed entrypoint such as transfer works \
                 on every contract (every token); spending caps, expiry and call budget hold"
            }
            AccountClass::ChipiV27 => {
                "CHIPI v27: relayed calls are bounded only by expiry and call budget: the \
                 entrypoint allowlist is not checked on them, and there are no spending caps or \
                 recipient rules"
            }
            AccountClass::Chipi => {
                "CHIPI: selector-only allowlist: an allowed entrypoint such as transfer works on \
                 every contract (every token); expiry and call budget hold"
            }
            AccountClass::Other => {
                "an account Sesame does not know: Sesame checks what it can before signing, and \
                 the contract alone decides"
            }
        }
    }
}

fn class_hash_of(sierra: &str) -> Result<Felt, AppError> {
    let class: starknet_rust::core::types::contract::SierraClass = serde_json::from_str(sierra)
        .map_err(|e| AppError::Internal(format!("embedded class: {e}")))?;
    class
        .class_hash()
        .map_err(|e| AppError::Internal(format!("embedded class hash: {e}")))
}

/// The class hash of an embedded Sierra class, computed once per process (it hashes the whole
/// class, which takes a moment).
fn memoized_class_hash(cell: &'static OnceLock<Felt>, sierra: &str) -> Result<Felt, AppError> {
    if let Some(h) = cell.get() {
        return Ok(*h);
    }
    let h = class_hash_of(sierra)?;
    Ok(*cell.get_or_init(|| h))
}

/// Class hash of Sesame's v1 session account (read-only support: older wallets).
pub fn session_account_v1_class_hash() -> Result<Felt, AppError> {
    static HASH: OnceLock<Felt> = OnceLock::new();
    memoized_class_hash(&HASH, crate::SESSION_ACCOUNT_V1_SIERRA)
}

/// Class hash of Sesame's session account, the class new wallets get (v2).
pub fn session_account_class_hash() -> Result<Felt, AppError> {
    static HASH: OnceLock<Felt> = OnceLock::new();
    memoized_class_hash(&HASH, crate::SESSION_ACCOUNT_SIERRA)
}

impl Sesame {
    /// The family of the contract at `address`. What a class can do is a fact of its class
    /// hash, learnt once per connection; the address's class hash is read each time (one
    /// call), since a v1 account may be upgraded in place. A v2 address is remembered outright:
    /// a v2 account never goes back to v1.
    pub async fn account_class(&self, address: Felt) -> Result<AccountClass, AppError> {
        if self.known_classes().v2_addresses.contains(&address) {
            return Ok(AccountClass::SesameV2);
        }
        let Some(class_hash) = self.chain.class_hash_at(address).await? else {
            return Ok(AccountClass::Other);
        };
        let known = self.known_classes().families.get(&class_hash).copied();
        let family = match known {
            Some(family) => family,
            None => self.detect_family(address, class_hash).await?,
        };
        let mut cache = self.known_classes();
        cache.families.insert(class_hash, family);
        if family == AccountClass::SesameV2 {
            cache.v2_addresses.insert(address);
        }
        Ok(family)
    }

    /// Asks the contract what it is (SRC-5, then known class hashes, then CHIPI's version).
    async fn detect_family(
        &self,
        address: Felt,
        class_hash: Felt,
    ) -> Result<AccountClass, AppError> {
        if self
            .chain
            .supports_interface(address, ISESSION_KEYS_V2_ID)
            .await?
        {
            return Ok(AccountClass::SesameV2);
        }
        if class_hash == session_account_v1_class_hash()? {
            return Ok(AccountClass::SesameV1);
        }
        if class_hash == CHIPI_V27_CLASS_HASH {
            return Ok(AccountClass::ChipiV27);
        }
        // CHIPI accounts name their version; an account without the entrypoint is not CHIPI.
        match self.chain.call(address, "get_contract_info", vec![]).await {
            Ok(info) => {
                let name = info
                    .first()
                    .and_then(decode_short_string)
                    .unwrap_or_default();
                Ok(if name.starts_with("v27") {
                    AccountClass::ChipiV27
                } else {
                    AccountClass::Chipi
                })
            }
            Err(sesame_chain::ChainError::Rejected { .. }) => Ok(AccountClass::Other),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `address` has spending policies: known for Sesame and CHIPI v27, asked of
    /// the contract otherwise (a view call; nothing is sent).
    pub(crate) async fn has_spending_policies(
        &self,
        address: Felt,
        class: AccountClass,
    ) -> Result<bool, AppError> {
        if let Some(known) = class.spending_policies() {
            return Ok(known);
        }
        match self
            .chain
            .call(address, "get_spending_policy", vec![Felt::ZERO, Felt::ZERO])
            .await
        {
            Ok(_) => Ok(true),
            Err(sesame_chain::ChainError::Rejected { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn known_classes(&self) -> std::sync::MutexGuard<'_, KnownClasses> {
        self.known_classes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
