//! A client for the SNIP-29 paymaster JSON-RPC API (the one AVNU and Chipi serve), and the
//! checks that make it safe to sign what a paymaster sends back.
//!
//! The flow, for an account that implements SNIP-9 v2 (`execute_from_outside_v2`):
//!
//! 1. `paymaster_buildTransaction` with the user's calls: the paymaster wraps them in a SNIP-9
//!    `OutsideExecution` (SNIP-12 revision 1 typed data), possibly appending its fee transfer;
//! 2. [`verify_build`] parses that typed data into a [`sesame_core::outside::OutsideExecution`]
//!    and refuses it unless its domain is `Account.execute_from_outside` version 2 on this chain
//!    and its calls begin with exactly the calls the user asked for
//!    ([`PaymasterClient::prepare_invoke`] does 1 and 2);
//! 3. the session key signs [`PreparedInvoke::message_hash`], a hash Sesame computes itself from
//!    the parsed execution, so what the account executes is what was checked;
//! 4. `paymaster_executeTransaction` with the typed data and the signature: the paymaster's
//!    relayer submits it and pays the fee in STRK.
//!
//! Spec facts this follows: the method and field names of `@starknet-io/starknet-types`
//! `snip-29` (`paymaster_isAvailable`, `paymaster_buildTransaction`,
//! `paymaster_executeTransaction`, `paymaster_getSupportedTokens`), the error codes 150–163
//! listed in [`codes`], the V2 typed data of the SNIP (`leo-starkware/snip-paymaster-api`,
//! `snip_x.md`), and the API key header `x-paymaster-api-key` (AVNU's paymaster and Chipi).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Map, Value};
use sesame_core::felt::{felt_to_u128, felt_to_u64, parse_felt, short_string, U256};
use sesame_core::outside::{Call, OutsideExecution};
use sesame_core::selector::selector_from_name;
use starknet_rust::core::types::Felt;

use crate::error::{revert_reason, ChainError};

/// The HTTP header that carries the API key (AVNU's paymaster, Chipi).
pub const API_KEY_HEADER: &str = "x-paymaster-api-key";

/// The only execution-parameters version SNIP-29 defines.
pub const PARAMETERS_VERSION: &str = "0x1";

/// JSON-RPC error codes of SNIP-29 (`snip-29/errors.ts`). 152, 161 and 162 are unassigned.
pub mod codes {
    pub const INVALID_ADDRESS: i64 = 150;
    pub const TOKEN_NOT_SUPPORTED: i64 = 151;
    pub const INVALID_SIGNATURE: i64 = 153;
    pub const MAX_AMOUNT_TOO_LOW: i64 = 154;
    pub const CLASS_HASH_NOT_SUPPORTED: i64 = 155;
    pub const TRANSACTION_EXECUTION_ERROR: i64 = 156;
    pub const INVALID_TIME_BOUNDS: i64 = 157;
    pub const INVALID_DEPLOYMENT_DATA: i64 = 158;
    pub const INVALID_CLASS_HASH: i64 = 159;
    pub const INVALID_ID: i64 = 160;
    pub const UNKNOWN_ERROR: i64 = 163;
}

/// How much of a paymaster's free text an error keeps (a hostile server could send megabytes).
const DETAIL_LIMIT: usize = 600;

/// Why a paymaster request failed. `code()` is stable; `Display` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymasterError {
    /// No answer at all: down, wrong URL, network error, 5xx.
    #[error("cannot reach the paymaster at {url}: {detail}")]
    Unavailable { url: String, detail: String },
    /// The API key is missing or refused (AVNU: code 163 with `x-paymaster-api-key is invalid`).
    #[error("the paymaster refused the API key{}", suffix(.detail))]
    InvalidApiKey { detail: String },
    /// 150: the account address is unknown or not usable with this paymaster.
    #[error("the paymaster cannot serve this account address{}", suffix(.detail))]
    InvalidAddress { detail: String },
    /// 151: the gas token is not one the paymaster accepts.
    #[error("the paymaster does not accept this gas token{}", suffix(.detail))]
    TokenNotSupported { detail: String },
    /// 153: the signature over the typed data was refused.
    #[error("the paymaster found the signature invalid{}", suffix(.detail))]
    InvalidSignature { detail: String },
    /// 154: the fee the user allowed is below what execution costs.
    #[error("the maximum fee allowed is too low for this transaction{}", suffix(.detail))]
    MaxAmountTooLow { detail: String },
    /// 155: the account's class is not supported by the paymaster.
    #[error("the paymaster does not support this account class{}", suffix(.detail))]
    ClassHashNotSupported { detail: String },
    /// 156: the transaction would fail (or failed); `reason` is the contract's message.
    #[error("the transaction was refused: {reason}")]
    TransactionExecution { reason: String },
    /// 157: the time bounds are invalid (past, or after before before).
    #[error("the execution time bounds are invalid{}", suffix(.detail))]
    InvalidTimeBounds { detail: String },
    /// 158: account deployment data is invalid.
    #[error("the account deployment data is invalid{}", suffix(.detail))]
    InvalidDeploymentData { detail: String },
    /// 159: the class hash is invalid.
    #[error("the class hash is invalid{}", suffix(.detail))]
    InvalidClassHash { detail: String },
    /// 160: an unknown request or tracking id.
    #[error("the paymaster does not know this id{}", suffix(.detail))]
    InvalidId { detail: String },
    /// 163: the paymaster's catch-all.
    #[error("the paymaster failed{}", suffix(.detail))]
    Unknown { detail: String },
    /// Any other JSON-RPC error (e.g. -32601 method not found).
    #[error("the paymaster answered with JSON-RPC error {code}: {message}")]
    Rpc { code: i64, message: String },
    /// The answer is not what SNIP-29 describes.
    #[error("unexpected answer from the paymaster: {0}")]
    BadResponse(String),
    /// The typed data is not a SNIP-9 v2 outside execution for this chain.
    #[error("the paymaster's typed data is not a SNIP-9 v2 outside execution for this chain: {0}")]
    BadTypedData(String),
    /// The typed data does not carry exactly the user's calls: it must not be signed.
    #[error("the paymaster changed the calls you asked for, so Sesame will not sign them: {0}")]
    TamperedCalls(String),
}

fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

impl PaymasterError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PaymasterError::Unavailable { .. } => "PAYMASTER_UNAVAILABLE",
            PaymasterError::InvalidApiKey { .. } => "PAYMASTER_INVALID_API_KEY",
            PaymasterError::InvalidAddress { .. } => "PAYMASTER_INVALID_ADDRESS",
            PaymasterError::TokenNotSupported { .. } => "PAYMASTER_TOKEN_NOT_SUPPORTED",
            PaymasterError::InvalidSignature { .. } => "PAYMASTER_INVALID_SIGNATURE",
            PaymasterError::MaxAmountTooLow { .. } => "PAYMASTER_MAX_AMOUNT_TOO_LOW",
            PaymasterError::ClassHashNotSupported { .. } => "PAYMASTER_CLASS_HASH_NOT_SUPPORTED",
            PaymasterError::TransactionExecution { .. } => "PAYMASTER_TRANSACTION_EXECUTION_ERROR",
            PaymasterError::InvalidTimeBounds { .. } => "PAYMASTER_INVALID_TIME_BOUNDS",
            PaymasterError::InvalidDeploymentData { .. } => "PAYMASTER_INVALID_DEPLOYMENT_DATA",
            PaymasterError::InvalidClassHash { .. } => "PAYMASTER_INVALID_CLASS_HASH",
            PaymasterError::InvalidId { .. } => "PAYMASTER_INVALID_ID",
            PaymasterError::Unknown { .. } => "PAYMASTER_UNKNOWN_ERROR",
            PaymasterError::Rpc { .. } => "PAYMASTER_RPC_ERROR",
            PaymasterError::BadResponse(_) => "PAYMASTER_BAD_RESPONSE",
            PaymasterError::BadTypedData(_) => "PAYMASTER_BAD_TYPED_DATA",
            PaymasterError::TamperedCalls(_) => "PAYMASTER_TAMPERED_CALLS",
        }
    }

    /// The contract's revert reason, when the paymaster relayed one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            PaymasterError::TransactionExecution { reason } => Some(reason),
            _ => None,
        }
    }

    /// The SNIP-29 JSON-RPC code a server sends for this error, if SNIP-29 defines one.
    pub fn rpc_code(&self) -> Option<i64> {
        Some(match self {
            PaymasterError::InvalidAddress { .. } => codes::INVALID_ADDRESS,
            PaymasterError::TokenNotSupported { .. } => codes::TOKEN_NOT_SUPPORTED,
            PaymasterError::InvalidSignature { .. } => codes::INVALID_SIGNATURE,
            PaymasterError::MaxAmountTooLow { .. } => codes::MAX_AMOUNT_TOO_LOW,
            PaymasterError::ClassHashNotSupported { .. } => codes::CLASS_HASH_NOT_SUPPORTED,
            PaymasterError::TransactionExecution { .. } => codes::TRANSACTION_EXECUTION_ERROR,
            PaymasterError::InvalidTimeBounds { .. } => codes::INVALID_TIME_BOUNDS,
            PaymasterError::InvalidDeploymentData { .. } => codes::INVALID_DEPLOYMENT_DATA,
            PaymasterError::InvalidClassHash { .. } => codes::INVALID_CLASS_HASH,
            PaymasterError::InvalidId { .. } => codes::INVALID_ID,
            PaymasterError::Unknown { .. } | PaymasterError::InvalidApiKey { .. } => {
                codes::UNKNOWN_ERROR
            }
            PaymasterError::Rpc { code, .. } => *code,
            _ => return None,
        })
    }

    /// Reads a JSON-RPC `error` object from a paymaster.
    pub fn from_rpc_error(error: &Value) -> PaymasterError {
        let code = error.get("code").and_then(Value::as_i64);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let data = error.get("data");
        let detail = data.map(data_text).unwrap_or_default();
        match code {
            Some(codes::INVALID_ADDRESS) => PaymasterError::InvalidAddress { detail },
            Some(codes::TOKEN_NOT_SUPPORTED) => PaymasterError::TokenNotSupported { detail },
            Some(codes::INVALID_SIGNATURE) => PaymasterError::InvalidSignature { detail },
            Some(codes::MAX_AMOUNT_TOO_LOW) => PaymasterError::MaxAmountTooLow { detail },
            Some(codes::CLASS_HASH_NOT_SUPPORTED) => {
                PaymasterError::ClassHashNotSupported { detail }
            }
            Some(codes::TRANSACTION_EXECUTION_ERROR) => PaymasterError::TransactionExecution {
                reason: execution_reason(data, message),
            },
            Some(codes::INVALID_TIME_BOUNDS) => PaymasterError::InvalidTimeBounds { detail },
            Some(codes::INVALID_DEPLOYMENT_DATA) => {
                PaymasterError::InvalidDeploymentData { detail }
            }
            Some(codes::INVALID_CLASS_HASH) => PaymasterError::InvalidClassHash { detail },
            Some(codes::INVALID_ID) => PaymasterError::InvalidId { detail },
            Some(codes::UNKNOWN_ERROR) if mentions_api_key(&detail) => {
                PaymasterError::InvalidApiKey { detail }
            }
            Some(codes::UNKNOWN_ERROR) => PaymasterError::Unknown { detail },
            Some(code) => PaymasterError::Rpc {
                code,
                message: truncate(&format!("{message}{}", suffix(&detail))),
            },
            None => {
                PaymasterError::BadResponse(truncate(&format!("error without a code: {error}")))
            }
        }
    }
}

impl From<PaymasterError> for ChainError {
    /// Folds a paymaster failure into the chain error the shells already handle: unreachable
    /// stays unreachable, a contract refusal stays a refusal with its reason, the rest is
    /// `RPC_UNEXPECTED` carrying the paymaster's code in its text.
    fn from(e: PaymasterError) -> ChainError {
        match e {
            PaymasterError::Unavailable { url, detail } => ChainError::Unreachable { url, detail },
            PaymasterError::TransactionExecution { reason } => ChainError::Rejected { reason },
            other => ChainError::Unexpected(format!("{} ({})", other, other.code())),
        }
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(DETAIL_LIMIT).collect()
}

fn data_text(data: &Value) -> String {
    match data {
        Value::Null => String::new(),
        Value::String(s) => truncate(s),
        other => truncate(&other.to_string()),
    }
}

fn mentions_api_key(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("api-key") || t.contains("api key") || t.contains("apikey") || t.contains("api_key")
}

/// The innermost message of a 156 error's data: `{execution_error: string | {.., error}}`.
fn execution_reason(data: Option<&Value>, message: &str) -> String {
    fn innermost(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Object(o) => match o.get("execution_error").or_else(|| o.get("error")) {
                Some(inner) => innermost(inner),
                None => v.to_string(),
            },
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }
    let raw = data.map(innermost).unwrap_or_default();
    if raw.is_empty() {
        truncate(message)
    } else {
        truncate(&revert_reason(&raw))
    }
}

/// An API key. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Who pays the fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeMode {
    /// The paymaster (or the dapp behind its API key) pays; nothing is added to the calls.
    Sponsored,
    /// The user pays in `gas_token`; the paymaster appends one transfer of it.
    Default { gas_token: Felt },
}

/// `execute_after` / `execute_before` the user asks for (unix seconds, chain time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBounds {
    pub execute_after: u64,
    pub execute_before: u64,
}

/// SNIP-29 `EXECUTION_PARAMETERS` (version `0x1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionParameters {
    pub fee_mode: FeeMode,
    pub time_bounds: Option<TimeBounds>,
}

impl ExecutionParameters {
    /// Sponsored, with the paymaster's default time bounds.
    pub fn sponsored() -> Self {
        ExecutionParameters {
            fee_mode: FeeMode::Sponsored,
            time_bounds: None,
        }
    }

    /// Fee paid by the user in `gas_token`.
    pub fn paid_in(gas_token: Felt) -> Self {
        ExecutionParameters {
            fee_mode: FeeMode::Default { gas_token },
            time_bounds: None,
        }
    }

    pub fn to_json(&self) -> Value {
        let fee_mode = match self.fee_mode {
            FeeMode::Sponsored => json!({"mode": "sponsored"}),
            FeeMode::Default { gas_token } => {
                json!({"mode": "default", "gas_token": hex(gas_token)})
            }
        };
        let mut out = json!({"version": PARAMETERS_VERSION, "fee_mode": fee_mode});
        if let Some(tb) = self.time_bounds {
            // TIME_BOUNDS holds TIMESTAMPs, which are decimal strings.
            out["time_bounds"] = json!({
                "execute_after": tb.execute_after.to_string(),
                "execute_before": tb.execute_before.to_string(),
            });
        }
        out
    }

    /// Parses the `parameters` object (what a server receives).
    pub fn from_json(v: &Value) -> Result<Self, PaymasterError> {
        let bad = |what: &str| PaymasterError::BadResponse(format!("execution parameters: {what}"));
        match v.get("version").and_then(Value::as_str) {
            Some(PARAMETERS_VERSION) => {}
            _ => return Err(bad("version must be \"0x1\"")),
        }
        let fm = v.get("fee_mode").ok_or_else(|| bad("no fee_mode"))?;
        let fee_mode = match fm.get("mode").and_then(Value::as_str) {
            Some("sponsored") => FeeMode::Sponsored,
            Some("default") => FeeMode::Default {
                gas_token: fm
                    .get("gas_token")
                    .and_then(|t| number_felt(t).ok())
                    .ok_or_else(|| bad("fee_mode default needs a gas_token"))?,
            },
            _ => return Err(bad("fee_mode.mode must be \"sponsored\" or \"default\"")),
        };
        let time_bounds = match v.get("time_bounds") {
            None | Some(Value::Null) => None,
            Some(tb) => {
                let read = |k: &str| {
                    tb.get(k)
                        .and_then(|x| number_felt(x).ok())
                        .and_then(|f| felt_to_u64(&f))
                        .ok_or_else(|| bad("time_bounds need execute_after and execute_before"))
                };
                Some(TimeBounds {
                    execute_after: read("execute_after")?,
                    execute_before: read("execute_before")?,
                })
            }
        };
        Ok(ExecutionParameters {
            fee_mode,
            time_bounds,
        })
    }
}

/// SNIP-29 `FEE_ESTIMATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeEstimate {
    pub gas_token_price_in_strk: Felt,
    pub estimated_fee_in_strk: Felt,
    pub estimated_fee_in_gas_token: Felt,
    pub suggested_max_fee_in_strk: Felt,
    pub suggested_max_fee_in_gas_token: Felt,
}

const FEE_FIELDS: [&str; 5] = [
    "gas_token_price_in_strk",
    "estimated_fee_in_strk",
    "estimated_fee_in_gas_token",
    "suggested_max_fee_in_strk",
    "suggested_max_fee_in_gas_token",
];

impl FeeEstimate {
    pub fn to_json(&self) -> Value {
        let values = self.fields();
        let mut out = Map::new();
        for (name, value) in FEE_FIELDS.iter().zip(values) {
            out.insert((*name).to_string(), Value::String(hex(value)));
        }
        Value::Object(out)
    }

    pub fn from_json(v: &Value) -> Result<Self, PaymasterError> {
        let read = |k: &str| {
            v.get(k)
                .and_then(|x| number_felt(x).ok())
                .ok_or_else(|| PaymasterError::BadResponse(format!("fee estimate without {k}")))
        };
        Ok(FeeEstimate {
            gas_token_price_in_strk: read(FEE_FIELDS[0])?,
            estimated_fee_in_strk: read(FEE_FIELDS[1])?,
            estimated_fee_in_gas_token: read(FEE_FIELDS[2])?,
            suggested_max_fee_in_strk: read(FEE_FIELDS[3])?,
            suggested_max_fee_in_gas_token: read(FEE_FIELDS[4])?,
        })
    }

    fn fields(&self) -> [Felt; 5] {
        [
            self.gas_token_price_in_strk,
            self.estimated_fee_in_strk,
            self.estimated_fee_in_gas_token,
            self.suggested_max_fee_in_strk,
            self.suggested_max_fee_in_gas_token,
        ]
    }
}

/// SNIP-29 `TOKEN_DATA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenData {
    pub token_address: Felt,
    pub decimals: u32,
    pub price_in_strk: Felt,
}

/// The answer to `paymaster_buildTransaction` for an `invoke`, before any check.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltInvoke {
    /// The SNIP-12 typed data to sign, as the paymaster sent it (it is sent back verbatim).
    pub typed_data: Value,
    /// The parameters the paymaster echoed.
    pub parameters: Value,
    pub fee: FeeEstimate,
}

/// The answer to `paymaster_executeTransaction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteResult {
    pub transaction_hash: Felt,
    pub tracking_id: Felt,
}

/// A built invoke whose typed data passed [`verify_build`]: ready for the session key.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedInvoke {
    pub user_address: Felt,
    pub chain_id: Felt,
    pub parameters: ExecutionParameters,
    /// The checked execution: the user's calls first, then at most the paymaster's fee transfer.
    pub outside: OutsideExecution,
    /// The paymaster's typed data, returned to it unchanged on execution.
    pub typed_data: Value,
    pub fee: FeeEstimate,
}

impl PreparedInvoke {
    /// The SNIP-12 hash the account verifies: sign this with `SessionSignature::sign`.
    pub fn message_hash(&self) -> Felt {
        self.outside.message_hash(self.chain_id, self.user_address)
    }

    /// The calls the paymaster appended after the user's (its fee transfer, if any).
    pub fn paymaster_calls(&self, requested: usize) -> &[Call] {
        self.outside.calls.get(requested..).unwrap_or(&[])
    }
}

/// A JSON-RPC 2.0 client for one SNIP-29 paymaster.
pub struct PaymasterClient {
    url: String,
    api_key: Option<ApiKey>,
    http: reqwest::Client,
    next_id: AtomicU64,
}

impl std::fmt::Debug for PaymasterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymasterClient")
            .field("url", &self.url)
            .field("api_key", &self.api_key)
            .finish()
    }
}

impl PaymasterClient {
    /// A client for the paymaster at `url`; `api_key` goes in [`API_KEY_HEADER`].
    pub fn new(url: &str, api_key: Option<ApiKey>) -> Result<Self, PaymasterError> {
        let unavailable = |detail: String| PaymasterError::Unavailable {
            url: url.to_string(),
            detail,
        };
        let parsed =
            url::Url::parse(url).map_err(|e| unavailable(format!("not a valid URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(unavailable("the URL must be http or https".into()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(180))
            .build()
            .map_err(|e| unavailable(e.to_string()))?;
        Ok(PaymasterClient {
            url: url.to_string(),
            api_key,
            http,
            next_id: AtomicU64::new(1),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn request(&self, method: &str, params: Value) -> Result<Value, PaymasterError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let unavailable = |detail: String| PaymasterError::Unavailable {
            url: self.url.clone(),
            detail,
        };
        let mut req = self.http.post(&self.url).json(&body);
        if let Some(key) = &self.api_key {
            req = req.header(API_KEY_HEADER, key.expose());
        }
        let resp = req.send().await.map_err(|e| unavailable(error_chain(&e)))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| unavailable(error_chain(&e)))?;
        let reply: Option<Value> = serde_json::from_slice(&bytes).ok();
        if let Some(err) = reply.as_ref().and_then(|r| r.get("error")) {
            return Err(PaymasterError::from_rpc_error(err));
        }
        if status.as_u16() == 401 || status.as_u16() == 403 {
            return Err(PaymasterError::InvalidApiKey {
                detail: format!("HTTP {status}"),
            });
        }
        if status.is_server_error() {
            return Err(unavailable(format!("HTTP {status}")));
        }
        if !status.is_success() {
            return Err(PaymasterError::BadResponse(format!("HTTP {status}")));
        }
        let reply = reply.ok_or_else(|| {
            PaymasterError::BadResponse(format!("{method}: the body is not JSON"))
        })?;
        match reply.get("result") {
            Some(result) => Ok(result.clone()),
            None => Err(PaymasterError::BadResponse(format!(
                "{method}: neither result nor error"
            ))),
        }
    }

    /// `paymaster_isAvailable`.
    pub async fn is_available(&self) -> Result<bool, PaymasterError> {
        self.request("paymaster_isAvailable", json!([]))
            .await?
            .as_bool()
            .ok_or_else(|| {
                PaymasterError::BadResponse("paymaster_isAvailable: not a boolean".into())
            })
    }

    /// `paymaster_getSupportedTokens`.
    pub async fn supported_tokens(&self) -> Result<Vec<TokenData>, PaymasterError> {
        let result = self
            .request("paymaster_getSupportedTokens", json!({}))
            .await?;
        let bad =
            || PaymasterError::BadResponse("paymaster_getSupportedTokens: bad token list".into());
        result
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|t| {
                Ok(TokenData {
                    token_address: t
                        .get("token_address")
                        .and_then(|v| number_felt(v).ok())
                        .ok_or_else(bad)?,
                    decimals: t
                        .get("decimals")
                        .and_then(Value::as_u64)
                        .and_then(|d| u32::try_from(d).ok())
                        .ok_or_else(bad)?,
                    price_in_strk: t
                        .get("price_in_strk")
                        .and_then(|v| number_felt(v).ok())
                        .ok_or_else(bad)?,
                })
            })
            .collect()
    }

    /// `paymaster_buildTransaction` for an `invoke` of `calls` by `user_address`. The answer is
    /// not checked: use [`Self::prepare_invoke`] unless you check it with [`verify_build`].
    pub async fn build_invoke(
        &self,
        user_address: Felt,
        calls: &[Call],
        parameters: &ExecutionParameters,
    ) -> Result<BuiltInvoke, PaymasterError> {
        let params = build_invoke_params(user_address, calls, parameters);
        let result = self.request("paymaster_buildTransaction", params).await?;
        match result.get("type").and_then(Value::as_str) {
            Some("invoke") | None => {}
            Some(other) => {
                return Err(PaymasterError::BadResponse(format!(
                    "asked for an invoke, got a {}",
                    truncate(other)
                )))
            }
        }
        let typed_data = result.get("typed_data").cloned().ok_or_else(|| {
            PaymasterError::BadResponse("no typed_data in the build answer".into())
        })?;
        let fee =
            FeeEstimate::from_json(result.get("fee").ok_or_else(|| {
                PaymasterError::BadResponse("no fee in the build answer".into())
            })?)?;
        Ok(BuiltInvoke {
            typed_data,
            parameters: result.get("parameters").cloned().unwrap_or(Value::Null),
            fee,
        })
    }

    /// Builds, then checks the answer with [`verify_build`]; nothing is signed here.
    pub async fn prepare_invoke(
        &self,
        chain_id: Felt,
        user_address: Felt,
        calls: &[Call],
        parameters: &ExecutionParameters,
    ) -> Result<PreparedInvoke, PaymasterError> {
        let built = self.build_invoke(user_address, calls, parameters).await?;
        let outside = verify_build(&built, chain_id, calls, parameters)?;
        Ok(PreparedInvoke {
            user_address,
            chain_id,
            parameters: *parameters,
            outside,
            typed_data: built.typed_data,
            fee: built.fee,
        })
    }

    /// `paymaster_executeTransaction` for an `invoke`: the signed typed data goes back as-is.
    pub async fn execute_invoke(
        &self,
        user_address: Felt,
        typed_data: &Value,
        signature: &[Felt],
        parameters: &ExecutionParameters,
    ) -> Result<ExecuteResult, PaymasterError> {
        let params = json!({
            "transaction": {
                "type": "invoke",
                "invoke": {
                    "user_address": hex(user_address),
                    "typed_data": typed_data,
                    "signature": signature.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
                },
            },
            "parameters": parameters.to_json(),
        });
        let result = self.request("paymaster_executeTransaction", params).await?;
        let read = |k: &str| {
            result
                .get(k)
                .and_then(|v| number_felt(v).ok())
                .ok_or_else(|| PaymasterError::BadResponse(format!("execute answer without {k}")))
        };
        Ok(ExecuteResult {
            transaction_hash: read("transaction_hash")?,
            tracking_id: read("tracking_id")?,
        })
    }

    /// Executes a [`PreparedInvoke`] with the session signature over its message hash.
    pub async fn execute_prepared(
        &self,
        prepared: &PreparedInvoke,
        signature: &[Felt],
    ) -> Result<ExecuteResult, PaymasterError> {
        self.execute_invoke(
            prepared.user_address,
            &prepared.typed_data,
            signature,
            &prepared.parameters,
        )
        .await
    }
}

/// Every `source()` of a reqwest error: "error sending request" alone says nothing.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cur = inner.source();
    }
    truncate(&text)
}

/// The `params` of `paymaster_buildTransaction` for an invoke.
pub fn build_invoke_params(
    user_address: Felt,
    calls: &[Call],
    parameters: &ExecutionParameters,
) -> Value {
    json!({
        "transaction": {
            "type": "invoke",
            "invoke": {
                "user_address": hex(user_address),
                "calls": calls.iter().map(|c| json!({
                    "to": hex(c.to),
                    "selector": hex(c.selector),
                    "calldata": c.calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            },
        },
        "parameters": parameters.to_json(),
    })
}

/// Reads SNIP-29 `CALL`s (`{to, selector, calldata}`), as a server receives them.
pub fn calls_from_json(v: &Value) -> Result<Vec<Call>, PaymasterError> {
    let bad = |what: String| PaymasterError::BadResponse(format!("calls: {what}"));
    v.as_array()
        .ok_or_else(|| bad("not a list".into()))?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let felt = |k: &str| {
                c.get(k)
                    .ok_or_else(|| bad(format!("call {i} has no {k}")))
                    .and_then(|x| number_felt(x).map_err(|e| bad(format!("call {i} {k}: {e}"))))
            };
            let calldata = c
                .get("calldata")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("call {i} has no calldata list")))?
                .iter()
                .map(|x| number_felt(x).map_err(|e| bad(format!("call {i} calldata: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call {
                to: felt("to")?,
                selector: felt("selector")?,
                calldata,
            })
        })
        .collect()
}

fn hex(f: Felt) -> String {
    format!("{f:#x}")
}

// ---------------------------------------------------------------------------------------------
// Typed data: SNIP-29 "Version 2" (SNIP-9 v2 outside execution, SNIP-12 revision 1).
// ---------------------------------------------------------------------------------------------

const DOMAIN_NAME: &str = "Account.execute_from_outside";

fn expected_types() -> Value {
    json!({
        "StarknetDomain": [
            {"name": "name", "type": "shortstring"},
            {"name": "version", "type": "shortstring"},
            {"name": "chainId", "type": "shortstring"},
            {"name": "revision", "type": "shortstring"},
        ],
        "OutsideExecution": [
            {"name": "Caller", "type": "ContractAddress"},
            {"name": "Nonce", "type": "felt"},
            {"name": "Execute After", "type": "u128"},
            {"name": "Execute Before", "type": "u128"},
            {"name": "Calls", "type": "Call*"},
        ],
        "Call": [
            {"name": "To", "type": "ContractAddress"},
            {"name": "Selector", "type": "selector"},
            {"name": "Calldata", "type": "felt*"},
        ],
    })
}

/// The SNIP-29 V2 typed data of `outside` on `chain_id` (what a paymaster returns from a build).
pub fn outside_execution_typed_data(outside: &OutsideExecution, chain_id: Felt) -> Value {
    json!({
        "types": expected_types(),
        "primaryType": "OutsideExecution",
        "domain": {
            "name": DOMAIN_NAME,
            "version": "2",
            "chainId": hex(chain_id),
            "revision": "1",
        },
        "message": {
            "Caller": hex(outside.caller),
            "Nonce": hex(outside.nonce),
            "Execute After": format!("{:#x}", outside.execute_after),
            "Execute Before": format!("{:#x}", outside.execute_before),
            "Calls": outside.calls.iter().map(|c| json!({
                "To": hex(c.to),
                "Selector": hex(c.selector),
                "Calldata": c.calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
    })
}

/// A felt written as 0x-hex, decimal digits, or a JSON integer.
fn number_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s) => parse_felt(s).map_err(|e| e.to_string()),
        Value::Number(n) => n
            .as_u64()
            .map(Felt::from)
            .ok_or_else(|| format!("{n} is not a non-negative integer")),
        other => Err(format!("{} is not a number", truncate(&other.to_string()))),
    }
}

/// A SNIP-12 `shortstring` value as starknet.js reads it: hex, then decimal, then text.
fn shortstring_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => {
            parse_felt(s).map_err(|e| e.to_string())
        }
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            parse_felt(s).map_err(|e| e.to_string())
        }
        Value::String(s) => short_string(s).map_err(|e| e.to_string()),
        other => number_felt(other),
    }
}

/// A SNIP-12 `selector` value: a felt, or an entrypoint name to hash.
fn selector_felt(v: &Value) -> Result<Felt, String> {
    match v {
        Value::String(s)
            if !(s.is_empty() || s.starts_with("0x") || s.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Ok(selector_from_name(s))
        }
        other => number_felt(other),
    }
}

/// Parses SNIP-29 V2 typed data into the execution it describes, checking that it is one: the
/// three type definitions exactly as the SNIP fixes them, `primaryType` `OutsideExecution`, and
/// the domain `{name: "Account.execute_from_outside", version: 2, chainId: chain_id,
/// revision: 1}`. It does not look at the calls: see [`verify_build`].
pub fn outside_execution_from_typed_data(
    typed_data: &Value,
    chain_id: Felt,
) -> Result<OutsideExecution, PaymasterError> {
    let bad = |what: String| PaymasterError::BadTypedData(truncate(&what));
    let types = typed_data
        .get("types")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no types".into()))?;
    let expected = expected_types();
    for name in ["StarknetDomain", "OutsideExecution", "Call"] {
        if types.get(name) != expected.get(name) {
            return Err(bad(format!(
                "type {name} is not the SNIP-9 v2 definition (is this SNIP-9 v1 or v3?)"
            )));
        }
    }
    match typed_data.get("primaryType").and_then(Value::as_str) {
        Some("OutsideExecution") => {}
        other => {
            return Err(bad(format!(
                "primaryType is {other:?}, not OutsideExecution"
            )))
        }
    }

    let domain = typed_data
        .get("domain")
        .ok_or_else(|| bad("no domain".into()))?;
    let field = |k: &str| {
        domain
            .get(k)
            .ok_or_else(|| bad(format!("domain has no {k}")))
            .and_then(|v| shortstring_felt(v).map_err(|e| bad(format!("domain {k}: {e}"))))
    };
    let expected_name = short_string(DOMAIN_NAME).map_err(|e| bad(e.to_string()))?;
    if field("name")? != expected_name {
        return Err(bad(format!(
            "domain name is {}, not {DOMAIN_NAME}",
            domain["name"]
        )));
    }
    if field("version")? != Felt::TWO {
        return Err(bad(format!(
            "domain version is {}, not 2",
            domain["version"]
        )));
    }
    if field("revision")? != Felt::ONE {
        return Err(bad(format!(
            "SNIP-12 revision is {}, not 1",
            domain["revision"]
        )));
    }
    let domain_chain = field("chainId")?;
    if domain_chain != chain_id {
        return Err(bad(format!(
            "domain chainId is {}, but this chain is {}",
            domain["chainId"],
            hex(chain_id)
        )));
    }

    let message = typed_data
        .get("message")
        .ok_or_else(|| bad("no message".into()))?;
    let member = |k: &str| {
        message
            .get(k)
            .ok_or_else(|| bad(format!("message has no {k}")))
    };
    let felt_member =
        |k: &str| member(k).and_then(|v| number_felt(v).map_err(|e| bad(format!("{k}: {e}"))));
    let time_member = |k: &str| {
        felt_member(k).and_then(|f| {
            felt_to_u64(&f).ok_or_else(|| bad(format!("{k} does not fit the account's u64")))
        })
    };
    let caller = felt_member("Caller")?;
    let nonce = felt_member("Nonce")?;
    let execute_after = time_member("Execute After")?;
    let execute_before = time_member("Execute Before")?;
    if execute_before <= execute_after {
        return Err(bad(format!(
            "Execute Before ({execute_before}) is not after Execute After ({execute_after})"
        )));
    }
    let calls = member("Calls")?
        .as_array()
        .ok_or_else(|| bad("Calls is not a list".into()))?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let get = |k: &str| c.get(k).ok_or_else(|| bad(format!("call {i} has no {k}")));
            let to = get("To")
                .and_then(|v| number_felt(v).map_err(|e| bad(format!("call {i} To: {e}"))))?;
            let selector = get("Selector").and_then(|v| {
                selector_felt(v).map_err(|e| bad(format!("call {i} Selector: {e}")))
            })?;
            let calldata = get("Calldata")?
                .as_array()
                .ok_or_else(|| bad(format!("call {i} Calldata is not a list")))?
                .iter()
                .map(|v| number_felt(v).map_err(|e| bad(format!("call {i} Calldata: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Call {
                to,
                selector,
                calldata,
            })
        })
        .collect::<Result<Vec<_>, PaymasterError>>()?;
    Ok(OutsideExecution {
        caller,
        nonce,
        execute_after,
        execute_before,
        calls,
    })
}

/// Checks that `outside` carries exactly the `requested` calls, in order, followed by nothing
/// (sponsored) or by one transfer of the gas token no larger than the paymaster's own quote
/// `fee.suggested_max_fee_in_gas_token` (default mode); and that requested time bounds are kept.
pub fn verify_calls(
    outside: &OutsideExecution,
    requested: &[Call],
    parameters: &ExecutionParameters,
    fee: &FeeEstimate,
) -> Result<(), PaymasterError> {
    let tampered = |what: String| PaymasterError::TamperedCalls(truncate(&what));
    if outside.calls.len() < requested.len() {
        return Err(tampered(format!(
            "you asked for {} call(s), the paymaster returned {}",
            requested.len(),
            outside.calls.len()
        )));
    }
    for (i, (want, got)) in requested.iter().zip(&outside.calls).enumerate() {
        if want != got {
            let what = if want.to != got.to {
                format!(
                    "its contract is {} instead of {}",
                    hex(got.to),
                    hex(want.to)
                )
            } else if want.selector != got.selector {
                format!(
                    "its entrypoint is {} instead of {}",
                    hex(got.selector),
                    hex(want.selector)
                )
            } else {
                let at = want
                    .calldata
                    .iter()
                    .zip(&got.calldata)
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.calldata.len().min(got.calldata.len()));
                format!(
                    "its calldata differs at position {at} ({} instead of {})",
                    got.calldata
                        .get(at)
                        .map(|f| hex(*f))
                        .unwrap_or_else(|| "nothing".into()),
                    want.calldata
                        .get(at)
                        .map(|f| hex(*f))
                        .unwrap_or_else(|| "nothing".into()),
                )
            };
            return Err(tampered(format!(
                "call {} of {} was changed: {what}",
                i + 1,
                requested.len()
            )));
        }
    }
    let extra = &outside.calls[requested.len()..];
    match parameters.fee_mode {
        FeeMode::Sponsored => {
            if !extra.is_empty() {
                return Err(tampered(format!(
                    "a sponsored transaction must carry only your calls, but the paymaster added {}",
                    extra.len()
                )));
            }
        }
        FeeMode::Default { gas_token } => {
            if extra.len() > 1 {
                return Err(tampered(format!(
                    "the paymaster added {} calls; only one fee transfer is acceptable",
                    extra.len()
                )));
            }
            if let Some(fee_call) = extra.first() {
                let amount = match (
                    fee_call.to == gas_token,
                    fee_call.selector == selector_from_name("transfer"),
                    fee_call.calldata.as_slice(),
                ) {
                    (true, true, [_recipient, low, high]) => U256::from_felts(low, high),
                    _ => None,
                };
                let amount = amount.ok_or_else(|| {
                    tampered(
                        "the call the paymaster added is not a transfer of the gas token".into(),
                    )
                })?;
                let quote = felt_to_u128(&fee.suggested_max_fee_in_gas_token)
                    .map(U256::from_u128)
                    .unwrap_or(U256 {
                        high: u128::MAX,
                        low: u128::MAX,
                    });
                if amount > quote {
                    return Err(tampered(format!(
                        "the fee transfer ({amount}) is above the paymaster's own quote ({quote})"
                    )));
                }
            }
        }
    }
    if let Some(tb) = parameters.time_bounds {
        if outside.execute_after != tb.execute_after || outside.execute_before != tb.execute_before
        {
            return Err(tampered(format!(
                "you asked for execution between {} and {}, the paymaster wrote {} and {}",
                tb.execute_after, tb.execute_before, outside.execute_after, outside.execute_before
            )));
        }
    }
    Ok(())
}

/// Parses a build answer and checks it ([`outside_execution_from_typed_data`], then
/// [`verify_calls`]). Only an execution that passes may be signed.
pub fn verify_build(
    built: &BuiltInvoke,
    chain_id: Felt,
    requested: &[Call],
    parameters: &ExecutionParameters,
) -> Result<OutsideExecution, PaymasterError> {
    let outside = outside_execution_from_typed_data(&built.typed_data, chain_id)?;
    verify_calls(&outside, requested, parameters, &built.fee)?;
    Ok(outside)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sesame_core::calls::erc20_transfer;

    const CHAIN: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941"); // SN_SEPOLIA
    const TOKEN: Felt = Felt::from_hex_unchecked("0x1234");
    const ALICE: Felt = Felt::from_hex_unchecked("0xa11ce");
    const RELAYER: Felt = Felt::from_hex_unchecked("0x7e1a7");

    fn sample(calls: Vec<Call>) -> OutsideExecution {
        OutsideExecution {
            caller: RELAYER,
            nonce: Felt::from(77u8),
            execute_after: 0,
            execute_before: 1_900_000_000,
            calls,
        }
    }

    fn no_fee() -> FeeEstimate {
        FeeEstimate {
            gas_token_price_in_strk: Felt::ONE,
            estimated_fee_in_strk: Felt::ZERO,
            estimated_fee_in_gas_token: Felt::ZERO,
            suggested_max_fee_in_strk: Felt::from(500u16),
            suggested_max_fee_in_gas_token: Felt::from(500u16),
        }
    }

    fn pay(amount: u128) -> Call {
        erc20_transfer(TOKEN, ALICE, U256::from_u128(amount))
    }

    #[test]
    fn typed_data_round_trips_to_the_same_execution_and_hash() {
        let oe = sample(vec![pay(5), pay(6)]);
        let td = outside_execution_typed_data(&oe, CHAIN);
        let back = outside_execution_from_typed_data(&td, CHAIN).unwrap();
        assert_eq!(back, oe);
        assert_eq!(
            back.message_hash(CHAIN, ALICE),
            oe.message_hash(CHAIN, ALICE)
        );
    }

    /// starknet.js writes the domain chain id as a short string, numbers in decimal and
    /// selectors as names: each vector built that way parses to its known message hash.
    #[test]
    fn starknet_js_style_typed_data_hashes_to_the_shared_vectors() {
        let path = format!(
            "{}/../../testdata/vectors/snip9_outside_execution_v2.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("missing {path}");
        };
        let v: Value = serde_json::from_str(&text).unwrap();
        let cases = v["cases"].as_array().unwrap();
        assert!(cases.len() >= 20);
        for case in cases {
            let chain_name = case["chain_id"].as_str().unwrap();
            let calls: Vec<Value> = case["calls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    json!({
                        "To": c["to"],
                        "Selector": c["entrypoint"],
                        "Calldata": c["calldata"].as_array().unwrap().iter().map(|f| {
                            Value::String(parse_felt(f.as_str().unwrap()).unwrap().to_string())
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let td = json!({
                "types": expected_types(),
                "primaryType": "OutsideExecution",
                "domain": {"name": DOMAIN_NAME, "version": "2", "chainId": chain_name, "revision": "1"},
                "message": {
                    "Caller": case["caller"],
                    "Nonce": case["nonce"],
                    "Execute After": case["execute_after"],
                    "Execute Before": case["execute_before"].to_string(),
                    "Calls": calls,
                },
            });
            let chain = short_string(chain_name).unwrap();
            let account = parse_felt(case["account"].as_str().unwrap()).unwrap();
            let oe = outside_execution_from_typed_data(&td, chain).unwrap();
            let want = parse_felt(case["message_hash"].as_str().unwrap()).unwrap();
            assert_eq!(oe.message_hash(chain, account), want, "case {case}");
        }
    }

    #[test]
    fn a_wrong_domain_type_or_chain_is_refused() {
        let td = outside_execution_typed_data(&sample(vec![pay(1)]), CHAIN);
        let check = |edit: &dyn Fn(&mut Value), why: &str| {
            let mut t = td.clone();
            edit(&mut t);
            let err = outside_execution_from_typed_data(&t, CHAIN).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_BAD_TYPED_DATA", "{why}: {err}");
        };
        check(
            &|t| t["domain"]["name"] = json!("Account.execute_from_inside"),
            "name",
        );
        check(&|t| t["domain"]["version"] = json!("1"), "version 1");
        check(&|t| t["domain"]["revision"] = json!(0), "revision 0");
        check(
            &|t| t["domain"]["chainId"] = json!("SN_MAIN"),
            "other chain",
        );
        check(&|t| t["primaryType"] = json!("Call"), "primary type");
        check(
            &|t| t["types"]["OutsideExecution"][1]["name"] = json!("nonce"),
            "v1 field names",
        );
        check(
            &|t| t["message"]["Execute Before"] = json!("0x0"),
            "window closed",
        );
        check(
            &|t| t["message"]["Calls"][0]["Calldata"][0] = json!("hello"),
            "text calldata",
        );
        // The same data with the accepted spellings of version and revision passes.
        let mut ok = td.clone();
        ok["domain"]["version"] = json!(2);
        ok["domain"]["revision"] = json!(1);
        ok["domain"]["chainId"] = json!("SN_SEPOLIA");
        assert!(outside_execution_from_typed_data(&ok, CHAIN).is_ok());
    }

    #[test]
    fn only_the_exact_requested_calls_pass_in_sponsored_mode() {
        let requested = vec![pay(10), pay(20)];
        let p = ExecutionParameters::sponsored();
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());

        let mut amount = requested.clone();
        amount[1] = pay(21);
        let mut recipient = requested.clone();
        recipient[0] = erc20_transfer(TOKEN, RELAYER, U256::from_u128(10));
        let dropped = vec![pay(10)];
        let reordered = vec![pay(20), pay(10)];
        let mut appended = requested.clone();
        appended.push(erc20_transfer(TOKEN, RELAYER, U256::from_u128(1)));
        for (calls, why) in [
            (amount, "amount"),
            (recipient, "recipient"),
            (dropped, "dropped"),
            (reordered, "reordered"),
            (appended, "appended in sponsored mode"),
        ] {
            let err = verify_calls(&sample(calls), &requested, &p, &no_fee()).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS", "{why}");
        }
    }

    #[test]
    fn in_default_mode_one_gas_token_transfer_within_the_quote_may_follow() {
        let requested = vec![pay(10)];
        let p = ExecutionParameters::paid_in(TOKEN);
        let with_fee = |call: Call| {
            let mut calls = requested.clone();
            calls.push(call);
            sample(calls)
        };
        let fee_ok = erc20_transfer(TOKEN, RELAYER, U256::from_u128(500));
        assert!(verify_calls(&with_fee(fee_ok.clone()), &requested, &p, &no_fee()).is_ok());
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());

        let over = erc20_transfer(TOKEN, RELAYER, U256::from_u128(501));
        let other_token = erc20_transfer(Felt::from(9u8), RELAYER, U256::from_u128(1));
        let approve = Call::new(TOKEN, "approve", vec![RELAYER, Felt::from(1u8), Felt::ZERO]);
        for (call, why) in [
            (over, "over quote"),
            (other_token, "other token"),
            (approve, "approve"),
        ] {
            let err = verify_calls(&with_fee(call), &requested, &p, &no_fee()).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS", "{why}");
        }
        let mut two = requested.clone();
        two.push(fee_ok.clone());
        two.push(fee_ok);
        assert!(verify_calls(&sample(two), &requested, &p, &no_fee()).is_err());
    }

    #[test]
    fn requested_time_bounds_must_be_kept() {
        let requested = vec![pay(1)];
        let mut p = ExecutionParameters::sponsored();
        p.time_bounds = Some(TimeBounds {
            execute_after: 0,
            execute_before: 1_900_000_000,
        });
        assert!(verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).is_ok());
        p.time_bounds = Some(TimeBounds {
            execute_after: 0,
            execute_before: 1_800_000_000,
        });
        let err = verify_calls(&sample(requested.clone()), &requested, &p, &no_fee()).unwrap_err();
        assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS");
    }

    #[test]
    fn every_snip29_error_code_maps_to_its_own_stable_code() {
        let cases = [
            (150, "PAYMASTER_INVALID_ADDRESS"),
            (151, "PAYMASTER_TOKEN_NOT_SUPPORTED"),
            (153, "PAYMASTER_INVALID_SIGNATURE"),
            (154, "PAYMASTER_MAX_AMOUNT_TOO_LOW"),
            (155, "PAYMASTER_CLASS_HASH_NOT_SUPPORTED"),
            (156, "PAYMASTER_TRANSACTION_EXECUTION_ERROR"),
            (157, "PAYMASTER_INVALID_TIME_BOUNDS"),
            (158, "PAYMASTER_INVALID_DEPLOYMENT_DATA"),
            (159, "PAYMASTER_INVALID_CLASS_HASH"),
            (160, "PAYMASTER_INVALID_ID"),
            (163, "PAYMASTER_UNKNOWN_ERROR"),
            (-32601, "PAYMASTER_RPC_ERROR"),
        ];
        for (code, want) in cases {
            let e = PaymasterError::from_rpc_error(
                &json!({"code": code, "message": "An error occurred"}),
            );
            assert_eq!(e.code(), want);
            assert_eq!(e.rpc_code(), Some(code), "{want} round-trips");
            assert!(!e.to_string().is_empty());
        }
        let key = PaymasterError::from_rpc_error(&json!({
            "code": 163, "message": "An error occurred (UNKNOWN_ERROR)",
            "data": "x-paymaster-api-key is invalid"
        }));
        assert_eq!(key.code(), "PAYMASTER_INVALID_API_KEY");
        let unavailable = PaymasterError::Unavailable {
            url: "u".into(),
            detail: "refused".into(),
        };
        assert_eq!(unavailable.code(), "PAYMASTER_UNAVAILABLE");
        assert_eq!(ChainError::from(unavailable).code(), "RPC_UNAVAILABLE");
    }

    #[test]
    fn an_execution_error_carries_the_contracts_innermost_reason() {
        let nested = json!({"code": 156, "message": "An error occurred (TRANSACTION_EXECUTION_ERROR)",
            "data": {"execution_error": {"contract_address": "0x1", "class_hash": "0x2", "selector": "0x3",
                "error": "0x53657373696f6e3a2065787069726564 ('Session: expired'), 0x454e545259504f494e545f4641494c4544 ('ENTRYPOINT_FAILED')"}}});
        let e = PaymasterError::from_rpc_error(&nested);
        assert_eq!(e.reason(), Some("Session: expired"));
        let flat = json!({"code": 156, "message": "m", "data": {"execution_error": "Session: not registered"}});
        assert_eq!(
            PaymasterError::from_rpc_error(&flat).reason(),
            Some("Session: not registered")
        );
        let chain: ChainError = PaymasterError::from_rpc_error(&flat).into();
        assert_eq!(chain.reason(), Some("Session: not registered"));
    }

    #[test]
    fn the_api_key_never_shows_in_debug_output() {
        let client =
            PaymasterClient::new("http://127.0.0.1:9/", Some(ApiKey::new("sekret-123"))).unwrap();
        let text = format!("{client:?} {:?}", ApiKey::new("sekret-123"));
        assert!(!text.contains("sekret"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn build_params_use_the_snip29_field_names() {
        let p = build_invoke_params(ALICE, &[pay(3)], &ExecutionParameters::paid_in(TOKEN));
        assert_eq!(p["transaction"]["type"], "invoke");
        assert_eq!(p["transaction"]["invoke"]["user_address"], "0xa11ce");
        let call = &p["transaction"]["invoke"]["calls"][0];
        assert_eq!(call["to"], "0x1234");
        assert_eq!(call["selector"], hex(selector_from_name("transfer")));
        assert_eq!(call["calldata"], json!(["0xa11ce", "0x3", "0x0"]));
        assert_eq!(
            p["parameters"],
            json!({"version": "0x1", "fee_mode": {"mode": "default", "gas_token": "0x1234"}})
        );
        assert_eq!(
            ExecutionParameters::sponsored().to_json(),
            json!({"version": "0x1", "fee_mode": {"mode": "sponsored"}})
        );
        assert_eq!(
            calls_from_json(&p["transaction"]["invoke"]["calls"]).unwrap(),
            vec![pay(3)]
        );
        let back = ExecutionParameters::from_json(&p["parameters"]).unwrap();
        assert_eq!(back, ExecutionParameters::paid_in(TOKEN));
    }

    #[test]
    fn a_url_that_is_not_http_is_refused_as_unavailable() {
        for url in ["not a url", "ftp://127.0.0.1/"] {
            let err = PaymasterClient::new(url, None).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_UNAVAILABLE");
        }
    }
}
