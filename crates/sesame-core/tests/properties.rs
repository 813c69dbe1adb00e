//! Property tests of the parsers that face what people type and what servers send: felts,
//! addresses, u256 amounts, token-unit formatting and CLI call specs. Hostile text must give a
//! typed error, never a panic, and every valid value must survive a round trip.
//!
//! `scripts/test.sh` fixes the seed and the budget (`PROPTEST_RNG_SEED`, `PROPTEST_CASES`); a
//! longer run: `PROPTEST_CASES=200000 cargo test -p sesame-core --test properties`.

use proptest::prelude::*;
use sesame_core::felt::{parse_address, parse_felt, to_hex, U256};
use sesame_core::spec::{format_units, parse_call, parse_units};
use sesame_core::Felt;

/// Any felt: 32 random bytes reduced into the field.
fn any_felt() -> impl Strategy<Value = Felt> {
    any::<[u8; 32]>().prop_map(|b| Felt::from_bytes_be(&b))
}

fn any_u256() -> impl Strategy<Value = U256> {
    (any::<u128>(), any::<u128>()).prop_map(|(high, low)| U256 { high, low })
}

/// Text that looks like what the parsers expect about half the time.
fn numberish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{0,90}",
        "0[xX][0-9a-fA-F]{0,70}",
        "[ 0-9a-fxX.,:_u-]{0,80}",
    ]
}

proptest! {
    #[test]
    fn parse_felt_never_panics_and_accepts_only_canonical_values(text in numberish()) {
        if let Ok(f) = parse_felt(&text) {
            // Whatever was accepted prints back to a value that parses to itself.
            prop_assert_eq!(parse_felt(&to_hex(&f)), Ok(f));
        }
    }

    #[test]
    fn every_felt_round_trips_through_hex_and_decimal(f in any_felt()) {
        prop_assert_eq!(parse_felt(&to_hex(&f)), Ok(f));
        prop_assert_eq!(parse_felt(&f.to_string()), Ok(f));
    }

    #[test]
    fn a_value_at_or_above_the_prime_is_refused(extra in any::<u128>()) {
        // p = 2^251 + 17·2^192 + 1; p + extra is still below 2^256.
        let p_plus = {
            let mut bytes = [0u8; 32];
            bytes[0] = 0x08;
            bytes[7] = 0x11;
            bytes[31] = 0x01;
            let mut carry = extra;
            for byte in bytes.iter_mut().rev() {
                let sum = u128::from(*byte) + (carry & 0xff);
                *byte = sum as u8;
                carry = (carry >> 8) + (sum >> 8);
            }
            bytes
        };
        let hex: String = p_plus.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("0x{hex}");
        prop_assert!(parse_felt(&text).is_err());
    }

    #[test]
    fn parse_address_accepts_only_nonzero_values_below_2_pow_251(text in numberish()) {
        if let Ok(a) = parse_address(&text) {
            prop_assert!(a != Felt::ZERO);
            prop_assert!(a.to_bytes_be()[0] < 0x08);
        }
    }

    #[test]
    fn u256_round_trips_through_decimal_and_hex(v in any_u256()) {
        prop_assert_eq!(U256::parse(&v.to_string()), Ok(v));
        let hex = format!("0x{:032x}{:032x}", v.high, v.low);
        prop_assert_eq!(U256::parse(&hex), Ok(v));
    }

    #[test]
    fn u256_parse_never_panics(text in numberish()) {
        if let Ok(v) = U256::parse(&text) {
            prop_assert_eq!(U256::parse(&v.to_string()), Ok(v));
        }
    }

    #[test]
    fn token_amounts_round_trip_through_their_units(v in any_u256(), decimals in 0u8..=40) {
        let text = format_units(v, decimals);
        prop_assert_eq!(parse_units(&text, decimals), Ok(v), "{}", text);
    }

    #[test]
    fn amount_parsing_never_panics(text in numberish(), decimals in any::<u8>()) {
        if let Ok(v) = parse_units(&text, decimals) {
            // An accepted amount formats to the same value.
            prop_assert_eq!(parse_units(&format_units(v, decimals), decimals), Ok(v));
        }
    }

    #[test]
    fn u256_arithmetic_matches_u128_where_it_fits(a in any::<u64>(), b in any::<u64>()) {
        let (x, y) = (U256::from_u128(u128::from(a)), U256::from_u128(u128::from(b)));
        prop_assert_eq!(x.checked_add(y), Some(U256::from_u128(u128::from(a) + u128::from(b))));
        prop_assert_eq!(x.saturating_sub(y), U256::from_u128(u128::from(a).saturating_sub(u128::from(b))));
    }

    #[test]
    fn call_specs_never_panic(spec in "[a-z0-9xX:,_]{0,60}|\\PC{0,60}") {
        let _ = parse_call(&spec);
    }

    #[test]
    fn generated_call_specs_parse_to_their_calldata(
        to in 1u64..,
        args in proptest::collection::vec(any::<u64>(), 0..6),
        amount in any_u256(),
    ) {
        let mut spec = format!("{to:#x}:transfer:");
        let mut parts: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        parts.push(format!("u256:{amount}"));
        spec.push_str(&parts.join(","));
        let call = parse_call(&spec).unwrap();
        prop_assert_eq!(call.to, Felt::from(to));
        let mut expected: Vec<Felt> = args.iter().map(|a| Felt::from(*a)).collect();
        expected.push(Felt::from(amount.low));
        expected.push(Felt::from(amount.high));
        prop_assert_eq!(call.calldata, expected);
    }
}
