//! Key derivation (HKDF-SHA256, argon2id for the PIN and passphrase sources) and AES-256-GCM
//! sealing and opening, with the whole header as associated data.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::header::{Argon2Params, Header, KdfId, HEADER_LEN, SALT_LEN};
use crate::error::OpenError;
use crate::secret::{DataKey, DeviceSecret, Passphrase, Pin, PrfOutput, WrappingKey};

/// HKDF `info` for each KDF id.
pub const INFO_DATA_KEY: &[u8] = b"sesame/data-key/v1";
/// HKDF `info` for the PIN + device secret wrapper.
pub const INFO_PIN_DEVICE: &[u8] = b"sesame/pin+device/v1";
/// HKDF `info` for passphrase-only backups.
pub const INFO_PASSPHRASE: &[u8] = b"sesame/backup/v1";
/// HKDF `info` for the passkey wrapper, as the design asks.
pub const INFO_PASSKEY: &[u8] = b"sesame/passkey/v1";
/// HKDF `info` for the owner-key recovery wrapper.
pub const INFO_OWNER_DEVICE: &[u8] = b"sesame/owner+device/v1";

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
    /// A wallet's owner private key and the device secret (the data key's recovery wrapper).
    OwnerAndDevice {
        /// The owner key's 32 big-endian bytes.
        owner: &'a [u8; 32],
        /// The 256-bit secret from the OS keychain.
        device: &'a DeviceSecret,
    },
}

impl KeySource<'_> {
    /// The KDF id this source seals with.
    pub fn kdf(&self) -> KdfId {
        match self {
            KeySource::DataKey(_) => KdfId::DataKey,
            KeySource::PinAndDevice { .. } => KdfId::PinAndDevice,
            KeySource::Passphrase(_) => KdfId::Passphrase,
            KeySource::Passkey(_) => KdfId::Passkey,
            KeySource::OwnerAndDevice { .. } => KdfId::OwnerAndDevice,
        }
    }
}

pub(super) fn argon2id(
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

pub(super) fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Result<WrappingKey, OpenError> {
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
/// - owner key: `HKDF(salt, owner_key || device_secret, "sesame/owner+device/v1")`
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
        KeySource::OwnerAndDevice { owner, device } => {
            let mut ikm = Zeroizing::new([0u8; 64]);
            ikm[..32].copy_from_slice(&owner[..]);
            ikm[32..].copy_from_slice(device.expose());
            hkdf32(&header.salt, ikm.as_ref(), INFO_OWNER_DEVICE)
        }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::envelope::NONCE_LEN;

    fn header(kdf: KdfId, params: Argon2Params) -> Header {
        Header {
            kdf,
            params,
            salt: [7u8; SALT_LEN],
            nonce: [9u8; NONCE_LEN],
        }
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
