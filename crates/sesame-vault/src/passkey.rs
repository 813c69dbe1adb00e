//! Passkey unlock. WebKitGTK has no WebAuthn, so passkeys are driven from Rust.
//!
//! A [`Passkey`] yields the WebAuthn PRF / CTAP2 `hmac-secret` output (32 bytes) for a
//! credential and a 32-byte salt. The vault derives the passkey wrapping key as
//! `HKDF-SHA256(salt = envelope salt, ikm = output, info = "sesame/passkey/v1")` and wraps the
//! data key with it, in parallel with the PIN wrapper.
//!
//! There is no weak fallback: an authenticator without `hmac-secret` / PRF gives
//! [`PasskeyError::PrfUnsupported`], a platform without an implementation gives
//! [`PasskeyError::Unsupported`].

use crate::secret::PrfOutput;

/// Why a passkey operation failed. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// This platform (or build) has no passkey implementation.
    #[error("passkeys are not supported on this platform yet: {0}")]
    Unsupported(String),
    /// The authenticator cannot compute PRF / hmac-secret, so it cannot protect a key.
    #[error("this authenticator does not support the PRF (hmac-secret) extension needed to protect keys")]
    PrfUnsupported,
    /// No passkey is enrolled for this vault.
    #[error("no passkey is set up for this vault")]
    NotEnrolled,
    /// The authenticator does not hold the enrolled credential.
    #[error("this authenticator does not hold the passkey enrolled for this vault")]
    UnknownCredential,
    /// The user cancelled or did not confirm presence in time.
    #[error("the passkey operation was cancelled")]
    Cancelled,
    /// Any other authenticator or transport failure.
    #[error("the passkey operation failed: {0}")]
    Failed(String),
}

impl PasskeyError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            PasskeyError::Unsupported(_) => "PASSKEY_UNSUPPORTED",
            PasskeyError::PrfUnsupported => "PASSKEY_PRF_UNSUPPORTED",
            PasskeyError::NotEnrolled => "PASSKEY_NOT_ENROLLED",
            PasskeyError::UnknownCredential => "PASSKEY_UNKNOWN_CREDENTIAL",
            PasskeyError::Cancelled => "PASSKEY_CANCELLED",
            PasskeyError::Failed(_) => "PASSKEY_FAILED",
        }
    }
}

/// An authenticator that can create a PRF-capable credential and evaluate its PRF.
///
/// Calls block (a hardware key waits for a touch); run them off the async runtime.
pub trait Passkey {
    /// Creates a credential for `rp_id` with hmac-secret / PRF enabled; returns its id.
    fn register(&self, rp_id: &str, user_handle: &[u8]) -> Result<Vec<u8>, PasskeyError>;

    /// Returns the hmac-secret output of `credential_id` for `salt` (a fresh assertion).
    fn prf(
        &self,
        rp_id: &str,
        credential_id: &[u8],
        salt: &[u8; 32],
    ) -> Result<PrfOutput, PasskeyError>;
}

/// The relying-party id Sesame uses for its vault credentials.
pub const SESAME_RP_ID: &str = "sesame.wallet";

/// The platform's passkey implementation.
///
/// Status (see the README): Linux USB CTAP2 with hmac-secret, Windows `webauthn.dll` PRF and
/// macOS `ASAuthorization` PRF are not implemented in this version; each returns
/// [`PasskeyError::Unsupported`] with a message naming what is missing.
pub fn platform_passkey() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
    platform::open()
}

#[cfg(target_os = "linux")]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Err(PasskeyError::Unsupported(
            "a USB security key (CTAP2 hmac-secret over HID) client is not built into this \
             version on Linux; use the PIN"
                .into(),
        ))
    }
}

#[cfg(target_os = "windows")]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Err(PasskeyError::Unsupported(
            "Windows Hello (webauthn.dll with the PRF extension) is not wired up yet".into(),
        ))
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Err(PasskeyError::Unsupported(
            "macOS passkeys (ASAuthorization with the PRF extension) are not wired up yet".into(),
        ))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Err(PasskeyError::Unsupported(
            "no passkey implementation for this operating system".into(),
        ))
    }
}
