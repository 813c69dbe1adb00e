//! starknet-devnet's own JSON-RPC methods: funding accounts and moving the chain's clock.
//! They exist only on a devnet; on a public network they fail with [`ChainError::Rejected`].

use serde_json::{json, Value};
use starknet_rust::core::types::Felt;

use crate::error::ChainError;

/// A client for `devnet_*` methods at the node's JSON-RPC URL.
#[derive(Debug, Clone)]
pub struct DevnetClient {
    url: String,
    http: reqwest::Client,
}

impl DevnetClient {
    pub fn new(rpc_url: &str) -> Self {
        DevnetClient {
            url: rpc_url.to_string(),
            http: reqwest::Client::new(),
        }
    }

    async fn request(&self, method: &str, params: Value) -> Result<Value, ChainError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let unreachable = |e: reqwest::Error| ChainError::Unreachable {
            url: self.url.clone(),
            detail: e.to_string(),
        };
        let reply: Value = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?
            .json()
            .await
            .map_err(unreachable)?;
        if let Some(err) = reply.get("error") {
            return Err(ChainError::Rejected {
                reason: format!("{method}: {err}"),
            });
        }
        Ok(reply.get("result").cloned().unwrap_or(Value::Null))
    }

    /// The predeployed accounts as `(address, private key)`: devnet *test* keys derived from a
    /// public seed, used on a local chain to fund new wallets and to relay.
    pub async fn predeployed_accounts(&self) -> Result<Vec<(Felt, Felt)>, ChainError> {
        let reply = self
            .request("devnet_getPredeployedAccounts", json!({}))
            .await?;
        let parse = |v: &Value| v.as_str().and_then(|s| Felt::from_hex(s).ok());
        reply
            .as_array()
            .ok_or_else(|| {
                ChainError::Unexpected("devnet_getPredeployedAccounts: not a list".into())
            })?
            .iter()
            .map(|a| match (parse(&a["address"]), parse(&a["private_key"])) {
                (Some(address), Some(key)) => Ok((address, key)),
                _ => Err(ChainError::Unexpected(
                    "devnet_getPredeployedAccounts: bad entry".into(),
                )),
            })
            .collect()
    }

    /// Mints `amount` of STRK (unit `FRI`) to `address`.
    pub async fn mint_strk(&self, address: Felt, amount: u128) -> Result<(), ChainError> {
        self.request(
            "devnet_mint",
            json!({"address": format!("{address:#x}"), "amount": amount, "unit": "FRI"}),
        )
        .await
        .map(|_| ())
    }

    /// Moves the clock forward by `seconds` and mines a block, so the next transaction sees it.
    pub async fn increase_time(&self, seconds: u64) -> Result<(), ChainError> {
        self.request("devnet_increaseTime", json!({"time": seconds}))
            .await
            .map(|_| ())
    }

    /// Sets the next block's timestamp and mines a block.
    pub async fn set_time(&self, timestamp: u64) -> Result<(), ChainError> {
        self.request(
            "devnet_setTime",
            json!({"time": timestamp, "generate_block": true}),
        )
        .await
        .map(|_| ())
    }
}
