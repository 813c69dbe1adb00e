//! Why a paymaster request failed: [`PaymasterError`], the SNIP-29 error [`codes`], and the
//! reading of a JSON-RPC `error` object (bounded, since the server may be hostile).

use serde_json::Value;

use crate::error::{revert_reason, ChainError};

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
    /// The paymaster accepted the connection but did not answer in time.
    #[error("the paymaster at {url} did not answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
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
            PaymasterError::Timeout { .. } => "NETWORK_TIMEOUT",
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
            PaymasterError::Timeout { url, seconds } => ChainError::NetworkTimeout { url, seconds },
            PaymasterError::TransactionExecution { reason } => ChainError::Rejected { reason },
            other => ChainError::Unexpected(format!("{} ({})", other, other.code())),
        }
    }
}

pub(super) fn truncate(text: &str) -> String {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
