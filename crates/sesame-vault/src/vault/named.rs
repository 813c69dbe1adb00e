//! Named secrets: small credentials that are not keys (a paymaster's API key), sealed under the
//! data key like owner and session keys, each in its own keychain item `secret/<name>`.
//!
//! The sealed plaintext starts with the item's name, so a record copied under another name is
//! refused rather than read as that other secret. Whether a secret is set is answered without
//! unlocking (the item exists); reading it needs the data key. Named secrets are not in the
//! index and not in backups: they are credentials for services, which can issue them again.

use rand_core::OsRng;
use zeroize::Zeroizing;

use super::{UnlockedVault, Vault};
use crate::envelope::{self, Argon2Params, KeySource};
use crate::error::VaultError;

/// At most this many bytes per secret: API keys and tokens, not files.
pub const MAX_NAMED_SECRET_BYTES: usize = 4096;

fn item(name: &str) -> Result<String, VaultError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(format!("secret/{name}"))
    } else {
        Err(VaultError::InvalidSecret(
            "a secret name is 1 to 128 characters of A-Z, a-z, 0-9, -, _, . and :",
        ))
    }
}

impl Vault {
    /// Whether the secret `name` is stored (no unlock needed; its value is not read).
    pub fn has_named_secret(&self, name: &str) -> Result<bool, VaultError> {
        Ok(self.get(&item(name)?)?.is_some())
    }

    /// Deletes the secret `name` (deleting a missing one succeeds). Needs no unlock: forgetting
    /// a credential never needs the PIN.
    pub fn delete_named_secret(&self, name: &str) -> Result<(), VaultError> {
        let item = item(name)?;
        let _g = self.guard()?;
        self.delete(&item)
    }
}

impl UnlockedVault {
    /// Stores (or replaces) the secret `name`, sealed under the data key.
    pub fn set_named_secret(&self, name: &str, value: &[u8]) -> Result<(), VaultError> {
        let item = item(name)?;
        if value.is_empty() || value.len() > MAX_NAMED_SECRET_BYTES {
            return Err(VaultError::InvalidSecret(
                "a secret must be 1 to 4096 bytes long",
            ));
        }
        let mut plain = Zeroizing::new(Vec::with_capacity(item.len() + 1 + value.len()));
        plain.extend_from_slice(item.as_bytes());
        plain.push(0);
        plain.extend_from_slice(value);
        let sealed = envelope::seal(
            &KeySource::DataKey(&self.data_key),
            Argon2Params::FLOOR,
            &plain,
            &mut OsRng,
        )
        .map_err(|_| VaultError::WrongPinOrDamaged)?;
        let _g = self.vault.guard()?;
        self.vault.set(&item, &sealed)
    }

    /// The secret `name`, or `None` when it is not set.
    pub fn named_secret(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        let item = item(name)?;
        let Some(blob) = self.vault.get(&item)? else {
            return Ok(None);
        };
        let plain = envelope::open(&blob, &KeySource::DataKey(&self.data_key))?;
        let prefix_len = item.len() + 1;
        let bound = plain.len() > prefix_len
            && plain[..item.len()] == *item.as_bytes()
            && plain[item.len()] == 0;
        if !bound {
            return Err(VaultError::Tampered);
        }
        Ok(Some(Zeroizing::new(plain[prefix_len..].to_vec())))
    }
}
