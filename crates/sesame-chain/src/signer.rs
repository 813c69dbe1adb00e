//! A starknet-rust `Signer` over Sesame's own key type, so the key never leaves a zeroizing,
//! redacted container to be signed with.

use std::sync::Arc;

use sesame_core::keys::{KeyError, PrivateKey};
use starknet_rust::core::crypto::Signature;
use starknet_rust::core::types::Felt;
use starknet_rust::signers::{Signer, SignerInteractivityContext, VerifyingKey};

/// Signs with a [`PrivateKey`] held in an `Arc`, so accounts can share it without copying it.
#[derive(Clone)]
pub struct KeySigner(Arc<PrivateKey>);

impl KeySigner {
    pub fn new(key: Arc<PrivateKey>) -> Self {
        KeySigner(key)
    }

    /// The public key of the held private key.
    pub fn public_key(&self) -> Felt {
        self.0.public_key()
    }
}

impl std::fmt::Debug for KeySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeySigner({:#x})", self.0.public_key())
    }
}

#[async_trait::async_trait]
impl Signer for KeySigner {
    type GetPublicKeyError = KeyError;
    type SignError = KeyError;

    async fn get_public_key(&self) -> Result<VerifyingKey, KeyError> {
        Ok(VerifyingKey::from_scalar(self.0.public_key()))
    }

    async fn sign_hash(&self, hash: &Felt) -> Result<Signature, KeyError> {
        let sig = self.0.sign(hash)?;
        Ok(Signature { r: sig.r, s: sig.s })
    }

    fn is_interactive(&self, _context: SignerInteractivityContext<'_>) -> bool {
        false
    }
}
