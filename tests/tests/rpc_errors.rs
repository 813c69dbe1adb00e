//! A node that speaks another JSON-RPC version. A real devnet always speaks 0.10, so this one
//! fault is produced by a minimal fake node on loopback that answers `starknet_specVersion`
//! with 0.8.1 (a mock, used only because no real part can produce the mismatch on demand).

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpListener;

use sesame_chain::Chain;

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
    let fx = sesame_tests::Fixture::start().await;
    assert!(
        fx.chain.spec_version().starts_with("0.10."),
        "{}",
        fx.chain.spec_version()
    );
}
