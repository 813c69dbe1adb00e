//! Helpers for tests and benches: a seal that skips the floor check, and a bit-flip tamper scan.
//! Compiled only with `cfg(test)` or the non-default `test-support` feature, which the crate's
//! own integration tests and benches enable through its dev-dependency on itself.

use zeroize::Zeroizing;

use super::crypt::{
    argon2id, derive_key, hkdf32, open_with, seal_with_key, KeySource, INFO_PASSPHRASE,
    INFO_PIN_DEVICE,
};
use super::header::{Argon2Params, Header, SALT_LEN};
use crate::error::OpenError;
use crate::secret::WrappingKey;

/// Seals with parameters that skip the floor check. Only for tests that must show the floor
/// being enforced on read; never used by the vault.
#[doc(hidden)]
pub fn seal_unchecked_for_tests(
    header: &Header,
    source: &KeySource<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let key = match source {
        KeySource::PinAndDevice { pin, device } => {
            let stretched = argon2id(pin.expose().as_bytes(), &header.salt, header.params)?;
            let mut ikm = Zeroizing::new([0u8; 64]);
            ikm[..32].copy_from_slice(stretched.as_ref());
            ikm[32..].copy_from_slice(device.expose());
            hkdf32(&header.salt, ikm.as_ref(), INFO_PIN_DEVICE)?
        }
        KeySource::Passphrase(pass) => {
            let stretched = argon2id(pass.expose().as_bytes(), &header.salt, header.params)?;
            hkdf32(&header.salt, stretched.as_ref(), INFO_PASSPHRASE)?
        }
        _ => derive_key(header, source)?,
    };
    seal_with_key(header, &key, plaintext)
}

/// Result of [`bit_flip_scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitFlipReport {
    /// Bits in the envelope (8 × its length): every one was flipped once.
    pub bits: usize,
    /// Flipped envelopes that failed to open.
    pub rejected: usize,
    /// Distinct key derivations that had to run (flips in the salt or in parameters that stay
    /// within floors and caps need a fresh argon2id run).
    pub derivations: usize,
}

/// Flips every bit of `envelope` in turn and tries to open the result with `source`, running
/// the real parser, floor and cap checks, key derivation and AEAD each time. Derivations are
/// memoised by (KDF, parameters, salt), which changes nothing about the outcome but keeps the
/// scan affordable at floor-respecting parameters.
pub fn bit_flip_scan(envelope: &[u8], source: &KeySource<'_>) -> BitFlipReport {
    use std::collections::HashMap;
    let mut memo: HashMap<(u8, Argon2Params, [u8; SALT_LEN]), Zeroizing<[u8; 32]>> = HashMap::new();
    let mut rejected = 0;
    let mut derivations = 0;
    let mut flipped = envelope.to_vec();
    for bit in 0..envelope.len() * 8 {
        flipped[bit / 8] ^= 1 << (bit % 8);
        let outcome = open_with(&flipped, |h| {
            let id = (h.kdf as u8, h.params, h.salt);
            if let Some(k) = memo.get(&id) {
                return Ok(WrappingKey::from_bytes(**k));
            }
            derivations += 1;
            let key = derive_key(h, source)?;
            memo.insert(id, Zeroizing::new(*key.expose()));
            Ok(key)
        });
        if outcome.is_err() {
            rejected += 1;
        }
        flipped[bit / 8] ^= 1 << (bit % 8);
    }
    BitFlipReport {
        bits: envelope.len() * 8,
        rejected,
        derivations,
    }
}
