//! The vault's lifecycle: create, unlock (PIN or passkey), recover with an owner key, change
//! the PIN, enroll or remove a passkey, destroy.

use rand_core::OsRng;
use sesame_core::keys::PrivateKey;
use sesame_core::Felt;

use super::attempts::{Attempts, MAX_FAILURES};
use super::keys::{legacy_owner_name, owner_name, owner_wrap_name, session_name};
use super::records::Index;
use super::{UnlockedVault, Vault, ATTEMPTS, DEVICE_SECRET, INDEX, PASSKEY_WRAP, PIN_WRAP};
use crate::envelope::{self, Argon2Params, KeySource};
use crate::error::VaultError;
use crate::passkey::{Passkey, PasskeyError};
use crate::secret::{DataKey, DeviceSecret, Pin, PrfOutput};

/// Shortest PIN accepted when creating a vault or changing the PIN.
pub const MIN_PIN_CHARS: usize = 4;

/// The passkey wrapper of the data key, as stored (hex fields).
#[derive(serde::Serialize, serde::Deserialize)]
struct PasskeyRecord {
    rp_id: String,
    credential_id: String,
    prf_salt: String,
    envelope: String,
}

pub(super) fn check_pin(pin: &Pin) -> Result<(), VaultError> {
    if pin.char_count() < MIN_PIN_CHARS {
        return Err(VaultError::SecretTooShort {
            what: "PIN",
            min: MIN_PIN_CHARS,
        });
    }
    Ok(())
}

fn data_key_from(plaintext: &[u8]) -> Result<DataKey, VaultError> {
    let bytes: [u8; 32] = plaintext
        .try_into()
        .map_err(|_| VaultError::WrongPinOrDamaged)?;
    Ok(DataKey::from_bytes(bytes))
}

impl Vault {
    /// Whether a vault exists for this profile.
    pub fn is_initialized(&self) -> Result<bool, VaultError> {
        Ok(self.get(PIN_WRAP)?.is_some())
    }

    /// Creates the vault: a fresh device secret in the keychain, a fresh data key wrapped by
    /// `pin`, an empty index and a zeroed attempt counter.
    pub fn create(&self, pin: &Pin) -> Result<UnlockedVault, VaultError> {
        check_pin(pin)?;
        let _g = self.guard()?;
        if self.is_initialized()? {
            return Err(VaultError::AlreadyInitialized);
        }
        self.refuse_leftovers()?;
        let device = DeviceSecret::random(&mut OsRng);
        let data_key = DataKey::random(&mut OsRng);
        self.set(DEVICE_SECRET, device.expose())?;
        self.reset_attempts(&device)?;
        self.write_index(&device, &Index::default())?;
        self.delete(PASSKEY_WRAP)?;
        let wrap = self.wrap_with_pin(&data_key, &device, pin)?;
        // Written last: its presence is what marks the vault as created.
        self.set(PIN_WRAP, &wrap)?;
        Ok(UnlockedVault {
            vault: self.clone(),
            data_key,
            device,
        })
    }

    fn wrap_with_pin(
        &self,
        data_key: &DataKey,
        device: &DeviceSecret,
        pin: &Pin,
    ) -> Result<Vec<u8>, VaultError> {
        envelope::seal(
            &KeySource::PinAndDevice { pin, device },
            self.pin_params,
            data_key.expose(),
            &mut OsRng,
        )
        .map_err(|_| VaultError::InvalidParameters)
    }

    /// Unlocks with the PIN, enforcing the attempt limit: the attempt is counted *before* the
    /// PIN is tried (so killing the process mid-check does not save an attempt) and the count
    /// resets on success. Errors: `WRONG_PIN_OR_DAMAGED_DATA`, `PIN_BACKOFF` (with
    /// `retry_after_secs`), `PIN_LOCKED_OUT`.
    pub fn unlock_with_pin(&self, pin: &Pin) -> Result<UnlockedVault, VaultError> {
        let _g = self.guard()?;
        let wrap = self.get(PIN_WRAP)?.ok_or(VaultError::NotInitialized)?;
        let device = self.device_secret()?;
        let attempts = self.read_attempts(&device);
        let status = self.status_of(attempts);
        if status.tampered {
            return Err(VaultError::AttemptCounterTampered);
        }
        if status.locked_out {
            return Err(VaultError::PinLockedOut);
        }
        if status.retry_after_secs > 0 {
            return Err(VaultError::PinBackoff {
                retry_after_secs: status.retry_after_secs,
            });
        }
        let failures = attempts.map(|a| a.failures).unwrap_or(MAX_FAILURES);
        self.write_attempts(
            &device,
            Attempts {
                failures: failures.saturating_add(1),
                last_failure: self.clock.now_unix(),
            },
        )?;
        let opened = envelope::open(
            &wrap,
            &KeySource::PinAndDevice {
                pin,
                device: &device,
            },
        )?;
        let data_key = data_key_from(&opened)?;
        self.reset_attempts(&device)?;
        Ok(UnlockedVault {
            vault: self.clone(),
            data_key,
            device,
        })
    }

    /// Whether a passkey wrapper is enrolled.
    pub fn has_passkey(&self) -> Result<bool, VaultError> {
        Ok(self.get(PASSKEY_WRAP)?.is_some())
    }

    /// Unlocks with the enrolled passkey, and resets the PIN attempt counter (this is how a
    /// locked-out PIN is recovered).
    pub fn unlock_with_passkey(&self, passkey: &dyn Passkey) -> Result<UnlockedVault, VaultError> {
        let _g = self.guard()?;
        if !self.is_initialized()? {
            return Err(VaultError::NotInitialized);
        }
        let raw = self
            .get(PASSKEY_WRAP)?
            .ok_or(VaultError::Passkey(PasskeyError::NotEnrolled))?;
        let record: PasskeyRecord =
            serde_json::from_slice(&raw).map_err(|_| VaultError::WrongPinOrDamaged)?;
        let credential_id =
            hex::decode(&record.credential_id).map_err(|_| VaultError::WrongPinOrDamaged)?;
        let salt: [u8; 32] = hex::decode(&record.prf_salt)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(VaultError::WrongPinOrDamaged)?;
        let wrap = hex::decode(&record.envelope).map_err(|_| VaultError::WrongPinOrDamaged)?;
        let device = self.device_secret()?;
        let prf: PrfOutput = passkey.prf(&record.rp_id, &credential_id, &salt)?;
        let opened = envelope::open(&wrap, &KeySource::Passkey(&prf))?;
        let data_key = data_key_from(&opened)?;
        self.reset_attempts(&device)?;
        Ok(UnlockedVault {
            vault: self.clone(),
            data_key,
            device,
        })
    }

    /// Refuses to create over parts of an earlier vault: a device secret whose index still
    /// lists keys (or cannot be read), or a passkey wrapper. An empty leftover (a create that
    /// died half-way, before anything was stored) is safe to overwrite.
    pub(super) fn refuse_leftovers(&self) -> Result<(), VaultError> {
        if self.get(PASSKEY_WRAP)?.is_some() {
            return Err(VaultError::IncompleteVault);
        }
        let Some(device) = self.get(DEVICE_SECRET)? else {
            return Ok(());
        };
        let device: [u8; 32] = device
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::IncompleteVault)?;
        let device = DeviceSecret::from_bytes(device);
        match self.read_index(&device) {
            Ok(index) if index.owners.is_empty() && index.sessions.is_empty() => Ok(()),
            // An index that is missing entirely is also a create that died before writing it.
            Err(VaultError::Tampered) if self.get(INDEX)?.is_none() => Ok(()),
            _ => Err(VaultError::IncompleteVault),
        }
    }

    /// Recovery when the PIN is forgotten or locked out: proves possession of a stored owner
    /// key and sets `new_pin`. The data key comes back from its owner-key wrapper (written
    /// whenever an owner key is stored), so every wallet and session key is kept. A vault
    /// written before those wrappers existed has none: then a fresh data key starts under
    /// `new_pin`, the other records (unreadable without the old PIN) are removed, and the
    /// sessions should be revoked on-chain with the owner key. Resets the attempt counter.
    pub fn recover_with_owner_key(
        &self,
        wallet_address: &Felt,
        owner_key: &PrivateKey,
        new_pin: &Pin,
    ) -> Result<UnlockedVault, VaultError> {
        check_pin(new_pin)?;
        let _g = self.guard()?;
        // A vault whose PIN wrapper is gone (see `IncompleteVault`) is recoverable too.
        if !self.is_initialized()? && self.get(INDEX)?.is_none() {
            return Err(VaultError::NotInitialized);
        }
        let device = match self.device_secret() {
            Ok(d) => d,
            Err(VaultError::DeviceSecretMissing) => {
                let d = DeviceSecret::random(&mut OsRng);
                self.set(DEVICE_SECRET, d.expose())?;
                d
            }
            Err(e) => return Err(e),
        };
        // An index that no longer verifies cannot vouch for the owner: refuse.
        let old = self.read_index(&device)?;
        // The same address may be stored for several networks: the key picks its own record.
        let of_wallet: Vec<_> = old
            .owners
            .iter()
            .filter(|o| o.wallet_address == *wallet_address)
            .collect();
        if of_wallet.is_empty() {
            return Err(VaultError::NotFound("wallet"));
        }
        let mut owner = of_wallet
            .into_iter()
            .find(|o| o.public_key == owner_key.public_key())
            .cloned()
            .ok_or(VaultError::OwnerKeyMismatch)?;
        if let Some(wrap) = self.get(&owner_wrap_name(&owner.network, wallet_address))? {
            let opened = envelope::open(
                &wrap,
                &KeySource::OwnerAndDevice {
                    owner: owner_key.expose_be_bytes(),
                    device: &device,
                },
            )?;
            let unlocked = UnlockedVault {
                vault: self.clone(),
                data_key: data_key_from(&opened)?,
                device,
            };
            // The wrapper must lead to the data key that sealed this very owner record.
            if unlocked.open_owner(&owner)?.public_key() != owner.public_key {
                return Err(VaultError::Tampered);
            }
            let pin_wrap = self.wrap_with_pin(&unlocked.data_key, &unlocked.device, new_pin)?;
            self.set(PIN_WRAP, &pin_wrap)?;
            self.reset_attempts(&unlocked.device)?;
            return Ok(unlocked);
        }
        let data_key = DataKey::random(&mut OsRng);
        let unlocked = UnlockedVault {
            vault: self.clone(),
            data_key,
            device,
        };
        for s in &old.sessions {
            self.delete(&session_name(&s.session_public_key))?;
        }
        for o in &old.owners {
            if o != &owner {
                self.delete_owner_items(o)?;
            }
        }
        self.delete(PASSKEY_WRAP)?;
        unlocked.write_owner_record(&owner.network, wallet_address, owner_key)?;
        owner.created_at = self.clock.now_unix();
        self.write_index(
            &unlocked.device,
            &Index {
                owners: vec![owner],
                sessions: vec![],
            },
        )?;
        let wrap = self.wrap_with_pin(&unlocked.data_key, &unlocked.device, new_pin)?;
        self.set(PIN_WRAP, &wrap)?;
        self.reset_attempts(&unlocked.device)?;
        Ok(unlocked)
    }

    fn delete_owner_items(&self, o: &super::OwnerKeyMeta) -> Result<(), VaultError> {
        self.delete(&owner_name(&o.network, &o.wallet_address))?;
        self.delete(&owner_wrap_name(&o.network, &o.wallet_address))?;
        self.delete(&legacy_owner_name(&o.wallet_address))
    }

    /// Deletes every keychain item of this profile (device secret included).
    pub fn destroy(&self) -> Result<(), VaultError> {
        let _g = self.guard()?;
        // The index is read even without a PIN wrapper, so a half-present vault is cleared too.
        if let Ok(index) = self.device_secret().and_then(|d| self.read_index(&d)) {
            for s in &index.sessions {
                self.delete(&session_name(&s.session_public_key))?;
            }
            for o in &index.owners {
                self.delete_owner_items(o)?;
            }
        }
        for name in [PIN_WRAP, PASSKEY_WRAP, ATTEMPTS, INDEX, DEVICE_SECRET] {
            self.delete(name)?;
        }
        Ok(())
    }
}

impl UnlockedVault {
    /// Changes the PIN: only the data key's PIN wrapper is rewritten.
    pub fn change_pin(&self, new_pin: &Pin) -> Result<(), VaultError> {
        check_pin(new_pin)?;
        let _g = self.vault.guard()?;
        let wrap = self
            .vault
            .wrap_with_pin(&self.data_key, &self.device, new_pin)?;
        self.vault.set(PIN_WRAP, &wrap)?;
        self.vault.reset_attempts(&self.device)
    }

    /// Registers a PRF-capable credential on `passkey` and wraps the data key with its output.
    /// Replaces any earlier passkey wrapper.
    pub fn enroll_passkey(&self, passkey: &dyn Passkey, rp_id: &str) -> Result<(), VaultError> {
        let credential_id = passkey.register(rp_id, self.vault.profile.as_bytes())?;
        let mut salt = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
        let prf = passkey.prf(rp_id, &credential_id, &salt)?;
        let wrap = envelope::seal(
            &KeySource::Passkey(&prf),
            Argon2Params::FLOOR,
            self.data_key.expose(),
            &mut OsRng,
        )
        .map_err(|_| VaultError::WrongPinOrDamaged)?;
        let record = PasskeyRecord {
            rp_id: rp_id.to_owned(),
            credential_id: hex::encode(&credential_id),
            prf_salt: hex::encode(salt),
            envelope: hex::encode(&wrap),
        };
        let json = serde_json::to_vec(&record).map_err(|_| VaultError::WrongPinOrDamaged)?;
        let _g = self.vault.guard()?;
        self.vault.set(PASSKEY_WRAP, &json)
    }

    /// Removes the passkey wrapper (the PIN keeps working).
    pub fn remove_passkey(&self) -> Result<(), VaultError> {
        let _g = self.vault.guard()?;
        self.vault.delete(PASSKEY_WRAP)
    }
}
