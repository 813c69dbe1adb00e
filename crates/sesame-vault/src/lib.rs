//! # sesame-vault: key custody for Sesame
//!
//! - [`envelope`]: versioned AES-256-GCM envelopes (argon2id with floors and caps, header as
//!   associated data). Every failure to open is "wrong PIN or damaged data".
//! - [`vault`]: a device secret in the OS keychain, a data key wrapped by the PIN (argon2id +
//!   device secret through HKDF) and optionally by a passkey, owner and session keys under the
//!   data key, an authenticated PIN attempt counter with backoff and lockout, backups.
//! - [`store`]: the [`SecretStore`] trait and the OS keychain ([`KeychainStore`], Secret
//!   Service on Linux). No fallback to memory or files, ever.
//! - [`passkey`]: the [`Passkey`] PRF / hmac-secret abstraction and platform status.
//! - [`chipi`]: import of Chipi's CryptoJS-encrypted `SessionKeyData` / `WalletData`.
//! - [`secret`]: PIN, passphrase, data key, device secret, PRF output: zeroized on drop,
//!   `<redacted>` in `Debug`, never `Serialize`.
//!
//! **Blocking.** Keychain calls and argon2id block (a PIN unlock takes about half a second).
//! The API is synchronous on purpose: async callers wrap each call in `spawn_blocking`.

pub mod chipi;
pub mod envelope;
pub mod error;
pub mod passkey;
pub mod secret;
pub mod store;
pub mod vault;

pub use chipi::{ChipiError, ChipiSessionKeyData, ChipiWalletData};
pub use envelope::Argon2Params;
pub use error::{OpenError, StoreError, VaultError};
pub use passkey::{platform_passkey, Passkey, PasskeyError, PASSKEY_SUPPORTED, SESAME_RP_ID};
pub use secret::{DataKey, DeviceSecret, Passphrase, Pin, PrfOutput, WrappingKey};
pub use sesame_core::keys::PrivateKey;
#[cfg(any(test, feature = "test-store"))]
pub use store::MemoryStore;
pub use store::{KeychainStore, SecretStore};
pub use vault::{
    backoff_secs, AttemptStatus, BackupSummary, Clock, OwnerKeyMeta, SessionMeta, SystemClock,
    UnlockedVault, Vault,
};
