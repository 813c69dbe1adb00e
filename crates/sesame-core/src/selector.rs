//! Entrypoint selectors, and the lists of selectors the session account treats specially.

use sha3::{Digest, Keccak256};
use starknet_types_core::felt::Felt;

/// `sn_keccak(name)`: Keccak-256 of the name, masked to its low 250 bits.
pub fn selector_from_name(name: &str) -> Felt {
    let mut hash: [u8; 32] = Keccak256::digest(name.as_bytes()).into();
    hash[0] &= 0x03;
    Felt::from_bytes_be(&hash)
}

/// SRC-5 id of the v2 session interface (`contracts/session_account_v2.cairo`): an account that
/// answers `supports_interface(ISESSION_KEYS_V2_ID) == true` verifies v2 session signatures
/// ([`crate::outside::SessionSignature::sign_v2`]) and knows scopes, recipients and epochs.
pub const ISESSION_KEYS_V2_ID: Felt =
    Felt::from_hex_unchecked("0x3dfef0cdc285a4ff3645098ab448163c07116ba1d579f118e53ad56e92e8723");

/// Entrypoints a session may never call, whatever its allowlist says (SNIP-163 part C, rule 4).
pub const ADMIN_ENTRYPOINTS: [&str; 9] = [
    "add_or_update_session_key",
    "revoke_session_key",
    "upgrade",
    "set_public_key",
    "setPublicKey",
    "__execute__",
    "execute_from_outside_v2",
    "set_spending_policy",
    "remove_spending_policy",
];

/// Entrypoints whose `u256` amount at calldata[1..3] counts against a spending policy.
pub const SPENDING_ENTRYPOINTS: [&str; 4] = [
    "transfer",
    "approve",
    "increase_allowance",
    "increaseAllowance",
];

/// The v2 account blocks these too, on any contract (its admin list is v1's plus these).
pub const V2_ADMIN_ENTRYPOINTS: [&str; 4] = [
    "add_or_update_session_key_scoped",
    "revoke_all_session_keys",
    "set_session_recipients",
    "execute_from_outside",
];

/// Whether `selector` is one of [`ADMIN_ENTRYPOINTS`].
pub fn is_admin_selector(selector: &Felt) -> bool {
    ADMIN_ENTRYPOINTS
        .iter()
        .any(|name| selector_from_name(name) == *selector)
}

/// Whether the v2 account refuses `selector` to a session: v1's list plus
/// [`V2_ADMIN_ENTRYPOINTS`].
pub fn is_admin_selector_v2(selector: &Felt) -> bool {
    is_admin_selector(selector)
        || V2_ADMIN_ENTRYPOINTS
            .iter()
            .any(|name| selector_from_name(name) == *selector)
}

/// The v2 account's six token selectors, each with the calldata index of the recipient or
/// spender it names; the `u256` amount follows at the next two felts. Recipient rules and
/// spending policies read exactly these.
pub const TOKEN_ENTRYPOINTS_V2: [(&str, usize); 6] = [
    ("transfer", 0),
    ("approve", 0),
    ("increase_allowance", 0),
    ("increaseAllowance", 0),
    ("transfer_from", 1),
    ("transferFrom", 1),
];

/// For a v2 token selector, the calldata index of the recipient or spender it names.
pub fn recipient_index_v2(selector: &Felt) -> Option<usize> {
    TOKEN_ENTRYPOINTS_V2
        .iter()
        .find(|(name, _)| selector_from_name(name) == *selector)
        .map(|(_, i)| *i)
}

/// Whether `selector` is one of [`SPENDING_ENTRYPOINTS`].
pub fn is_spending_selector(selector: &Felt) -> bool {
    SPENDING_ENTRYPOINTS
        .iter()
        .any(|name| selector_from_name(name) == *selector)
}

/// Names Sesame knows, so a selector read from the chain can be shown as a name.
const KNOWN_NAMES: [&str; 12] = [
    "transfer",
    "transferFrom",
    "transfer_from",
    "approve",
    "increase_allowance",
    "increaseAllowance",
    "decrease_allowance",
    "decreaseAllowance",
    "swap",
    "multi_route_swap",
    "deposit",
    "withdraw",
];

/// The name behind `selector`, if it is one Sesame knows.
pub fn known_name(selector: &Felt) -> Option<&'static str> {
    KNOWN_NAMES
        .iter()
        .chain(ADMIN_ENTRYPOINTS.iter())
        .chain(V2_ADMIN_ENTRYPOINTS.iter())
        .find(|name| selector_from_name(name) == *selector)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_selector_matches_the_well_known_value() {
        assert_eq!(
            format!("{:#x}", selector_from_name("transfer")),
            "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e"
        );
    }

    #[test]
    fn admin_and_spending_lists_are_recognised_and_others_are_not() {
        for name in ADMIN_ENTRYPOINTS {
            assert!(is_admin_selector(&selector_from_name(name)), "{name}");
        }
        assert!(!is_admin_selector(&selector_from_name("transfer")));
        assert!(is_spending_selector(&selector_from_name(
            "increaseAllowance"
        )));
        assert!(!is_spending_selector(&selector_from_name("swap")));
        assert_eq!(known_name(&selector_from_name("approve")), Some("approve"));
        assert_eq!(known_name(&Felt::from(5u8)), None);
    }
}
