//! Text forms people type: calls (`CONTRACT:ENTRYPOINT[:ARG,...]`), entrypoints by name or
//! selector, and token amounts with decimals. Shared by the CLI and the desktop app.

use starknet_types_core::felt::Felt;

use crate::felt::{parse_address, parse_felt, u256_to_felts, FeltError, U256};
use crate::outside::Call;
use crate::selector::selector_from_name;

/// STRK's address, the same on Mainnet, Sepolia and devnet.
pub const STRK: Felt =
    Felt::from_hex_unchecked("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
/// ETH's address, the same on Mainnet, Sepolia and devnet.
pub const ETH: Felt =
    Felt::from_hex_unchecked("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");

/// A call or amount a person typed that Sesame cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("'{0}' is not a call: write CONTRACT:ENTRYPOINT[:ARG,...], e.g. strk:transfer:0xabc,u256:1000")]
    BadCall(String),
    #[error("in '{spec}': {source}")]
    BadArgument { spec: String, source: FeltError },
    #[error("'{0}' is not an amount: write digits with at most one '.', e.g. 1.25")]
    BadAmount(String),
    #[error("'{amount}' has more than {decimals} decimals")]
    TooManyDecimals { amount: String, decimals: u8 },
    #[error("'{0}' is not a scope entry: write CONTRACT:ENTRYPOINT, e.g. strk:transfer")]
    BadScope(String),
    #[error("'{0}' is not a recipient rule: write TOKEN:ADDRESS, e.g. strk:0x4a3…")]
    BadRecipient(String),
}

/// Resolves a contract: `strk`, `eth`, or an address.
pub fn parse_contract(text: &str) -> Result<Felt, FeltError> {
    match text.to_ascii_lowercase().as_str() {
        "strk" => Ok(STRK),
        "eth" => Ok(ETH),
        _ => parse_address(text),
    }
}

/// An entrypoint given by name (`transfer`) or by selector (`0x83af…`).
pub fn parse_entrypoint(text: &str) -> Result<Felt, FeltError> {
    let t = text.trim();
    if t.starts_with("0x") || t.bytes().all(|b| b.is_ascii_digit()) {
        parse_felt(t)
    } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(selector_from_name(t))
    } else {
        Err(FeltError::NotANumber(text.to_string()))
    }
}

/// Parses `CONTRACT:ENTRYPOINT[:ARG,...]`; an argument is a felt or `u256:VALUE` (two felts).
pub fn parse_call(spec: &str) -> Result<Call, SpecError> {
    let mut parts = spec.splitn(3, ':');
    let (contract, entrypoint) = match (parts.next(), parts.next()) {
        (Some(c), Some(e)) if !c.is_empty() && !e.is_empty() => (c, e),
        _ => return Err(SpecError::BadCall(spec.to_string())),
    };
    let bad = |source| SpecError::BadArgument {
        spec: spec.to_string(),
        source,
    };
    let to = parse_contract(contract).map_err(bad)?;
    let selector = parse_entrypoint(entrypoint).map_err(bad)?;
    let mut calldata = Vec::new();
    if let Some(args) = parts.next().filter(|a| !a.is_empty()) {
        for arg in args.split(',') {
            match arg.strip_prefix("u256:") {
                Some(v) => calldata.extend(u256_to_felts(U256::parse(v).map_err(bad)?)),
                None => calldata.push(parse_felt(arg).map_err(bad)?),
            }
        }
    }
    Ok(Call {
        to,
        selector,
        calldata,
    })
}

fn split_pair(spec: &str) -> Option<(&str, &str)> {
    let (a, b) = spec.trim().split_once(':')?;
    (!a.is_empty() && !b.is_empty() && !b.contains(':')).then_some((a, b))
}

/// Parses `CONTRACT:ENTRYPOINT` (`strk:transfer`, `0x49d…:approve`): one pair a scoped session
/// may call.
pub fn parse_scope_entry(spec: &str) -> Result<crate::calls::SessionCall, SpecError> {
    let (contract, entrypoint) =
        split_pair(spec).ok_or_else(|| SpecError::BadScope(spec.into()))?;
    let bad = |source| SpecError::BadArgument {
        spec: spec.to_string(),
        source,
    };
    Ok(crate::calls::SessionCall {
        to: parse_contract(contract).map_err(bad)?,
        selector: parse_entrypoint(entrypoint).map_err(bad)?,
    })
}

/// Parses `TOKEN:ADDRESS` (`strk:0x4a3…`): an address the session may send or approve the
/// token to.
pub fn parse_recipient(spec: &str) -> Result<(Felt, Felt), SpecError> {
    let (token, address) = split_pair(spec).ok_or_else(|| SpecError::BadRecipient(spec.into()))?;
    let bad = |source| SpecError::BadArgument {
        spec: spec.to_string(),
        source,
    };
    Ok((
        parse_contract(token).map_err(bad)?,
        parse_address(address).map_err(bad)?,
    ))
}

/// `"1.5"` with 18 decimals → 1 500 000 000 000 000 000.
pub fn parse_units(amount: &str, decimals: u8) -> Result<U256, SpecError> {
    let t = amount.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) {
        return Err(SpecError::BadAmount(amount.to_string()));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > usize::from(decimals) {
        return Err(SpecError::TooManyDecimals {
            amount: amount.to_string(),
            decimals,
        });
    }
    let raw = format!(
        "{}{}{}",
        whole,
        frac,
        "0".repeat(usize::from(decimals) - frac.len())
    );
    let raw = raw.trim_start_matches('0');
    U256::parse(if raw.is_empty() { "0" } else { raw })
        .map_err(|_| SpecError::BadAmount(amount.to_string()))
}

/// 1 500 000 000 000 000 000 with 18 decimals → `"1.5"`.
pub fn format_units(value: U256, decimals: u8) -> String {
    let digits = value.to_string();
    let d = usize::from(decimals);
    let padded = format!("{digits:0>width$}", width = d + 1);
    let (whole, frac) = padded.split_at(padded.len() - d);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_call_parses_with_a_token_alias_and_a_u256_amount() {
        let call = parse_call("strk:transfer:0xabc,u256:1000").unwrap();
        assert_eq!(call.to, STRK);
        assert_eq!(call.selector, selector_from_name("transfer"));
        assert_eq!(
            call.calldata,
            vec![Felt::from(0xabcu32), Felt::from(1000u32), Felt::ZERO]
        );
        let bare = parse_call("0x123:0x5").unwrap();
        assert_eq!((bare.selector, bare.calldata.len()), (Felt::from(5u8), 0));
    }

    #[test]
    fn malformed_calls_say_what_is_wrong() {
        assert!(matches!(parse_call("strk"), Err(SpecError::BadCall(_))));
        assert!(matches!(
            parse_call(":transfer"),
            Err(SpecError::BadCall(_))
        ));
        assert!(matches!(
            parse_call("nope:transfer"),
            Err(SpecError::BadArgument { .. })
        ));
        assert!(matches!(
            parse_call("strk:transfer:0xzz"),
            Err(SpecError::BadArgument { .. })
        ));
        assert!(matches!(
            parse_call("strk:trans fer"),
            Err(SpecError::BadArgument { .. })
        ));
    }

    #[test]
    fn amounts_round_trip_through_units() {
        let v = parse_units("1.5", 18).unwrap();
        assert_eq!(v, U256::from_u128(1_500_000_000_000_000_000));
        assert_eq!(format_units(v, 18), "1.5");
        assert_eq!(format_units(U256::from_u128(7), 6), "0.000007");
        assert_eq!(parse_units("0.000007", 6).unwrap(), U256::from_u128(7));
        assert_eq!(parse_units(".5", 1).unwrap(), U256::from_u128(5));
        assert_eq!(format_units(U256::ZERO, 18), "0");
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert!(matches!(
            parse_units("1.2.3", 18),
            Err(SpecError::BadAmount(_))
        ));
        assert!(matches!(
            parse_units("-1", 18),
            Err(SpecError::BadAmount(_))
        ));
        assert!(matches!(parse_units("", 18), Err(SpecError::BadAmount(_))));
        assert!(matches!(
            parse_units("0.1234567", 6),
            Err(SpecError::TooManyDecimals { .. })
        ));
    }

    #[test]
    fn scope_entries_and_recipients_parse_symbols_names_and_addresses() {
        let pair = parse_scope_entry("strk:transfer").unwrap();
        assert_eq!(
            (pair.to, pair.selector),
            (STRK, selector_from_name("transfer"))
        );
        let pair = parse_scope_entry(
            "0x123:0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e",
        )
        .unwrap();
        assert_eq!(pair.to, Felt::from(0x123u32));
        assert_eq!(
            parse_recipient("eth:0xabc").unwrap(),
            (ETH, Felt::from(0xabcu32))
        );
        for bad in [
            "strk",
            "strk:",
            ":transfer",
            "strk:transfer:1",
            "nope:transfer",
            "strk:tr ansfer",
        ] {
            assert!(parse_scope_entry(bad).is_err(), "{bad}");
        }
        for bad in ["strk", "strk:alice", "strk:0xabc:1", ":0xabc"] {
            assert!(parse_recipient(bad).is_err(), "{bad}");
        }
        assert!(parse_scope_entry("strk")
            .unwrap_err()
            .to_string()
            .contains("CONTRACT:ENTRYPOINT"));
    }
}
