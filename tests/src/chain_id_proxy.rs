//! A loopback JSON-RPC proxy in front of a real devnet that can make the node behind one URL
//! claim another chain id: what a custom network looks like when its URL starts leading to
//! another chain (a re-pointed DNS name, a provider that switched networks, an impostor).
//!
//! Every request is forwarded unchanged, except `starknet_chainId` while [`ChainIdProxy::pose_as`]
//! names an id: that one is answered by the proxy.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use sesame_core::Felt;
use tokio::sync::oneshot;

struct ProxyState {
    target: String,
    pose: Mutex<Option<Felt>>,
    http: reqwest::Client,
}

/// A running proxy; it stops when dropped.
pub struct ChainIdProxy {
    url: String,
    state: Arc<ProxyState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl ChainIdProxy {
    /// Serves on a free loopback port, forwarding to the JSON-RPC endpoint `target`.
    pub async fn start(target: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ProxyState {
            target: target.to_string(),
            pose: Mutex::new(None),
            http: reqwest::Client::new(),
        });
        let app = Router::new()
            .route("/rpc", post(forward))
            .with_state(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(ChainIdProxy {
            url: format!("http://{addr}/rpc"),
            state,
            shutdown: Some(tx),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// From now on, answer `starknet_chainId` with `id` (`None`: the node's own answer).
    pub fn pose_as(&self, id: Option<Felt>) {
        *self.state.pose.lock().unwrap_or_else(|e| e.into_inner()) = id;
    }
}

impl Drop for ChainIdProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn forward(State(state): State<Arc<ProxyState>>, body: Bytes) -> Response {
    let pose = *state.pose.lock().unwrap_or_else(|e| e.into_inner());
    if let (Some(id), Ok(request)) = (pose, serde_json::from_slice::<Value>(&body)) {
        if request.get("method").and_then(Value::as_str) == Some("starknet_chainId") {
            let reply = json!({
                "jsonrpc": "2.0",
                "id": request.get("id").cloned().unwrap_or(Value::Null),
                "result": format!("{id:#x}"),
            });
            return (
                [(header::CONTENT_TYPE, "application/json")],
                reply.to_string(),
            )
                .into_response();
        }
    }
    let sent = state
        .http
        .post(&state.target)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let status =
                StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            match resp.bytes().await {
                Ok(bytes) => (
                    status,
                    [(header::CONTENT_TYPE, "application/json")],
                    bytes.to_vec(),
                )
                    .into_response(),
                Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
            }
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
