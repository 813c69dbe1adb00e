//! Transactions an account's owner key signs: its own calls, session registration, and relaying
//! another account's outside execution (the relayer pays; the user's account pays nothing).

use std::sync::Arc;

use sesame_core::calls;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, OutsideExecution};
use starknet_rust::accounts::{Account, ExecutionEncoding, SingleOwnerAccount};
use starknet_rust::core::types::{BlockId, BlockTag, Felt};
use starknet_rust::providers::jsonrpc::HttpTransport;
use starknet_rust::providers::JsonRpcClient;

use crate::error::ChainError;
use crate::rpc::Chain;
use crate::signer::KeySigner;

type Inner = SingleOwnerAccount<Arc<JsonRpcClient<HttpTransport>>, KeySigner>;

/// An included, successful transaction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TxOutcome {
    /// 0x-hex transaction hash.
    pub tx_hash: String,
    /// The fee actually paid, in the fee token's smallest unit.
    pub fee: String,
    /// `FRI` (STRK) or `WEI` (ETH).
    pub fee_unit: String,
}

/// An account driven by its owner key.
#[derive(Clone)]
pub struct OwnerAccount {
    chain: Chain,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for OwnerAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OwnerAccount({:#x})", self.inner.address())
    }
}

pub(crate) fn to_rs(call: &Call) -> starknet_rust::core::types::Call {
    starknet_rust::core::types::Call {
        to: call.to,
        selector: call.selector,
        calldata: call.calldata.clone(),
    }
}

impl OwnerAccount {
    /// The account at `address`, signing with `key`.
    pub fn new(chain: &Chain, address: Felt, key: Arc<PrivateKey>) -> Self {
        let mut inner = SingleOwnerAccount::new(
            chain.provider().clone(),
            KeySigner::new(key),
            address,
            chain.chain_id(),
            ExecutionEncoding::New,
        );
        inner.set_block_id(BlockId::Tag(BlockTag::Latest));
        OwnerAccount {
            chain: chain.clone(),
            inner: Arc::new(inner),
        }
    }

    pub fn address(&self) -> Felt {
        self.inner.address()
    }

    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Simulates, then sends `calls` and waits for the receipt. A call the contract would refuse
    /// fails in the simulation with [`ChainError::Rejected`], and nothing is sent.
    pub async fn invoke(&self, calls: &[Call]) -> Result<TxOutcome, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let sent = self
            .inner
            .execute_v3(calls)
            .send()
            .await
            .map_err(|e| self.map_account_error(e))?;
        self.finish(sent.transaction_hash).await
    }

    /// Sends `calls` with fixed, generous resource bounds and no simulation, so a refusal shows
    /// up as an on-chain revert ([`ChainError::Reverted`]) rather than a rejected estimate.
    pub async fn invoke_unsimulated(&self, calls: &[Call]) -> Result<TxOutcome, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let sent = self
            .inner
            .execute_v3(calls)
            .l1_gas(0)
            .l1_gas_price(1_000_000_000_000_000)
            .l2_gas(200_000_000)
            .l2_gas_price(100_000_000_000)
            .l1_data_gas(10_000)
            .l1_data_gas_price(1_000_000_000_000)
            .send()
            .await
            .map_err(|e| self.map_account_error(e))?;
        self.finish(sent.transaction_hash).await
    }

    /// Simulates `calls` (a call the contract would refuse fails here, and nothing is sent)
    /// and returns resource bounds with the same headroom `invoke` gives (1.5× the estimated
    /// amounts and prices), for sending transactions of the same shape without simulating
    /// each one.
    pub async fn estimate_bounds(&self, calls: &[Call]) -> Result<FixedBounds, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let fee = self
            .inner
            .execute_v3(calls)
            .estimate_fee()
            .await
            .map_err(|e| self.map_account_error(e))?;
        let amount = |v: u64| v.saturating_add(v / 2);
        let price = |v: u128| v.saturating_add(v / 2);
        Ok(FixedBounds {
            l1_gas: amount(fee.l1_gas_consumed),
            l1_gas_price: price(fee.l1_gas_price),
            l2_gas: amount(fee.l2_gas_consumed),
            l2_gas_price: price(fee.l2_gas_price),
            l1_data_gas: amount(fee.l1_data_gas_consumed),
            l1_data_gas_price: price(fee.l1_data_gas_price),
        })
    }

    /// Sends `calls` with `bounds` and no simulation (and with `nonce` when the caller tracks
    /// it), then waits for the receipt. A refusal is an on-chain revert.
    pub async fn invoke_with(
        &self,
        calls: &[Call],
        bounds: FixedBounds,
        nonce: Option<Felt>,
    ) -> Result<TxOutcome, ChainError> {
        let calls: Vec<_> = calls.iter().map(to_rs).collect();
        let mut tx = self
            .inner
            .execute_v3(calls)
            .l1_gas(bounds.l1_gas)
            .l1_gas_price(bounds.l1_gas_price)
            .l2_gas(bounds.l2_gas)
            .l2_gas_price(bounds.l2_gas_price)
            .l1_data_gas(bounds.l1_data_gas)
            .l1_data_gas_price(bounds.l1_data_gas_price);
        if let Some(n) = nonce {
            tx = tx.nonce(n);
        }
        let sent = tx.send().await.map_err(|e| self.map_account_error(e))?;
        self.finish(sent.transaction_hash).await
    }

    async fn finish(&self, tx_hash: Felt) -> Result<TxOutcome, ChainError> {
        finish(&self.chain, tx_hash).await
    }

    pub(crate) fn map_account_error<S: std::fmt::Display>(
        &self,
        e: starknet_rust::accounts::AccountError<S>,
    ) -> ChainError {
        match e {
            starknet_rust::accounts::AccountError::Provider(p) => self.chain.map_provider_error(p),
            other => ChainError::Unexpected(other.to_string()),
        }
    }

    /// Registers (or updates) a session key on this account.
    pub async fn register_session(
        &self,
        session_key: Felt,
        valid_until: u64,
        max_calls: u32,
        allowed_entrypoints: &[Felt],
    ) -> Result<TxOutcome, ChainError> {
        let call = calls::register_session(
            self.address(),
            session_key,
            valid_until,
            max_calls,
            allowed_entrypoints,
        );
        self.invoke(&[call]).await
    }

    /// Revokes a session key on this account.
    pub async fn revoke_session(&self, session_key: Felt) -> Result<TxOutcome, ChainError> {
        self.invoke(&[calls::revoke_session(self.address(), session_key)])
            .await
    }

    /// Sets a spending policy for `session_key` on `token`.
    pub async fn set_spending_policy(
        &self,
        session_key: Felt,
        token: Felt,
        limit: &calls::SpendingLimit,
    ) -> Result<TxOutcome, ChainError> {
        self.invoke(&[calls::set_spending_policy(
            self.address(),
            session_key,
            token,
            limit,
        )])
        .await
    }

    /// Removes the spending policy for `session_key` on `token`.
    pub async fn remove_spending_policy(
        &self,
        session_key: Felt,
        token: Felt,
    ) -> Result<TxOutcome, ChainError> {
        self.invoke(&[calls::remove_spending_policy(
            self.address(),
            session_key,
            token,
        )])
        .await
    }

    /// Submits `outside` (signed by someone else for `account`) and pays its fee.
    pub async fn relay(
        &self,
        account: Felt,
        outside: &OutsideExecution,
        signature: &[Felt],
    ) -> Result<TxOutcome, ChainError> {
        self.invoke(&[relay_call(account, outside, signature)])
            .await
    }

    /// [`Self::relay`] without simulation: a refusal is an on-chain revert.
    pub async fn relay_unsimulated(
        &self,
        account: Felt,
        outside: &OutsideExecution,
        signature: &[Felt],
    ) -> Result<TxOutcome, ChainError> {
        self.invoke_unsimulated(&[relay_call(account, outside, signature)])
            .await
    }
}

/// Resource bounds of a V3 transaction, fixed in advance (see [`OwnerAccount::estimate_bounds`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedBounds {
    pub l1_gas: u64,
    pub l1_gas_price: u128,
    pub l2_gas: u64,
    pub l2_gas_price: u128,
    pub l1_data_gas: u64,
    pub l1_data_gas_price: u128,
}

/// The relayer's call: `account.execute_from_outside_v2(outside, signature)`.
pub fn relay_call(account: Felt, outside: &OutsideExecution, signature: &[Felt]) -> Call {
    Call::new(
        account,
        "execute_from_outside_v2",
        outside.to_calldata(signature),
    )
}

/// Waits for `tx_hash` and reports the fee it paid.
pub(crate) async fn finish(chain: &Chain, tx_hash: Felt) -> Result<TxOutcome, ChainError> {
    crate::fault::point(crate::fault::AFTER_SEND);
    let receipt = chain.wait_for_receipt(tx_hash).await?;
    let fee = match &receipt.receipt {
        starknet_rust::core::types::TransactionReceipt::Invoke(r) => Some(&r.actual_fee),
        starknet_rust::core::types::TransactionReceipt::Declare(r) => Some(&r.actual_fee),
        starknet_rust::core::types::TransactionReceipt::DeployAccount(r) => Some(&r.actual_fee),
        _ => None,
    };
    Ok(TxOutcome {
        tx_hash: format!("{tx_hash:#x}"),
        fee: fee.map(|f| f.amount.to_string()).unwrap_or_default(),
        fee_unit: fee
            .map(|f| format!("{:?}", f.unit).to_uppercase())
            .unwrap_or_default(),
    })
}
