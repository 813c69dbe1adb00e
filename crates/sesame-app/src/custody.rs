//! Vault use cases that need no chain: set up, unlock (PIN or passkey), enrol a passkey, and
//! the attempt limits. The desktop shell calls these before any network is reachable.

use std::sync::Arc;

use sesame_vault::{platform_passkey, AttemptStatus, Pin, Vault, SESAME_RP_ID};

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
