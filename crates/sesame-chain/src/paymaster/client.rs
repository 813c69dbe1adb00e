//! [`PaymasterClient`]: JSON-RPC 2.0 over HTTP to one SNIP-29 paymaster. What it receives is
//! parsed by `wire` and, before anything is signed, checked by `checks`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use sesame_core::outside::Call;
use starknet_rust::core::types::Felt;

use super::checks::{number_felt, verify_build};
use super::error::{truncate, PaymasterError};
use super::wire::{
    build_invoke_params, hex, ApiKey, BuiltInvoke, ExecuteResult, ExecutionParameters, FeeEstimate,
    PreparedInvoke, TokenData,
};

/// The HTTP header that carries the API key (AVNU's paymaster, Chipi).
pub const API_KEY_HEADER: &str = "x-paymaster-api-key";

/// A JSON-RPC 2.0 client for one SNIP-29 paymaster.
pub struct PaymasterClient {
    url: String,
    api_key: Option<ApiKey>,
    http: reqwest::Client,
    next_id: AtomicU64,
    request_timeout: Duration,
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
        Self::with_timeouts(url, api_key, crate::Timeouts::default())
    }

    /// A client like [`PaymasterClient::new`] that waits at most `timeouts` per request.
    pub fn with_timeouts(
        url: &str,
        api_key: Option<ApiKey>,
        timeouts: crate::Timeouts,
    ) -> Result<Self, PaymasterError> {
        let unavailable = |detail: String| PaymasterError::Unavailable {
            url: url.to_string(),
            detail,
        };
        let parsed =
            url::Url::parse(url).map_err(|e| unavailable(format!("not a valid URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(unavailable("the URL must be http or https".into()));
        }
        let http = timeouts
            .http_client()
            .map_err(|e| unavailable(e.to_string()))?;
        Ok(PaymasterClient {
            url: url.to_string(),
            api_key,
            http,
            next_id: AtomicU64::new(1),
            request_timeout: timeouts.request,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn request(&self, method: &str, params: Value) -> Result<Value, PaymasterError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let unavailable = |e: reqwest::Error| {
            if e.is_timeout() {
                PaymasterError::Timeout {
                    url: self.url.clone(),
                    seconds: self.request_timeout.as_secs().max(1),
                }
            } else {
                PaymasterError::Unavailable {
                    url: self.url.clone(),
                    detail: error_chain(&e),
                }
            }
        };
        let mut req = self.http.post(&self.url).json(&body);
        if let Some(key) = &self.api_key {
            req = req.header(API_KEY_HEADER, key.expose());
        }
        let resp = req.send().await.map_err(unavailable)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(unavailable)?;
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
            return Err(PaymasterError::Unavailable {
                url: self.url.clone(),
                detail: format!("HTTP {status}"),
            });
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_api_key_never_shows_in_debug_output() {
        let client =
            PaymasterClient::new("http://127.0.0.1:9/", Some(ApiKey::new("sekret-123"))).unwrap();
        let text = format!("{client:?} {:?}", ApiKey::new("sekret-123"));
        assert!(!text.contains("sekret"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn a_url_that_is_not_http_is_refused_as_unavailable() {
        for url in ["not a url", "ftp://127.0.0.1/"] {
            let err = PaymasterClient::new(url, None).unwrap_err();
            assert_eq!(err.code(), "PAYMASTER_UNAVAILABLE");
        }
    }
}
