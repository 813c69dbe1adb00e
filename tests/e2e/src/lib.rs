//! Drives the real Sesame desktop app (WebKitGTK) through tauri-driver, for end-to-end tests.
//!
//! Each [`App`] starts its own tauri-driver on free ports, with the app pointed at a test's own
//! devnet, vault profile and data directory (through the environment, which the driver passes
//! on to the app). Backups go to a directory of the test's own ([`App::backup_dir`], set as
//! `SESAME_BACKUP_DIR` unless the test gives one), never into the real `~/Documents`.
//! Screenshots are PNGs under `$CARGO_TARGET_DIR/e2e-screenshots/`.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

/// `target/debug`, found from this test binary's own path (`target/debug/deps/…`).
pub fn target_debug_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|p| p.parent()).unwrap().to_path_buf()
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let cache = std::env::var_os("SESAME_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/sesame"));
    let cached = cache.join("tools/bin/tauri-driver");
    if cached.is_file() {
        cached
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// Whether this machine can run the e2e tests (a display and the driver).
pub fn e2e_available() -> bool {
    let display = std::env::var_os("DISPLAY").is_some();
    let app = target_debug_dir().join("sesame-desktop").is_file();
    if std::env::var("SESAME_E2E").as_deref() == Ok("1") {
        assert!(
            display,
            "SESAME_E2E=1 but there is no DISPLAY (run under xvfb-run)"
        );
        assert!(
            app,
            "SESAME_E2E=1 but target/debug/sesame-desktop is not built"
        );
        return true;
    }
    eprintln!("SKIPPED: end-to-end tests run with SESAME_E2E=1 under xvfb-run and a keychain (scripts/test.sh)");
    false
}

/// The running app under WebDriver.
pub struct App {
    pub client: Client,
    /// Where the app writes backups (`SESAME_BACKUP_DIR`).
    pub backup_dir: PathBuf,
    driver: Child,
    shots: PathBuf,
}

impl App {
    /// Starts the app with `env` (e.g. `SESAME_RPC`, `SESAME_PROFILE`, `SESAME_DATA_DIR`).
    pub async fn start(env: &[(&str, String)]) -> App {
        // `SESAME_DESKTOP_BIN` measures another build (e.g. the release binary) with this harness.
        let application = std::env::var_os("SESAME_DESKTOP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_debug_dir().join("sesame-desktop"));
        App::start_binary(&application, env, &[]).await
    }

    /// Starts `application` with `env`, and without the variables in `unset`, which the app
    /// would otherwise inherit from the test's own environment.
    pub async fn start_binary(application: &Path, env: &[(&str, String)], unset: &[&str]) -> App {
        let (port, native) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        for k in unset {
            command.env_remove(k);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let backup_dir = match env.iter().find(|(k, _)| *k == "SESAME_BACKUP_DIR") {
            Some((_, dir)) => PathBuf::from(dir),
            None => {
                let dir = std::env::temp_dir()
                    .join(format!("sesame-e2e-backups-{}-{port}", std::process::id()));
                command.env("SESAME_BACKUP_DIR", &dir);
                dir
            }
        };
        let driver = command.spawn().expect("tauri-driver starts");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": application }),
        );
        caps.insert("browserName".into(), json!("wry"));
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a WebDriver session: {e}"),
            }
        };
        let shots = target_debug_dir().parent().unwrap().join("e2e-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        App {
            client,
            backup_dir,
            driver,
            shots,
        }
    }

    fn sel(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    /// Waits (up to 60 s) for an element with `data-testid` and returns it.
    pub async fn find(&self, testid: &str) -> fantoccini::elements::Element {
        let sel = Self::sel(testid);
        self.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css(&sel))
            .await
            .unwrap_or_else(|e| panic!("no element {sel}: {e}"))
    }

    pub async fn click(&self, testid: &str) {
        let el = self.find(testid).await;
        // Wait until it is enabled (buttons are disabled while busy).
        let started = Instant::now();
        while !el.is_enabled().await.unwrap_or(true) && started.elapsed() < Duration::from_secs(60)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {testid}: {e}"));
    }

    pub async fn fill(&self, testid: &str, text: &str) {
        let el = self.find(testid).await;
        el.clear().await.unwrap();
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {testid}: {e}"));
    }

    pub async fn text(&self, testid: &str) -> String {
        self.find(testid).await.text().await.unwrap()
    }

    /// Waits until the element's text satisfies `pred`; returns the text.
    pub async fn wait_text(&self, testid: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(&Self::sel(testid))).await {
                if let Ok(t) = el.text().await {
                    if pred(&t) {
                        return t;
                    }
                    if started.elapsed() > Duration::from_secs(90) {
                        panic!("{testid}: waited for {what}, last text {t:?}");
                    }
                }
            } else if started.elapsed() > Duration::from_secs(90) {
                panic!("{testid}: never appeared (waiting for {what})");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Sets the first `<select>` matching `css` to `value` and fires `change`, as a person's
    /// pick does (WebKit's driver does not click `<option>`s reliably).
    pub async fn choose(&self, css: &str, value: &str) {
        let script = "const el = document.querySelector(arguments[0]); if (!el) return false; \
                      el.value = arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true})); \
                      el.dispatchEvent(new Event('change', {bubbles: true})); return el.value === arguments[1];";
        let done = self
            .client
            .execute(
                script,
                vec![serde_json::json!(css), serde_json::json!(value)],
            )
            .await
            .unwrap();
        assert_eq!(
            done,
            serde_json::json!(true),
            "no option {value:?} in {css}"
        );
    }

    /// Scrolls the first element matching `css` to the middle of the window.
    pub async fn show(&self, css: &str) {
        let script = "const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView({block: 'center'});";
        let _ = self
            .client
            .execute(script, vec![serde_json::json!(css)])
            .await;
    }

    /// A PNG of the window after two animation frames (an earlier one can be stale).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await.unwrap();
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// One JSON-RPC call over plain HTTP (a local devnet): the `result`, or `None` when nothing
/// answers or the node returns an error.
pub fn rpc(url: &str, method: &str, params: serde_json::Value) -> Option<serde_json::Value> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut stream = TcpStream::connect(host).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    let (_, json) = reply.split_once("\r\n\r\n")?;
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(value.get_mut("result")?.take())
}

/// Whether process `pid` is running (an exited process not yet reaped counts as gone).
pub fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (comm) S …`: the state follows the last `)`.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))),
        Err(_) => false,
    }
}

/// The executable process `pid` runs, from `/proc`.
pub fn process_exe(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// The running processes whose executable is `exe`.
pub fn processes_running(exe: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| process_exe(*pid).as_deref() == Some(exe) && process_alive(*pid))
        .collect()
}

/// Sends `signal` (e.g. `TERM`) to `pid` with kill(1) (this crate forbids `unsafe`).
pub fn signal(pid: u32, signal: &str) {
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status();
}

/// Waits up to `limit` for `pid` to end; whether it did.
pub async fn wait_gone(pid: u32, limit: Duration) -> bool {
    let started = Instant::now();
    while process_alive(pid) {
        if started.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}
