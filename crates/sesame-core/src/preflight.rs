//! Preflight: the account's session rules, checked locally before anything is signed or sent,
//! in the order the contract checks them, so the user hears the same reason the chain would
//! give, without paying for it. The chain stays the authority: a simulation follows.

use starknet_types_core::felt::Felt;

use crate::felt::U256;
use crate::outside::Call;
use crate::selector::{is_admin_selector, is_spending_selector, known_name};
use crate::session::OnChainSession;

/// A spending policy as preflight needs it: caps and what the current window has used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyView {
    pub token: Felt,
    pub max_per_call: U256,
    pub max_per_window: U256,
    pub window_seconds: u64,
    /// Spent in the window that is still open at `now` (zero if it has passed).
    pub spent_in_window: U256,
}

/// Why a session execution would be refused. Codes extend Chipi's `SESSION_*` set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreflightError {
    #[error("this session expired at {valid_until} (chain time is {now}); create a new one")]
    Expired { valid_until: u64, now: u64 },
    #[error("this session expires within {margin} s (at {valid_until}); too close to send safely")]
    ExpiringTooSoon { valid_until: u64, margin: u64 },
    #[error("this session is not registered on-chain; register it first")]
    NotRegistered,
    #[error("this session was revoked; create a new one")]
    Revoked,
    #[error("this session has no calls left")]
    MaxCallsExceeded,
    #[error("a session may never call the account's admin entrypoint {name}")]
    AdminEntrypoint { name: String },
    #[error("a session with no allowlist may not call the account itself")]
    SelfCallBlocked,
    #[error("the session does not allow {name}; allowed: {allowed}")]
    EntrypointNotAllowed { name: String, allowed: String },
    #[error("a transfer of {amount} is over this session's per-call cap of {cap}")]
    OverPerCallCap { amount: U256, cap: U256 },
    #[error("{amount} more would exceed this session's cap of {cap} per {window} s ({spent} already spent)")]
    OverWindowCap {
        amount: U256,
        cap: U256,
        spent: U256,
        window: u64,
    },
    #[error("the call to {name} has calldata too short to carry an amount")]
    MalformedAmount { name: String },
    #[error("there is nothing to execute")]
    NoCalls,
}

impl PreflightError {
    /// A stable code for shells and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            PreflightError::Expired { .. } | PreflightError::ExpiringTooSoon { .. } => {
                "SESSION_EXPIRED"
            }
            PreflightError::NotRegistered => "SESSION_NOT_REGISTERED",
            PreflightError::Revoked => "SESSION_REVOKED",
            PreflightError::MaxCallsExceeded => "SESSION_MAX_CALLS_EXCEEDED",
            PreflightError::AdminEntrypoint { .. } => "SESSION_ADMIN_ENTRYPOINT",
            PreflightError::SelfCallBlocked => "SESSION_SELF_CALL_BLOCKED",
            PreflightError::EntrypointNotAllowed { .. } => "SESSION_ENTRYPOINT_NOT_ALLOWED",
            PreflightError::OverPerCallCap { .. } => "SESSION_SPENDING_LIMIT_PER_CALL",
            PreflightError::OverWindowCap { .. } => "SESSION_SPENDING_LIMIT_WINDOW",
            PreflightError::MalformedAmount { .. } => "INVALID_CALLDATA",
            PreflightError::NoCalls => "NO_CALLS",
        }
    }
}

/// What preflight needs to know.
#[derive(Debug, Clone)]
pub struct PreflightInput<'a> {
    pub account: Felt,
    pub session: &'a OnChainSession,
    /// Whether this device saw the session revoked (the chain forgets revoked keys).
    pub known_revoked: bool,
    /// Chain time (latest block timestamp).
    pub now: u64,
    /// Refuse when fewer than this many seconds remain: a transaction needs time to land.
    pub margin: u64,
    pub calls: &'a [Call],
    pub policies: &'a [PolicyView],
}

fn display_name(selector: &Felt) -> String {
    known_name(selector)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{selector:#x}"))
}

/// Runs every rule; `Ok(())` means the account should accept the execution.
pub fn check(input: &PreflightInput<'_>) -> Result<(), PreflightError> {
    let s = input.session;
    if input.calls.is_empty() {
        return Err(PreflightError::NoCalls);
    }
    if !s.is_registered() {
        return Err(if input.known_revoked {
            PreflightError::Revoked
        } else {
            PreflightError::NotRegistered
        });
    }
    if input.now >= s.valid_until {
        return Err(PreflightError::Expired {
            valid_until: s.valid_until,
            now: input.now,
        });
    }
    if input.now + input.margin >= s.valid_until {
        return Err(PreflightError::ExpiringTooSoon {
            valid_until: s.valid_until,
            margin: input.margin,
        });
    }
    if s.remaining_calls == 0 {
        return Err(PreflightError::MaxCallsExceeded);
    }
    let allowed = s.allowed_entrypoints.as_deref().unwrap_or(&[]);
    for call in input.calls {
        if is_admin_selector(&call.selector) {
            return Err(PreflightError::AdminEntrypoint {
                name: display_name(&call.selector),
            });
        }
        if allowed.is_empty() && call.to == input.account {
            return Err(PreflightError::SelfCallBlocked);
        }
        // With the SNIP-163 struct the allowlist is unknown here; the simulation decides.
        if s.allowed_entrypoints.is_some()
            && !allowed.is_empty()
            && !allowed.contains(&call.selector)
        {
            return Err(PreflightError::EntrypointNotAllowed {
                name: display_name(&call.selector),
                allowed: allowed
                    .iter()
                    .map(display_name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    check_spending(input)
}

fn check_spending(input: &PreflightInput<'_>) -> Result<(), PreflightError> {
    for policy in input.policies.iter().filter(|p| p.window_seconds != 0) {
        let mut spent = policy.spent_in_window;
        for call in input
            .calls
            .iter()
            .filter(|c| c.to == policy.token && is_spending_selector(&c.selector))
        {
            let amount = match call.calldata.get(1..3) {
                Some([low, high]) => U256::from_felts(low, high),
                _ => None,
            }
            .ok_or_else(|| PreflightError::MalformedAmount {
                name: display_name(&call.selector),
            })?;
            if amount > policy.max_per_call {
                return Err(PreflightError::OverPerCallCap {
                    amount,
                    cap: policy.max_per_call,
                });
            }
            let total = spent.checked_add(amount).unwrap_or(U256 {
                high: u128::MAX,
                low: u128::MAX,
            });
            if total > policy.max_per_window {
                return Err(PreflightError::OverWindowCap {
                    amount,
                    cap: policy.max_per_window,
                    spent,
                    window: policy.window_seconds,
                });
            }
            spent = total;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::erc20_transfer;
    use crate::selector::selector_from_name;
    use crate::session::SessionDataShape;

    const ACCOUNT: Felt = Felt::from_hex_unchecked("0xacc");
    const TOKEN: Felt = Felt::from_hex_unchecked("0x70c");

    fn session(valid_until: u64, remaining: u32, allowed: Vec<Felt>) -> OnChainSession {
        OnChainSession {
            is_active: true,
            valid_until,
            remaining_calls: remaining,
            allowed_entrypoints: Some(allowed),
            shape: SessionDataShape::ChipiTuple,
        }
    }

    fn run(
        s: &OnChainSession,
        calls: &[Call],
        policies: &[PolicyView],
        now: u64,
    ) -> Result<(), PreflightError> {
        check(&PreflightInput {
            account: ACCOUNT,
            session: s,
            known_revoked: false,
            now,
            margin: 30,
            calls,
            policies,
        })
    }

    fn transfer(amount: u128) -> Call {
        erc20_transfer(TOKEN, Felt::from(9u8), U256::from_u128(amount))
    }

    fn policy(per_call: u128, per_window: u128, spent: u128) -> PolicyView {
        PolicyView {
            token: TOKEN,
            max_per_call: U256::from_u128(per_call),
            max_per_window: U256::from_u128(per_window),
            window_seconds: 60,
            spent_in_window: U256::from_u128(spent),
        }
    }

    #[test]
    fn a_live_session_within_its_rules_passes() {
        assert_eq!(
            run(
                &session(1000, 5, vec![]),
                &[transfer(10)],
                &[policy(10, 20, 10)],
                100
            ),
            Ok(())
        );
    }

    #[test]
    fn expiry_is_judged_by_chain_time_with_a_margin() {
        let s = session(1000, 5, vec![]);
        assert_eq!(
            run(&s, &[transfer(1)], &[], 1000).unwrap_err().code(),
            "SESSION_EXPIRED"
        );
        assert!(matches!(
            run(&s, &[transfer(1)], &[], 975),
            Err(PreflightError::ExpiringTooSoon { .. })
        ));
        assert!(run(&s, &[transfer(1)], &[], 969).is_ok());
    }

    #[test]
    fn unregistered_and_revoked_are_told_apart() {
        let gone = session(0, 0, vec![]);
        assert_eq!(
            run(&gone, &[transfer(1)], &[], 1).unwrap_err(),
            PreflightError::NotRegistered
        );
        let input = PreflightInput {
            account: ACCOUNT,
            session: &gone,
            known_revoked: true,
            now: 1,
            margin: 0,
            calls: &[transfer(1)],
            policies: &[],
        };
        assert_eq!(check(&input).unwrap_err(), PreflightError::Revoked);
    }

    #[test]
    fn no_calls_left_is_refused() {
        assert_eq!(
            run(&session(1000, 0, vec![]), &[transfer(1)], &[], 1).unwrap_err(),
            PreflightError::MaxCallsExceeded
        );
    }

    #[test]
    fn admin_selectors_and_self_calls_are_refused() {
        let admin = Call::new(ACCOUNT, "revoke_session_key", vec![Felt::ONE]);
        let err = run(&session(1000, 5, vec![admin.selector]), &[admin], &[], 1).unwrap_err();
        assert_eq!(err.code(), "SESSION_ADMIN_ENTRYPOINT");
        assert!(err.to_string().contains("revoke_session_key"));
        let selfcall = Call::new(ACCOUNT, "get_public_key", vec![]);
        assert_eq!(
            run(&session(1000, 5, vec![]), &[selfcall.clone()], &[], 1),
            Err(PreflightError::SelfCallBlocked)
        );
        assert_eq!(
            run(
                &session(1000, 5, vec![selfcall.selector]),
                &[selfcall],
                &[],
                1
            ),
            Ok(())
        );
    }

    #[test]
    fn a_selector_outside_the_allowlist_is_named_in_the_refusal() {
        let s = session(1000, 5, vec![selector_from_name("approve")]);
        let err = run(&s, &[transfer(1)], &[], 1).unwrap_err();
        assert_eq!(err.code(), "SESSION_ENTRYPOINT_NOT_ALLOWED");
        assert!(
            err.to_string().contains("transfer") && err.to_string().contains("approve"),
            "{err}"
        );
    }

    #[test]
    fn spending_caps_apply_per_call_and_across_the_calls_of_one_execution() {
        let s = session(1000, 5, vec![]);
        assert_eq!(
            run(&s, &[transfer(11)], &[policy(10, 100, 0)], 1)
                .unwrap_err()
                .code(),
            "SESSION_SPENDING_LIMIT_PER_CALL"
        );
        assert_eq!(
            run(&s, &[transfer(10), transfer(10)], &[policy(10, 25, 10)], 1)
                .unwrap_err()
                .code(),
            "SESSION_SPENDING_LIMIT_WINDOW"
        );
        assert_eq!(
            run(&s, &[transfer(10), transfer(5)], &[policy(10, 25, 10)], 1),
            Ok(())
        );
        // Other tokens are not metered by this policy.
        let other = erc20_transfer(Felt::from(1u8), Felt::from(9u8), U256::from_u128(1_000));
        assert_eq!(run(&s, &[other], &[policy(10, 25, 10)], 1), Ok(()));
    }

    #[test]
    fn an_empty_batch_is_refused() {
        assert_eq!(
            run(&session(1000, 5, vec![]), &[], &[], 1),
            Err(PreflightError::NoCalls)
        );
    }
}
