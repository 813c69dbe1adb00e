//! `sesame-devnet`: start a local chain with Sesame's account class and print where it is.
//!
//! Prints one JSON line on stdout once the chain is ready (`rpc_url`, `chain_id`,
//! `account_class_hash`, `accounts`, `strk`, `eth`), then serves until SIGINT or SIGTERM.
//! `--account-class FILE` predeploys the accounts from another Sierra class (e.g. the v1
//! session account); a file that cannot be read or is not Sierra is refused in one line.

use std::path::PathBuf;

use sesame_devnet::{Devnet, DevnetConfig, ETH_ADDRESS, STRK_ADDRESS};

fn usage() -> ! {
    eprintln!(
        "usage: sesame-devnet [--port N] [--seed N] [--accounts N] [--state FILE] [--account-class FILE]\n\
         --state FILE keeps the chain across restarts (every block is appended and replayed)\n\
         --account-class FILE predeploys accounts of this Sierra class (default: Sesame's v2 account)"
    );
    std::process::exit(2)
}

/// Reads and checks a Sierra class file, or exits with one line saying what is wrong: a typo'd
/// path or a CASM file should not surface as a devnet start-up error further on.
fn account_class(path: &str) -> String {
    let fail = |why: String| -> ! {
        eprintln!("sesame-devnet: --account-class {path}: {why}");
        std::process::exit(1)
    };
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("cannot read it ({e})")));
    if let Err(e) = sesame_devnet::sierra_class_hash(&text) {
        fail(format!("{e:#}"));
    }
    text
}

fn main() {
    let mut config = DevnetConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--port" => config.port = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => config.seed = value().parse().unwrap_or_else(|_| usage()),
            "--accounts" => config.accounts = value().parse().unwrap_or_else(|_| usage()),
            "--state" => config.dump_path = Some(PathBuf::from(value())),
            "--account-class" => config.account_class_sierra = Some(account_class(&value())),
            _ => usage(),
        }
    }
    let devnet = match Devnet::start(config) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("sesame-devnet: {e:#}");
            std::process::exit(1);
        }
    };
    let hex = |f: &sesame_devnet::Felt| format!("{f:#x}");
    let accounts: Vec<_> = devnet
        .accounts()
        .iter()
        .map(|a| {
            serde_json::json!({
                "address": hex(&a.address),
                "public_key": hex(&a.public_key),
                "private_key": hex(&a.private_key),
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "rpc_url": devnet.rpc_url(),
            "chain_id": hex(&devnet.chain_id()),
            "account_class_hash": hex(&devnet.account_class_hash()),
            "accounts": accounts,
            "strk": hex(&STRK_ADDRESS),
            "eth": hex(&ETH_ADDRESS),
            "started_in_ms": devnet.started_in().as_millis(),
        })
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    if let Ok(rt) = runtime {
        rt.block_on(async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
        });
    }
    devnet.stop();
}
