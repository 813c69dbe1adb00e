//! Calldata for the session account's own entrypoints and for ERC-20 calls. Pure encoding, so
//! the CLI, the app and the tests build byte-identical transactions.

use starknet_types_core::felt::Felt;

use crate::felt::{u256_to_felts, U256};
use crate::outside::Call;

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
}
