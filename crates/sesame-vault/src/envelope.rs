//! Envelope v1: a self-describing AES-256-GCM ciphertext whose header carries the format
//! version, the KDF and its parameters, the salt and the nonce. The whole header is the AEAD's
//! associated data, so editing any header byte makes the tag check fail.
//!
//! ```text
//! offset len  field
//!  0      4   magic "SSMV"
//!  4      1   version = 1
//!  5      1   kdf id: 0 data key, 1 argon2id(PIN)+device secret, 2 argon2id(passphrase), 3 passkey PRF
//!  6      4   argon2 m_cost in KiB, u32 big-endian   (0 for kdf 0 and 3)
//! 10      4   argon2 t_cost (passes), u32 big-endian (0 for kdf 0 and 3)
//! 14      4   argon2 p_cost (lanes), u32 big-endian  (0 for kdf 0 and 3)
//! 18     16   salt
//! 34     12   nonce
//! 46      n   ciphertext, then the 16-byte GCM tag
//! ```
//!
//! The AES key is always `HKDF-SHA256(salt = header salt, ikm, info)` where `ikm` and `info`
//! depend on the KDF id (see [`derive_key`]).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::error::OpenError;
use crate::secret::{DataKey, DeviceSecret, Passphrase, Pin, PrfOutput, WrappingKey};

/// First four bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"SSMV";
/// The only version this code writes and reads.
pub const VERSION: u8 = 1;
/// Length of the header (the AEAD associated data).
pub const HEADER_LEN: usize = 46;
/// Length of the GCM tag that ends the envelope.
pub const TAG_LEN: usize = 16;
/// Salt length.
pub const SALT_LEN: usize = 16;
/// Nonce length.
pub const NONCE_LEN: usize = 12;

/// HKDF `info` for each KDF id.
pub const INFO_DATA_KEY: &[u8] = b"sesame/data-key/v1";
/// HKDF `info` for the PIN + device secret wrapper.
pub const INFO_PIN_DEVICE: &[u8] = b"sesame/pin+device/v1";
/// HKDF `info` for passphrase-only backups.
pub const INFO_PASSPHRASE: &[u8] = b"sesame/backup/v1";
/// HKDF `info` for the passkey wrapper, as the design asks.
pub const INFO_PASSKEY: &[u8] = b"sesame/passkey/v1";

/// Which key derivation an envelope uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum KdfId {
    /// The vault's random data key, through HKDF only.
    DataKey = 0,
    /// argon2id(PIN) and the keychain's device secret, combined by HKDF.
    PinAndDevice = 1,
    /// argon2id(passphrase) alone: portable backups.
    Passphrase = 2,
    /// A passkey's PRF / hmac-secret output, through HKDF.
    Passkey = 3,
}

impl KdfId {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(KdfId::DataKey),
            1 => Some(KdfId::PinAndDevice),
            2 => Some(KdfId::Passphrase),
            3 => Some(KdfId::Passkey),
            _ => None,
        }
    }

    /// Whether this KDF runs argon2id (and so has parameters subject to floors and caps).
    pub fn uses_argon2(self) -> bool {
        matches!(self, KdfId::PinAndDevice | KdfId::Passphrase)
    }
}

/// argon2id cost parameters as stored in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Argon2Params {
    /// Weakest parameters ever accepted on read or write: 64 MiB, 3 passes, 1 lane.
    pub const FLOOR: Argon2Params = Argon2Params {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// Costliest parameters accepted on read: 2 GiB, 16 passes, 16 lanes. An attacker can write
    /// the file, so without caps a crafted header could make an unlock allocate and spin
    /// without bound; at the cap one derivation is bounded (~20 s, 2 GiB here).
    pub const CAP: Argon2Params = Argon2Params {
        m_kib: 2 * 1024 * 1024,
        t: 16,
        p: 16,
    };
    /// Default for the PIN wrapper: 256 MiB, 3 passes, 1 lane, measured at ~0.5 s on the
    /// reference machine (2 cores; `cargo bench -p sesame-vault`, see the README).
    pub const DEFAULT_PIN: Argon2Params = Argon2Params {
        m_kib: 256 * 1024,
        t: 3,
        p: 1,
    };
    /// Default for portable backups: no device secret helps here, so it costs more
    /// (512 MiB, 6 passes: ~2 s here).
    pub const DEFAULT_BACKUP: Argon2Params = Argon2Params {
        m_kib: 512 * 1024,
        t: 6,
        p: 1,
    };

    /// Whether the parameters lie between [`Self::FLOOR`] and [`Self::CAP`].
    pub fn check(&self) -> Result<(), ParamProblem> {
        if self.m_kib < Self::FLOOR.m_kib || self.t < Self::FLOOR.t || self.p < Self::FLOOR.p {
            return Err(ParamProblem::BelowFloor);
        }
        if self.m_kib > Self::CAP.m_kib || self.t > Self::CAP.t || self.p > Self::CAP.p {
            return Err(ParamProblem::AboveCap);
        }
        // argon2 itself needs at least 8 KiB per lane.
        if u64::from(self.m_kib) < 8 * u64::from(self.p) {
            return Err(ParamProblem::BelowFloor);
        }
        Ok(())
    }

    const ZERO: Argon2Params = Argon2Params {
        m_kib: 0,
        t: 0,
        p: 0,
    };
}

/// Why parameters are refused (internal detail: callers only ever see "wrong PIN or damaged data").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamProblem {
    /// Weaker than the floor.
    BelowFloor,
    /// Costlier than the cap.
    AboveCap,
}

/// Why a header is refused (internal detail, for tests and diagnostics only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderProblem {
    /// Shorter than header + tag.
    Truncated,
    /// Not "SSMV".
    BadMagic,
    /// Not version 1.
    UnknownVersion,
    /// Unknown KDF id.
    UnknownKdf,
    /// argon2 parameters outside floors or caps, or non-zero parameters for a KDF without them.
    Params(ParamProblem),
    /// Parameters present where the KDF takes none.
    UnexpectedParams,
}

/// A parsed envelope header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Key derivation.
    pub kdf: KdfId,
    /// argon2 parameters (all zero for KDFs without argon2).
    pub params: Argon2Params,
    /// HKDF salt, and argon2 salt where argon2 runs.
    pub salt: [u8; SALT_LEN],
    /// AES-GCM nonce.
    pub nonce: [u8; NONCE_LEN],
}

impl Header {
    /// Serializes the header (the AEAD associated data).
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(&MAGIC);
        out[4] = VERSION;
        out[5] = self.kdf as u8;
        out[6..10].copy_from_slice(&self.params.m_kib.to_be_bytes());
        out[10..14].copy_from_slice(&self.params.t.to_be_bytes());
        out[14..18].copy_from_slice(&self.params.p.to_be_bytes());
        out[18..34].copy_from_slice(&self.salt);
        out[34..46].copy_from_slice(&self.nonce);
        out
    }

    /// Parses and checks a header: magic, version, KDF id, floors and caps.
    pub fn parse(envelope: &[u8]) -> Result<Header, HeaderProblem> {
        if envelope.len() < HEADER_LEN + TAG_LEN {
            return Err(HeaderProblem::Truncated);
        }
        if envelope[0..4] != MAGIC {
            return Err(HeaderProblem::BadMagic);
        }
        if envelope[4] != VERSION {
            return Err(HeaderProblem::UnknownVersion);
        }
        let kdf = KdfId::from_byte(envelope[5]).ok_or(HeaderProblem::UnknownKdf)?;
        let word = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&envelope[at..at + 4]);
            u32::from_be_bytes(b)
        };
        let params = Argon2Params {
            m_kib: word(6),
            t: word(10),
            p: word(14),
        };
        if kdf.uses_argon2() {
            params.check().map_err(HeaderProblem::Params)?;
        } else if params != Argon2Params::ZERO {
            return Err(HeaderProblem::UnexpectedParams);
        }
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&envelope[18..34]);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&envelope[34..46]);
        Ok(Header {
            kdf,
            params,
            salt,
            nonce,
        })
    }

    /// A fresh header with random salt and nonce.
    pub fn random<R: RngCore + CryptoRng>(kdf: KdfId, params: Argon2Params, rng: &mut R) -> Self {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut nonce);
        Header {
            kdf,
            params: if kdf.uses_argon2() {
                params
            } else {
                Argon2Params::ZERO
            },
            salt,
            nonce,
        }
    }
}

/// What a wrapping key is derived from.
#[derive(Debug, Clone, Copy)]
pub enum KeySource<'a> {
    /// The vault data key (owner and session records).
    DataKey(&'a DataKey),
    /// The PIN and the keychain's device secret (the data key's PIN wrapper).
    PinAndDevice {
        /// The user's PIN.
        pin: &'a Pin,
        /// The 256-bit secret from the OS keychain.
        device: &'a DeviceSecret,
    },
    /// A backup passphrase alone.
    Passphrase(&'a Passphrase),
    /// A passkey PRF output (the data key's passkey wrapper).
    Passkey(&'a PrfOutput),
}

impl KeySource<'_> {
    /// The KDF id this source seals with.
    pub fn kdf(&self) -> KdfId {
        match self {
            KeySource::DataKey(_) => KdfId::DataKey,
            KeySource::PinAndDevice { .. } => KdfId::PinAndDevice,
            KeySource::Passphrase(_) => KdfId::Passphrase,
            KeySource::Passkey(_) => KdfId::Passkey,
        }
    }
}

fn argon2id(
    secret: &[u8],
    salt: &[u8; SALT_LEN],
    p: Argon2Params,
) -> Result<Zeroizing<[u8; 32]>, OpenError> {
    let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32)).map_err(|_| OpenError)?;
    let a2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a2.hash_password_into(secret, salt, out.as_mut())
        .map_err(|_| OpenError)?;
    Ok(out)
}

fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Result<WrappingKey, OpenError> {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut okm = [0u8; 32];
    hk.expand(info, &mut okm).map_err(|_| OpenError)?;
    let key = WrappingKey::from_bytes(okm);
    okm.zeroize();
    Ok(key)
}

/// Derives the AES key for `header` from `source`. Refuses a source of the wrong kind and
/// parameters outside floors and caps (the header is re-checked here).
///
/// - data key: `HKDF(salt, data_key, "sesame/data-key/v1")`
/// - PIN: `HKDF(salt, argon2id(PIN, salt, m, t, p) || device_secret, "sesame/pin+device/v1")`
/// - passphrase: `HKDF(salt, argon2id(passphrase, salt, m, t, p), "sesame/backup/v1")`
/// - passkey: `HKDF(salt, prf_output, "sesame/passkey/v1")`
pub fn derive_key(header: &Header, source: &KeySource<'_>) -> Result<WrappingKey, OpenError> {
    if header.kdf != source.kdf() {
        return Err(OpenError);
    }
    if header.kdf.uses_argon2() {
        header.params.check().map_err(|_| OpenError)?;
    }
    match source {
        KeySource::DataKey(k) => hkdf32(&header.salt, k.expose(), INFO_DATA_KEY),
        KeySource::PinAndDevice { pin, device } => {
            let stretched = argon2id(pin.expose().as_bytes(), &header.salt, header.params)?;
            let mut ikm = Zeroizing::new([0u8; 64]);
            ikm[..32].copy_from_slice(stretched.as_ref());
            ikm[32..].copy_from_slice(device.expose());
            hkdf32(&header.salt, ikm.as_ref(), INFO_PIN_DEVICE)
        }
        KeySource::Passphrase(pass) => {
            let stretched = argon2id(pass.expose().as_bytes(), &header.salt, header.params)?;
            hkdf32(&header.salt, stretched.as_ref(), INFO_PASSPHRASE)
        }
        KeySource::Passkey(prf) => hkdf32(&header.salt, prf.expose(), INFO_PASSKEY),
    }
}

/// Encrypts `plaintext` under `header` with an already derived key.
pub fn seal_with_key(
    header: &Header,
    key: &WrappingKey,
    plaintext: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let aad = header.encode();
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.expose()));
    // Fails only for plaintexts beyond GCM's 64 GiB limit.
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&header.nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| OpenError)?;
    let mut out = Vec::with_capacity(HEADER_LEN + ct.len());
    out.extend_from_slice(&aad);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Encrypts `plaintext` under an explicit header (fixed salt and nonce: known-answer tests).
/// Refuses argon2 parameters outside floors and caps.
pub fn seal_with_header(
    header: &Header,
    source: &KeySource<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let key = derive_key(header, source)?;
    seal_with_key(header, &key, plaintext)
}

/// Encrypts `plaintext` with a fresh random salt and nonce. `params` is ignored for KDFs
/// without argon2; for the others it must lie between floors and caps.
pub fn seal<R: RngCore + CryptoRng>(
    source: &KeySource<'_>,
    params: Argon2Params,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, OpenError> {
    let header = Header::random(source.kdf(), params, rng);
    seal_with_header(&header, source, plaintext)
}

/// Decrypts an envelope. Every failure is the same [`OpenError`].
pub fn open(envelope: &[u8], source: &KeySource<'_>) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    open_with(envelope, |header| derive_key(header, source))
}

/// Decrypts an envelope with a caller-supplied derivation, which sees the parsed and checked
/// header (this lets a tamper test reuse derivations it has already computed).
pub fn open_with<F>(envelope: &[u8], derive: F) -> Result<Zeroizing<Vec<u8>>, OpenError>
where
    F: FnOnce(&Header) -> Result<WrappingKey, OpenError>,
{
    let header = Header::parse(envelope).map_err(|_| OpenError)?;
    let key = derive(&header)?;
    open_with_key(envelope, &header, &key)
}

fn open_with_key(
    envelope: &[u8],
    header: &Header,
    key: &WrappingKey,
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.expose()));
    cipher
        .decrypt(
            Nonce::from_slice(&header.nonce),
            Payload {
                msg: &envelope[HEADER_LEN..],
                aad: &envelope[..HEADER_LEN],
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| OpenError)
}

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn header(kdf: KdfId, params: Argon2Params) -> Header {
        Header {
            kdf,
            params,
            salt: [7u8; SALT_LEN],
            nonce: [9u8; NONCE_LEN],
        }
    }

    fn with_params(kdf: KdfId, params: Argon2Params) -> Vec<u8> {
        let mut bytes = header(kdf, params).encode().to_vec();
        bytes.extend_from_slice(&[0u8; 48]);
        bytes
    }

    #[test]
    fn header_round_trips() {
        let h = header(KdfId::PinAndDevice, Argon2Params::DEFAULT_PIN);
        let mut bytes = h.encode().to_vec();
        bytes.extend_from_slice(&[0u8; TAG_LEN]);
        assert_eq!(Header::parse(&bytes), Ok(h));
    }

    #[test]
    fn floors_are_refused_on_read() {
        let floor = Argon2Params::FLOOR;
        for weak in [
            Argon2Params {
                m_kib: floor.m_kib - 1,
                ..floor
            },
            Argon2Params { t: 2, ..floor },
            Argon2Params { p: 0, ..floor },
            Argon2Params {
                m_kib: 8,
                t: 1,
                p: 1,
            },
        ] {
            for kdf in [KdfId::PinAndDevice, KdfId::Passphrase] {
                assert_eq!(
                    Header::parse(&with_params(kdf, weak)),
                    Err(HeaderProblem::Params(ParamProblem::BelowFloor)),
                    "{weak:?}"
                );
            }
        }
        assert!(Header::parse(&with_params(KdfId::PinAndDevice, floor)).is_ok());
    }

    #[test]
    fn caps_are_refused_on_read() {
        let cap = Argon2Params::CAP;
        for costly in [
            Argon2Params {
                m_kib: cap.m_kib + 1,
                ..cap
            },
            Argon2Params {
                t: cap.t + 1,
                ..cap
            },
            Argon2Params {
                p: cap.p + 1,
                ..cap
            },
            Argon2Params {
                m_kib: u32::MAX,
                t: u32::MAX,
                p: u32::MAX,
            },
        ] {
            assert_eq!(
                Header::parse(&with_params(KdfId::Passphrase, costly)),
                Err(HeaderProblem::Params(ParamProblem::AboveCap)),
                "{costly:?}"
            );
        }
        assert!(Header::parse(&with_params(KdfId::Passphrase, cap)).is_ok());
    }

    #[test]
    fn kdfs_without_argon2_take_no_parameters() {
        assert_eq!(
            Header::parse(&with_params(KdfId::DataKey, Argon2Params::FLOOR)),
            Err(HeaderProblem::UnexpectedParams)
        );
        assert!(Header::parse(&with_params(KdfId::Passkey, Argon2Params::ZERO)).is_ok());
    }

    #[test]
    fn other_header_problems() {
        let good = with_params(KdfId::DataKey, Argon2Params::ZERO);
        assert_eq!(
            Header::parse(&good[..HEADER_LEN + TAG_LEN - 1]),
            Err(HeaderProblem::Truncated)
        );
        let mut bad = good.clone();
        bad[0] ^= 1;
        assert_eq!(Header::parse(&bad), Err(HeaderProblem::BadMagic));
        let mut bad = good.clone();
        bad[4] = 2;
        assert_eq!(Header::parse(&bad), Err(HeaderProblem::UnknownVersion));
        let mut bad = good;
        bad[5] = 4;
        assert_eq!(Header::parse(&bad), Err(HeaderProblem::UnknownKdf));
    }

    #[test]
    fn a_source_of_the_wrong_kind_is_refused() {
        let dk = DataKey::from_bytes([1u8; 32]);
        let prf = PrfOutput::from_bytes([1u8; 32]);
        let h = header(KdfId::DataKey, Argon2Params::ZERO);
        let sealed = seal_with_header(&h, &KeySource::DataKey(&dk), b"hello").unwrap();
        assert_eq!(&*open(&sealed, &KeySource::DataKey(&dk)).unwrap(), b"hello");
        assert_eq!(open(&sealed, &KeySource::Passkey(&prf)), Err(OpenError));
    }
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
