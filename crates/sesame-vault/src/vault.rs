//! The vault: a device secret, a data key wrapped by the PIN (and optionally a passkey),
//! owner and session keys encrypted under the data key, an index of public metadata, and an
//! authenticated PIN attempt counter, all kept in a [`SecretStore`] (the OS keychain).
//!
//! Every method blocks (keychain round trips, ~0.5 s of argon2id for a PIN). Call them from
//! `spawn_blocking` in async code.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hmac::{Hmac, Mac};
use rand_core::OsRng;
use sesame_core::keys::PrivateKey;
use sesame_core::Felt;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::chipi::{ChipiSessionKeyData, ChipiWalletData};
use crate::envelope::{self, Argon2Params, KeySource};
use crate::error::VaultError;
use crate::passkey::{Passkey, PasskeyError};
use crate::secret::{DataKey, DeviceSecret, Passphrase, Pin, PrfOutput};
use crate::store::{KeychainStore, SecretStore};

/// Shortest PIN accepted when creating a vault or changing the PIN.
pub const MIN_PIN_CHARS: usize = 4;
/// Shortest backup passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
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

/// A source of the current time (unix seconds), so tests need not sleep.
pub trait Clock: Send + Sync {
    /// Seconds since the unix epoch.
    fn now_unix(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// Public metadata of a stored owner (account) key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OwnerKeyMeta {
    /// The account contract address.
    #[serde(with = "felt_hex")]
    pub wallet_address: Felt,
    /// The owner's Stark public key.
    #[serde(with = "felt_hex")]
    pub public_key: Felt,
    /// Network name, e.g. "mainnet", "sepolia", "devnet".
    pub network: String,
    /// When it was stored, unix seconds.
    pub created_at: u64,
}

/// Public metadata of a stored session key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionMeta {
    /// The account the session belongs to.
    #[serde(with = "felt_hex")]
    pub wallet_address: Felt,
    /// The session's Stark public key (its id).
    #[serde(with = "felt_hex")]
    pub session_public_key: Felt,
    /// Expiry, unix seconds.
    pub valid_until: u64,
    /// Lifecycle state as last recorded by the app ("created", "active", "expired", "revoked").
    pub state: String,
    /// When it was stored, unix seconds.
    pub created_at: u64,
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
}

/// What [`UnlockedVault::import_backup`] added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    /// Owner keys restored.
    pub owner_keys: usize,
    /// Session keys restored.
    pub session_keys: usize,
}

mod felt_hex {
    use sesame_core::Felt;

    pub fn serialize<S: serde::Serializer>(felt: &Felt, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&sesame_core::felt::to_hex(felt))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Felt, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        sesame_core::felt::parse_felt(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct Index {
    owners: Vec<OwnerKeyMeta>,
    sessions: Vec<SessionMeta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attempts {
    failures: u32,
    last_failure: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PasskeyRecord {
    rp_id: String,
    credential_id: String,
    prf_salt: String,
    envelope: String,
}

const DEVICE_SECRET: &str = "device-secret";
const PIN_WRAP: &str = "pin-wrap";
const PASSKEY_WRAP: &str = "passkey-wrap";
const ATTEMPTS: &str = "attempts";
const INDEX: &str = "index";
const MAC_LEN: usize = 32;
const MAC_INFO: &[u8] = b"sesame/record-mac/v1";
const BACKUP_MAGIC: &[u8; 5] = b"SSMB\x01";

/// A vault for one profile. Cheap to clone; clones share a lock that serialises writes.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    profile: String,
    pin_params: Argon2Params,
    write_lock: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("profile", &self.profile)
            .field("pin_params", &self.pin_params)
            .finish_non_exhaustive()
    }
}

/// An unlocked vault: holds the data key until dropped.
pub struct UnlockedVault {
    vault: Vault,
    data_key: DataKey,
    device: DeviceSecret,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("profile", &self.vault.profile)
            .field("data_key", &self.data_key)
            .finish_non_exhaustive()
    }
}

fn check_profile(profile: &str) -> Result<(), VaultError> {
    let ok = !profile.is_empty()
        && profile.len() <= 64
        && profile
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(VaultError::InvalidProfile)
    }
}

fn check_pin(pin: &Pin) -> Result<(), VaultError> {
    if pin.char_count() < MIN_PIN_CHARS {
        return Err(VaultError::SecretTooShort {
            what: "PIN",
            min: MIN_PIN_CHARS,
        });
    }
    Ok(())
}

fn hex_felt(felt: &Felt) -> String {
    sesame_core::felt::to_hex(felt)
}

fn data_key_from(plaintext: &[u8]) -> Result<DataKey, VaultError> {
    let bytes: [u8; 32] = plaintext
        .try_into()
        .map_err(|_| VaultError::WrongPinOrDamaged)?;
    Ok(DataKey::from_bytes(bytes))
}

fn key_from(plaintext: &[u8]) -> Result<PrivateKey, VaultError> {
    let mut bytes: [u8; 32] = plaintext.try_into().map_err(|_| VaultError::Tampered)?;
    let key = PrivateKey::from_be_bytes(bytes).map_err(|_| VaultError::Tampered);
    zeroize::Zeroize::zeroize(&mut bytes);
    key
}

impl Vault {
    /// A vault over the platform keychain (Secret Service on Linux). Fails with
    /// `KEYCHAIN_UNAVAILABLE` when no unlocked keychain answers; there is no fallback.
    pub fn open_keychain(profile: &str) -> Result<Vault, VaultError> {
        let store = KeychainStore::connect()?;
        Vault::new(Arc::new(store), Arc::new(SystemClock), profile)
    }

    /// A vault over any store and clock. `profile` namespaces every key (`[A-Za-z0-9._-]`,
    /// at most 64 characters), so tests and the dev and prod apps never collide.
    pub fn new(
        store: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        profile: &str,
    ) -> Result<Vault, VaultError> {
        check_profile(profile)?;
        Ok(Vault {
            store,
            clock,
            profile: profile.to_owned(),
            pin_params: Argon2Params::DEFAULT_PIN,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    /// Uses other argon2id parameters for new PIN wrappers (they must respect the floors).
    pub fn with_pin_params(mut self, params: Argon2Params) -> Result<Vault, VaultError> {
        params.check().map_err(|_| VaultError::InvalidParameters)?;
        self.pin_params = params;
        Ok(self)
    }

    /// The profile name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    fn key(&self, name: &str) -> String {
        format!("{}/{}", self.profile, name)
    }

    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        Ok(self.store.get(&self.key(name))?)
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), VaultError> {
        Ok(self.store.set(&self.key(name), value)?)
    }

    fn delete(&self, name: &str) -> Result<(), VaultError> {
        Ok(self.store.delete(&self.key(name))?)
    }

    fn guard(&self) -> MutexGuard<'_, ()> {
        self.write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a vault exists for this profile.
    pub fn is_initialized(&self) -> Result<bool, VaultError> {
        Ok(self.get(PIN_WRAP)?.is_some())
    }

    fn device_secret(&self) -> Result<DeviceSecret, VaultError> {
        let raw = self
            .get(DEVICE_SECRET)?
            .ok_or(VaultError::DeviceSecretMissing)?;
        let bytes: [u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::DeviceSecretMissing)?;
        Ok(DeviceSecret::from_bytes(bytes))
    }

    fn mac(&self, device: &DeviceSecret, name: &str, payload: &[u8]) -> Hmac<Sha256> {
        let hk = hkdf::Hkdf::<Sha256>::new(None, device.expose());
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is always a valid HKDF-SHA256 output length.
        let _ = hk.expand(MAC_INFO, key.as_mut());
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(self.profile.as_bytes());
        mac.update(&[0]);
        mac.update(name.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        mac
    }

    fn put_authenticated(
        &self,
        device: &DeviceSecret,
        name: &str,
        payload: &[u8],
    ) -> Result<(), VaultError> {
        let tag = self.mac(device, name, payload).finalize().into_bytes();
        let mut blob = payload.to_vec();
        blob.extend_from_slice(&tag);
        self.set(name, &blob)
    }

    /// `Ok(None)` when missing; `Err(Tampered)` when the MAC does not verify.
    fn get_authenticated(
        &self,
        device: &DeviceSecret,
        name: &str,
    ) -> Result<Option<Vec<u8>>, VaultError> {
        let Some(blob) = self.get(name)? else {
            return Ok(None);
        };
        if blob.len() < MAC_LEN {
            return Err(VaultError::Tampered);
        }
        let (payload, tag) = blob.split_at(blob.len() - MAC_LEN);
        self.mac(device, name, payload)
            .verify_slice(tag)
            .map_err(|_| VaultError::Tampered)?;
        Ok(Some(payload.to_vec()))
    }

    fn read_index(&self, device: &DeviceSecret) -> Result<Index, VaultError> {
        let payload = self
            .get_authenticated(device, INDEX)?
            .ok_or(VaultError::Tampered)?;
        serde_json::from_slice(&payload).map_err(|_| VaultError::Tampered)
    }

    fn write_index(&self, device: &DeviceSecret, index: &Index) -> Result<(), VaultError> {
        let json = serde_json::to_vec(index).map_err(|_| VaultError::Tampered)?;
        self.put_authenticated(device, INDEX, &json)
    }

    fn index(&self) -> Result<Index, VaultError> {
        if !self.is_initialized()? {
            return Ok(Index::default());
        }
        let device = self.device_secret()?;
        self.read_index(&device)
    }

    /// Owner keys stored in this vault (public metadata only; no unlock needed).
    pub fn list_owner_keys(&self) -> Result<Vec<OwnerKeyMeta>, VaultError> {
        Ok(self.index()?.owners)
    }

    /// Session keys stored in this vault (public metadata only; no unlock needed).
    pub fn list_sessions(&self) -> Result<Vec<SessionMeta>, VaultError> {
        Ok(self.index()?.sessions)
    }

    /// Records a session's new lifecycle state (metadata only; no unlock needed).
    pub fn set_session_state(
        &self,
        session_public_key: &Felt,
        state: &str,
    ) -> Result<SessionMeta, VaultError> {
        let _g = self.guard();
        let device = self.device_secret()?;
        let mut index = self.read_index(&device)?;
        let meta = index
            .sessions
            .iter_mut()
            .find(|s| s.session_public_key == *session_public_key)
            .ok_or(VaultError::NotFound("session key"))?;
        meta.state = state.to_owned();
        let out = meta.clone();
        self.write_index(&device, &index)?;
        Ok(out)
    }

    // ---- PIN attempt counter ----

    fn read_attempts(&self, device: &DeviceSecret) -> Option<Attempts> {
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

    fn write_attempts(&self, device: &DeviceSecret, a: Attempts) -> Result<(), VaultError> {
        let mut payload = [0u8; 12];
        payload[..4].copy_from_slice(&a.failures.to_be_bytes());
        payload[4..].copy_from_slice(&a.last_failure.to_be_bytes());
        self.put_authenticated(device, ATTEMPTS, &payload)
    }

    fn reset_attempts(&self, device: &DeviceSecret) -> Result<(), VaultError> {
        self.write_attempts(
            device,
            Attempts {
                failures: 0,
                last_failure: 0,
            },
        )
    }

    fn status_of(&self, attempts: Option<Attempts>) -> AttemptStatus {
        let Some(a) = attempts else {
            return AttemptStatus {
                failures: MAX_FAILURES,
                attempts_left: 0,
                retry_after_secs: 0,
                locked_out: true,
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

    // ---- create / unlock ----

    /// Creates the vault: a fresh device secret in the keychain, a fresh data key wrapped by
    /// `pin`, an empty index and a zeroed attempt counter.
    pub fn create(&self, pin: &Pin) -> Result<UnlockedVault, VaultError> {
        check_pin(pin)?;
        let _g = self.guard();
        if self.is_initialized()? {
            return Err(VaultError::AlreadyInitialized);
        }
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
        let _g = self.guard();
        let wrap = self.get(PIN_WRAP)?.ok_or(VaultError::NotInitialized)?;
        let device = self.device_secret()?;
        let attempts = self.read_attempts(&device);
        let status = self.status_of(attempts);
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
        let _g = self.guard();
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

    /// Recovery when the PIN is forgotten or locked out: proves possession of a stored owner
    /// key, then starts a fresh data key under `new_pin`. The data key cannot be recovered
    /// without the PIN or passkey, so every other record (other owners, all session keys, the
    /// passkey wrapper) is removed; sessions should be revoked on-chain with the owner key.
    /// Resets the attempt counter.
    pub fn recover_with_owner_key(
        &self,
        wallet_address: &Felt,
        owner_key: &PrivateKey,
        new_pin: &Pin,
    ) -> Result<UnlockedVault, VaultError> {
        check_pin(new_pin)?;
        let _g = self.guard();
        if !self.is_initialized()? {
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
        let mut owner = old
            .owners
            .iter()
            .find(|o| o.wallet_address == *wallet_address)
            .cloned()
            .ok_or(VaultError::NotFound("wallet"))?;
        if owner.public_key != owner_key.public_key() {
            return Err(VaultError::OwnerKeyMismatch);
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
            if o.wallet_address != *wallet_address {
                self.delete(&owner_name(&o.wallet_address))?;
            }
        }
        self.delete(PASSKEY_WRAP)?;
        unlocked.write_owner_record(wallet_address, owner_key)?;
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

    /// Deletes every keychain item of this profile (device secret included).
    pub fn destroy(&self) -> Result<(), VaultError> {
        let _g = self.guard();
        if let Ok(index) = self.index() {
            for s in &index.sessions {
                self.delete(&session_name(&s.session_public_key))?;
            }
            for o in &index.owners {
                self.delete(&owner_name(&o.wallet_address))?;
            }
        }
        for name in [PIN_WRAP, PASSKEY_WRAP, ATTEMPTS, INDEX, DEVICE_SECRET] {
            self.delete(name)?;
        }
        Ok(())
    }
}

fn owner_name(wallet: &Felt) -> String {
    format!("owner/{}", hex_felt(wallet))
}

fn session_name(session_public_key: &Felt) -> String {
    format!("session/{}", hex_felt(session_public_key))
}

impl UnlockedVault {
    /// The vault this was unlocked from.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    fn seal_key(&self, key: &PrivateKey) -> Result<Vec<u8>, VaultError> {
        envelope::seal(
            &KeySource::DataKey(&self.data_key),
            Argon2Params::FLOOR,
            key.expose_be_bytes(),
            &mut OsRng,
        )
        .map_err(|_| VaultError::WrongPinOrDamaged)
    }

    fn open_key(&self, name: &str, expected_public_key: &Felt) -> Result<PrivateKey, VaultError> {
        let blob = self
            .vault
            .get(name)?
            .ok_or(VaultError::NotFound("key record"))?;
        let plain = envelope::open(&blob, &KeySource::DataKey(&self.data_key))?;
        let key = key_from(&plain)?;
        // A record moved under another name decrypts, but to the wrong public key.
        if key.public_key() != *expected_public_key {
            return Err(VaultError::Tampered);
        }
        Ok(key)
    }

    fn write_owner_record(&self, wallet: &Felt, key: &PrivateKey) -> Result<(), VaultError> {
        let sealed = self.seal_key(key)?;
        self.vault.set(&owner_name(wallet), &sealed)
    }

    /// Stores (or replaces) the owner key of `wallet_address`. Storing an owner key also resets
    /// the PIN attempt counter.
    pub fn store_owner_key(
        &self,
        wallet_address: Felt,
        network: &str,
        key: &PrivateKey,
    ) -> Result<OwnerKeyMeta, VaultError> {
        let _g = self.vault.guard();
        let mut index = self.vault.read_index(&self.device)?;
        self.write_owner_record(&wallet_address, key)?;
        let meta = OwnerKeyMeta {
            wallet_address,
            public_key: key.public_key(),
            network: network.to_owned(),
            created_at: self.vault.clock.now_unix(),
        };
        index.owners.retain(|o| o.wallet_address != wallet_address);
        index.owners.push(meta.clone());
        self.vault.write_index(&self.device, &index)?;
        self.vault.reset_attempts(&self.device)?;
        Ok(meta)
    }

    /// The owner key of `wallet_address`.
    pub fn owner_key(&self, wallet_address: &Felt) -> Result<PrivateKey, VaultError> {
        let index = self.vault.read_index(&self.device)?;
        let meta = index
            .owners
            .iter()
            .find(|o| o.wallet_address == *wallet_address)
            .ok_or(VaultError::NotFound("wallet"))?;
        self.open_key(&owner_name(wallet_address), &meta.public_key)
    }

    /// Stores (or replaces) a session key, indexed by its public key.
    pub fn store_session_key(
        &self,
        wallet_address: Felt,
        valid_until: u64,
        state: &str,
        key: &PrivateKey,
    ) -> Result<SessionMeta, VaultError> {
        let _g = self.vault.guard();
        let mut index = self.vault.read_index(&self.device)?;
        let session_public_key = key.public_key();
        let sealed = self.seal_key(key)?;
        self.vault
            .set(&session_name(&session_public_key), &sealed)?;
        let meta = SessionMeta {
            wallet_address,
            session_public_key,
            valid_until,
            state: state.to_owned(),
            created_at: self.vault.clock.now_unix(),
        };
        index
            .sessions
            .retain(|s| s.session_public_key != session_public_key);
        index.sessions.push(meta.clone());
        self.vault.write_index(&self.device, &index)?;
        Ok(meta)
    }

    /// The session key whose public key is `session_public_key`.
    pub fn session_key(&self, session_public_key: &Felt) -> Result<PrivateKey, VaultError> {
        let index = self.vault.read_index(&self.device)?;
        if !index
            .sessions
            .iter()
            .any(|s| s.session_public_key == *session_public_key)
        {
            return Err(VaultError::NotFound("session key"));
        }
        self.open_key(&session_name(session_public_key), session_public_key)
    }

    /// Removes a session key and its metadata.
    pub fn delete_session(&self, session_public_key: &Felt) -> Result<(), VaultError> {
        let _g = self.vault.guard();
        let mut index = self.vault.read_index(&self.device)?;
        index
            .sessions
            .retain(|s| s.session_public_key != *session_public_key);
        self.vault.write_index(&self.device, &index)?;
        self.vault.delete(&session_name(session_public_key))
    }

    /// Changes the PIN: only the data key's PIN wrapper is rewritten.
    pub fn change_pin(&self, new_pin: &Pin) -> Result<(), VaultError> {
        check_pin(new_pin)?;
        let _g = self.vault.guard();
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
        let _g = self.vault.guard();
        self.vault.set(PASSKEY_WRAP, &json)
    }

    /// Removes the passkey wrapper (the PIN keeps working).
    pub fn remove_passkey(&self) -> Result<(), VaultError> {
        let _g = self.vault.guard();
        self.vault.delete(PASSKEY_WRAP)
    }

    /// Imports a Chipi `SessionKeyData` JSON encrypted with `encrypt_key`: decrypts it, checks
    /// the public key, and stores it in a v1 envelope.
    pub fn import_chipi_session(
        &self,
        session_key_data_json: &str,
        encrypt_key: &Pin,
        wallet_address: Felt,
        state: &str,
    ) -> Result<SessionMeta, VaultError> {
        let data = ChipiSessionKeyData::from_json(session_key_data_json)?;
        let key = data.decrypt(encrypt_key)?;
        self.store_session_key(wallet_address, data.valid_until, state, &key)
    }

    /// Imports a Chipi `WalletData` JSON encrypted with `encrypt_key` as the owner key of
    /// `wallet_address` (this also resets the PIN attempt counter).
    pub fn import_chipi_wallet(
        &self,
        wallet_data_json: &str,
        encrypt_key: &Pin,
        wallet_address: Felt,
        network: &str,
    ) -> Result<OwnerKeyMeta, VaultError> {
        let data = ChipiWalletData::from_json(wallet_data_json)?;
        let key = data.decrypt(encrypt_key)?;
        self.store_owner_key(wallet_address, network, &key)
    }

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
            let key = self.owner_key(&o.wallet_address)?;
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
            owners.push((o, key));
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
            sessions.push((s, key));
        }
        for (o, key) in &owners {
            self.store_owner_key(o.wallet_address, &o.network, key)?;
        }
        for (s, key) in &sessions {
            self.store_session_key(s.wallet_address, s.valid_until, &s.state, key)?;
        }
        Ok(BackupSummary {
            owner_keys: owners.len(),
            session_keys: sessions.len(),
        })
    }
}
