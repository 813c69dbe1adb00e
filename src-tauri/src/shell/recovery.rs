//! Never locked out: an encrypted backup that the shell writes to a file itself (the bytes
//! never reach the webview, which only learns where the file is), restoring a backup under a
//! new PIN, and reopening the vault with a wallet's owner key. Restore and recovery leave the
//! vault unlocked, as `vault_unlock` does.

use std::path::PathBuf;

use serde::Serialize;
use sesame_app::{custody, AppError};
use sesame_core::felt::parse_address;
use sesame_core::keys::PrivateKey;
use sesame_vault::{Passphrase, Pin, VaultError};

use super::{AppState, Shell};

/// The reply of `vault_backup`: where the file is and what it holds. No key material.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReply {
    /// The file written (owner-only, 0600), in the backup directory.
    pub path: String,
    /// Wallets (owner keys) in the backup.
    pub wallets: usize,
    /// Session keys in the backup.
    pub sessions: usize,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The backup file a person typed: `~/` is their home; anything else must be a full path
/// (a relative one would depend on where the app was started).
fn backup_path(text: &str) -> Result<PathBuf, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::InvalidArgument(
            "give the path of the backup file".into(),
        ));
    }
    let path = match text.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(rest),
            None => PathBuf::from(text),
        },
        None => PathBuf::from(text),
    };
    if !path.is_absolute() {
        return Err(AppError::InvalidArgument(format!(
            "give the backup file's full path (starting with / or ~/), not {text}"
        )));
    }
    Ok(path)
}

impl Shell {
    /// Writes an encrypted backup of every wallet and session key into the backup directory
    /// ([`super::ShellConfig::backup_dir`]) and says where. Needs the vault unlocked; the
    /// passphrase must have at least [`sesame_vault::vault::MIN_PASSPHRASE_CHARS`] characters.
    pub async fn vault_backup(&self, passphrase: Passphrase) -> Result<BackupReply, AppError> {
        let unlocked = self.unlocked().await?;
        let vault = self.vault().await?;
        let (wallets, sessions) = tokio::task::spawn_blocking(move || {
            Ok::<_, AppError>((vault.list_owner_keys()?.len(), vault.list_sessions()?.len()))
        })
        .await??;
        let bytes = custody::backup(&unlocked, passphrase).await?;
        drop(unlocked);
        let dir = self.config().backup_dir();
        let profile = self.config().profile.clone();
        let path = tokio::task::spawn_blocking(move || {
            custody::write_backup_file(&dir, &profile, unix_now(), &bytes)
        })
        .await??;
        Ok(BackupReply {
            path: path.display().to_string(),
            wallets,
            sessions,
        })
    }

    /// Restores the backup at `path` as this device's vault under `new_pin` and unlocks it.
    /// An existing vault is replaced only with `replace` (its keys that the backup lacks are
    /// lost; the UI asks first). A wrong passphrase changes nothing.
    pub async fn vault_restore(
        &self,
        path: &str,
        passphrase: Passphrase,
        new_pin: Pin,
        replace: bool,
    ) -> Result<AppState, AppError> {
        let path = backup_path(path)?;
        let bytes = tokio::task::spawn_blocking(move || custody::read_backup_file(&path)).await??;
        let vault = self.vault().await?;
        let (unlocked, _summary) =
            custody::restore(&vault, bytes, passphrase, new_pin, replace).await?;
        self.set_unlocked(unlocked).await;
        self.app_state().await
    }

    /// Reopens a forgotten or locked-out vault with `wallet`'s owner key, sets `new_pin` and
    /// unlocks it; every wallet and session is kept.
    pub async fn vault_recover(
        &self,
        wallet: &str,
        private_key: String,
        new_pin: Pin,
    ) -> Result<AppState, AppError> {
        let wallet = parse_address(wallet)?;
        let key = PrivateKey::from_hex(private_key.trim())
            .map_err(|_| AppError::Vault(VaultError::InvalidPrivateKey))?;
        drop(private_key);
        let unlocked = custody::recover(&self.vault().await?, wallet, key, new_pin).await?;
        self.set_unlocked(unlocked).await;
        self.app_state().await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_path_is_full_or_under_home() {
        assert_eq!(
            backup_path(" /tmp/a.sesame ").unwrap(),
            PathBuf::from("/tmp/a.sesame")
        );
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            assert_eq!(
                backup_path("~/b.sesame").unwrap(),
                PathBuf::from(home).join("b.sesame")
            );
        }
        for relative in ["b.sesame", "./b.sesame", ""] {
            assert_eq!(
                backup_path(relative).unwrap_err().code(),
                "INVALID_ARGUMENT",
                "{relative}"
            );
        }
    }
}
