//! Vault use cases that need no chain: set up, unlock (PIN or passkey), enrol a passkey, the
//! attempt limits, and the ways back from a lockout (backup, restore, owner-key recovery).

use std::sync::Arc;

use sesame_core::keys::PrivateKey;
use sesame_core::Felt;
use sesame_vault::{
    platform_passkey, AttemptStatus, BackupSummary, Passphrase, Pin, Vault, SESAME_RP_ID,
};

use crate::{blocking, AppError, Unlocked};

/// Whether a vault (PIN) has been set up on this device.
pub async fn is_initialized(vault: &Arc<Vault>) -> Result<bool, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.is_initialized()?)).await
}

/// Sets up the vault with a PIN and returns it unlocked.
pub async fn create(vault: &Arc<Vault>, pin: Pin) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(Unlocked(Arc::new(vault.create(&pin)?)))).await
}

/// Unlocks with the PIN, subject to backoff and lockout.
pub async fn unlock(vault: &Arc<Vault>, pin: Pin) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(Unlocked(Arc::new(vault.unlock_with_pin(&pin)?)))).await
}

/// Unlocks with the platform passkey (its PRF output never leaves the vault).
pub async fn unlock_with_passkey(vault: &Arc<Vault>) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || {
        let passkey = platform_passkey().map_err(sesame_vault::VaultError::from)?;
        Ok(Unlocked(Arc::new(
            vault.unlock_with_passkey(passkey.as_ref())?,
        )))
    })
    .await
}

/// Adds a passkey wrapper to an unlocked vault.
pub async fn enroll_passkey(unlocked: &Unlocked) -> Result<(), AppError> {
    let u = unlocked.0.clone();
    blocking(move || {
        let passkey = platform_passkey().map_err(sesame_vault::VaultError::from)?;
        Ok(u.enroll_passkey(passkey.as_ref(), SESAME_RP_ID)?)
    })
    .await
}

/// Whether a passkey can unlock this vault.
pub async fn has_passkey(vault: &Arc<Vault>) -> Result<bool, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.has_passkey()?)).await
}

/// Where the PIN attempt limit stands.
pub async fn attempt_status(vault: &Arc<Vault>) -> Result<AttemptStatus, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.attempt_status()?)).await
}

/// An encrypted backup of every wallet and session key, under `passphrase` (at least
/// [`sesame_vault::vault::MIN_PASSPHRASE_CHARS`] characters). The bytes are safe to store
/// anywhere; the passphrase is what protects them.
pub async fn backup(unlocked: &Unlocked, passphrase: Passphrase) -> Result<Vec<u8>, AppError> {
    let u = unlocked.0.clone();
    blocking(move || Ok(u.export_backup(&passphrase)?)).await
}

/// Restores a backup as this device's vault under `new_pin`: every wallet and session key
/// comes back. Replacing an existing vault needs `replace_existing` (the shells ask first).
pub async fn restore(
    vault: &Arc<Vault>,
    backup: Vec<u8>,
    passphrase: Passphrase,
    new_pin: Pin,
    replace_existing: bool,
) -> Result<(Unlocked, BackupSummary), AppError> {
    let vault = vault.clone();
    blocking(move || {
        let (u, summary) =
            vault.restore_backup(&backup, &passphrase, &new_pin, replace_existing)?;
        Ok((Unlocked(Arc::new(u)), summary))
    })
    .await
}

/// Opens a forgotten or locked-out vault with a wallet's owner key and sets `new_pin`; the
/// wallets and sessions are kept.
pub async fn recover(
    vault: &Arc<Vault>,
    wallet: Felt,
    owner_key: PrivateKey,
    new_pin: Pin,
) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || {
        Ok(Unlocked(Arc::new(
            vault.recover_with_owner_key(&wallet, &owner_key, &new_pin)?,
        )))
    })
    .await
}
