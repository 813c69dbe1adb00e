//! The vault: a device secret, a data key wrapped by the PIN (and optionally a passkey),
//! owner and session keys encrypted under the data key, an index of public metadata, and an
//! authenticated PIN attempt counter, all kept in a [`SecretStore`] (the OS keychain).
//!
//! Every method blocks (keychain round trips, ~0.5 s of argon2id for a PIN). Call them from
//! `spawn_blocking` in async code.
//!
//! The [`Vault`] and [`UnlockedVault`] types live here with the raw store access; their
//! methods are spread by concern: `records` (the MAC'd records and the index of public
//! metadata), `attempts` (the PIN attempt counter and its backoff), `lifecycle` (create, unlock,
//! recover, change PIN, passkeys, destroy), `keys` (owner and session keys under the data key)
//! and `backup`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use zeroize::Zeroizing;

use crate::envelope::Argon2Params;
use crate::error::VaultError;
use crate::secret::{DataKey, DeviceSecret};
use crate::store::{KeychainStore, SecretStore};

mod attempts;
mod backup;
mod keys;
mod lifecycle;
mod named;
mod records;

pub use attempts::{backoff_secs, AttemptStatus, FREE_FAILURES, MAX_FAILURES};
pub use backup::{BackupSummary, MIN_PASSPHRASE_CHARS};
pub use lifecycle::MIN_PIN_CHARS;
pub use named::MAX_NAMED_SECRET_BYTES;
pub use records::{OwnerKeyMeta, SessionMeta};

/// A source of the current time (unix seconds), so tests need not sleep.
pub trait Clock: Send + Sync {
    /// Seconds since the unix epoch.
    fn now_unix(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

// Keychain item names, under `<profile>/`. Owner and session keys add `owner/<address>` and
// `session/<public key>` (see `keys`).
const DEVICE_SECRET: &str = "device-secret";
const PIN_WRAP: &str = "pin-wrap";
const PASSKEY_WRAP: &str = "passkey-wrap";
const ATTEMPTS: &str = "attempts";
const INDEX: &str = "index";

/// A vault for one profile. Cheap to clone; clones share a lock that serialises writes, and
/// with a lock file (always, over the OS keychain) so do other processes: the CLI and the app
/// writing at once can never drop an index entry, and parallel PIN guesses are each counted.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    profile: String,
    pin_params: Argon2Params,
    write_lock: Arc<Mutex<()>>,
    lock_file: Option<PathBuf>,
}

/// Held while a read-modify-write of the vault's records runs: the in-process mutex, then an
/// exclusive OS lock on the lock file (released when the file is closed).
pub(crate) struct WriteGuard<'a> {
    _file: Option<File>,
    _mutex: MutexGuard<'a, ()>,
}

/// Where the lock file of `profile` lives by default: the user's data dir
/// (`$XDG_DATA_HOME/sesame`, else `~/.local/share/sesame`, else `%APPDATA%\sesame`).
pub fn default_lock_file(profile: &str) -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = env("XDG_DATA_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".local/share")))
        .or_else(|| env("APPDATA"))
        .unwrap_or_else(std::env::temp_dir);
    base.join("sesame").join(format!("{profile}.vault.lock"))
}

fn lock_exclusive(path: &Path) -> Result<File, VaultError> {
    let fail = |e: std::io::Error| VaultError::LockFile(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(fail)?;
    file.lock().map_err(fail)?;
    Ok(file)
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("profile", &self.profile)
            .field("pin_params", &self.pin_params)
            .finish_non_exhaustive()
    }
}

/// An unlocked vault: holds the data key until dropped.
pub struct UnlockedVault {
    vault: Vault,
    data_key: DataKey,
    device: DeviceSecret,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("profile", &self.vault.profile)
            .field("data_key", &self.data_key)
            .finish_non_exhaustive()
    }
}

fn check_profile(profile: &str) -> Result<(), VaultError> {
    let ok = !profile.is_empty()
        && profile.len() <= 64
        && profile
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(VaultError::InvalidProfile)
    }
}

impl Vault {
    /// A vault over the platform keychain (Secret Service on Linux). Fails with
    /// `KEYCHAIN_UNAVAILABLE` when no unlocked keychain answers; there is no fallback.
    pub fn open_keychain(profile: &str) -> Result<Vault, VaultError> {
        let store = KeychainStore::connect()?;
        let vault = Vault::new(Arc::new(store), Arc::new(SystemClock), profile)?;
        Ok(vault.with_lock_file(default_lock_file(profile)))
    }

    /// Serialises writes with other processes through an OS lock on `path` (created if
    /// missing). Every vault over the same keychain and profile must use the same path.
    pub fn with_lock_file(mut self, path: PathBuf) -> Vault {
        self.lock_file = Some(path);
        self
    }

    /// A vault over any store and clock. `profile` namespaces every key (`[A-Za-z0-9._-]`,
    /// at most 64 characters), so tests and the dev and prod apps never collide.
    pub fn new(
        store: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        profile: &str,
    ) -> Result<Vault, VaultError> {
        check_profile(profile)?;
        Ok(Vault {
            store,
            clock,
            profile: profile.to_owned(),
            pin_params: Argon2Params::DEFAULT_PIN,
            write_lock: Arc::new(Mutex::new(())),
            lock_file: None,
        })
    }

    /// Uses other argon2id parameters for new PIN wrappers (they must respect the floors).
    pub fn with_pin_params(mut self, params: Argon2Params) -> Result<Vault, VaultError> {
        params.check().map_err(|_| VaultError::InvalidParameters)?;
        self.pin_params = params;
        Ok(self)
    }

    /// The profile name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    fn key(&self, name: &str) -> String {
        format!("{}/{}", self.profile, name)
    }

    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        Ok(self.store.get(&self.key(name))?)
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), VaultError> {
        Ok(self.store.set(&self.key(name), value)?)
    }

    fn delete(&self, name: &str) -> Result<(), VaultError> {
        Ok(self.store.delete(&self.key(name))?)
    }

    fn guard(&self) -> Result<WriteGuard<'_>, VaultError> {
        let mutex = self
            .write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let file = self.lock_file.as_deref().map(lock_exclusive).transpose()?;
        Ok(WriteGuard {
            _file: file,
            _mutex: mutex,
        })
    }
}

impl UnlockedVault {
    /// The vault this was unlocked from.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }
}
