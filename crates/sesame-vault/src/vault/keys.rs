//! Owner and session keys, each sealed under the data key in its own keychain item and listed
//! in the index. Reading a key checks it against its recorded public key, so a record moved
//! under another name is refused.

use rand_core::OsRng;
use sesame_core::keys::PrivateKey;
use sesame_core::Felt;

use super::{OwnerKeyMeta, SessionMeta, UnlockedVault};
use crate::chipi::{ChipiSessionKeyData, ChipiWalletData};
use crate::envelope::{self, Argon2Params, KeySource};
use crate::error::VaultError;
use crate::secret::Pin;

fn hex_felt(felt: &Felt) -> String {
    sesame_core::felt::to_hex(felt)
}

pub(super) fn key_from(plaintext: &[u8]) -> Result<PrivateKey, VaultError> {
    let mut bytes: [u8; 32] = plaintext.try_into().map_err(|_| VaultError::Tampered)?;
    let key = PrivateKey::from_be_bytes(bytes).map_err(|_| VaultError::Tampered);
    zeroize::Zeroize::zeroize(&mut bytes);
    key
}

/// Owner records are filed by network and address: the same address can hold different owner
/// keys on two networks (after a key rotation on one), and one must never overwrite the other.
pub(super) fn owner_name(network: &str, wallet: &Felt) -> String {
    format!("owner/{network}/{}", hex_felt(wallet))
}

/// Where vaults written before per-network records kept an owner key (read, never written).
pub(super) fn legacy_owner_name(wallet: &Felt) -> String {
    format!("owner/{}", hex_felt(wallet))
}

/// The data key wrapped by this owner key and the device secret: how a locked-out vault is
/// opened again with the owner key, keeping every record.
pub(super) fn owner_wrap_name(network: &str, wallet: &Felt) -> String {
    format!("owner-wrap/{network}/{}", hex_felt(wallet))
}

/// A new owner key staged before a rotation is sent: kept until the chain holds it, so a crash
/// between sending and confirming never loses the key the account now answers to.
pub(super) fn staged_owner_name(network: &str, wallet: &Felt) -> String {
    format!("owner-next/{network}/{}", hex_felt(wallet))
}

pub(super) fn session_name(session_public_key: &Felt) -> String {
    format!("session/{}", hex_felt(session_public_key))
}

impl UnlockedVault {
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

    pub(super) fn write_owner_record(
        &self,
        network: &str,
        wallet: &Felt,
        key: &PrivateKey,
    ) -> Result<(), VaultError> {
        let sealed = self.seal_key(key)?;
        self.vault.set(&owner_name(network, wallet), &sealed)?;
        let wrap = envelope::seal(
            &KeySource::OwnerAndDevice {
                owner: key.expose_be_bytes(),
                device: &self.device,
            },
            Argon2Params::FLOOR,
            self.data_key.expose(),
            &mut OsRng,
        )
        .map_err(|_| VaultError::WrongPinOrDamaged)?;
        self.vault.set(&owner_wrap_name(network, wallet), &wrap)
    }

    /// Opens the owner record of `meta`, under its per-network name or, for a vault written
    /// before those, its legacy name.
    pub(super) fn open_owner(&self, meta: &OwnerKeyMeta) -> Result<PrivateKey, VaultError> {
        let name = owner_name(&meta.network, &meta.wallet_address);
        if self.vault.get(&name)?.is_some() {
            return self.open_key(&name, &meta.public_key);
        }
        self.open_key(&legacy_owner_name(&meta.wallet_address), &meta.public_key)
    }

    /// Stores (or replaces) the owner key of `wallet_address`. Storing an owner key also resets
    /// the PIN attempt counter.
    pub fn store_owner_key(
        &self,
        wallet_address: Felt,
        network: &str,
        key: &PrivateKey,
    ) -> Result<OwnerKeyMeta, VaultError> {
        let _g = self.vault.guard()?;
        let mut index = self.vault.read_index(&self.device)?;
        self.write_owner_record(network, &wallet_address, key)?;
        // A replaced key (a rotation) keeps its wallet's place in the list.
        let created_at = index
            .owners
            .iter()
            .find(|o| o.wallet_address == wallet_address && o.network == network)
            .map(|o| o.created_at)
            .unwrap_or_else(|| self.vault.clock.now_unix());
        let meta = OwnerKeyMeta {
            wallet_address,
            public_key: key.public_key(),
            network: network.to_owned(),
            created_at,
        };
        index
            .owners
            .retain(|o| !(o.wallet_address == wallet_address && o.network == network));
        index.owners.push(meta.clone());
        self.vault.write_index(&self.device, &index)?;
        self.vault.reset_attempts(&self.device)?;
        Ok(meta)
    }

    /// The owner key of `wallet_address` on `network`.
    pub fn owner_key_on(
        &self,
        network: &str,
        wallet_address: &Felt,
    ) -> Result<PrivateKey, VaultError> {
        let index = self.vault.read_index(&self.device)?;
        let meta = index
            .owners
            .iter()
            .find(|o| o.wallet_address == *wallet_address && o.network == network)
            .ok_or(VaultError::NotFound("wallet"))?;
        self.open_owner(meta)
    }

    /// The owner key of `wallet_address`, on whichever network it was stored first (use
    /// [`Self::owner_key_on`] where the network is known).
    pub fn owner_key(&self, wallet_address: &Felt) -> Result<PrivateKey, VaultError> {
        let index = self.vault.read_index(&self.device)?;
        let meta = index
            .owners
            .iter()
            .find(|o| o.wallet_address == *wallet_address)
            .ok_or(VaultError::NotFound("wallet"))?;
        self.open_owner(meta)
    }

    /// Stages `key` as the next owner key of `wallet_address` on `network`, replacing any key
    /// staged before. Call it before the rotation is sent; [`Self::commit_staged_owner_key`]
    /// once the chain holds the key.
    pub fn stage_owner_key(
        &self,
        network: &str,
        wallet_address: &Felt,
        key: &PrivateKey,
    ) -> Result<(), VaultError> {
        let _g = self.vault.guard()?;
        let sealed = self.seal_key(key)?;
        self.vault
            .set(&staged_owner_name(network, wallet_address), &sealed)
    }

    /// The owner key staged for `wallet_address` on `network`, if a rotation is under way.
    /// (Sealed under the data key; whether it is the account's key is the chain's to say.)
    pub fn staged_owner_key(
        &self,
        network: &str,
        wallet_address: &Felt,
    ) -> Result<Option<PrivateKey>, VaultError> {
        let Some(blob) = self
            .vault
            .get(&staged_owner_name(network, wallet_address))?
        else {
            return Ok(None);
        };
        let plain = envelope::open(&blob, &KeySource::DataKey(&self.data_key))?;
        key_from(&plain).map(Some)
    }

    /// Makes the staged key the owner key of `wallet_address` on `network` (its record, its
    /// recovery wrap and its index entry), then drops the staged copy. Idempotent: a crash
    /// between the two steps leaves a staged copy equal to the owner key, committed again.
    pub fn commit_staged_owner_key(
        &self,
        network: &str,
        wallet_address: &Felt,
    ) -> Result<OwnerKeyMeta, VaultError> {
        let key = self
            .staged_owner_key(network, wallet_address)?
            .ok_or(VaultError::NotFound("staged owner key"))?;
        let meta = self.store_owner_key(*wallet_address, network, &key)?;
        let _g = self.vault.guard()?;
        self.vault
            .delete(&staged_owner_name(network, wallet_address))?;
        Ok(meta)
    }

    /// Stores (or replaces) a session key, indexed by its public key.
    pub fn store_session_key(
        &self,
        wallet_address: Felt,
        valid_until: u64,
        state: &str,
        key: &PrivateKey,
    ) -> Result<SessionMeta, VaultError> {
        let _g = self.vault.guard()?;
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
        let _g = self.vault.guard()?;
        let mut index = self.vault.read_index(&self.device)?;
        index
            .sessions
            .retain(|s| s.session_public_key != *session_public_key);
        self.vault.write_index(&self.device, &index)?;
        self.vault.delete(&session_name(session_public_key))
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
}
