//! The checked connection to a Starknet node, and every read Sesame makes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sesame_core::calls::SessionCall;
use sesame_core::felt::{felt_to_u64, U256};
use sesame_core::preflight::RecipientRule;
use sesame_core::selector::selector_from_name;
use sesame_core::session::{ChainStatus, OnChainSession};
use starknet_rust::core::types::requests::{CallRequest, GetBlockWithTxHashesRequest};
use starknet_rust::core::types::{
    BlockId, BlockTag, ExecutionResult, Felt, FunctionCall, MaybePreConfirmedBlockWithTxHashes,
    StarknetError, TransactionReceiptWithBlockInfo,
};
use starknet_rust::providers::jsonrpc::{HttpTransport, HttpTransportError, JsonRpcClientError};
use starknet_rust::providers::{
    JsonRpcClient, Provider, ProviderError, ProviderRequestData, ProviderResponseData,
};
use url::Url;

use crate::error::{revert_reason, ChainError};

/// The JSON-RPC spec Sesame is written against; the patch version may differ.
pub const SUPPORTED_SPEC_MAJOR_MINOR: &str = "0.10";

/// How long Sesame waits for a node. A node that accepts the connection and never answers must
/// end in a typed error, not a hang that keeps keys in memory behind a stuck lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connection set-up.
    pub connect: Duration,
    /// One whole request, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect, 30 s per request: a simulation on a busy public node takes seconds,
    /// never half a minute.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// An HTTP client that applies these timeouts to every request. Only the TLS back-end's
    /// initialisation can fail; then there is no client, rather than one without timeouts.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, reqwest::Error> {
        reqwest::Client::builder()
            .connect_timeout(self.connect)
            .timeout(self.request)
            .build()
    }
}

/// Whether a provider error is a request that ran out of time.
fn is_timeout(e: &ProviderError) -> bool {
    let ProviderError::Other(inner) = e else {
        return false;
    };
    matches!(
        inner
            .as_any()
            .downcast_ref::<JsonRpcClientError<HttpTransportError>>(),
        Some(JsonRpcClientError::TransportError(HttpTransportError::Reqwest(r))) if r.is_timeout()
    )
}

/// A connection to one node, whose spec version has been checked and chain id read.
#[derive(Clone)]
pub struct Chain {
    provider: Arc<JsonRpcClient<HttpTransport>>,
    url: String,
    chain_id: Felt,
    spec_version: String,
    timeouts: Timeouts,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("url", &self.url)
            .field("chain_id", &self.chain_id)
            .finish()
    }
}

/// A spending policy as stored on-chain, with the window's spend as of `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SpendingPolicyState {
    pub max_per_call: U256,
    pub max_per_window: U256,
    pub window_seconds: u64,
    /// Spent in the current window; zero once the window has passed.
    pub spent_in_window: U256,
    pub window_start: u64,
}

/// What a transaction cost and did, read from its receipt, whether it succeeded or reverted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDetails {
    /// The fee actually charged, in the fee token's smallest unit.
    pub actual_fee: u128,
    /// `FRI` (STRK) or `WEI` (ETH).
    pub fee_unit: String,
    pub l1_gas: u64,
    pub l1_data_gas: u64,
    pub l2_gas: u64,
    pub block_number: u64,
    /// `None` when it succeeded, else the node's revert reason.
    pub revert_reason: Option<String>,
    /// The events it emitted, as `(from_address, keys, data)`.
    pub events: Vec<(Felt, Vec<Felt>, Vec<Felt>)>,
}

/// A v2 account's view of one session: status word, scope (empty when broad) and the
/// non-empty recipient rules among the tokens asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionV2 {
    pub status: ChainStatus,
    pub scope: Vec<SessionCall>,
    pub recipients: Vec<RecipientRule>,
}

fn malformed(what: &str) -> ChainError {
    ChainError::Unexpected(format!("the account returned a malformed {what}"))
}

/// The tokens whose recipient rules matter to a session: its scope's contracts, or, for a
/// broad session, STRK and ETH.
fn tokens_of(scope: &[SessionCall]) -> Vec<Felt> {
    let mut tokens: Vec<Felt> = if scope.is_empty() {
        vec![sesame_core::spec::STRK, sesame_core::spec::ETH]
    } else {
        scope.iter().map(|p| p.to).collect()
    };
    tokens.sort();
    tokens.dedup();
    tokens
}

/// One session as preflight sees it (see [`Chain::session_snapshot`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSnapshot {
    /// Chain time: the latest block's timestamp.
    pub now: u64,
    pub data: OnChainSession,
    /// The policies asked about, set or not (a zero window means none).
    pub policies: Vec<(Felt, SpendingPolicyState)>,
    pub v2: Option<SessionV2>,
}

/// A Cairo `Array<felt252>` return: its length, then exactly that many felts.
fn decode_array(felts: &[Felt]) -> Option<Vec<Felt>> {
    let (len, rest) = felts.split_first()?;
    (felt_to_u64(len)? as usize == rest.len()).then(|| rest.to_vec())
}

/// A Cairo `Array<SessionCall>` return: its length, then `(to, selector)` pairs.
fn decode_scope(felts: &[Felt]) -> Option<Vec<SessionCall>> {
    let (len, rest) = felts.split_first()?;
    if felt_to_u64(len)? as usize * 2 != rest.len() {
        return None;
    }
    Some(
        rest.chunks(2)
            .map(|p| SessionCall {
                to: p[0],
                selector: p[1],
            })
            .collect(),
    )
}

impl SpendingPolicyState {
    /// Whether a policy is set (a zero window means none).
    pub fn is_set(&self) -> bool {
        self.window_seconds != 0
    }
}

impl Chain {
    /// Connects to `url`, refusing nodes whose JSON-RPC version is not 0.10.x, with the
    /// default [`Timeouts`].
    pub async fn connect(url: &str) -> Result<Chain, ChainError> {
        Self::connect_with(url, Timeouts::default()).await
    }

    /// Connects like [`Chain::connect`], waiting at most `timeouts` for every request.
    pub async fn connect_with(url: &str, timeouts: Timeouts) -> Result<Chain, ChainError> {
        let parsed = Url::parse(url).map_err(|e| ChainError::Unreachable {
            url: url.to_string(),
            detail: format!("not a valid URL ({e})"),
        })?;
        let client = timeouts
            .http_client()
            .map_err(|e| ChainError::Unreachable {
                url: url.to_string(),
                detail: format!("cannot set up an HTTP client ({e})"),
            })?;
        let transport = HttpTransport::new_with_client(parsed, client);
        let mut chain = Chain {
            provider: Arc::new(JsonRpcClient::new(transport)),
            url: url.to_string(),
            chain_id: Felt::ZERO,
            spec_version: String::new(),
            timeouts,
        };
        let spec_version = chain
            .provider
            .spec_version()
            .await
            .map_err(|e| chain.unreachable(e))?;
        check_spec_version(url, &spec_version)?;
        chain.chain_id = chain
            .provider
            .chain_id()
            .await
            .map_err(|e| chain.unreachable(e))?;
        chain.spec_version = spec_version;
        Ok(chain)
    }

    /// A failure to get any answer: a timeout, or the node is unreachable.
    fn unreachable(&self, e: ProviderError) -> ChainError {
        if is_timeout(&e) {
            return self.timed_out();
        }
        ChainError::Unreachable {
            url: self.url.clone(),
            detail: e.to_string(),
        }
    }

    fn timed_out(&self) -> ChainError {
        ChainError::NetworkTimeout {
            url: self.url.clone(),
            seconds: self.timeouts.request.as_secs().max(1),
        }
    }

    /// The timeouts this connection applies.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The node's chain id (e.g. `SN_SEPOLIA` as a felt).
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// The node URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The JSON-RPC version the node reported.
    pub fn spec_version(&self) -> &str {
        &self.spec_version
    }

    pub(crate) fn provider(&self) -> &Arc<JsonRpcClient<HttpTransport>> {
        &self.provider
    }

    pub(crate) fn map_provider_error(&self, e: ProviderError) -> ChainError {
        if is_timeout(&e) {
            return self.timed_out();
        }
        match e {
            ProviderError::StarknetError(StarknetError::TransactionExecutionError(data)) => {
                ChainError::Rejected {
                    reason: revert_reason(&format!("{:?}", data.execution_error)),
                }
            }
            ProviderError::StarknetError(StarknetError::ValidationFailure(msg)) => {
                ChainError::Rejected {
                    reason: revert_reason(&msg),
                }
            }
            ProviderError::StarknetError(StarknetError::ContractError(data)) => {
                ChainError::Rejected {
                    reason: revert_reason(&format!("{:?}", data.revert_error)),
                }
            }
            ProviderError::StarknetError(other) => ChainError::Rejected {
                reason: other.to_string(),
            },
            ProviderError::Other(inner) => ChainError::Unreachable {
                url: self.url.clone(),
                detail: inner.to_string(),
            },
            other => ChainError::Unexpected(other.to_string()),
        }
    }

    /// The account's next transaction nonce, counting transactions not yet in a block.
    pub async fn nonce(&self, account: Felt) -> Result<Felt, ChainError> {
        self.provider
            .get_nonce(BlockId::Tag(BlockTag::PreConfirmed), account)
            .await
            .map_err(|e| self.map_provider_error(e))
    }

    /// Calls a view function at the latest block.
    pub async fn call(
        &self,
        to: Felt,
        entrypoint: &str,
        calldata: Vec<Felt>,
    ) -> Result<Vec<Felt>, ChainError> {
        let request = FunctionCall {
            contract_address: to,
            entry_point_selector: selector_from_name(entrypoint),
            calldata,
        };
        self.provider
            .call(request, BlockId::Tag(BlockTag::Latest))
            .await
            .map_err(|e| self.map_provider_error(e))
    }

    /// The latest block's timestamp: the clock every session rule is judged by.
    pub async fn block_timestamp(&self) -> Result<u64, ChainError> {
        let block = self
            .provider
            .get_block_with_tx_hashes(BlockId::Tag(BlockTag::Latest))
            .await
            .map_err(|e| self.map_provider_error(e))?;
        Ok(match block {
            MaybePreConfirmedBlockWithTxHashes::Block(b) => b.timestamp,
            MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(b) => b.timestamp,
        })
    }

    /// The class hash deployed at `address`, or `None` if nothing is deployed there.
    pub async fn class_hash_at(&self, address: Felt) -> Result<Option<Felt>, ChainError> {
        match self
            .provider
            .get_class_hash_at(BlockId::Tag(BlockTag::Latest), address)
            .await
        {
            Ok(hash) => Ok(Some(hash)),
            Err(ProviderError::StarknetError(StarknetError::ContractNotFound)) => Ok(None),
            Err(e) => Err(self.map_provider_error(e)),
        }
    }

    /// `get_session_data(session_key)` on `account`, decoded from either known layout.
    pub async fn session_data(
        &self,
        account: Felt,
        session_key: Felt,
    ) -> Result<OnChainSession, ChainError> {
        // With the chain time it is judged by, in one batched request.
        let (_, mut sessions) = self.session_data_many(&[(account, session_key)]).await?;
        sessions.pop().ok_or_else(|| malformed("batch"))
    }

    /// View calls `(contract, entrypoint, calldata)` and the chain time, in one batched
    /// JSON-RPC request: one round trip however many calls there are.
    pub async fn call_many(
        &self,
        calls: &[(Felt, &str, Vec<Felt>)],
    ) -> Result<(u64, Vec<Vec<Felt>>), ChainError> {
        let mut requests = vec![ProviderRequestData::GetBlockWithTxHashes(
            GetBlockWithTxHashesRequest {
                block_id: BlockId::Tag(BlockTag::Latest),
            },
        )];
        requests.extend(calls.iter().map(|(to, entrypoint, calldata)| {
            ProviderRequestData::Call(CallRequest {
                request: FunctionCall {
                    contract_address: *to,
                    entry_point_selector: selector_from_name(entrypoint),
                    calldata: calldata.clone(),
                },
                block_id: BlockId::Tag(BlockTag::Latest),
            })
        }));
        let replies = self
            .provider
            .batch_requests(&requests)
            .await
            .map_err(|e| self.map_provider_error(e))?;
        let mut replies = replies.into_iter();
        let now = match replies.next() {
            Some(ProviderResponseData::GetBlockWithTxHashes(
                MaybePreConfirmedBlockWithTxHashes::Block(b),
            )) => b.timestamp,
            Some(ProviderResponseData::GetBlockWithTxHashes(
                MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(b),
            )) => b.timestamp,
            _ => {
                return Err(ChainError::Unexpected(
                    "the batch did not start with a block".into(),
                ))
            }
        };
        let results = replies
            .map(|r| match r {
                ProviderResponseData::Call(felts) => Ok(felts),
                _ => Err(ChainError::Unexpected(
                    "a batched call returned something else".into(),
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if results.len() != calls.len() {
            return Err(ChainError::Unexpected(format!(
                "{} answers to {} batched calls",
                results.len(),
                calls.len()
            )));
        }
        Ok((now, results))
    }

    /// `get_session_data` for many `(account, session_key)` pairs and the chain time, in one
    /// batched JSON-RPC request (one round trip however many sessions there are).
    pub async fn session_data_many(
        &self,
        pairs: &[(Felt, Felt)],
    ) -> Result<(u64, Vec<OnChainSession>), ChainError> {
        let calls: Vec<_> = pairs
            .iter()
            .map(|(account, key)| (*account, "get_session_data", vec![*key]))
            .collect();
        let (now, replies) = self.call_many(&calls).await?;
        let sessions = replies
            .iter()
            .map(|felts| {
                OnChainSession::decode(felts, now)
                    .map_err(|e| ChainError::Unexpected(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((now, sessions))
    }

    /// Everything preflight reads about one session, in one batched request: the chain time,
    /// `get_session_data`, the spending policies of `policy_tokens`, and, for a v2 account
    /// (`v2_tokens` set), its status word, scope and the recipient rules of those tokens.
    pub async fn session_snapshot(
        &self,
        account: Felt,
        key: Felt,
        policy_tokens: &[Felt],
        v2_tokens: Option<&[Felt]>,
    ) -> Result<SessionSnapshot, ChainError> {
        let mut calls = vec![(account, "get_session_data", vec![key])];
        calls.extend(
            policy_tokens
                .iter()
                .map(|t| (account, "get_spending_policy", vec![key, *t])),
        );
        if let Some(tokens) = v2_tokens {
            calls.push((account, "get_session_status", vec![key]));
            calls.push((account, "get_session_scope", vec![key]));
            calls.extend(
                tokens
                    .iter()
                    .map(|t| (account, "get_session_recipients", vec![key, *t])),
            );
        }
        let (now, replies) = self.call_many(&calls).await?;
        let mut replies = replies.into_iter();
        let mut next = || replies.next().ok_or_else(|| malformed("batch"));
        let data = OnChainSession::decode(&next()?, now)
            .map_err(|e| ChainError::Unexpected(e.to_string()))?;
        let mut policies = Vec::with_capacity(policy_tokens.len());
        for token in policy_tokens {
            let p = decode_policy(&next()?, now).ok_or_else(|| malformed("spending policy"))?;
            policies.push((*token, p));
        }
        let v2 = match v2_tokens {
            None => None,
            Some(tokens) => {
                let status = next()?
                    .first()
                    .and_then(ChainStatus::from_felt)
                    .ok_or_else(|| malformed("session status"))?;
                let scope = decode_scope(&next()?).ok_or_else(|| malformed("session scope"))?;
                let mut recipients = Vec::new();
                for token in tokens {
                    let list = decode_array(&next()?).ok_or_else(|| malformed("recipient list"))?;
                    if !list.is_empty() {
                        recipients.push(RecipientRule {
                            token: *token,
                            recipients: list,
                        });
                    }
                }
                Some(SessionV2 {
                    status,
                    scope,
                    recipients,
                })
            }
        };
        Ok(SessionSnapshot {
            now,
            data,
            policies,
            v2,
        })
    }

    /// SRC-5 `supports_interface(id)`. An account without SRC-5 answers `false`.
    pub async fn supports_interface(&self, account: Felt, id: Felt) -> Result<bool, ChainError> {
        match self.call(account, "supports_interface", vec![id]).await {
            Ok(f) => Ok(f.first() == Some(&Felt::ONE)),
            Err(ChainError::Rejected { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// What a v2 account says of each session beyond `get_session_data`: its status word, its
    /// scope and its non-empty recipient rules. With `tokens`, the rules of those tokens are
    /// read alongside (two batched requests at once); without, those of the tokens each
    /// session may touch: its scope's contracts, or STRK and ETH for a broad session.
    pub async fn session_v2_many(
        &self,
        account: Felt,
        keys: &[Felt],
        tokens: Option<&[Felt]>,
    ) -> Result<Vec<SessionV2>, ChainError> {
        let (heads, recipients) = match tokens {
            Some(tokens) => {
                let asks: Vec<_> = keys.iter().map(|k| (*k, tokens.to_vec())).collect();
                tokio::try_join!(
                    self.status_scope_many(account, keys),
                    self.recipients_many(account, &asks)
                )?
            }
            None => {
                let heads = self.status_scope_many(account, keys).await?;
                let asks: Vec<_> = keys
                    .iter()
                    .zip(&heads)
                    .map(|(k, (_, scope))| (*k, tokens_of(scope)))
                    .collect();
                let recipients = self.recipients_many(account, &asks).await?;
                (heads, recipients)
            }
        };
        Ok(heads
            .into_iter()
            .zip(recipients)
            .map(|((status, scope), recipients)| SessionV2 {
                status,
                scope,
                recipients,
            })
            .collect())
    }

    async fn status_scope_many(
        &self,
        account: Felt,
        keys: &[Felt],
    ) -> Result<Vec<(ChainStatus, Vec<SessionCall>)>, ChainError> {
        let calls: Vec<_> = keys
            .iter()
            .flat_map(|k| {
                [
                    (account, "get_session_status", vec![*k]),
                    (account, "get_session_scope", vec![*k]),
                ]
            })
            .collect();
        let (_, replies) = self.call_many(&calls).await?;
        replies
            .chunks(2)
            .map(|pair| {
                let status = pair[0]
                    .first()
                    .and_then(ChainStatus::from_felt)
                    .ok_or_else(|| malformed("session status"))?;
                let scope = decode_scope(&pair[1]).ok_or_else(|| malformed("session scope"))?;
                Ok((status, scope))
            })
            .collect()
    }

    async fn recipients_many(
        &self,
        account: Felt,
        asks: &[(Felt, Vec<Felt>)],
    ) -> Result<Vec<Vec<RecipientRule>>, ChainError> {
        let calls: Vec<_> = asks
            .iter()
            .flat_map(|(k, tokens)| {
                tokens
                    .iter()
                    .map(move |t| (account, "get_session_recipients", vec![*k, *t]))
            })
            .collect();
        if calls.is_empty() {
            return Ok(vec![Vec::new(); asks.len()]);
        }
        let (_, replies) = self.call_many(&calls).await?;
        let mut replies = replies.into_iter();
        asks.iter()
            .map(|(_, tokens)| {
                let mut rules = Vec::new();
                for token in tokens {
                    let felts = replies.next().ok_or_else(|| malformed("recipient list"))?;
                    let recipients =
                        decode_array(&felts).ok_or_else(|| malformed("recipient list"))?;
                    if !recipients.is_empty() {
                        rules.push(RecipientRule {
                            token: *token,
                            recipients,
                        });
                    }
                }
                Ok(rules)
            })
            .collect()
    }

    /// `get_spending_policy(session_key, token)` on `account`.
    pub async fn spending_policy(
        &self,
        account: Felt,
        session_key: Felt,
        token: Felt,
    ) -> Result<SpendingPolicyState, ChainError> {
        let f = self
            .call(account, "get_spending_policy", vec![session_key, token])
            .await?;
        let now = self.block_timestamp().await?;
        decode_policy(&f, now)
            .ok_or_else(|| ChainError::Unexpected(format!("spending policy of {} felts", f.len())))
    }

    /// ERC-20 `balance_of(holder)`.
    pub async fn erc20_balance(&self, token: Felt, holder: Felt) -> Result<U256, ChainError> {
        let f = self.call(token, "balance_of", vec![holder]).await?;
        match f.as_slice() {
            [low, high] => U256::from_felts(low, high)
                .ok_or_else(|| ChainError::Unexpected("balance halves out of range".into())),
            _ => Err(ChainError::Unexpected(format!(
                "balance of {} felts",
                f.len()
            ))),
        }
    }

    /// The receipt of an included transaction (`tx_hash` as 0x-hex, e.g. from a
    /// [`crate::TxOutcome`] or a [`ChainError::Reverted`]): fee, gas and events.
    pub async fn receipt_details(&self, tx_hash: &str) -> Result<ReceiptDetails, ChainError> {
        use starknet_rust::core::types::TransactionReceipt as R;
        let hash = Felt::from_hex(tx_hash)
            .map_err(|_| ChainError::Unexpected(format!("not a transaction hash: {tx_hash}")))?;
        let receipt = self
            .provider
            .get_transaction_receipt(hash)
            .await
            .map_err(|e| self.map_provider_error(e))?;
        let (fee, resources) = match &receipt.receipt {
            R::Invoke(r) => (&r.actual_fee, &r.execution_resources),
            R::Declare(r) => (&r.actual_fee, &r.execution_resources),
            R::DeployAccount(r) => (&r.actual_fee, &r.execution_resources),
            R::Deploy(r) => (&r.actual_fee, &r.execution_resources),
            R::L1Handler(r) => (&r.actual_fee, &r.execution_resources),
        };
        let actual_fee = sesame_core::felt::felt_to_u128(&fee.amount)
            .ok_or_else(|| ChainError::Unexpected("a fee above u128".into()))?;
        Ok(ReceiptDetails {
            actual_fee,
            fee_unit: format!("{:?}", fee.unit).to_uppercase(),
            l1_gas: resources.l1_gas,
            l1_data_gas: resources.l1_data_gas,
            l2_gas: resources.l2_gas,
            block_number: receipt.block.block_number(),
            revert_reason: match receipt.receipt.execution_result() {
                ExecutionResult::Succeeded => None,
                ExecutionResult::Reverted { reason } => Some(reason.clone()),
            },
            events: receipt
                .receipt
                .events()
                .iter()
                .map(|e| (e.from_address, e.keys.clone(), e.data.clone()))
                .collect(),
        })
    }

    /// The timestamp of block `number`.
    pub async fn block_timestamp_at(&self, number: u64) -> Result<u64, ChainError> {
        let block = self
            .provider
            .get_block_with_tx_hashes(BlockId::Number(number))
            .await
            .map_err(|e| self.map_provider_error(e))?;
        Ok(match block {
            MaybePreConfirmedBlockWithTxHashes::Block(b) => b.timestamp,
            MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(b) => b.timestamp,
        })
    }

    /// Waits for a receipt and turns a revert into [`ChainError::Reverted`].
    pub async fn wait_for_receipt(
        &self,
        tx_hash: Felt,
    ) -> Result<TransactionReceiptWithBlockInfo, ChainError> {
        const LIMIT: Duration = Duration::from_secs(120);
        let started = Instant::now();
        let mut delay = Duration::from_millis(5);
        loop {
            match self.provider.get_transaction_receipt(tx_hash).await {
                Ok(receipt) => {
                    return match receipt.receipt.execution_result() {
                        ExecutionResult::Succeeded => Ok(receipt),
                        ExecutionResult::Reverted { reason } => Err(ChainError::Reverted {
                            tx_hash: format!("{tx_hash:#x}"),
                            reason: revert_reason(reason),
                        }),
                    };
                }
                Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound)) => {}
                Err(e) => return Err(self.map_provider_error(e)),
            }
            if started.elapsed() > LIMIT {
                return Err(ChainError::Timeout {
                    tx_hash: format!("{tx_hash:#x}"),
                    seconds: LIMIT.as_secs(),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }
}

fn check_spec_version(url: &str, found: &str) -> Result<(), ChainError> {
    let major_minor: Vec<&str> = found.split('.').take(2).collect();
    if major_minor.join(".") == SUPPORTED_SPEC_MAJOR_MINOR {
        Ok(())
    } else {
        Err(ChainError::SpecMismatch {
            url: url.to_string(),
            found: found.to_string(),
            expected: SUPPORTED_SPEC_MAJOR_MINOR.to_string(),
        })
    }
}

fn decode_policy(f: &[Felt], now: u64) -> Option<SpendingPolicyState> {
    if f.len() != 8 {
        return None;
    }
    let window_seconds = felt_to_u64(&f[4])?;
    let window_start = felt_to_u64(&f[7])?;
    let stored_spent = U256::from_felts(&f[5], &f[6])?;
    let window_over = window_seconds == 0 || now >= window_start.saturating_add(window_seconds);
    Some(SpendingPolicyState {
        max_per_call: U256::from_felts(&f[0], &f[1])?,
        max_per_window: U256::from_felts(&f[2], &f[3])?,
        window_seconds,
        spent_in_window: if window_over {
            U256::ZERO
        } else {
            stored_spent
        },
        window_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_0_10_patch_and_refuses_other_versions() {
        assert!(check_spec_version("u", "0.10.2").is_ok());
        assert!(check_spec_version("u", "0.10.0").is_ok());
        let err = check_spec_version("u", "0.9.0").unwrap_err();
        assert_eq!(err.code(), "RPC_SPEC_MISMATCH");
        assert!(err.to_string().contains("0.9.0"));
        assert!(check_spec_version("u", "0.100.1").is_err());
    }

    #[test]
    fn a_policy_window_that_has_passed_reports_nothing_spent() {
        let f: Vec<Felt> = [10u64, 0, 25, 0, 60, 7, 0, 1000]
            .iter()
            .map(|v| Felt::from(*v))
            .collect();
        let live = decode_policy(&f, 1030).unwrap();
        assert_eq!(live.spent_in_window, U256::from_u128(7));
        let over = decode_policy(&f, 1060).unwrap();
        assert_eq!(over.spent_in_window, U256::ZERO);
        assert!(decode_policy(&f[..7], 0).is_none());
    }
}
