//! Backups: every owner and session key with the index, in one passphrase-only envelope that
//! another device can import. Imported keys are checked against their public keys.

use rand_core::OsRng;
use zeroize::Zeroizing;

use super::keys::key_from;
use super::records::Index;
use super::{OwnerKeyMeta, SessionMeta, UnlockedVault, Vault};
use crate::envelope::{self, Argon2Params, KeySource};
use crate::error::VaultError;
use crate::secret::{Passphrase, Pin};
use sesame_core::keys::PrivateKey;

/// Shortest backup passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// What [`UnlockedVault::import_backup`] added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    /// Owner keys restored.
    pub owner_keys: usize,
    /// Session keys restored.
    pub session_keys: usize,
}

const BACKUP_MAGIC: &[u8; 5] = b"SSMB\x01";

impl UnlockedVault {
    /// Exports every owner and session key as a passphrase-only envelope (default backup
    /// parameters). Anyone with the file and the passphrase has the keys: see the README.
    pub fn export_backup(&self, passphrase: &Passphrase) -> Result<Vec<u8>, VaultError> {
        self.export_backup_with_params(passphrase, Argon2Params::DEFAULT_BACKUP)
    }

    /// [`Self::export_backup`] with explicit argon2id parameters (within floors and caps).
    pub fn export_backup_with_params(
        &self,
        passphrase: &Passphrase,
        params: Argon2Params,
    ) -> Result<Vec<u8>, VaultError> {
        if passphrase.char_count() < MIN_PASSPHRASE_CHARS {
            return Err(VaultError::SecretTooShort {
                what: "backup passphrase",
                min: MIN_PASSPHRASE_CHARS,
            });
        }
        params.check().map_err(|_| VaultError::InvalidParameters)?;
        let index = self.vault.read_index(&self.device)?;
        let meta = serde_json::to_vec(&index).map_err(|_| VaultError::InvalidBackup)?;
        let meta_len = u32::try_from(meta.len()).map_err(|_| VaultError::InvalidBackup)?;
        let mut plain = Zeroizing::new(Vec::new());
        plain.extend_from_slice(BACKUP_MAGIC);
        plain.extend_from_slice(&meta_len.to_be_bytes());
        plain.extend_from_slice(&meta);
        for o in &index.owners {
            let key = self.open_owner(o)?;
            plain.extend_from_slice(key.expose_be_bytes());
        }
        for s in &index.sessions {
            let key = self.session_key(&s.session_public_key)?;
            plain.extend_from_slice(key.expose_be_bytes());
        }
        envelope::seal(
            &KeySource::Passphrase(passphrase),
            params,
            &plain,
            &mut OsRng,
        )
        .map_err(|_| VaultError::InvalidParameters)
    }

    /// Restores the keys of a backup into this vault (re-encrypted under this vault's data
    /// key). Every key is checked against its recorded public key.
    pub fn import_backup(
        &self,
        backup: &[u8],
        passphrase: &Passphrase,
    ) -> Result<BackupSummary, VaultError> {
        let (owners, sessions) = read_backup(backup, passphrase)?;
        self.store_backup_keys(&owners, &sessions)
    }

    fn store_backup_keys(
        &self,
        owners: &[(OwnerKeyMeta, PrivateKey)],
        sessions: &[(SessionMeta, PrivateKey)],
    ) -> Result<BackupSummary, VaultError> {
        for (o, key) in owners {
            self.store_owner_key(o.wallet_address, &o.network, key)?;
        }
        for (s, key) in sessions {
            self.store_session_key(s.wallet_address, s.valid_until, &s.state, key)?;
        }
        Ok(BackupSummary {
            owner_keys: owners.len(),
            session_keys: sessions.len(),
        })
    }
}

impl Vault {
    /// The way back from a forgotten or locked PIN, or onto a new device: a vault holding
    /// exactly the backup's wallets and sessions, under `new_pin`. The backup is decrypted and
    /// checked before anything is touched. An existing vault on this device is replaced only
    /// with `replace_existing` (its keys that the backup lacks are lost, so the shells ask).
    pub fn restore_backup(
        &self,
        backup: &[u8],
        passphrase: &Passphrase,
        new_pin: &Pin,
        replace_existing: bool,
    ) -> Result<(UnlockedVault, BackupSummary), VaultError> {
        // Everything that can be refused is refused before the old vault is destroyed: a
        // too-short new PIN must not cost the vault it was meant to replace.
        super::lifecycle::check_pin(new_pin)?;
        let (owners, sessions) = read_backup(backup, passphrase)?;
        let exists = self.is_initialized()? || self.refuse_leftovers().is_err();
        if exists && !replace_existing {
            return Err(VaultError::AlreadyInitialized);
        }
        // Clears a replaced vault, and an empty leftover of a create that died half-way.
        self.destroy()?;
        let unlocked = self.create(new_pin)?;
        let summary = unlocked.store_backup_keys(&owners, &sessions)?;
        Ok((unlocked, summary))
    }
}

type BackupKeys = (
    Vec<(OwnerKeyMeta, PrivateKey)>,
    Vec<(SessionMeta, PrivateKey)>,
);

/// Decrypts and parses a backup; every key is checked against its recorded public key.
fn read_backup(backup: &[u8], passphrase: &Passphrase) -> Result<BackupKeys, VaultError> {
    {
        let plain = envelope::open(backup, &KeySource::Passphrase(passphrase))?;
        let rest = plain
            .strip_prefix(BACKUP_MAGIC.as_slice())
            .ok_or(VaultError::InvalidBackup)?;
        if rest.len() < 4 {
            return Err(VaultError::InvalidBackup);
        }
        let (len, rest) = rest.split_at(4);
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(len);
        let meta_len = u32::from_be_bytes(len_bytes) as usize;
        if rest.len() < meta_len {
            return Err(VaultError::InvalidBackup);
        }
        let (meta, keys) = rest.split_at(meta_len);
        let index: Index = serde_json::from_slice(meta).map_err(|_| VaultError::InvalidBackup)?;
        if keys.len() != 32 * (index.owners.len() + index.sessions.len()) {
            return Err(VaultError::InvalidBackup);
        }
        let mut chunks = keys.chunks_exact(32);
        let mut owners = Vec::new();
        for o in &index.owners {
            let key = chunks
                .next()
                .map(key_from)
                .ok_or(VaultError::InvalidBackup)?
                .map_err(|_| VaultError::InvalidBackup)?;
            if key.public_key() != o.public_key {
                return Err(VaultError::InvalidBackup);
            }
            owners.push((o.clone(), key));
        }
        let mut sessions = Vec::new();
        for s in &index.sessions {
            let key = chunks
                .next()
                .map(key_from)
                .ok_or(VaultError::InvalidBackup)?
                .map_err(|_| VaultError::InvalidBackup)?;
            if key.public_key() != s.session_public_key {
                return Err(VaultError::InvalidBackup);
            }
            sessions.push((s.clone(), key));
        }
        Ok((owners, sessions))
    }
}
