//! Preflight: the account's session rules, checked locally before anything is signed or sent,
//! in the order the contract checks them, so the user hears the same reason the chain would
//! give, without paying for it. The chain stays the authority: a simulation follows.

use starknet_types_core::felt::Felt;

use crate::calls::SessionCall;
use crate::felt::{to_hex, U256};
use crate::outside::Call;
use crate::selector::{
    is_admin_selector, is_admin_selector_v2, is_spending_selector, known_name, recipient_index_v2,
};
use crate::session::{ChainStatus, OnChainSession};

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
    #[error("this session may not call {name} on {contract}: it is outside the session's scope")]
    CallNotInScope { contract: String, name: String },
    #[error("this session may send or approve {token} only to its listed recipients; {recipient} is not one of them")]
    RecipientNotAllowed { token: String, recipient: String },
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
            PreflightError::CallNotInScope { .. } => "SESSION_CALL_NOT_IN_SCOPE",
            PreflightError::RecipientNotAllowed { .. } => "SESSION_RECIPIENT_NOT_ALLOWED",
            PreflightError::OverPerCallCap { .. } => "SESSION_SPENDING_LIMIT_PER_CALL",
            PreflightError::OverWindowCap { .. } => "SESSION_SPENDING_LIMIT_WINDOW",
            PreflightError::MalformedAmount { .. } => "INVALID_CALLDATA",
            PreflightError::NoCalls => "NO_CALLS",
        }
    }
}

/// For one session and token: the only addresses its transfers and approvals may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRule {
    pub token: Felt,
    pub recipients: Vec<Felt>,
}

/// Which rule set the account enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRules<'a> {
    /// Sesame's v1 account and CHIPI / SNIP-163 accounts: a selector allowlist valid on every
    /// contract, spending policies on four token selectors.
    V1,
    /// Sesame's v2 account: its status word, the exact `(contract, entrypoint)` scope (empty
    /// for a broad session) and the recipient rules of the tokens the calls touch.
    V2 {
        status: ChainStatus,
        scope: &'a [SessionCall],
        recipients: &'a [RecipientRule],
    },
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
    pub rules: AccountRules<'a>,
}

fn display_name(selector: &Felt) -> String {
    known_name(selector)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{selector:#x}"))
}

fn contract_name(contract: &Felt) -> String {
    if *contract == crate::spec::STRK {
        "STRK".into()
    } else if *contract == crate::spec::ETH {
        "ETH".into()
    } else {
        to_hex(contract)
    }
}

/// Runs every rule; `Ok(())` means the account should accept the execution.
pub fn check(input: &PreflightInput<'_>) -> Result<(), PreflightError> {
    let s = input.session;
    if input.calls.is_empty() {
        return Err(PreflightError::NoCalls);
    }
    if let AccountRules::V2 {
        status: ChainStatus::Revoked,
        ..
    } = input.rules
    {
        return Err(PreflightError::Revoked);
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
    if let AccountRules::V2 { .. } = input.rules {
        return check_calls_v2(input);
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
        if s.allowed_entrypoints.is_some() {
            check_allowlist(call, allowed)?;
        }
    }
    check_spending(input)
}

/// A selector allowlist valid on every contract; empty allows every selector.
fn check_allowlist(call: &Call, allowed: &[Felt]) -> Result<(), PreflightError> {
    if allowed.is_empty() || allowed.contains(&call.selector) {
        return Ok(());
    }
    Err(PreflightError::EntrypointNotAllowed {
        name: display_name(&call.selector),
        allowed: allowed
            .iter()
            .map(display_name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The v2 account's call rules (7 to 10 in `contracts/README.md`), in its order: each rule
/// is checked on every call before the next rule.
fn check_calls_v2(input: &PreflightInput<'_>) -> Result<(), PreflightError> {
    let AccountRules::V2 {
        scope, recipients, ..
    } = input.rules
    else {
        return Ok(());
    };
    if let Some(call) = input
        .calls
        .iter()
        .find(|c| is_admin_selector_v2(&c.selector))
    {
        return Err(PreflightError::AdminEntrypoint {
            name: display_name(&call.selector),
        });
    }
    if input.calls.iter().any(|c| c.to == input.account) {
        return Err(PreflightError::SelfCallBlocked);
    }
    let allowed = input.session.allowed_entrypoints.as_deref().unwrap_or(&[]);
    for call in input.calls {
        if scope.is_empty() {
            // A broad session: its selector allowlist, on any contract, as on v1.
            check_allowlist(call, allowed)?;
        } else if !scope
            .iter()
            .any(|p| p.to == call.to && p.selector == call.selector)
        {
            return Err(PreflightError::CallNotInScope {
                contract: contract_name(&call.to),
                name: display_name(&call.selector),
            });
        }
    }
    for call in input.calls {
        let Some(rule) = recipients.iter().find(|r| r.token == call.to) else {
            continue;
        };
        if rule.recipients.is_empty() {
            continue;
        }
        let Some(index) = recipient_index_v2(&call.selector) else {
            continue;
        };
        let named = call
            .calldata
            .get(index)
            .ok_or_else(|| PreflightError::MalformedAmount {
                name: display_name(&call.selector),
            })?;
        if !rule.recipients.contains(named) {
            return Err(PreflightError::RecipientNotAllowed {
                token: contract_name(&call.to),
                recipient: to_hex(named),
            });
        }
    }
    check_spending(input)
}

/// Where a metered call's `u256` amount starts, under the account's rules.
fn amount_index(rules: &AccountRules<'_>, selector: &Felt) -> Option<usize> {
    match rules {
        AccountRules::V1 => is_spending_selector(selector).then_some(1),
        AccountRules::V2 { .. } => recipient_index_v2(selector).map(|i| i + 1),
    }
}

fn check_spending(input: &PreflightInput<'_>) -> Result<(), PreflightError> {
    for policy in input.policies.iter().filter(|p| p.window_seconds != 0) {
        let mut spent = policy.spent_in_window;
        for (call, at) in input
            .calls
            .iter()
            .filter(|c| c.to == policy.token)
            .filter_map(|c| amount_index(&input.rules, &c.selector).map(|at| (c, at)))
        {
            let amount = match call.calldata.get(at..at + 2) {
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
            rules: AccountRules::V1,
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
            rules: AccountRules::V1,
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

    fn run_v2(
        status: ChainStatus,
        scope: &[SessionCall],
        recipients: &[RecipientRule],
        calls: &[Call],
        policies: &[PolicyView],
    ) -> Result<(), PreflightError> {
        let s = session(1000, 5, scope.iter().map(|p| p.selector).collect());
        check(&PreflightInput {
            account: ACCOUNT,
            session: &s,
            known_revoked: false,
            now: 1,
            margin: 30,
            calls,
            policies,
            rules: AccountRules::V2 {
                status,
                scope,
                recipients,
            },
        })
    }

    const OTHER_TOKEN: Felt = Felt::from_hex_unchecked("0x0717");
    const FRIEND: Felt = Felt::from_hex_unchecked("0xf00d");

    #[test]
    fn a_scoped_session_may_call_exactly_its_pairs() {
        let scope = [SessionCall::new(TOKEN, "transfer")];
        let ok = erc20_transfer(TOKEN, FRIEND, U256::from_u128(1));
        assert_eq!(run_v2(ChainStatus::Active, &scope, &[], &[ok], &[]), Ok(()));
        // The same selector on another contract, and another selector on the same contract.
        let elsewhere = erc20_transfer(OTHER_TOKEN, FRIEND, U256::from_u128(1));
        let err = run_v2(ChainStatus::Active, &scope, &[], &[elsewhere], &[]).unwrap_err();
        assert_eq!(err.code(), "SESSION_CALL_NOT_IN_SCOPE");
        assert!(
            err.to_string().contains("transfer") && err.to_string().contains("0x717"),
            "{err}"
        );
        let approve = crate::calls::erc20_approve(TOKEN, FRIEND, U256::from_u128(1));
        assert_eq!(
            run_v2(ChainStatus::Active, &scope, &[], &[approve], &[])
                .unwrap_err()
                .code(),
            "SESSION_CALL_NOT_IN_SCOPE"
        );
    }

    #[test]
    fn on_v2_self_calls_and_v2_admin_entrypoints_are_refused_whatever_the_scope() {
        let selfcall = Call::new(ACCOUNT, "get_public_key", vec![]);
        let scope = [SessionCall::new(ACCOUNT, "get_public_key")];
        assert_eq!(
            run_v2(ChainStatus::Active, &scope, &[], &[selfcall], &[]),
            Err(PreflightError::SelfCallBlocked)
        );
        let admin = Call::new(TOKEN, "revoke_all_session_keys", vec![]);
        let err = run_v2(ChainStatus::Active, &[], &[], &[admin], &[]).unwrap_err();
        assert_eq!(err.code(), "SESSION_ADMIN_ENTRYPOINT");
        assert!(err.to_string().contains("revoke_all_session_keys"), "{err}");
    }

    #[test]
    fn recipient_rules_pass_a_listed_address_and_refuse_any_other_for_transfer_and_approve() {
        let rules = [RecipientRule {
            token: TOKEN,
            recipients: vec![FRIEND],
        }];
        let to_friend = erc20_transfer(TOKEN, FRIEND, U256::from_u128(1));
        assert_eq!(
            run_v2(ChainStatus::Active, &[], &rules, &[to_friend], &[]),
            Ok(())
        );
        let stranger = Felt::from(0xbadu32);
        for call in [
            erc20_transfer(TOKEN, stranger, U256::from_u128(1)),
            crate::calls::erc20_approve(TOKEN, stranger, U256::from_u128(1)),
            Call::new(
                TOKEN,
                "transfer_from",
                vec![FRIEND, stranger, Felt::ONE, Felt::ZERO],
            ),
        ] {
            let err = run_v2(ChainStatus::Active, &[], &rules, &[call], &[]).unwrap_err();
            assert_eq!(err.code(), "SESSION_RECIPIENT_NOT_ALLOWED");
            assert!(err.to_string().contains("0xbad"), "{err}");
        }
        // A rule on one token says nothing about another.
        let other = erc20_transfer(OTHER_TOKEN, stranger, U256::from_u128(1));
        assert_eq!(
            run_v2(ChainStatus::Active, &[], &rules, &[other], &[]),
            Ok(())
        );
    }

    #[test]
    fn on_v2_the_chain_status_word_overrides_the_session_data() {
        let call = erc20_transfer(TOKEN, FRIEND, U256::from_u128(1));
        assert_eq!(
            run_v2(ChainStatus::Revoked, &[], &[], &[call.clone()], &[]),
            Err(PreflightError::Revoked)
        );
        assert_eq!(run_v2(ChainStatus::Active, &[], &[], &[call], &[]), Ok(()));
    }

    #[test]
    fn v2_policies_meter_transfer_from_at_its_own_amount_offset() {
        let pull = |amount: u128| {
            Call::new(
                TOKEN,
                "transfer_from",
                vec![FRIEND, Felt::from(9u8), Felt::from(amount), Felt::ZERO],
            )
        };
        assert_eq!(
            run_v2(
                ChainStatus::Active,
                &[],
                &[],
                &[pull(11)],
                &[policy(10, 100, 0)]
            )
            .unwrap_err()
            .code(),
            "SESSION_SPENDING_LIMIT_PER_CALL"
        );
        assert_eq!(
            run_v2(
                ChainStatus::Active,
                &[],
                &[],
                &[pull(10)],
                &[policy(10, 100, 0)]
            ),
            Ok(())
        );
    }
}
