//! A small SNIP-29 paymaster for tests, served over real HTTP on `127.0.0.1:<free port>`.
//!
//! It "runs over the relayer": `paymaster_buildTransaction` wraps the user's calls in a SNIP-9
//! v2 outside execution whose caller is the relayer's address (fresh random nonce,
//! `execute_after` 0, `execute_before` chain time + 1 h unless the request gives time bounds)
//! and returns its SNIP-12 typed data; `paymaster_executeTransaction` parses the signed typed
//! data back, checks the session signature, and submits it with [`OwnerAccount::relay`] from
//! the relayer, which pays the fee.
//!
//! Differences from a production paymaster, on purpose: the fee quote is a fixed amount
//! ([`PaymasterServerConfig::fee_in_strk`]) rather than an estimate, the only gas token is STRK,
//! `executeTransaction` answers once the transaction is included, and a [`Tamper`] mode makes it
//! lie about the calls so the client's checks can be tested.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use sesame_chain::paymaster::{
    calls_from_json, codes, outside_execution_from_typed_data, outside_execution_typed_data,
    ExecutionParameters, FeeEstimate, FeeMode, API_KEY_HEADER,
};
use sesame_chain::{Chain, ChainError, OwnerAccount};
use sesame_core::calls::erc20_transfer;
use sesame_core::felt::{felt_to_u128, parse_felt, U256};
use sesame_core::keys::{verify_signature, Signature};
use sesame_core::outside::{Call, OutsideExecution, ANY_CALLER};
use sesame_core::Felt;
use sesame_devnet::STRK_ADDRESS;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The API key a default-configured server requires.
pub const TEST_API_KEY: &str = "sesame-test-paymaster-key";

/// Ways the server can lie in `paymaster_buildTransaction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Wraps exactly the user's calls (plus the fee transfer in default mode).
    Honest,
    /// Adds 1 000 000 to the amount (calldata[1]) of the user's first call.
    Amount,
    /// Sends the user's first call to the relayer instead (calldata[0]).
    Recipient,
    /// Drops the user's last call.
    DropCall,
    /// Appends a transfer of 1 STRK to the relayer, even when sponsored.
    AppendCall,
}

/// How the server behaves. `Debug` is not derived: the API key stays out of logs.
#[derive(Clone)]
pub struct PaymasterServerConfig {
    /// Required in `x-paymaster-api-key` for build and execute; `None` means open.
    pub api_key: Option<String>,
    pub tamper: Tamper,
    /// The fixed fee quote in FRI; in default mode the user transfers 1.5× this (the
    /// suggested maximum) to the relayer.
    pub fee_in_strk: u128,
    /// Tokens accepted in `fee_mode: default`.
    pub gas_tokens: Vec<Felt>,
}

impl Default for PaymasterServerConfig {
    fn default() -> Self {
        PaymasterServerConfig {
            api_key: Some(TEST_API_KEY.to_string()),
            tamper: Tamper::Honest,
            fee_in_strk: 1_000_000_000_000,
            gas_tokens: vec![STRK_ADDRESS],
        }
    }
}

struct ServerState {
    relayer: OwnerAccount,
    chain: Chain,
    config: PaymasterServerConfig,
    builds: AtomicU64,
    executions: AtomicU64,
    next_tracking_id: AtomicU64,
}

/// A running paymaster; it stops when dropped (or with [`PaymasterServer::stop`]).
pub struct PaymasterServer {
    url: String,
    addr: SocketAddr,
    state: Arc<ServerState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for PaymasterServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PaymasterServer({})", self.url)
    }
}

impl PaymasterServer {
    /// Serves on a free loopback port, relaying through `relayer`.
    pub async fn start(
        relayer: &OwnerAccount,
        config: PaymasterServerConfig,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState {
            relayer: relayer.clone(),
            chain: relayer.chain().clone(),
            config,
            builds: AtomicU64::new(0),
            executions: AtomicU64::new(0),
            next_tracking_id: AtomicU64::new(1),
        });
        let app = Router::new()
            .route("/", post(handle))
            .with_state(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(PaymasterServer {
            url: format!("http://{addr}/"),
            addr,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many `paymaster_buildTransaction` calls were answered with typed data.
    pub fn builds(&self) -> u64 {
        self.state.builds.load(Ordering::SeqCst)
    }

    /// How many signed executions reached the relayer.
    pub fn executions(&self) -> u64 {
        self.state.executions.load(Ordering::SeqCst)
    }

    /// Stops accepting, closes idle connections and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for PaymasterServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A JSON-RPC error object.
struct RpcError {
    code: i64,
    message: String,
    data: Option<Value>,
}

impl RpcError {
    /// A SNIP-29 error: `An error occurred (NAME)`, as the spec's messages read.
    fn spec(code: i64, name: &str, data: Option<Value>) -> Self {
        RpcError {
            code,
            message: format!("An error occurred ({name})"),
            data,
        }
    }

    fn invalid_params(what: impl Into<String>) -> Self {
        RpcError {
            code: -32602,
            message: "Invalid params".into(),
            data: Some(Value::String(what.into())),
        }
    }

    fn unknown(what: impl Into<String>) -> Self {
        Self::spec(
            codes::UNKNOWN_ERROR,
            "UNKNOWN_ERROR",
            Some(Value::String(what.into())),
        )
    }

    fn to_json(&self) -> Value {
        let mut e = json!({"code": self.code, "message": self.message});
        if let Some(d) = &self.data {
            e["data"] = d.clone();
        }
        e
    }
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            let e = RpcError {
                code: -32700,
                message: "Parse error".into(),
                data: None,
            };
            return Json(json!({"jsonrpc": "2.0", "id": null, "error": e.to_json()}));
        }
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    // Parameters by name (`{transaction, parameters}`), or that object as the only positional one.
    let params = match request.get("params") {
        Some(Value::Array(a)) if a.len() == 1 => a[0].clone(),
        Some(p) => p.clone(),
        None => Value::Null,
    };
    let method = request.get("method").and_then(Value::as_str).unwrap_or("");
    let result = match method {
        "paymaster_isAvailable" => Ok(json!(true)),
        "paymaster_getSupportedTokens" => Ok(Value::Array(
            state
                .config
                .gas_tokens
                .iter()
                .map(|t| {
                    json!({"token_address": format!("{t:#x}"), "decimals": 18,
                           "price_in_strk": "0xde0b6b3a7640000"})
                })
                .collect(),
        )),
        "paymaster_buildTransaction" => match state.check_api_key(&headers) {
            Ok(()) => state.build(&params).await,
            Err(e) => Err(e),
        },
        "paymaster_executeTransaction" => match state.check_api_key(&headers) {
            Ok(()) => state.execute(&params).await,
            Err(e) => Err(e),
        },
        _ => Err(RpcError {
            code: -32601,
            message: "Method not found".into(),
            data: None,
        }),
    };
    Json(match result {
        Ok(r) => json!({"jsonrpc": "2.0", "id": id, "result": r}),
        Err(e) => json!({"jsonrpc": "2.0", "id": id, "error": e.to_json()}),
    })
}

fn felt_param(v: Option<&Value>) -> Option<Felt> {
    v.and_then(Value::as_str).and_then(|s| parse_felt(s).ok())
}

impl ServerState {
    /// AVNU's answer to a bad key: 163 UNKNOWN_ERROR with data `x-paymaster-api-key is invalid`.
    fn check_api_key(&self, headers: &HeaderMap) -> Result<(), RpcError> {
        let Some(want) = &self.config.api_key else {
            return Ok(());
        };
        let got = headers.get(API_KEY_HEADER).and_then(|v| v.to_str().ok());
        if got == Some(want.as_str()) {
            Ok(())
        } else {
            Err(RpcError::unknown(format!("{API_KEY_HEADER} is invalid")))
        }
    }

    fn parameters(&self, params: &Value) -> Result<ExecutionParameters, RpcError> {
        let p = ExecutionParameters::from_json(params.get("parameters").unwrap_or(&Value::Null))
            .map_err(|e| RpcError::invalid_params(e.to_string()))?;
        if let FeeMode::Default { gas_token } = p.fee_mode {
            if !self.config.gas_tokens.contains(&gas_token) {
                return Err(RpcError::spec(
                    codes::TOKEN_NOT_SUPPORTED,
                    "TOKEN_NOT_SUPPORTED",
                    None,
                ));
            }
        }
        Ok(p)
    }

    fn invoke<'a>(&self, params: &'a Value) -> Result<&'a Value, RpcError> {
        let tx = params
            .get("transaction")
            .ok_or_else(|| RpcError::invalid_params("no transaction"))?;
        match tx.get("type").and_then(Value::as_str) {
            Some("invoke") => {}
            Some("deploy") | Some("deploy_and_invoke") => {
                return Err(RpcError::unknown(
                    "this paymaster serves invoke transactions only",
                ))
            }
            _ => return Err(RpcError::invalid_params("transaction.type")),
        }
        tx.get("invoke")
            .ok_or_else(|| RpcError::invalid_params("no transaction.invoke"))
    }

    fn fee(&self) -> FeeEstimate {
        let quote = Felt::from(self.config.fee_in_strk);
        let max = Felt::from(self.config.fee_in_strk + self.config.fee_in_strk / 2);
        FeeEstimate {
            // 1 STRK = 10^18 FRI; the only gas token is STRK, so amounts are the same.
            gas_token_price_in_strk: Felt::from(1_000_000_000_000_000_000u128),
            estimated_fee_in_strk: quote,
            estimated_fee_in_gas_token: quote,
            suggested_max_fee_in_strk: max,
            suggested_max_fee_in_gas_token: max,
        }
    }

    async fn build(&self, params: &Value) -> Result<Value, RpcError> {
        let invoke = self.invoke(params)?;
        let parameters = self.parameters(params)?;
        let user = felt_param(invoke.get("user_address"))
            .ok_or_else(|| RpcError::spec(codes::INVALID_ADDRESS, "INVALID_ADDRESS", None))?;
        match self.chain.class_hash_at(user).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(RpcError::spec(
                    codes::INVALID_ADDRESS,
                    "INVALID_ADDRESS",
                    Some(json!(format!("no account is deployed at {user:#x}"))),
                ))
            }
            Err(e) => return Err(RpcError::unknown(e.to_string())),
        }
        let mut calls = calls_from_json(invoke.get("calls").unwrap_or(&Value::Null))
            .map_err(|e| RpcError::invalid_params(e.to_string()))?;
        if calls.is_empty() {
            return Err(RpcError::invalid_params("no calls to execute"));
        }
        let now = self
            .chain
            .block_timestamp()
            .await
            .map_err(|e| RpcError::unknown(e.to_string()))?;
        let (execute_after, execute_before) = match parameters.time_bounds {
            Some(tb) if tb.execute_before <= tb.execute_after || tb.execute_before <= now => {
                return Err(RpcError::spec(
                    codes::INVALID_TIME_BOUNDS,
                    "INVALID_TIME_BOUNDS",
                    None,
                ))
            }
            Some(tb) => (tb.execute_after, tb.execute_before),
            None => (0, now + 3600),
        };

        let relayer = self.relayer.address();
        match self.config.tamper {
            Tamper::Honest => {}
            Tamper::Amount => {
                if let Some(amount) = calls[0].calldata.get_mut(1) {
                    *amount += Felt::from(1_000_000u64);
                }
            }
            Tamper::Recipient => {
                if let Some(to) = calls[0].calldata.get_mut(0) {
                    *to = relayer;
                }
            }
            Tamper::DropCall => {
                calls.pop();
            }
            Tamper::AppendCall => calls.push(erc20_transfer(
                STRK_ADDRESS,
                relayer,
                U256::from_u128(1_000_000_000_000_000_000),
            )),
        }
        let fee = self.fee();
        if let FeeMode::Default { gas_token } = parameters.fee_mode {
            let amount = felt_to_u128(&fee.suggested_max_fee_in_gas_token).unwrap();
            calls.push(erc20_transfer(gas_token, relayer, U256::from_u128(amount)));
        }
        let outside = OutsideExecution {
            caller: relayer,
            nonce: Felt::from(rand::random::<u128>()),
            execute_after,
            execute_before,
            calls,
        };
        self.builds.fetch_add(1, Ordering::SeqCst);
        Ok(json!({
            "type": "invoke",
            "typed_data": outside_execution_typed_data(&outside, self.chain.chain_id()),
            "parameters": params.get("parameters").cloned().unwrap_or(Value::Null),
            "fee": fee.to_json(),
        }))
    }

    async fn execute(&self, params: &Value) -> Result<Value, RpcError> {
        let invoke = self.invoke(params)?;
        let parameters = self.parameters(params)?;
        let user = felt_param(invoke.get("user_address"))
            .ok_or_else(|| RpcError::spec(codes::INVALID_ADDRESS, "INVALID_ADDRESS", None))?;
        let chain_id = self.chain.chain_id();
        let outside = outside_execution_from_typed_data(
            invoke.get("typed_data").unwrap_or(&Value::Null),
            chain_id,
        )
        .map_err(|e| RpcError::invalid_params(e.to_string()))?;
        if outside.caller != self.relayer.address() && outside.caller != ANY_CALLER {
            return Err(RpcError::unknown(
                "this outside execution names another caller",
            ));
        }
        let invalid_signature = |data: Option<Value>| {
            RpcError::spec(codes::INVALID_SIGNATURE, "INVALID_SIGNATURE", data)
        };
        let signature: Vec<Felt> = invoke
            .get("signature")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_signature(None))?
            .iter()
            .map(|v| felt_param(Some(v)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid_signature(None))?;
        match signature.as_slice() {
            // A session signature names its key: check it before paying for anything.
            // v1 accounts sign the typed data's hash, v2 accounts bind `valid_until` to it.
            [public_key, r, s, valid_until] => {
                let hash = outside.message_hash(chain_id, user);
                let sig = Signature { r: *r, s: *s };
                let v2 = sesame_core::felt::felt_to_u64(valid_until)
                    .map(|until| sesame_core::outside::session_v2_message(hash, until));
                let signed = verify_signature(public_key, &hash, &sig)
                    || v2.is_some_and(|m| verify_signature(public_key, &m, &sig));
                if !signed {
                    return Err(invalid_signature(Some(json!(
                        "the session signature does not match the typed data"
                    ))));
                }
            }
            // An owner signature: only the account can check it, in the simulation.
            [_r, _s] => {}
            _ => return Err(invalid_signature(None)),
        }
        if let FeeMode::Default { gas_token } = parameters.fee_mode {
            let paid = outside.calls.last().is_some_and(|c: &Call| {
                c.to == gas_token
                    && c.selector == sesame_core::selector::selector_from_name("transfer")
                    && c.calldata.first() == Some(&self.relayer.address())
                    && c.calldata.get(1).and_then(felt_to_u128) >= Some(self.config.fee_in_strk)
            });
            if !paid {
                return Err(RpcError::spec(
                    codes::MAX_AMOUNT_TOO_LOW,
                    "MAX_AMOUNT_TOO_LOW",
                    None,
                ));
            }
        }

        self.executions.fetch_add(1, Ordering::SeqCst);
        match self.relayer.relay(user, &outside, &signature).await {
            Ok(outcome) => {
                let tracking = self.next_tracking_id.fetch_add(1, Ordering::SeqCst);
                Ok(json!({
                    "transaction_hash": outcome.tx_hash,
                    "tracking_id": format!("{tracking:#x}"),
                }))
            }
            Err(ChainError::Rejected { reason }) | Err(ChainError::Reverted { reason, .. })
                if reason.contains("invalid signature") =>
            {
                Err(invalid_signature(Some(json!(reason))))
            }
            Err(ChainError::Rejected { reason }) | Err(ChainError::Reverted { reason, .. }) => {
                Err(RpcError::spec(
                    codes::TRANSACTION_EXECUTION_ERROR,
                    "TRANSACTION_EXECUTION_ERROR",
                    Some(json!({"execution_error": reason})),
                ))
            }
            Err(other) => Err(RpcError::unknown(other.to_string())),
        }
    }
}
