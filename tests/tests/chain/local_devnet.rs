//! The local chain as the desktop app runs it ([`LocalDevnet`], the `sesame-devnet` binary):
//! the app may stop only a chain it spawned itself, and only while that chain is still the one
//! its data directory runs; a chain that was already answering (`sesame devnet up`) or that
//! replaced it is left alone.

#![allow(clippy::unwrap_used)]

use std::net::TcpListener;

use sesame_app::local_devnet::LocalDevnet;

fn scratch(tag: &str) -> (std::path::PathBuf, u16) {
    let dir =
        std::env::temp_dir().join(format!("sesame-local-devnet-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (dir, port)
}

#[tokio::test]
async fn only_the_process_that_spawned_the_chain_owns_it_and_stopping_it_keeps_nothing_running() {
    let (dir, port) = scratch("owned");
    let devnet = LocalDevnet::new(&dir, port);
    let started = devnet.start().await.unwrap();
    assert!(started.status.running);
    let child = started.child.expect("this call spawned the chain");
    let pid = child.id();
    assert_eq!(started.status.pid, Some(pid));

    // A second start finds it answering: nothing spawned, nothing owned.
    let again = devnet.start().await.unwrap();
    assert!(again.status.running);
    assert!(
        again.child.is_none(),
        "a chain already running is not ours to stop"
    );

    let after = devnet.stop_started(child).await.unwrap();
    assert!(!after.running, "the owned chain still answers");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "not reaped"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_chain_that_replaced_ours_in_the_data_directory_is_not_stopped_with_ours() {
    let (dir, port) = scratch("replaced");
    let app = LocalDevnet::new(&dir, port);
    let ours = app.start().await.unwrap().child.unwrap();
    // Meanwhile the CLI stops it and starts its own on the same data directory.
    let cli = LocalDevnet::new(&dir, port);
    assert!(!cli.down().await.unwrap().running);
    let theirs = cli.up().await.unwrap();
    assert!(theirs.running);
    assert_ne!(theirs.pid, Some(ours.id()));

    let after = app.stop_started(ours).await.unwrap();
    assert!(after.running, "stopping ours must not stop the CLI's chain");
    assert_eq!(after.pid, theirs.pid);
    assert!(!cli.down().await.unwrap().running);
    let _ = std::fs::remove_dir_all(&dir);
}
