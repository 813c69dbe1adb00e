//! `xvfb-run -a scripts/with-keyring.sh env SESAME_E2E=1 cargo run -p sesame-e2e --example measure_desktop`
//!
//! Starts the real app on a fresh devnet and reports:
//! - cold start to interactive: WebDriver session request → the PIN field is in the DOM;
//! - idle RSS of the app's process tree (the app, WebKitWebProcess, WebKitNetworkProcess…)
//!   after 15 s without input, summed from /proc.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sesame_e2e::App;
use sesame_tests::Fixture;

fn proc_table() -> HashMap<u32, (u32, String, u64)> {
    let mut table = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l[name.len()..].trim().to_string())
                .unwrap_or_default()
        };
        let ppid = field("PPid:").parse().unwrap_or(0);
        let rss_kb = field("VmRSS:")
            .trim_end_matches(" kB")
            .trim()
            .parse()
            .unwrap_or(0);
        table.insert(pid, (ppid, field("Name:"), rss_kb));
    }
    table
}

fn tree_rss(root_name: &str) -> (u64, Vec<(String, u64)>) {
    let table = proc_table();
    let roots: Vec<u32> = table
        .iter()
        .filter(|(_, (_, n, _))| n == root_name)
        .map(|(p, _)| *p)
        .collect();
    let mut members = roots.clone();
    let mut i = 0;
    while i < members.len() {
        let parent = members[i];
        members.extend(
            table
                .iter()
                .filter(|(_, (pp, _, _))| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    let parts: Vec<(String, u64)> = members
        .iter()
        .filter_map(|p| table.get(p))
        .map(|(_, n, r)| (n.clone(), *r))
        .collect();
    (parts.iter().map(|(_, r)| r).sum(), parts)
}

#[tokio::main]
async fn main() {
    let fx = Fixture::start().await;
    let dir = std::env::temp_dir().join(format!("sesame-measure-{}", std::process::id()));
    let env = [
        ("SESAME_NETWORK", "devnet".to_string()),
        ("SESAME_RPC", fx.devnet.rpc_url()),
        ("SESAME_PROFILE", format!("measure-{}", std::process::id())),
        ("SESAME_DATA_DIR", dir.display().to_string()),
    ];
    let t = Instant::now();
    let app = App::start(&env).await;
    app.find("pin-input").await;
    let cold = t.elapsed();
    tokio::time::sleep(Duration::from_secs(15)).await;
    // WebKitWebDriver launches the app; its name is truncated to 15 chars in /proc.
    let (total_kb, parts) = tree_rss("sesame-desktop");
    println!("cold start to interactive: {} ms", cold.as_millis());
    println!(
        "idle RSS of the app's process tree: {:.1} MiB",
        total_kb as f64 / 1024.0
    );
    for (name, kb) in parts {
        println!("  {name:<24} {:>8.1} MiB", kb as f64 / 1024.0);
    }
    app.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
