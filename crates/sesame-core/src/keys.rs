//! Stark keys. A private key is a type that cannot leak by accident: it zeroizes its bytes on
//! drop, prints `<redacted>`, and implements neither `Serialize` nor `Clone`-into-text.

use rand_core::{CryptoRng, RngCore};
use starknet_rust_crypto::{get_public_key, poseidon_hash_many, rfc6979_generate_k, sign, verify};
use starknet_types_core::felt::Felt;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::felt::felt_from_be_checked;

/// Why a key or a signature could not be produced or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the private key is not a valid Stark scalar")]
    InvalidPrivateKey,
    #[error("signing failed: {0}")]
    Sign(String),
}

/// A Stark-curve private key, held as 32 big-endian bytes.
///
/// `Debug` prints `<redacted>`; there is deliberately no `Display`, `Serialize` or `Clone`.
/// The bytes are overwritten when the value is dropped.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct PrivateKey([u8; 32]);

/// Order of the Stark curve's generator; a private key must lie in `[1, n)`.
const CURVE_ORDER_BE: [u8; 32] = [
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xb7, 0x81, 0x12, 0x6d, 0xca, 0xe7, 0xb2, 0x32, 0x1e, 0x66, 0xa2, 0x41, 0xad, 0xc6, 0x4d, 0x2f,
];

impl PrivateKey {
    /// Wraps 32 big-endian bytes, refusing zero and values at or above the curve order.
    pub fn from_be_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        let key = PrivateKey(bytes);
        if bytes == [0u8; 32] || bytes >= CURVE_ORDER_BE {
            return Err(KeyError::InvalidPrivateKey);
        }
        Ok(key)
    }

    /// Parses 0x-hex (as Chipi and starknet.js store keys). The input is not kept.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let felt = crate::felt::parse_felt(text).map_err(|_| KeyError::InvalidPrivateKey)?;
        Self::from_be_bytes(felt.to_bytes_be())
    }

    /// Draws a fresh key from `rng` by rejection sampling, so every valid scalar is equally likely.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        loop {
            let mut bytes = [0u8; 32];
            rng.fill_bytes(&mut bytes);
            // Keep 252 bits: the order is just above 2^251, so about half the draws succeed.
            bytes[0] &= 0x0f;
            match Self::from_be_bytes(bytes) {
                Ok(key) => {
                    bytes.zeroize();
                    return key;
                }
                Err(_) => bytes.zeroize(),
            }
        }
    }

    /// Draws a key from the operating system's RNG.
    pub fn generate_os() -> Self {
        Self::generate(&mut rand_core::OsRng)
    }

    /// The raw bytes, for code that must encrypt them (the vault). Never log or send these.
    pub fn expose_be_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn scalar(&self) -> Felt {
        // A valid key is always a canonical felt, checked in the constructors.
        felt_from_be_checked(&self.0).unwrap_or(Felt::ZERO)
    }

    /// The public key: the x coordinate of `key · G`.
    pub fn public_key(&self) -> Felt {
        get_public_key(&self.scalar())
    }

    /// Signs `hash` with RFC 6979 deterministic nonces, as starknet.js does, so the
    /// same key and hash give the same `(r, s)` byte for byte.
    pub fn sign(&self, hash: &Felt) -> Result<Signature, KeyError> {
        let scalar = self.scalar();
        let k = rfc6979_generate_k(hash, &scalar, None);
        let sig = sign(&scalar, hash, &k).map_err(|e| KeyError::Sign(e.to_string()))?;
        Ok(Signature { r: sig.r, s: sig.s })
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

/// An ECDSA signature on the Stark curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub r: Felt,
    pub s: Felt,
}

/// Checks `signature` over `hash` against `public_key`. Malformed inputs are simply invalid.
pub fn verify_signature(public_key: &Felt, hash: &Felt, signature: &Signature) -> bool {
    verify(public_key, hash, &signature.r, &signature.s).unwrap_or(false)
}

/// `'StarkNet Message'`, first element of the rotation proof's message.
const STARKNET_MESSAGE: Felt = Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");
/// `'accept_ownership'`, second element of the rotation proof's message.
const ACCEPT_OWNERSHIP: Felt = Felt::from_hex_unchecked("0x6163636570745f6f776e657273686970");

/// The message a new owner key signs to prove it is held, for a v2 account's
/// `set_public_key(new_public_key, [r, s])`:
/// `poseidon_hash_many(['StarkNet Message', 'accept_ownership', account, current_public_key])`.
///
/// It binds the account and the key being replaced, not a nonce: it only shows that the new key
/// is held; the rotation itself still needs the owner's authority.
pub fn rotation_proof_hash(account: Felt, current_public_key: Felt) -> Felt {
    poseidon_hash_many(&[
        STARKNET_MESSAGE,
        ACCEPT_OWNERSHIP,
        account,
        current_public_key,
    ])
}

/// The rotation proof `[r, s]`: `new_key` signs [`rotation_proof_hash`].
pub fn sign_rotation_proof(
    new_key: &PrivateKey,
    account: Felt,
    current_public_key: Felt,
) -> Result<Signature, KeyError> {
    new_key.sign(&rotation_proof_hash(account, current_public_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn refuses_zero_and_out_of_range_private_keys() {
        assert_eq!(
            PrivateKey::from_be_bytes([0u8; 32]).err(),
            Some(KeyError::InvalidPrivateKey)
        );
        assert!(PrivateKey::from_be_bytes(CURVE_ORDER_BE).is_err());
        assert!(PrivateKey::from_be_bytes([0xff; 32]).is_err());
        assert!(PrivateKey::from_hex("not hex").is_err());
        assert!(PrivateKey::from_hex("0x1").is_ok());
    }

    #[test]
    fn generation_is_deterministic_for_a_seeded_rng_and_differs_across_seeds() {
        let a = PrivateKey::generate(&mut rand::rngs::StdRng::seed_from_u64(7));
        let b = PrivateKey::generate(&mut rand::rngs::StdRng::seed_from_u64(7));
        let c = PrivateKey::generate(&mut rand::rngs::StdRng::seed_from_u64(8));
        assert_eq!(a.public_key(), b.public_key());
        assert_ne!(a.public_key(), c.public_key());
    }

    #[test]
    fn debug_output_never_contains_the_key() {
        let key = PrivateKey::from_hex("0x1234567890abcdef").unwrap();
        let printed = format!("{key:?} {key:#?}");
        assert!(printed.contains("<redacted>"));
        assert!(!printed.contains("1234567890"));
        assert!(!printed.to_lowercase().contains("abcdef"));
    }

    #[test]
    fn dropping_a_key_zeroizes_its_bytes() {
        let mut key = PrivateKey::from_hex("0x1234").unwrap();
        assert_ne!(key.expose_be_bytes(), &[0u8; 32]);
        // `zeroize` is what `Drop` runs; calling it directly lets us observe the result.
        key.zeroize();
        assert_eq!(key.expose_be_bytes(), &[0u8; 32]);
    }

    /// `contracts/README.md` ("Key-rotation proof").
    #[test]
    fn the_rotation_proof_reproduces_the_contract_readme_vector() {
        let felt = |h: &str| Felt::from_hex(h).unwrap();
        assert_eq!(
            STARKNET_MESSAGE,
            crate::felt::short_string("StarkNet Message").unwrap()
        );
        assert_eq!(
            ACCEPT_OWNERSHIP,
            crate::felt::short_string("accept_ownership").unwrap()
        );
        let account = felt("0x1f18256f3a434d277a2083bbf1e22ebcd69c46e06c3cc664b4d927ecf4456da");
        let current = felt("0x3d2d1d1f0c794a599f4ce94d9d1cb29001dddacc6200072b3b2143d3344e268");
        let new_key = PrivateKey::from_hex(
            "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde",
        )
        .unwrap();
        assert_eq!(
            new_key.public_key(),
            felt("0x2a8249e10df5670294c078c3a04f32ed60087e5ee8a3457fa29ed0c0e366bfc")
        );
        assert_eq!(
            rotation_proof_hash(account, current),
            felt("0x74411cbcaaaf8d1d70d1facdbb2d60f38737f8ef166461a9ca9abf0b599d8b9")
        );
        let proof = sign_rotation_proof(&new_key, account, current).unwrap();
        assert_eq!(
            proof,
            Signature {
                r: felt("0x6006720a3d3c3be46b4f92913898882083783c4d523bc20632faa7610b103f0"),
                s: felt("0x6c45230c035954650eba214aab14f4ae261c01151f7bbf209780d775823cc1b"),
            }
        );
        // Bound to the account and to the key being replaced.
        assert_ne!(
            rotation_proof_hash(account + Felt::ONE, current),
            rotation_proof_hash(account, current)
        );
        assert_ne!(
            rotation_proof_hash(account, current + Felt::ONE),
            rotation_proof_hash(account, current)
        );
    }

    #[test]
    fn a_signature_verifies_only_for_its_own_key_and_hash() {
        let key = PrivateKey::from_hex("0x42").unwrap();
        let hash = Felt::from(1234u32);
        let sig = key.sign(&hash).unwrap();
        assert!(verify_signature(&key.public_key(), &hash, &sig));
        assert!(!verify_signature(
            &key.public_key(),
            &Felt::from(1235u32),
            &sig
        ));
        let other = PrivateKey::from_hex("0x43").unwrap();
        assert!(!verify_signature(&other.public_key(), &hash, &sig));
    }
}
