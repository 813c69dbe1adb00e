//! The `.deb` that `scripts/bundle.sh` builds: it carries a valid Tauri updater signature
//! (minisign) for the key it was signed with, which breaks if one byte of the package changes;
//! it ships the local chain (`sesame-devnet`) beside the app; and the app, unpacked from it
//! as a user would install it, starts its own chain from that sidecar, reaches onboarding, and
//! stops the chain when it quits unless told to keep it. scripts/test.sh builds the bundle
//! first and sets SESAME_BUNDLE_TESTS=1 (the app runs under its Xvfb and private keychain).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::Locator;
use minisign_verify::{PublicKey, Signature};
use sesame_e2e::{
    e2e_available, free_port, process_alive, process_exe, processes_running, rpc, signal,
    target_debug_dir, wait_gone, App,
};

fn decode(b64: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn public_key() -> PublicKey {
    let text = std::env::var("TAURI_SIGNING_PUBLIC_KEY").unwrap_or_else(|_| {
        let cache = std::env::var("SESAME_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/sesame")
            });
        std::fs::read_to_string(cache.join("signing/test.key.pub")).unwrap()
    });
    PublicKey::decode(&decode(&text)).unwrap()
}

/// The `.deb` scripts/bundle.sh built; `None` (skip) only when the bundle tests are not asked for.
fn deb() -> Option<PathBuf> {
    let dir = target_debug_dir().join("bundle/deb");
    let deb = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
    });
    if deb.is_none() {
        assert_ne!(
            std::env::var("SESAME_BUNDLE_TESTS").as_deref(),
            Ok("1"),
            "no .deb in {}",
            dir.display()
        );
        eprintln!("SKIPPED: build the bundle with scripts/bundle.sh --debug first");
    }
    deb
}

#[test]
fn the_deb_is_signed_for_the_updater_and_a_changed_byte_breaks_the_signature() {
    let Some(deb) = deb() else {
        return;
    };
    let bytes = std::fs::read(&deb).unwrap();
    let sig_path = PathBuf::from(format!("{}.sig", deb.display()));
    let signature =
        Signature::decode(&decode(&std::fs::read_to_string(&sig_path).unwrap())).unwrap();
    let key = public_key();
    key.verify(&bytes, &signature, false).unwrap();
    println!(
        "{} ({:.2} MiB) verifies",
        deb.display(),
        bytes.len() as f64 / 1048576.0
    );

    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    assert!(
        key.verify(&tampered, &signature, false).is_err(),
        "a changed byte must break the signature"
    );
}

#[test]
fn the_deb_installs_the_devnet_sidecar_beside_the_app_under_its_plain_name() {
    let Some(deb) = deb() else {
        return;
    };
    let out = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .unwrap();
    assert!(out.status.success(), "dpkg-deb -c {}", deb.display());
    let listing = String::from_utf8(out.stdout).unwrap();
    let bins: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|path| path.trim_start_matches("./"))
        .filter(|path| path.starts_with("usr/bin/") && !path.ends_with('/'))
        .collect();
    assert!(bins.contains(&"usr/bin/sesame-desktop"), "{listing}");
    assert!(bins.contains(&"usr/bin/sesame-devnet"), "{listing}");
    // Tauri takes the sidecar as `sesame-devnet-<target triple>`; the app looks for the plain
    // name beside itself, so the suffix must not reach the package.
    assert_eq!(bins.len(), 2, "only the app and its sidecar: {bins:?}");
}

/// A temporary directory with the `.deb` unpacked under `root` (as `dpkg -i` would lay it out
/// under `/`) and a data directory; removed, with any chain left running, when dropped.
struct Installed {
    dir: PathBuf,
    root: PathBuf,
    data_dir: PathBuf,
    chain_pid: Option<u32>,
}

impl Installed {
    fn unpack(deb: &Path, tag: &str) -> Installed {
        let dir = std::env::temp_dir().join(format!("sesame-bundle-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root")).unwrap();
        let dir = dir.canonicalize().unwrap();
        let root = dir.join("root");
        let status = Command::new("dpkg")
            .arg("-x")
            .arg(deb)
            .arg(&root)
            .status()
            .unwrap();
        assert!(status.success(), "dpkg -x {}", deb.display());
        Installed {
            data_dir: dir.join("data"),
            dir,
            root,
            chain_pid: None,
        }
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Some(pid) = self.chain_pid.filter(|pid| process_alive(*pid)) {
            signal(pid, "KILL");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a run of the unpacked app showed.
struct Run {
    installed: Installed,
    rpc_url: String,
    chain_pid: u32,
    state_file: PathBuf,
}

/// Starts the unpacked app with its own data directory and devnet port, and nothing from the
/// test's environment that would point it at another node or binary; checks onboarding and
/// that the chain it started answers from the unpacked sidecar; then quits it as a user
/// session does (SIGTERM, what a logout sends; the window's close button takes the same exit
/// path in Tauri) and closes the WebDriver session.
async fn run_installed_app(deb: &Path, tag: &str, keep_chain: bool) -> Run {
    let mut installed = Installed::unpack(deb, tag);
    let app_bin = installed.root.join("usr/bin/sesame-desktop");
    let sidecar = installed.root.join("usr/bin/sesame-devnet");
    let rpc_url = format!("http://127.0.0.1:{}/rpc", free_port());
    let mut env = vec![
        ("SESAME_NETWORK", "devnet".to_string()),
        ("SESAME_DEVNET_RPC", rpc_url.clone()),
        ("SESAME_DATA_DIR", installed.data_dir.display().to_string()),
        (
            "SESAME_PROFILE",
            format!("bundle-{}-{tag}", std::process::id()),
        ),
    ];
    if keep_chain {
        env.push(("SESAME_KEEP_LOCAL_CHAIN", "1".to_string()));
    }
    let unset = ["SESAME_RPC", "SESAME_DEVNET_BIN", "SESAME_KEEP_LOCAL_CHAIN"];

    let started = Instant::now();
    let app = App::start_binary(&app_bin, &env, &unset).await;
    app.find("pin-input").await;
    let to_onboarding = started.elapsed();
    if let Ok(banner) = app
        .client
        .find(Locator::Css("[data-testid=\"error-banner\"]"))
        .await
    {
        panic!(
            "an error banner is on screen at onboarding: {}",
            banner.text().await.unwrap_or_default()
        );
    }
    let chain_id = loop {
        if let Some(id) = rpc(&rpc_url, "starknet_chainId", serde_json::json!([])) {
            break id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the app's chain never answered on {rpc_url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let to_chain = started.elapsed();
    assert_eq!(
        chain_id, "0x534e5f5345504f4c4941",
        "SN_SEPOLIA, devnet's chain id"
    );
    app.screenshot(&format!("bundle-{tag}-onboarding")).await;

    let devnet_dir = installed.data_dir.join("devnet");
    let chain_pid: u32 = std::fs::read_to_string(devnet_dir.join("pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    installed.chain_pid = Some(chain_pid);
    assert_eq!(
        process_exe(chain_pid),
        Some(sidecar.clone()),
        "the chain must run from the unpacked sidecar, not the build tree"
    );
    // A block, so the chain has state on disk to keep.
    assert!(rpc(&rpc_url, "devnet_createBlock", serde_json::json!({})).is_some());
    let state_file = devnet_dir.join("state.jsonl");
    assert!(state_file.is_file(), "{}", state_file.display());

    let app_pids = processes_running(&app_bin);
    assert_eq!(
        app_pids.len(),
        1,
        "one app from {}: {app_pids:?}",
        app_bin.display()
    );
    let quitting = Instant::now();
    signal(app_pids[0], "TERM");
    assert!(
        wait_gone(app_pids[0], Duration::from_secs(30)).await,
        "the app did not quit on SIGTERM"
    );
    let quit_in = quitting.elapsed();
    app.close().await;
    println!(
        "unpacked app ({tag}): onboarding after {to_onboarding:?}, its chain answering after {to_chain:?}, quit in {quit_in:?}"
    );
    Run {
        installed,
        rpc_url,
        chain_pid,
        state_file,
    }
}

#[tokio::test]
async fn the_installed_app_runs_its_chain_from_the_sidecar_and_stops_it_on_quit_keeping_its_state()
{
    let Some(deb) = deb() else {
        return;
    };
    if !e2e_available() {
        return;
    }
    let run = run_installed_app(&deb, "stop", false).await;
    // The app waits for its chain to stop (and reaps it) before it exits.
    assert!(!process_alive(run.chain_pid), "the chain outlived the app");
    assert!(rpc(&run.rpc_url, "starknet_chainId", serde_json::json!([])).is_none());
    assert!(
        !run.installed.data_dir.join("devnet/pid").exists(),
        "a stale pid file"
    );
    assert!(
        std::fs::metadata(&run.state_file).unwrap().len() > 0,
        "the chain's state is kept"
    );
}

#[tokio::test]
async fn with_keep_local_chain_the_installed_apps_chain_outlives_it() {
    let Some(deb) = deb() else {
        return;
    };
    if !e2e_available() {
        return;
    }
    let run = run_installed_app(&deb, "keep", true).await;
    assert!(
        process_alive(run.chain_pid),
        "SESAME_KEEP_LOCAL_CHAIN=1 but the chain stopped"
    );
    assert!(rpc(&run.rpc_url, "starknet_chainId", serde_json::json!([])).is_some());
    assert!(run.state_file.is_file());
    signal(run.chain_pid, "INT");
    assert!(
        wait_gone(run.chain_pid, Duration::from_secs(15)).await,
        "the kept chain did not stop on SIGINT"
    );
}
