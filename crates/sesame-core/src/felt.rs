//! Field-element codecs shared by every layer: user input arrives as text, the chain speaks felts.

use starknet_types_core::felt::Felt;

/// Why a piece of text is not a field element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeltError {
    #[error("'{0}' is not a number: use 0x-prefixed hex or decimal digits")]
    NotANumber(String),
    #[error(
        "'{0}' does not fit in a Starknet field element (it must be below 2^251 + 17·2^192 + 1)"
    )]
    TooLarge(String),
    #[error("'{0}' is longer than 31 characters, the limit for a Cairo short string")]
    ShortStringTooLong(String),
    #[error("'{0}' contains non-ASCII characters, which a Cairo short string cannot hold")]
    ShortStringNotAscii(String),
    #[error("'{0}' is not a valid Starknet address")]
    BadAddress(String),
}

/// Parses `0x…` hex or decimal text into a felt, refusing values at or above the field prime.
pub fn parse_felt(text: &str) -> Result<Felt, FeltError> {
    let t = text.trim();
    let bytes = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FeltError::NotANumber(text.to_string()));
        }
        let padded = format!("{hex:0>64}");
        let mut out = [0u8; 32];
        for (i, chunk) in padded.as_bytes().chunks(2).enumerate() {
            let s = std::str::from_utf8(chunk).map_err(|_| FeltError::NotANumber(text.into()))?;
            out[i] = u8::from_str_radix(s, 16).map_err(|_| FeltError::NotANumber(text.into()))?;
        }
        out
    } else {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FeltError::NotANumber(text.to_string()));
        }
        decimal_to_be_bytes(t).ok_or_else(|| FeltError::TooLarge(text.to_string()))?
    };
    felt_from_be_checked(&bytes).ok_or_else(|| FeltError::TooLarge(text.to_string()))
}

/// Parses a contract address: a felt below 2^251, which is where Starknet addresses live.
pub fn parse_address(text: &str) -> Result<Felt, FeltError> {
    let felt = parse_felt(text).map_err(|_| FeltError::BadAddress(text.to_string()))?;
    if felt == Felt::ZERO || felt.to_bytes_be()[0] >= 0x08 {
        return Err(FeltError::BadAddress(text.to_string()));
    }
    Ok(felt)
}

/// Converts 32 big-endian bytes to a felt only if they are a canonical field element.
pub fn felt_from_be_checked(bytes: &[u8; 32]) -> Option<Felt> {
    let felt = Felt::from_bytes_be(bytes);
    (felt.to_bytes_be() == *bytes).then_some(felt)
}

fn decimal_to_be_bytes(digits: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for d in digits.bytes() {
        let mut carry = u32::from(d - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(out)
}

/// Encodes an ASCII string of at most 31 characters as a Cairo short string.
pub fn short_string(text: &str) -> Result<Felt, FeltError> {
    if !text.is_ascii() {
        return Err(FeltError::ShortStringNotAscii(text.to_string()));
    }
    if text.len() > 31 {
        return Err(FeltError::ShortStringTooLong(text.to_string()));
    }
    Ok(Felt::from_bytes_be_slice(text.as_bytes()))
}

/// Decodes a felt as a Cairo short string when every byte is printable ASCII.
pub fn decode_short_string(felt: &Felt) -> Option<String> {
    let bytes = felt.to_bytes_be();
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if trimmed.is_empty() || !trimmed.iter().all(|b| (0x20..0x7f).contains(b)) {
        return None;
    }
    String::from_utf8(trimmed).ok()
}

/// Splits a `u128`-pair `u256` into its Cairo calldata halves `[low, high]`.
pub fn u256_to_felts(value: U256) -> [Felt; 2] {
    [Felt::from(value.low), Felt::from(value.high)]
}

/// A Cairo `u256`, as two `u128` halves.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct U256 {
    pub high: u128,
    pub low: u128,
}

impl U256 {
    pub const ZERO: U256 = U256 { high: 0, low: 0 };

    /// Builds a `u256` from a `u128`.
    pub fn from_u128(low: u128) -> Self {
        U256 { high: 0, low }
    }

    /// Reads `[low, high]` from calldata, refusing halves that do not fit in `u128`.
    pub fn from_felts(low: &Felt, high: &Felt) -> Option<Self> {
        Some(U256 {
            low: felt_to_u128(low)?,
            high: felt_to_u128(high)?,
        })
    }

    /// Parses decimal or 0x-hex text up to 2^256 - 1.
    pub fn parse(text: &str) -> Result<Self, FeltError> {
        let t = text.trim();
        let bytes = if let Some(hex) = t.strip_prefix("0x") {
            if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(FeltError::NotANumber(text.to_string()));
            }
            let padded = format!("{hex:0>64}");
            let mut out = [0u8; 32];
            for (i, chunk) in padded.as_bytes().chunks(2).enumerate() {
                let s =
                    std::str::from_utf8(chunk).map_err(|_| FeltError::NotANumber(text.into()))?;
                out[i] =
                    u8::from_str_radix(s, 16).map_err(|_| FeltError::NotANumber(text.into()))?;
            }
            out
        } else {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FeltError::NotANumber(text.to_string()));
            }
            decimal_to_be_bytes(t).ok_or_else(|| FeltError::TooLarge(text.to_string()))?
        };
        let mut high = [0u8; 16];
        let mut low = [0u8; 16];
        high.copy_from_slice(&bytes[..16]);
        low.copy_from_slice(&bytes[16..]);
        Ok(U256 {
            high: u128::from_be_bytes(high),
            low: u128::from_be_bytes(low),
        })
    }

    /// Adds, returning `None` on overflow past 2^256 - 1.
    pub fn checked_add(self, other: U256) -> Option<U256> {
        let (low, carry) = self.low.overflowing_add(other.low);
        let high = self
            .high
            .checked_add(other.high)?
            .checked_add(u128::from(carry))?;
        Some(U256 { high, low })
    }

    /// Subtracts, saturating at zero.
    pub fn saturating_sub(self, other: U256) -> U256 {
        if self <= other {
            return U256::ZERO;
        }
        let (low, borrow) = self.low.overflowing_sub(other.low);
        U256 {
            high: self.high - other.high - u128::from(borrow),
            low,
        }
    }
}

impl std::fmt::Display for U256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Decimal by repeated division of the 256-bit value held as four u64 limbs.
        let mut limbs = [
            (self.high >> 64) as u64,
            self.high as u64,
            (self.low >> 64) as u64,
            self.low as u64,
        ];
        if limbs.iter().all(|l| *l == 0) {
            return f.write_str("0");
        }
        let mut digits = Vec::new();
        while limbs.iter().any(|l| *l != 0) {
            let mut rem: u128 = 0;
            for limb in limbs.iter_mut() {
                let cur = (rem << 64) | u128::from(*limb);
                *limb = (cur / 10) as u64;
                rem = cur % 10;
            }
            digits.push(b'0' + rem as u8);
        }
        digits.reverse();
        f.write_str(std::str::from_utf8(&digits).map_err(|_| std::fmt::Error)?)
    }
}

/// Reads a felt as `u128`, if it fits.
pub fn felt_to_u128(felt: &Felt) -> Option<u128> {
    let bytes = felt.to_bytes_be();
    if bytes[..16].iter().any(|b| *b != 0) {
        return None;
    }
    let mut low = [0u8; 16];
    low.copy_from_slice(&bytes[16..]);
    Some(u128::from_be_bytes(low))
}

/// Reads a felt as `u64`, if it fits.
pub fn felt_to_u64(felt: &Felt) -> Option<u64> {
    felt_to_u128(felt).and_then(|v| u64::try_from(v).ok())
}

/// Formats a felt as lowercase 0x-hex without leading zeros (the form starknet.js prints).
pub fn to_hex(felt: &Felt) -> String {
    format!("{felt:#x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_and_decimal_to_the_same_felt() {
        assert_eq!(parse_felt("0x1f").unwrap(), Felt::from(31u8));
        assert_eq!(parse_felt("31").unwrap(), Felt::from(31u8));
    }

    #[test]
    fn refuses_text_that_is_not_a_number_or_too_large() {
        assert!(matches!(parse_felt("0xzz"), Err(FeltError::NotANumber(_))));
        assert!(matches!(parse_felt(""), Err(FeltError::NotANumber(_))));
        assert!(matches!(parse_felt("-1"), Err(FeltError::NotANumber(_))));
        // The field prime itself is not a field element.
        let prime = "0x800000000000011000000000000000000000000000000000000000000000001";
        assert!(matches!(parse_felt(prime), Err(FeltError::TooLarge(_))));
        let big = "9".repeat(90);
        assert!(matches!(parse_felt(&big), Err(FeltError::TooLarge(_))));
    }

    #[test]
    fn addresses_must_be_nonzero_and_below_2_pow_251() {
        assert!(
            parse_address("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7")
                .is_ok()
        );
        assert!(matches!(
            parse_address("0x0"),
            Err(FeltError::BadAddress(_))
        ));
        assert!(matches!(
            parse_address("0x800000000000000000000000000000000000000000000000000000000000000"),
            Err(FeltError::BadAddress(_))
        ));
        assert!(matches!(
            parse_address("hello"),
            Err(FeltError::BadAddress(_))
        ));
    }

    #[test]
    fn short_strings_round_trip_and_refuse_long_or_non_ascii_text() {
        let f = short_string("ANY_CALLER").unwrap();
        assert_eq!(to_hex(&f), "0x414e595f43414c4c4552");
        assert_eq!(decode_short_string(&f).as_deref(), Some("ANY_CALLER"));
        assert!(matches!(
            short_string(&"a".repeat(32)),
            Err(FeltError::ShortStringTooLong(_))
        ));
        assert!(matches!(
            short_string("né"),
            Err(FeltError::ShortStringNotAscii(_))
        ));
        assert_eq!(decode_short_string(&Felt::from(1u8)), None);
    }

    #[test]
    fn u256_parses_formats_and_splits_into_halves() {
        let v = U256::parse("340282366920938463463374607431768211457").unwrap(); // 2^128 + 1
        assert_eq!(v, U256 { high: 1, low: 1 });
        assert_eq!(v.to_string(), "340282366920938463463374607431768211457");
        assert_eq!(u256_to_felts(v), [Felt::ONE, Felt::ONE]);
        assert_eq!(U256::ZERO.to_string(), "0");
        assert!(U256::parse("0x1".repeat(40).as_str()).is_err());
        let max = U256 {
            high: u128::MAX,
            low: u128::MAX,
        };
        assert_eq!(max.checked_add(U256::from_u128(1)), None);
        assert_eq!(
            U256::from_u128(5).saturating_sub(U256::from_u128(7)),
            U256::ZERO
        );
        assert_eq!(
            v.saturating_sub(U256::from_u128(2)),
            U256::from_u128(u128::MAX)
        );
    }
}
