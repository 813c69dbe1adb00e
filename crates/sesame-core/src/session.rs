//! The session model: what the chain says about a session key, and the lifecycle state the user
//! sees (none / created / active / expired / revoked), derived from chain data, not the local clock.

use serde::{Deserialize, Serialize};
use starknet_types_core::felt::Felt;

use crate::felt::{felt_to_u128, felt_to_u64};

/// Defaults from `useChipiSession`: 6 hours, 1 000 calls, every non-admin entrypoint.
pub const DEFAULT_DURATION_SECS: u64 = 21_600;
pub const DEFAULT_MAX_CALLS: u32 = 1_000;
/// Shortest session: a transaction needs time to land.
pub const MIN_DURATION_SECS: u64 = 60;
/// Longest session: 30 days. A session key is expected to leak one day; its life is bounded.
pub const MAX_DURATION_SECS: u64 = 30 * 24 * 3600;
/// Most calls one session may be given.
pub const MAX_MAX_CALLS: u32 = 1_000_000;

/// Checks a requested session lifetime; the message says what is allowed.
pub fn check_duration(secs: u64) -> Result<u64, String> {
    if (MIN_DURATION_SECS..=MAX_DURATION_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!(
            "a session lasts between {MIN_DURATION_SECS} seconds and {} days ({MAX_DURATION_SECS} s); {secs} s is outside that",
            MAX_DURATION_SECS / 86_400
        ))
    }
}

/// Checks a requested call budget; the message says what is allowed.
pub fn check_max_calls(calls: u32) -> Result<u32, String> {
    if (1..=MAX_MAX_CALLS).contains(&calls) {
        Ok(calls)
    } else {
        Err(format!(
            "max calls must be between 1 and {MAX_MAX_CALLS}; {calls} is outside that"
        ))
    }
}

/// The lifecycle state shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionState {
    /// No session for this wallet.
    None,
    /// A keypair exists locally but is not registered on-chain.
    Created,
    /// Registered, not expired, calls left.
    Active,
    /// `valid_until` passed, or no calls left.
    Expired,
    /// It was registered and the chain no longer knows it: revoked.
    Revoked,
}

/// Which `get_session_data` layout the account returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionDataShape {
    /// `(is_active, valid_until, remaining_calls, allowed_entrypoints)`: Sesame's account and
    /// the shape the Chipi SDK decodes.
    ChipiTuple,
    /// SNIP-163 `{valid_until, max_calls, calls_used, allowed_entrypoints_len}`: the selectors
    /// themselves are not returned.
    Snip163Struct,
}

/// A session as the chain reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnChainSession {
    pub is_active: bool,
    /// 0 when the chain does not know the key (never registered, or revoked).
    pub valid_until: u64,
    pub remaining_calls: u32,
    /// The allowlist; empty means every non-admin entrypoint. `None` when the shape omits it.
    pub allowed_entrypoints: Option<Vec<Felt>>,
    pub shape: SessionDataShape,
}

/// `get_session_data` returned something neither layout explains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the account returned session data Sesame cannot read ({0} felts)")]
pub struct SessionDataError(pub usize);

impl OnChainSession {
    /// Decodes either layout. `now` (chain time) is needed only for the SNIP-163 struct, which
    /// carries no `is_active`.
    pub fn decode(felts: &[Felt], now: u64) -> Result<Self, SessionDataError> {
        let bad = || SessionDataError(felts.len());
        if felts.len() < 4 {
            return Err(bad());
        }
        let is_bool = felts[0] == Felt::ZERO || felts[0] == Felt::ONE;
        let declared_len = felt_to_u64(&felts[3]).and_then(|n| usize::try_from(n).ok());
        if is_bool && declared_len.map(|n| felts.len() == 4 + n).unwrap_or(false) {
            return Ok(OnChainSession {
                is_active: felts[0] == Felt::ONE,
                valid_until: felt_to_u64(&felts[1]).ok_or_else(bad)?,
                remaining_calls: felt_to_u32(&felts[2]).ok_or_else(bad)?,
                allowed_entrypoints: Some(felts[4..].to_vec()),
                shape: SessionDataShape::ChipiTuple,
            });
        }
        if felts.len() == 4 {
            let valid_until = felt_to_u64(&felts[0]).ok_or_else(bad)?;
            let max_calls = felt_to_u32(&felts[1]).ok_or_else(bad)?;
            let used = felt_to_u32(&felts[2]).ok_or_else(bad)?;
            let remaining_calls = max_calls.saturating_sub(used);
            return Ok(OnChainSession {
                is_active: valid_until != 0 && now < valid_until && remaining_calls > 0,
                valid_until,
                remaining_calls,
                allowed_entrypoints: None,
                shape: SessionDataShape::Snip163Struct,
            });
        }
        Err(bad())
    }

    /// Whether the chain knows this key at all.
    pub fn is_registered(&self) -> bool {
        self.valid_until != 0
    }
}

fn felt_to_u32(felt: &Felt) -> Option<u32> {
    felt_to_u128(felt).and_then(|v| u32::try_from(v).ok())
}

/// A v2 account's own word on a session (`get_session_status`), which unlike
/// `get_session_data` tells a revoked key, or one ended by revoke-all or a key rotation,
/// from one never registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainStatus {
    None,
    Active,
    Expired,
    Exhausted,
    Revoked,
}

impl ChainStatus {
    /// Decodes the short string the account returns; `None` for anything else.
    pub fn from_felt(felt: &Felt) -> Option<Self> {
        Some(match crate::felt::decode_short_string(felt)?.as_str() {
            "none" => ChainStatus::None,
            "active" => ChainStatus::Active,
            "expired" => ChainStatus::Expired,
            "exhausted" => ChainStatus::Exhausted,
            "revoked" => ChainStatus::Revoked,
            _ => return None,
        })
    }
}

/// What this device remembers about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalMark {
    /// The key was made here; no registration has been confirmed.
    Created,
    /// A registration was confirmed on-chain.
    Registered,
    /// A revocation was confirmed on-chain.
    Revoked,
}

/// Derives the user-facing state. `chain` is `None` only if there is no local record either
/// (then the state is `None`); `now` is the chain's latest block timestamp.
pub fn derive_state(
    local: Option<LocalMark>,
    chain: Option<&OnChainSession>,
    now: u64,
) -> SessionState {
    match (local, chain) {
        (None, None) => SessionState::None,
        (Some(LocalMark::Revoked), _) => SessionState::Revoked,
        (local, Some(c)) if c.is_registered() => {
            if c.is_active && now < c.valid_until && c.remaining_calls > 0 {
                SessionState::Active
            } else {
                let _ = local;
                SessionState::Expired
            }
        }
        // The chain does not know the key: revoked if it once did, otherwise still local only.
        (Some(LocalMark::Registered), _) => SessionState::Revoked,
        (Some(LocalMark::Created), _) => SessionState::Created,
        (None, Some(_)) => SessionState::None,
    }
}

/// The user-facing state on a v2 account, where the chain's status word is the authority: a
/// key ended by revoke-all or a key rotation reads `revoked` even though this device never
/// revoked it, and no local mark is needed to tell revoked from never registered.
pub fn derive_state_v2(local: Option<LocalMark>, status: ChainStatus) -> SessionState {
    match status {
        ChainStatus::Active => SessionState::Active,
        ChainStatus::Expired | ChainStatus::Exhausted => SessionState::Expired,
        ChainStatus::Revoked => SessionState::Revoked,
        ChainStatus::None => match local {
            None => SessionState::None,
            Some(LocalMark::Revoked) => SessionState::Revoked,
            Some(_) => SessionState::Created,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_call_budgets_are_bounded_with_a_clear_message() {
        assert_eq!(check_duration(60), Ok(60));
        assert_eq!(check_duration(MAX_DURATION_SECS), Ok(MAX_DURATION_SECS));
        assert!(check_duration(59)
            .unwrap_err()
            .contains("between 60 seconds and 30 days"));
        assert!(check_duration(u64::MAX).is_err());
        assert_eq!(check_max_calls(1), Ok(1));
        assert_eq!(check_max_calls(MAX_MAX_CALLS), Ok(MAX_MAX_CALLS));
        assert!(check_max_calls(0)
            .unwrap_err()
            .contains("between 1 and 1000000"));
        assert!(check_max_calls(MAX_MAX_CALLS + 1).is_err());
    }

    fn f(v: u64) -> Felt {
        Felt::from(v)
    }

    #[test]
    fn v2_status_words_decode_and_anything_else_is_refused() {
        let word = |s: &str| crate::felt::short_string(s).unwrap();
        assert_eq!(
            ChainStatus::from_felt(&word("active")),
            Some(ChainStatus::Active)
        );
        assert_eq!(
            ChainStatus::from_felt(&word("revoked")),
            Some(ChainStatus::Revoked)
        );
        assert_eq!(
            ChainStatus::from_felt(&word("exhausted")),
            Some(ChainStatus::Exhausted)
        );
        assert_eq!(ChainStatus::from_felt(&word("paused")), None);
        assert_eq!(ChainStatus::from_felt(&Felt::ONE), None);
    }

    #[test]
    fn on_v2_the_chain_word_decides_and_a_local_key_alone_is_created() {
        use LocalMark::*;
        assert_eq!(
            derive_state_v2(Some(Registered), ChainStatus::Revoked),
            SessionState::Revoked
        );
        assert_eq!(
            derive_state_v2(Some(Registered), ChainStatus::Exhausted),
            SessionState::Expired
        );
        assert_eq!(
            derive_state_v2(Some(Created), ChainStatus::Active),
            SessionState::Active
        );
        assert_eq!(
            derive_state_v2(Some(Created), ChainStatus::None),
            SessionState::Created
        );
        assert_eq!(
            derive_state_v2(Some(Revoked), ChainStatus::None),
            SessionState::Revoked
        );
        assert_eq!(derive_state_v2(None, ChainStatus::None), SessionState::None);
    }

    #[test]
    fn decodes_the_chipi_tuple_with_its_allowlist() {
        let s = OnChainSession::decode(&[f(1), f(2000), f(7), f(2), f(11), f(12)], 1000).unwrap();
        assert_eq!(s.shape, SessionDataShape::ChipiTuple);
        assert!(s.is_active);
        assert_eq!((s.valid_until, s.remaining_calls), (2000, 7));
        assert_eq!(s.allowed_entrypoints, Some(vec![f(11), f(12)]));
    }

    #[test]
    fn decodes_the_snip163_struct_and_computes_activity_from_chain_time() {
        let s = OnChainSession::decode(&[f(2000), f(10), f(4), f(3)], 1000).unwrap();
        assert_eq!(s.shape, SessionDataShape::Snip163Struct);
        assert_eq!(s.remaining_calls, 6);
        assert!(s.is_active);
        assert_eq!(s.allowed_entrypoints, None);
        let later = OnChainSession::decode(&[f(2000), f(10), f(4), f(3)], 2000).unwrap();
        assert!(!later.is_active);
    }

    #[test]
    fn refuses_layouts_that_fit_neither_shape() {
        assert_eq!(
            OnChainSession::decode(&[f(1), f(2)], 0),
            Err(SessionDataError(2))
        );
        assert!(OnChainSession::decode(&[f(1), f(2), f(3), f(5), f(1)], 0).is_err());
        assert!(OnChainSession::decode(&[f(2000), f(1 << 40), f(0), f(0)], 0).is_err());
    }

    #[test]
    fn state_tells_revoked_apart_from_never_registered() {
        let gone = OnChainSession::decode(&[f(0), f(0), f(0), f(0)], 5).unwrap();
        assert_eq!(
            derive_state(Some(LocalMark::Created), Some(&gone), 5),
            SessionState::Created
        );
        assert_eq!(
            derive_state(Some(LocalMark::Registered), Some(&gone), 5),
            SessionState::Revoked
        );
        assert_eq!(
            derive_state(Some(LocalMark::Revoked), Some(&gone), 5),
            SessionState::Revoked
        );
        assert_eq!(derive_state(None, None, 5), SessionState::None);
    }

    #[test]
    fn state_is_active_until_expiry_or_exhaustion_by_chain_time() {
        let live = OnChainSession::decode(&[f(1), f(100), f(3), f(0)], 50).unwrap();
        assert_eq!(
            derive_state(Some(LocalMark::Registered), Some(&live), 50),
            SessionState::Active
        );
        assert_eq!(
            derive_state(Some(LocalMark::Registered), Some(&live), 100),
            SessionState::Expired
        );
        let spent = OnChainSession::decode(&[f(0), f(100), f(0), f(0)], 50).unwrap();
        assert_eq!(
            derive_state(Some(LocalMark::Registered), Some(&spent), 50),
            SessionState::Expired
        );
    }
}
