//! The envelope header: its layout (the table in the `envelope` docs), the KDF ids, the
//! argon2id parameters with their floors and caps, and the parser that refuses anything else.

use rand_core::{CryptoRng, RngCore};

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
    /// A wallet's owner private key and the keychain's device secret, through HKDF: the
    /// recovery wrapper of the data key (the owner key has full entropy, so no argon2id).
    OwnerAndDevice = 4,
}

impl KdfId {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(KdfId::DataKey),
            1 => Some(KdfId::PinAndDevice),
            2 => Some(KdfId::Passphrase),
            3 => Some(KdfId::Passkey),
            4 => Some(KdfId::OwnerAndDevice),
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

    pub(super) const ZERO: Argon2Params = Argon2Params {
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
        bad[5] = 5;
        assert_eq!(Header::parse(&bad), Err(HeaderProblem::UnknownKdf));
    }
}
