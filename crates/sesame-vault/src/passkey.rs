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
    /// No security key is plugged in.
    #[error("no FIDO2 security key was found: plug one in and try again")]
    NoDevice,
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
            PasskeyError::NoDevice => "PASSKEY_NO_DEVICE",
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
/// Status (see the README): on Linux with the `usb-passkey` feature, the one USB FIDO2 key
/// plugged in (user presence only; use [`usb::UsbPasskey::new`] with the key's PIN for user
/// verification). Without the feature, and on Windows (`webauthn.dll` PRF) and macOS
/// (`ASAuthorization` PRF), [`PasskeyError::Unsupported`] with a message naming what is missing.
pub fn platform_passkey() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
    platform::open()
}

/// Whether this build has any authenticator path at all. Shells offer passkey enrolment and
/// name passkey unlock as a way out of a lockout only when it is `true`.
pub const PASSKEY_SUPPORTED: bool = cfg!(all(target_os = "linux", feature = "usb-passkey"));

#[cfg(all(target_os = "linux", not(feature = "usb-passkey")))]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Err(PasskeyError::Unsupported(
            "this build has no USB security key support (build sesame-vault with the \
             `usb-passkey` feature); use the PIN"
                .into(),
        ))
    }
}

#[cfg(all(target_os = "linux", feature = "usb-passkey"))]
mod platform {
    use super::*;
    pub fn open() -> Result<Box<dyn Passkey + Send + Sync>, PasskeyError> {
        Ok(Box::new(usb::UsbPasskey::new(None)?))
    }
}

/// USB FIDO2 security keys on Linux through `ctap-hid-fido2` (CTAP2 over HID, with the
/// ECDH-protected hmac-secret exchange done by that crate).
#[cfg(all(target_os = "linux", feature = "usb-passkey"))]
pub mod usb {
    use ctap_hid_fido2::fidokey::get_assertion::get_assertion_params::{
        Extension as GetExtension, GetAssertionArgsBuilder,
    };
    use ctap_hid_fido2::fidokey::make_credential::make_credential_params::{
        Extension as MakeExtension, MakeCredentialArgsBuilder,
    };
    use ctap_hid_fido2::{FidoKeyHid, FidoKeyHidFactory, LibCfg};

    use super::{Passkey, PasskeyError};
    use crate::secret::{Pin, PrfOutput};

    /// The single USB FIDO2 key plugged in. With `pin`, operations use the key's PIN (user
    /// verification); without, user presence (a touch) only. Enrollment and unlock must use
    /// the same mode: hmac-secret gives different outputs with and without verification.
    pub struct UsbPasskey {
        device: FidoKeyHid,
        pin: Option<Pin>,
    }

    impl std::fmt::Debug for UsbPasskey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("UsbPasskey")
                .field("pin", &self.pin)
                .finish_non_exhaustive()
        }
    }

    fn failed(e: impl std::fmt::Display) -> PasskeyError {
        PasskeyError::Failed(e.to_string())
    }

    impl UsbPasskey {
        /// Opens the one FIDO2 key on USB (none, or several, is an error).
        pub fn new(pin: Option<Pin>) -> Result<Self, PasskeyError> {
            if ctap_hid_fido2::get_fidokey_devices().is_empty() {
                return Err(PasskeyError::NoDevice);
            }
            let device = FidoKeyHidFactory::create(&LibCfg::init()).map_err(failed)?;
            Ok(UsbPasskey { device, pin })
        }

        fn challenge() -> Vec<u8> {
            let mut c = vec![0u8; 32];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut c);
            c
        }
    }

    impl Passkey for UsbPasskey {
        fn register(&self, rp_id: &str, _user_handle: &[u8]) -> Result<Vec<u8>, PasskeyError> {
            // A non-resident credential: the vault keeps its id, so no user entity is needed.
            let challenge = Self::challenge();
            let extensions = [MakeExtension::HmacSecret(Some(true))];
            let mut builder =
                MakeCredentialArgsBuilder::new(rp_id, &challenge).extensions(&extensions);
            builder = match &self.pin {
                Some(pin) => builder.pin(pin.expose()),
                None => builder.without_pin_and_uv(),
            };
            let attestation = self
                .device
                .make_credential_with_args(&builder.build())
                .map_err(failed)?;
            let enabled = attestation
                .extensions
                .iter()
                .any(|e| matches!(e, MakeExtension::HmacSecret(Some(true))));
            if !enabled {
                return Err(PasskeyError::PrfUnsupported);
            }
            Ok(attestation.credential_descriptor.id)
        }

        fn prf(
            &self,
            rp_id: &str,
            credential_id: &[u8],
            salt: &[u8; 32],
        ) -> Result<PrfOutput, PasskeyError> {
            let challenge = Self::challenge();
            let extensions = [GetExtension::HmacSecret(Some(*salt))];
            let mut builder = GetAssertionArgsBuilder::new(rp_id, &challenge)
                .credential_id(credential_id)
                .extensions(&extensions);
            builder = match &self.pin {
                Some(pin) => builder.pin(pin.expose()),
                None => builder.without_pin_and_uv(),
            };
            let assertions = self
                .device
                .get_assertion_with_args(&builder.build())
                .map_err(failed)?;
            let assertion = assertions.first().ok_or(PasskeyError::UnknownCredential)?;
            assertion
                .extensions
                .iter()
                .find_map(|e| match e {
                    GetExtension::HmacSecret(Some(out)) => Some(PrfOutput::from_bytes(*out)),
                    _ => None,
                })
                .ok_or(PasskeyError::PrfUnsupported)
        }
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
