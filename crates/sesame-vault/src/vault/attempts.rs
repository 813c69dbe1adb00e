//! The PIN attempt counter: an authenticated record (see `records`), counted before each PIN
//! try, with a backoff after the free failures and a lockout at [`MAX_FAILURES`].

use super::{Vault, ATTEMPTS};
use crate::error::VaultError;
use crate::secret::DeviceSecret;

/// Wrong PINs allowed before any delay.
pub const FREE_FAILURES: u32 = 2;
/// Wrong PINs after which the PIN stops working until a passkey unlock or owner-key re-import.
pub const MAX_FAILURES: u32 = 10;

/// Seconds to wait after `failures` consecutive wrong PINs: none for the first two, then
/// 1, 2, 4, … 64 s (after the 3rd … 9th); the 10th locks the PIN.
pub fn backoff_secs(failures: u32) -> u64 {
    if failures <= FREE_FAILURES {
        0
    } else {
        1u64 << (failures - FREE_FAILURES - 1).min(32)
    }
}

/// Where the PIN attempt limit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct AttemptStatus {
    /// Consecutive wrong PINs.
    pub failures: u32,
    /// Wrong PINs left before the lockout.
    pub attempts_left: u32,
    /// Seconds until the next PIN attempt is allowed (0 = now).
    pub retry_after_secs: u64,
    /// The PIN is locked (too many failures, or the counter was tampered with).
    pub locked_out: bool,
    /// The counter is missing or fails its check: the lockout is tampering, not wrong PINs.
    pub tampered: bool,
}

/// The counter as stored: consecutive wrong PINs and when the last one happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Attempts {
    pub(super) failures: u32,
    pub(super) last_failure: u64,
}

impl Vault {
    pub(super) fn read_attempts(&self, device: &DeviceSecret) -> Option<Attempts> {
        // Missing or tampered counters read as `None`, which callers treat as locked out.
        let payload = self.get_authenticated(device, ATTEMPTS).ok()??;
        if payload.len() != 12 {
            return None;
        }
        let mut f = [0u8; 4];
        f.copy_from_slice(&payload[..4]);
        let mut t = [0u8; 8];
        t.copy_from_slice(&payload[4..]);
        Some(Attempts {
            failures: u32::from_be_bytes(f),
            last_failure: u64::from_be_bytes(t),
        })
    }

    pub(super) fn write_attempts(
        &self,
        device: &DeviceSecret,
        a: Attempts,
    ) -> Result<(), VaultError> {
        let mut payload = [0u8; 12];
        payload[..4].copy_from_slice(&a.failures.to_be_bytes());
        payload[4..].copy_from_slice(&a.last_failure.to_be_bytes());
        self.put_authenticated(device, ATTEMPTS, &payload)
    }

    pub(super) fn reset_attempts(&self, device: &DeviceSecret) -> Result<(), VaultError> {
        self.write_attempts(
            device,
            Attempts {
                failures: 0,
                last_failure: 0,
            },
        )
    }

    pub(super) fn status_of(&self, attempts: Option<Attempts>) -> AttemptStatus {
        let Some(a) = attempts else {
            return AttemptStatus {
                failures: MAX_FAILURES,
                attempts_left: 0,
                retry_after_secs: 0,
                locked_out: true,
                tampered: true,
            };
        };
        let locked_out = a.failures >= MAX_FAILURES;
        let delay = backoff_secs(a.failures);
        let now = self.clock.now_unix();
        // A clock set backwards never makes the wait longer than the delay itself.
        let retry_after_secs = if locked_out {
            0
        } else {
            a.last_failure
                .saturating_add(delay)
                .saturating_sub(now)
                .min(delay)
        };
        AttemptStatus {
            failures: a.failures,
            attempts_left: MAX_FAILURES.saturating_sub(a.failures),
            retry_after_secs,
            locked_out,
            tampered: false,
        }
    }

    /// Where the PIN attempt limit stands (a tampered or missing counter reads as locked out).
    pub fn attempt_status(&self) -> Result<AttemptStatus, VaultError> {
        if !self.is_initialized()? {
            return Err(VaultError::NotInitialized);
        }
        let device = self.device_secret()?;
        Ok(self.status_of(self.read_attempts(&device)))
    }
}
