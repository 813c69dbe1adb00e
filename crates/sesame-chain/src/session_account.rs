//! "Direct" session mode: the session key signs the account's own INVOKE (the `__validate__`
//! path, 4-felt session signature) and the account pays the fee. No relayer is involved.

use std::sync::Arc;

use sesame_core::keys::{KeyError, PrivateKey};
use sesame_core::outside::{serialize_calls, Call, SessionSignature};
use starknet_rust::accounts::{
    Account, ConnectedAccount, ExecutionEncoder, RawDeclarationV3, RawExecutionV3,
};
use starknet_rust::core::types::{BlockId, BlockTag, Felt};
use starknet_rust::providers::jsonrpc::HttpTransport;
use starknet_rust::providers::JsonRpcClient;
use starknet_rust::signers::SignerInteractivityContext;

use crate::error::ChainError;
use crate::owner::{to_rs, FixedBounds, TxOutcome};
use crate::rpc::Chain;

/// An account whose transactions are signed by one of its session keys.
#[derive(Clone)]
pub struct SessionAccount {
    chain: Chain,
    address: Felt,
    key: Arc<PrivateKey>,
    valid_until: u64,
}

impl std::fmt::Debug for SessionAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SessionAccount({:#x}, session {:#x})",
            self.address,
            self.key.public_key()
        )
    }
}

impl SessionAccount {
    /// `valid_until` must equal the expiry registered on-chain for this key.
    pub fn new(chain: &Chain, address: Felt, key: Arc<PrivateKey>, valid_until: u64) -> Self {
        SessionAccount {
            chain: chain.clone(),
            address,
            key,
            valid_until,
        }
    }

    /// Simulates, then sends `calls` as the account's own INVOKE and waits for the receipt.
    pub async fn execute(&self, calls: &[Call]) -> Result<TxOutcome, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let sent = self.execute_v3(calls).send().await.map_err(|e| match e {
            starknet_rust::accounts::AccountError::Provider(p) => self.chain.map_provider_error(p),
            other => ChainError::Unexpected(other.to_string()),
        })?;
        crate::owner::finish(&self.chain, sent.transaction_hash).await
    }

    /// Signs and sends `calls` as the account's own INVOKE with `bounds` and `tip`, without
    /// simulating first, then waits for the receipt: what a thief holding the session key could
    /// send. An account that refuses session-signed transactions (v2) refuses it in validation
    /// ([`ChainError::Rejected`]), so nothing is included and nobody pays.
    pub async fn execute_with(
        &self,
        calls: &[Call],
        bounds: FixedBounds,
        tip: u64,
    ) -> Result<TxOutcome, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let sent = self
            .execute_v3(calls)
            .l1_gas(bounds.l1_gas)
            .l1_gas_price(bounds.l1_gas_price)
            .l2_gas(bounds.l2_gas)
            .l2_gas_price(bounds.l2_gas_price)
            .l1_data_gas(bounds.l1_data_gas)
            .l1_data_gas_price(bounds.l1_data_gas_price)
            .tip(tip)
            .send()
            .await
            .map_err(|e| match e {
                starknet_rust::accounts::AccountError::Provider(p) => {
                    self.chain.map_provider_error(p)
                }
                other => ChainError::Unexpected(other.to_string()),
            })?;
        crate::owner::finish(&self.chain, sent.transaction_hash).await
    }
}

impl ExecutionEncoder for SessionAccount {
    fn encode_calls(&self, calls: &[starknet_rust::core::types::Call]) -> Vec<Felt> {
        let ours: Vec<Call> = calls
            .iter()
            .map(|c| Call {
                to: c.to,
                selector: c.selector,
                calldata: c.calldata.clone(),
            })
            .collect();
        let mut out = Vec::new();
        serialize_calls(&ours, &mut out);
        out
    }
}

#[async_trait::async_trait]
impl Account for SessionAccount {
    type SignError = KeyError;

    fn address(&self) -> Felt {
        self.address
    }

    fn chain_id(&self) -> Felt {
        self.chain.chain_id()
    }

    async fn sign_execution_v3(
        &self,
        execution: &RawExecutionV3,
        query_only: bool,
    ) -> Result<Vec<Felt>, KeyError> {
        let hash =
            execution.transaction_hash(self.chain.chain_id(), self.address, query_only, self);
        Ok(SessionSignature::sign(&self.key, &hash, self.valid_until)?
            .to_felts()
            .to_vec())
    }

    async fn sign_declaration_v3(
        &self,
        _: &RawDeclarationV3,
        _: bool,
    ) -> Result<Vec<Felt>, KeyError> {
        Err(KeyError::Sign(
            "a session key cannot declare classes".into(),
        ))
    }

    fn is_signer_interactive(&self, _context: SignerInteractivityContext<'_>) -> bool {
        false
    }
}

impl ConnectedAccount for SessionAccount {
    type Provider = Arc<JsonRpcClient<HttpTransport>>;

    fn provider(&self) -> &Self::Provider {
        self.chain.provider()
    }

    fn block_id(&self) -> BlockId {
        BlockId::Tag(BlockTag::Latest)
    }
}
