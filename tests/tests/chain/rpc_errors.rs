//! Faults of the node itself: another JSON-RPC version, and a node that never answers. A real
//! devnet can produce neither on demand, so each is a minimal fake on loopback (a mock, used only
//! because no real part can produce the fault), next to a real devnet that passes the same check.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;

use std::time::{Duration, Instant};

use sesame_chain::{Chain, Timeouts};

fn fake_node(spec_version: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = format!(r#"{{"jsonrpc":"2.0","id":1,"result":"{spec_version}"}}"#);
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    format!("http://{addr}/rpc")
}

#[tokio::test]
async fn a_node_with_another_spec_version_is_refused_with_a_clear_error() {
    let url = fake_node("0.8.1");
    let err = Chain::connect(&url).await.unwrap_err();
    assert_eq!(err.code(), "RPC_SPEC_MISMATCH");
    let message = err.to_string();
    assert!(
        message.contains("0.8.1") && message.contains("0.10"),
        "{message}"
    );
}

#[tokio::test]
async fn a_real_devnet_passes_the_version_check() {
    let fx = sesame_tests::Fixture::start_v1().await;
    assert!(
        fx.chain.spec_version().starts_with("0.10."),
        "{}",
        fx.chain.spec_version()
    );
}

/// A node that accepts the TCP connection and never answers (a hung or overloaded server).
/// A real devnet cannot be made to hang on demand, so this is a bare listener on loopback; the
/// thread keeps each accepted socket open until the test process ends.
fn silent_node() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(16) {
            held.push(stream);
        }
    });
    format!("http://{addr}/rpc")
}

fn short() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(1),
        request: Duration::from_millis(800),
    }
}

#[tokio::test]
async fn a_node_that_never_answers_fails_with_network_timeout_instead_of_hanging() {
    let url = silent_node();
    let started = Instant::now();
    let err = Chain::connect_with(&url, short()).await.unwrap_err();
    assert_eq!(err.code(), "NETWORK_TIMEOUT", "{err}");
    assert!(err.to_string().contains("did not answer"), "{err}");
    // Bounded by the timeout, not by the test harness: a hang would never get here.
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn the_same_short_timeouts_are_no_problem_for_a_node_that_answers() {
    let fx = sesame_tests::Fixture::start_v1().await;
    let chain = Chain::connect_with(&fx.devnet.rpc_url(), short())
        .await
        .unwrap();
    assert_eq!(chain.chain_id(), fx.chain.chain_id());
    assert_eq!(chain.timeouts(), short());
}

#[tokio::test]
async fn a_paymaster_that_never_answers_fails_with_network_timeout() {
    use sesame_chain::paymaster::PaymasterClient;
    let url = silent_node();
    let client = PaymasterClient::with_timeouts(&url, None, short()).unwrap();
    let err = client.is_available().await.unwrap_err();
    assert_eq!(err.code(), "NETWORK_TIMEOUT", "{err}");
    // Through the chain error the app sees, the code stays the same.
    assert_eq!(
        sesame_chain::ChainError::from(err).code(),
        "NETWORK_TIMEOUT"
    );
}
