//! Envelope v1: a self-describing AES-256-GCM ciphertext whose header carries the format
//! version, the KDF and its parameters, the salt and the nonce. The whole header is the AEAD's
//! associated data, so editing any header byte makes the tag check fail.
//!
//! ```text
//! offset len  field
//!  0      4   magic "SSMV"
//!  4      1   version = 1
//!  5      1   kdf id: 0 data key, 1 argon2id(PIN)+device secret, 2 argon2id(passphrase), 3 passkey PRF,
//!             4 owner key+device secret
//!  6      4   argon2 m_cost in KiB, u32 big-endian   (0 for kdf 0, 3, 4)
//! 10      4   argon2 t_cost (passes), u32 big-endian (0 for kdf 0, 3, 4)
//! 14      4   argon2 p_cost (lanes), u32 big-endian  (0 for kdf 0, 3, 4)
//! 18     16   salt
//! 34     12   nonce
//! 46      n   ciphertext, then the 16-byte GCM tag
//! ```
//!
//! The AES key is always `HKDF-SHA256(salt = header salt, ikm, info)` where `ikm` and `info`
//! depend on the KDF id (see [`derive_key`]).
//!
//! The header format and its checks are in `header`; key derivation, sealing and opening in
//! `crypt`. The test helpers in `test_support` exist only under `cfg(test)` or the non-default
//! `test-support` feature: production code cannot call them.

mod crypt;
mod header;
#[cfg(any(test, feature = "test-support"))]
mod test_support;

pub use crypt::{
    derive_key, open, open_with, seal, seal_with_header, seal_with_key, KeySource, INFO_DATA_KEY,
    INFO_OWNER_DEVICE, INFO_PASSKEY, INFO_PASSPHRASE, INFO_PIN_DEVICE,
};
pub use header::{
    Argon2Params, Header, HeaderProblem, KdfId, ParamProblem, HEADER_LEN, MAGIC, NONCE_LEN,
    SALT_LEN, TAG_LEN, VERSION,
};
#[cfg(any(test, feature = "test-support"))]
pub use test_support::{bit_flip_scan, seal_unchecked_for_tests, BitFlipReport};
