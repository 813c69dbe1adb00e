//! Calldata for the session account's own entrypoints and for ERC-20 calls. Pure encoding, so
//! the CLI, the app and the tests build byte-identical transactions.

use starknet_types_core::felt::Felt;

use crate::felt::{u256_to_felts, U256};
use crate::keys::Signature;
use crate::outside::Call;
use crate::selector::selector_from_name;

/// `add_or_update_session_key(session_key, valid_until, max_calls, allowed_entrypoints)` on `account`.
pub fn register_session(
    account: Felt,
    session_key: Felt,
    valid_until: u64,
    max_calls: u32,
    allowed_entrypoints: &[Felt],
) -> Call {
    let mut calldata = vec![
        session_key,
        Felt::from(valid_until),
        Felt::from(max_calls),
        Felt::from(allowed_entrypoints.len()),
    ];
    calldata.extend_from_slice(allowed_entrypoints);
    Call::new(account, "add_or_update_session_key", calldata)
}

/// `revoke_session_key(session_key)` on `account`.
pub fn revoke_session(account: Felt, session_key: Felt) -> Call {
    Call::new(account, "revoke_session_key", vec![session_key])
}

/// A per-session, per-token spending cap: at most `max_per_call` in one call and
/// `max_per_window` within `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpendingLimit {
    pub max_per_call: U256,
    pub max_per_window: U256,
    pub window_seconds: u64,
}

/// `set_spending_policy(session_key, token, max_per_call, max_per_window, window_seconds)`.
pub fn set_spending_policy(
    account: Felt,
    session_key: Felt,
    token: Felt,
    limit: &SpendingLimit,
) -> Call {
    let mut calldata = vec![session_key, token];
    calldata.extend(u256_to_felts(limit.max_per_call));
    calldata.extend(u256_to_felts(limit.max_per_window));
    calldata.push(Felt::from(limit.window_seconds));
    Call::new(account, "set_spending_policy", calldata)
}

/// `remove_spending_policy(session_key, token)`.
pub fn remove_spending_policy(account: Felt, session_key: Felt, token: Felt) -> Call {
    Call::new(account, "remove_spending_policy", vec![session_key, token])
}

/// One `(contract, entrypoint)` pair of a v2 scoped session (Cairo `SessionCall`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCall {
    pub to: Felt,
    pub selector: Felt,
}

impl SessionCall {
    /// The pair `(to, entrypoint)`, the entrypoint by name.
    pub fn new(to: Felt, entrypoint: &str) -> Self {
        SessionCall {
            to,
            selector: selector_from_name(entrypoint),
        }
    }
}

/// v2: `add_or_update_session_key_scoped(session_key, valid_until, max_calls, allowed_calls)` on
/// `account`: the session may call exactly the pairs in `scope`.
pub fn register_session_scoped(
    account: Felt,
    session_key: Felt,
    valid_until: u64,
    max_calls: u32,
    scope: &[SessionCall],
) -> Call {
    let mut calldata = vec![
        session_key,
        Felt::from(valid_until),
        Felt::from(max_calls),
        Felt::from(scope.len()),
    ];
    for pair in scope {
        calldata.push(pair.to);
        calldata.push(pair.selector);
    }
    Call::new(account, "add_or_update_session_key_scoped", calldata)
}

/// v2: `set_session_recipients(session_key, token, recipients)`: the only addresses the
/// session's transfers and approvals on `token` may name. An empty list removes the rule.
pub fn set_session_recipients(
    account: Felt,
    session_key: Felt,
    token: Felt,
    recipients: &[Felt],
) -> Call {
    let mut calldata = vec![session_key, token, Felt::from(recipients.len())];
    calldata.extend_from_slice(recipients);
    Call::new(account, "set_session_recipients", calldata)
}

/// v2: `revoke_all_session_keys()`: ends every session registered so far.
pub fn revoke_all_session_keys(account: Felt) -> Call {
    Call::new(account, "revoke_all_session_keys", vec![])
}

/// v2: `set_public_key(new_public_key, [r, s])`, where `proof` is the new key's signature over
/// [`crate::keys::rotation_proof_hash`] (see [`crate::keys::sign_rotation_proof`]). Ends every
/// session. (v1's `set_public_key` takes the key alone.)
pub fn set_public_key(account: Felt, new_public_key: Felt, proof: &Signature) -> Call {
    Call::new(
        account,
        "set_public_key",
        vec![new_public_key, Felt::TWO, proof.r, proof.s],
    )
}

/// `upgrade(new_class_hash)` on `account` (owner only).
pub fn upgrade(account: Felt, new_class_hash: Felt) -> Call {
    Call::new(account, "upgrade", vec![new_class_hash])
}

/// What a v2 account refuses at registration, and what would make a session weaker than the
/// user meant, checked before the owner signs: a scope must name at least one pair, never the
/// account itself, address 0 or an admin entrypoint; a recipient rule must list someone; a
/// spending cap needs a window and a per-call cap within the window cap; a token appears once.
pub fn check_registration(
    account: Felt,
    scope: Option<&[SessionCall]>,
    recipients: &[(Felt, Vec<Felt>)],
    limits: &[(Felt, SpendingLimit)],
) -> Result<(), String> {
    if let Some(scope) = scope {
        if scope.is_empty() {
            return Err("name at least one CONTRACT:ENTRYPOINT the session may call".into());
        }
        for pair in scope {
            if pair.to == Felt::ZERO || pair.to == account {
                return Err(
                    "a session's scope may not name the account itself or address 0".into(),
                );
            }
            if crate::selector::is_admin_selector_v2(&pair.selector) {
                return Err(format!(
                    "a session may never call the admin entrypoint {}",
                    crate::selector::known_name(&pair.selector).unwrap_or("(admin)")
                ));
            }
        }
    }
    for (i, (token, list)) in recipients.iter().enumerate() {
        if list.is_empty() {
            return Err("a recipient rule must list at least one address".into());
        }
        if list.contains(&Felt::ZERO) {
            return Err("0x0 is not a recipient".into());
        }
        if recipients[..i].iter().any(|(t, _)| t == token) {
            return Err("give each token's recipients in one rule".into());
        }
    }
    for (i, (token, limit)) in limits.iter().enumerate() {
        if limit.window_seconds == 0 {
            return Err("a spending window must be at least 1 second".into());
        }
        if limit.max_per_call > limit.max_per_window {
            return Err("the per-call cap cannot exceed the window cap".into());
        }
        if limits[..i].iter().any(|(t, _)| t == token) {
            return Err("give each token one spending cap".into());
        }
    }
    Ok(())
}

/// ERC-20 `transfer(recipient, amount)`.
pub fn erc20_transfer(token: Felt, recipient: Felt, amount: U256) -> Call {
    let mut calldata = vec![recipient];
    calldata.extend(u256_to_felts(amount));
    Call::new(token, "transfer", calldata)
}

/// ERC-20 `approve(spender, amount)`.
pub fn erc20_approve(token: Felt, spender: Felt, amount: U256) -> Call {
    let mut calldata = vec![spender];
    calldata.extend(u256_to_felts(amount));
    Call::new(token, "approve", calldata)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selector::selector_from_name;

    #[test]
    fn register_encodes_the_allowlist_as_a_cairo_array() {
        let call = register_session(
            Felt::ONE,
            Felt::TWO,
            100,
            5,
            &[Felt::from(7u8), Felt::from(8u8)],
        );
        assert_eq!(
            call.selector,
            selector_from_name("add_or_update_session_key")
        );
        let expected: Vec<Felt> = [2u8, 100, 5, 2, 7, 8]
            .iter()
            .map(|v| Felt::from(*v))
            .collect();
        assert_eq!(call.calldata, expected);
    }

    fn felts(values: &[u64]) -> Vec<Felt> {
        values.iter().map(|v| Felt::from(*v)).collect()
    }

    #[test]
    fn scoped_registration_encodes_the_pairs_as_an_array_of_structs() {
        let scope = [
            SessionCall {
                to: Felt::from(10u8),
                selector: Felt::from(11u8),
            },
            SessionCall::new(Felt::from(12u8), "transfer"),
        ];
        let call = register_session_scoped(Felt::ONE, Felt::TWO, 100, 5, &scope);
        assert_eq!(call.to, Felt::ONE);
        assert_eq!(
            call.selector,
            selector_from_name("add_or_update_session_key_scoped")
        );
        let mut expected = felts(&[2, 100, 5, 2, 10, 11, 12]);
        expected.push(selector_from_name("transfer"));
        assert_eq!(call.calldata, expected);
    }

    #[test]
    fn v2_admin_calls_encode_their_arguments_in_order() {
        let r = set_session_recipients(Felt::ONE, Felt::TWO, Felt::THREE, &[Felt::from(9u8)]);
        assert_eq!(r.selector, selector_from_name("set_session_recipients"));
        assert_eq!(r.calldata, felts(&[2, 3, 1, 9]));
        let cleared = set_session_recipients(Felt::ONE, Felt::TWO, Felt::THREE, &[]);
        assert_eq!(cleared.calldata, felts(&[2, 3, 0]));

        let all = revoke_all_session_keys(Felt::ONE);
        assert_eq!(all.selector, selector_from_name("revoke_all_session_keys"));
        assert!(all.calldata.is_empty());

        let proof = Signature {
            r: Felt::from(7u8),
            s: Felt::from(8u8),
        };
        let rotate = set_public_key(Felt::ONE, Felt::from(5u8), &proof);
        assert_eq!(rotate.selector, selector_from_name("set_public_key"));
        assert_eq!(rotate.calldata, felts(&[5, 2, 7, 8]));

        let up = upgrade(Felt::ONE, Felt::from(6u8));
        assert_eq!(up.selector, selector_from_name("upgrade"));
        assert_eq!(up.calldata, felts(&[6]));
    }

    #[test]
    fn transfer_puts_the_u256_amount_at_calldata_1_and_2() {
        let call = erc20_transfer(Felt::ONE, Felt::TWO, U256 { high: 3, low: 4 });
        assert_eq!(
            call.calldata,
            vec![Felt::TWO, Felt::from(4u8), Felt::from(3u8)]
        );
        assert_ne!(call.selector, selector_from_name("approve"));
    }

    #[test]
    fn spending_policy_calldata_is_session_token_two_u256_and_window() {
        let limit = SpendingLimit {
            max_per_call: U256::from_u128(10),
            max_per_window: U256::from_u128(25),
            window_seconds: 3600,
        };
        let call = set_spending_policy(Felt::ONE, Felt::TWO, Felt::THREE, &limit);
        let expected: Vec<Felt> = [2u16, 3, 10, 0, 25, 0, 3600]
            .iter()
            .map(|v| Felt::from(*v))
            .collect();
        assert_eq!(call.calldata, expected);
    }

    #[test]
    fn a_registration_is_checked_before_the_owner_signs() {
        let account = Felt::from(0xaccu32);
        let token = Felt::from(0x70cu32);
        let good = [SessionCall::new(token, "transfer")];
        let cap = |per_call: u128, per_window: u128, window| SpendingLimit {
            max_per_call: U256::from_u128(per_call),
            max_per_window: U256::from_u128(per_window),
            window_seconds: window,
        };
        let friend = Felt::from(7u8);
        assert_eq!(
            check_registration(
                account,
                Some(&good),
                &[(token, vec![friend])],
                &[(token, cap(1, 2, 60))]
            ),
            Ok(())
        );
        // A broad session has no scope to check.
        assert_eq!(check_registration(account, None, &[], &[]), Ok(()));
        let refused = [
            check_registration(account, Some(&[]), &[], &[]),
            check_registration(
                account,
                Some(&[SessionCall::new(account, "transfer")]),
                &[],
                &[],
            ),
            check_registration(
                account,
                Some(&[SessionCall::new(Felt::ZERO, "transfer")]),
                &[],
                &[],
            ),
            check_registration(
                account,
                Some(&[SessionCall::new(token, "upgrade")]),
                &[],
                &[],
            ),
            check_registration(account, Some(&good), &[(token, vec![])], &[]),
            check_registration(
                account,
                Some(&good),
                &[(token, vec![friend]), (token, vec![friend])],
                &[],
            ),
            check_registration(account, Some(&good), &[], &[(token, cap(1, 2, 0))]),
            check_registration(account, Some(&good), &[], &[(token, cap(3, 2, 60))]),
            check_registration(
                account,
                Some(&good),
                &[],
                &[(token, cap(1, 2, 60)), (token, cap(1, 2, 60))],
            ),
        ];
        for r in refused {
            assert!(r.is_err());
        }
        assert!(check_registration(
            account,
            Some(&[SessionCall::new(token, "upgrade")]),
            &[],
            &[]
        )
        .unwrap_err()
        .contains("upgrade"));
    }
}
