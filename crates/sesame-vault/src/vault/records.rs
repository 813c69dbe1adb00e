//! Records authenticated with a MAC keyed by the device secret (the index, the attempt
//! counter), and the index of public metadata they protect. A record that does not verify
//! reads as tampered, so editing the keychain cannot forge metadata or reset the counter.

use hmac::{Hmac, Mac};
use sesame_core::Felt;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{Vault, DEVICE_SECRET, INDEX};
use crate::error::VaultError;
use crate::secret::DeviceSecret;

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

/// The authenticated index: every stored owner and session key's public metadata.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Index {
    pub(super) owners: Vec<OwnerKeyMeta>,
    pub(super) sessions: Vec<SessionMeta>,
}

const MAC_LEN: usize = 32;
const MAC_INFO: &[u8] = b"sesame/record-mac/v1";

impl Vault {
    pub(super) fn device_secret(&self) -> Result<DeviceSecret, VaultError> {
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

    pub(super) fn put_authenticated(
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
    pub(super) fn get_authenticated(
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

    pub(super) fn read_index(&self, device: &DeviceSecret) -> Result<Index, VaultError> {
        let payload = self
            .get_authenticated(device, INDEX)?
            .ok_or(VaultError::Tampered)?;
        serde_json::from_slice(&payload).map_err(|_| VaultError::Tampered)
    }

    pub(super) fn write_index(
        &self,
        device: &DeviceSecret,
        index: &Index,
    ) -> Result<(), VaultError> {
        let json = serde_json::to_vec(index).map_err(|_| VaultError::Tampered)?;
        self.put_authenticated(device, INDEX, &json)
    }

    pub(super) fn index(&self) -> Result<Index, VaultError> {
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
        let _g = self.guard()?;
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
}
