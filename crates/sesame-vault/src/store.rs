//! Where the vault keeps its bytes: the OS keychain, behind a small trait.
//!
//! Every call blocks (a Secret Service write takes ~60 ms over D-Bus). Async callers must run
//! vault operations on a blocking thread (`tokio::task::spawn_blocking`).

use std::sync::Arc;

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::error::StoreError;

/// A flat key → bytes store. Implementations must persist across process restarts; there is
/// deliberately no automatic in-memory or file fallback anywhere in this crate.
pub trait SecretStore: Send + Sync {
    /// Reads `key`; `Ok(None)` when it does not exist.
    fn get(&self, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError>;
    /// Creates or replaces `key`.
    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Deletes `key`; deleting a missing key succeeds.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
}

impl<T: SecretStore + ?Sized> SecretStore for Arc<T> {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        (**self).set(key, value)
    }
    fn delete(&self, key: &str) -> Result<(), StoreError> {
        (**self).delete(key)
    }
}

/// The keychain "service" attribute under which every Sesame item lives. The item's "user"
/// attribute is the vault key (`<profile>/<name>`).
pub const KEYCHAIN_SERVICE: &str = "sesame-vault";

/// The platform keychain through `keyring-core` 1.x, each store chosen explicitly:
/// - Linux / BSD: Secret Service over D-Bus (`zbus-secret-service-keyring-store`), i.e.
///   GNOME Keyring or KWallet (tested);
/// - macOS: the login keychain (`apple-native-keyring-store`, not built or run here);
/// - Windows: Credential Manager (`windows-native-keyring-store`, not built or run here);
/// - anything else: [`StoreError::Unavailable`].
///
/// Values are stored base64-encoded, because KWallet's Secret Service only keeps UTF-8.
pub struct KeychainStore {
    inner: Arc<keyring_core::CredentialStore>,
}

impl std::fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainStore")
            .field("vendor", &self.inner.vendor())
            .finish()
    }
}

impl KeychainStore {
    /// Connects to the platform keychain, and checks that it answers (a read of a probe item).
    /// Fails with [`StoreError::Unavailable`] when there is none or it is locked.
    pub fn connect() -> Result<Self, StoreError> {
        let store = Self {
            inner: platform_store()?,
        };
        store.get("probe")?;
        Ok(store)
    }

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, StoreError> {
        self.inner
            .build(KEYCHAIN_SERVICE, key, None)
            .map_err(map_keyring_error)
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
        StoreError::Unavailable(format!("cannot reach the Secret Service over D-Bus: {e}"))
    })?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(|e| {
        StoreError::Unavailable(format!("cannot open the macOS login keychain: {e}"))
    })?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreError> {
    let store = windows_native_keyring_store::Store::new().map_err(|e| {
        StoreError::Unavailable(format!("cannot open the Windows Credential Manager: {e}"))
    })?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, StoreError> {
    Err(StoreError::Unavailable(
        "this build of Sesame has no keychain backend for this operating system".into(),
    ))
}

fn map_keyring_error(e: keyring_core::Error) -> StoreError {
    use keyring_core::Error as E;
    match e {
        E::NoStorageAccess(inner) => StoreError::Unavailable(format!("access refused: {inner}")),
        E::PlatformFailure(inner) => StoreError::Unavailable(format!("platform failure: {inner}")),
        E::NoDefaultStore => StoreError::Unavailable("no credential store".into()),
        // Never echo stored bytes (BadEncoding / BadDataFormat carry them).
        E::BadEncoding(_) | E::BadDataFormat(_, _) => {
            StoreError::Failed("a keychain item has an unexpected format".into())
        }
        E::Ambiguous(items) => StoreError::Failed(format!(
            "{} keychain items match one Sesame key; remove the duplicates",
            items.len()
        )),
        other => StoreError::Failed(other.to_string()),
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        match self.entry(key)?.get_secret() {
            Ok(raw) => {
                let raw = Zeroizing::new(raw);
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(raw.as_slice())
                    .map_err(|_| {
                        StoreError::Failed("a keychain item has an unexpected format".into())
                    })?;
                Ok(Some(Zeroizing::new(decoded)))
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(value));
        self.entry(key)?
            .set_secret(encoded.as_bytes())
            .map_err(map_keyring_error)
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// An in-memory store for tests only: compiled in only with `cfg(test)` or the non-default
/// `test-store` feature, and never chosen automatically by anything in this crate.
#[cfg(any(test, feature = "test-store"))]
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    items: Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>,
}

#[cfg(any(test, feature = "test-store"))]
impl MemoryStore {
    /// An empty store. Clones share the same items (a simulated restart keeps them).
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Vec<u8>>> {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// All keys, for tests that inspect what was written.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }
}

#[cfg(any(test, feature = "test-store"))]
impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>, StoreError> {
        Ok(self.lock().get(key).cloned().map(Zeroizing::new))
    }
    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.lock().insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.lock().remove(key);
        Ok(())
    }
}
