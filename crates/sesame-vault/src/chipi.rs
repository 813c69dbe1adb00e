//! Import of Chipi SDK keys (`SessionKeyData`, `WalletData`).
//!
//! Chipi stores `CryptoES.AES.encrypt(privateKeyHex, encryptKey).toString()`: OpenSSL's
//! `"Salted__"` + 8-byte salt + ciphertext, base64; key and IV from `EVP_BytesToKey` with MD5
//! and one iteration; AES-256-CBC with PKCS#7 padding and no MAC. Sesame only reads this
//! format, to move keys into its own envelope, and never writes it.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use base64::Engine as _;
use md5::{Digest, Md5};
use sesame_core::keys::PrivateKey;
use sesame_core::Felt;
use zeroize::{Zeroize, Zeroizing};

use crate::secret::Pin;

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// Why a Chipi import failed. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChipiError {
    /// The encryptKey is wrong, or the ciphertext is damaged (CBC has no MAC, so these cannot
    /// be told apart).
    #[error(
        "could not decrypt the Chipi key: the encrypt key (PIN) is wrong or the data is damaged"
    )]
    DecryptionFailed,
    /// The key decrypted but its public key is not the one stored beside it.
    #[error("the decrypted Chipi key does not match its stored public key")]
    PublicKeyMismatch,
    /// The input is not Chipi's JSON or base64 "Salted__" format.
    #[error("this is not Chipi key data: {0}")]
    InvalidFormat(&'static str),
}

impl ChipiError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ChipiError::DecryptionFailed => "SESSION_DECRYPTION_FAILED",
            ChipiError::PublicKeyMismatch => "CHIPI_PUBLIC_KEY_MISMATCH",
            ChipiError::InvalidFormat(_) => "CHIPI_INVALID_FORMAT",
        }
    }
}

/// Chipi's `SessionKeyData`: `{publicKey, encryptedPrivateKey, validUntil}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChipiSessionKeyData {
    /// The session public key, 0x-hex.
    pub public_key: String,
    /// CryptoJS ciphertext of the private key.
    pub encrypted_private_key: String,
    /// Expiry, unix seconds.
    pub valid_until: u64,
}

/// Chipi's `WalletData`: `{publicKey, encryptedPrivateKey, ...}` (other fields are ignored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChipiWalletData {
    /// The owner public key, 0x-hex.
    pub public_key: String,
    /// CryptoJS ciphertext of the private key.
    pub encrypted_private_key: String,
}

impl ChipiSessionKeyData {
    /// Parses the JSON Chipi stores.
    pub fn from_json(json: &str) -> Result<Self, ChipiError> {
        serde_json::from_str(json).map_err(|_| ChipiError::InvalidFormat("not SessionKeyData JSON"))
    }

    /// Decrypts and checks the key against `publicKey`.
    pub fn decrypt(&self, encrypt_key: &Pin) -> Result<PrivateKey, ChipiError> {
        decrypt_and_check(&self.encrypted_private_key, encrypt_key, &self.public_key)
    }
}

impl ChipiWalletData {
    /// Parses the JSON Chipi stores.
    pub fn from_json(json: &str) -> Result<Self, ChipiError> {
        serde_json::from_str(json).map_err(|_| ChipiError::InvalidFormat("not WalletData JSON"))
    }

    /// Decrypts and checks the key against `publicKey`.
    pub fn decrypt(&self, encrypt_key: &Pin) -> Result<PrivateKey, ChipiError> {
        decrypt_and_check(&self.encrypted_private_key, encrypt_key, &self.public_key)
    }
}

/// Parses a stored public key (0x-hex or decimal).
pub fn parse_public_key(text: &str) -> Result<Felt, ChipiError> {
    sesame_core::felt::parse_felt(text).map_err(|_| ChipiError::InvalidFormat("bad public key"))
}

/// Decrypts a CryptoJS ciphertext and checks that the key's public key equals `public_key`.
pub fn decrypt_and_check(
    encrypted_b64: &str,
    encrypt_key: &Pin,
    public_key: &str,
) -> Result<PrivateKey, ChipiError> {
    let expected = parse_public_key(public_key)?;
    let key = decrypt_private_key(encrypted_b64, encrypt_key)?;
    if key.public_key() != expected {
        return Err(ChipiError::PublicKeyMismatch);
    }
    Ok(key)
}

/// Decrypts a CryptoJS "Salted__" ciphertext of a 0x-hex private key.
pub fn decrypt_private_key(
    encrypted_b64: &str,
    encrypt_key: &Pin,
) -> Result<PrivateKey, ChipiError> {
    let plaintext = cryptojs_decrypt(encrypted_b64, encrypt_key.expose().as_bytes())?;
    parse_hex_key(&plaintext).ok_or(ChipiError::DecryptionFailed)
}

/// OpenSSL `EVP_BytesToKey` with MD5 and one iteration: 32-byte key and 16-byte IV.
fn evp_bytes_to_key(password: &[u8], salt: &[u8; 8]) -> Zeroizing<[u8; 48]> {
    let mut out = Zeroizing::new([0u8; 48]);
    let mut prev: Option<Zeroizing<[u8; 16]>> = None;
    for block in 0..3 {
        let mut h = Md5::new();
        if let Some(p) = &prev {
            h.update(p.as_ref());
        }
        h.update(password);
        h.update(salt);
        let mut digest = Zeroizing::new([0u8; 16]);
        digest.copy_from_slice(&h.finalize());
        out[block * 16..block * 16 + 16].copy_from_slice(digest.as_ref());
        prev = Some(digest);
    }
    out
}

/// Decrypts CryptoJS's OpenSSL-compatible format. Bad padding → `DecryptionFailed`.
fn cryptojs_decrypt(
    encrypted_b64: &str,
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ChipiError> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encrypted_b64.trim())
        .map_err(|_| ChipiError::InvalidFormat("encryptedPrivateKey is not base64"))?;
    if raw.len() < 32 || &raw[..8] != b"Salted__" || (raw.len() - 16) % 16 != 0 {
        return Err(ChipiError::InvalidFormat(
            "encryptedPrivateKey is not an OpenSSL \"Salted__\" ciphertext",
        ));
    }
    let mut salt = [0u8; 8];
    salt.copy_from_slice(&raw[8..16]);
    let key_iv = evp_bytes_to_key(password, &salt);
    let decryptor = Aes256CbcDec::new_from_slices(&key_iv[..32], &key_iv[32..])
        .map_err(|_| ChipiError::DecryptionFailed)?;
    let mut buf = Zeroizing::new(raw[16..].to_vec());
    let len = decryptor
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .map_err(|_| ChipiError::DecryptionFailed)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// Parses `0x`-hex (up to 64 digits) into a key without leaving unzeroized copies.
fn parse_hex_key(text: &[u8]) -> Option<PrivateKey> {
    let digits = text
        .strip_prefix(b"0x")
        .or_else(|| text.strip_prefix(b"0X"))
        .unwrap_or(text);
    if digits.is_empty() || digits.len() > 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    let offset = 64 - digits.len();
    for (i, &c) in digits.iter().enumerate() {
        let nibble = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => {
                bytes.zeroize();
                return None;
            }
        };
        let pos = offset + i;
        bytes[pos / 2] |= if pos.is_multiple_of(2) {
            nibble << 4
        } else {
            nibble
        };
    }
    let key = PrivateKey::from_be_bytes(bytes).ok();
    bytes.zeroize();
    key
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hex_parsing_pads_short_keys_and_refuses_junk() {
        let k = parse_hex_key(b"0x1").unwrap();
        assert_eq!(k.expose_be_bytes()[31], 1);
        let k = parse_hex_key(b"0xabc").unwrap();
        assert_eq!(&k.expose_be_bytes()[30..], &[0x0a, 0xbc]);
        assert!(parse_hex_key(b"0x").is_none());
        assert!(parse_hex_key(b"0xzz").is_none());
        assert!(parse_hex_key(&[b'1'; 65]).is_none());
    }

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -md md5 -k password -S 0102030405060708 -P`
        let out = evp_bytes_to_key(b"password", &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            hex::encode_upper(&out[..32]),
            "E7B0971E52CA5CC8D0539FB3412F6316F7BA2E6EE293D9F3457B99436B51CE02"
        );
        assert_eq!(
            hex::encode_upper(&out[32..]),
            "8D450E2ED75A84A923D4EAC9FE49226B"
        );
    }
}
