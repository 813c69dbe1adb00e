//! The embedded local chain as the app runs it: the `sesame-devnet` binary (kept out of the
//! app's own dependency graph), started in the background with its state in the data
//! directory, so wallets on it survive restarts.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;
use sesame_chain::Chain;

use crate::error::AppError;

/// Where the local chain keeps its files: `<data_dir>/devnet/{state.jsonl,info.json,pid}`.
#[derive(Debug, Clone)]
pub struct LocalDevnet {
    dir: PathBuf,
    port: u16,
}

/// What `status` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DevnetStatus {
    pub running: bool,
    pub rpc_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relayer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    pub state_file: String,
}

/// The `sesame-devnet` binary: `SESAME_DEVNET_BIN`, else beside the running executable, else PATH.
pub fn devnet_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("SESAME_DEVNET_BIN") {
        return PathBuf::from(p);
    }
    if let Ok(exe) = std::env::current_exe() {
        // Beside us, or one level up when we are a test binary in target/*/deps.
        for dir in exe
            .parent()
            .into_iter()
            .chain(exe.parent().and_then(Path::parent))
        {
            let candidate = dir.join("sesame-devnet");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    PathBuf::from("sesame-devnet")
}

impl LocalDevnet {
    pub fn new(data_dir: &Path, port: u16) -> Self {
        LocalDevnet {
            dir: data_dir.join("devnet"),
            port,
        }
    }

    pub fn rpc_url(&self) -> String {
        format!("http://127.0.0.1:{}/rpc", self.port)
    }

    fn info_path(&self) -> PathBuf {
        self.dir.join("info.json")
    }

    fn pid_path(&self) -> PathBuf {
        self.dir.join("pid")
    }

    fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.pid_path())
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Whether the chain answers, and what it is.
    pub async fn status(&self) -> DevnetStatus {
        let chain = Chain::connect(&self.rpc_url()).await.ok();
        let info: Option<serde_json::Value> = std::fs::read_to_string(self.info_path())
            .ok()
            .and_then(|t| serde_json::from_str(t.lines().next().unwrap_or("")).ok());
        DevnetStatus {
            running: chain.is_some(),
            rpc_url: self.rpc_url(),
            pid: chain.as_ref().and(self.pid()),
            relayer: info
                .as_ref()
                .and_then(|i| i["accounts"][0]["address"].as_str().map(str::to_string)),
            chain_id: chain.map(|c| format!("{:#x}", c.chain_id())),
            state_file: self.dir.join("state.jsonl").display().to_string(),
        }
    }

    /// Starts the chain unless it already answers; returns once it does.
    pub async fn up(&self) -> Result<DevnetStatus, AppError> {
        Ok(self.start().await?.status)
    }

    /// [`up`](Self::up), also handing back the process when this call spawned it: the desktop
    /// app stops (and reaps) only a chain it started itself, never one `sesame devnet up` or an
    /// earlier app run left running.
    pub async fn start(&self) -> Result<Started, AppError> {
        if Chain::connect(&self.rpc_url()).await.is_ok() {
            return Ok(Started {
                status: self.status().await,
                child: None,
            });
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            AppError::DevnetUnavailable(format!("cannot create {}: {e}", self.dir.display()))
        })?;
        let info = File::create(self.info_path()).map_err(|e| {
            AppError::DevnetUnavailable(format!("cannot write {}: {e}", self.info_path().display()))
        })?;
        let log = File::create(self.dir.join("devnet.log")).map_err(|e| {
            AppError::DevnetUnavailable(format!("cannot write the devnet log: {e}"))
        })?;
        let bin = devnet_binary();
        let mut command = Command::new(&bin);
        command
            .args(["--port", &self.port.to_string(), "--state"])
            .arg(self.dir.join("state.jsonl"))
            .stdin(Stdio::null())
            .stdout(info)
            .stderr(log);
        #[cfg(unix)]
        {
            // Its own process group: a Ctrl-C in the terminal that started it must not stop it.
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().map_err(|e| {
            AppError::DevnetUnavailable(format!(
                "cannot start {} ({e}); build it with `cargo build -p sesame-devnet` or set SESAME_DEVNET_BIN",
                bin.display()
            ))
        })?;
        std::fs::write(self.pid_path(), child.id().to_string())
            .map_err(|e| AppError::DevnetUnavailable(format!("cannot write the pid file: {e}")))?;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if Chain::connect(&self.rpc_url()).await.is_ok() {
                return Ok(Started {
                    status: self.status().await,
                    child: Some(child),
                });
            }
            if let Ok(Some(exit)) = child.try_wait() {
                return Err(AppError::DevnetUnavailable(format!(
                    "{} stopped ({exit}); see {}",
                    bin.display(),
                    self.dir.join("devnet.log").display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(AppError::DevnetUnavailable(format!(
            "it did not answer on {} within 120 s; see {}",
            self.rpc_url(),
            self.dir.join("devnet.log").display()
        )))
    }

    /// Stops the chain this data directory started. Its state stays for the next `up`.
    pub async fn down(&self) -> Result<DevnetStatus, AppError> {
        if let Some(pid) = self.pid() {
            // SIGINT: the devnet binary stops cleanly on it; blocks are already on disk.
            let _ = Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10)
                && Chain::connect(&self.rpc_url()).await.is_ok()
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = std::fs::remove_file(self.pid_path());
        }
        Ok(self.status().await)
    }

    /// Stops a chain that [`start`](Self::start) spawned, if the pid file still names it (if
    /// not, someone else has since stopped it and maybe started another, which is not ours to
    /// stop), and reaps the process so no zombie is left behind. The state file stays.
    pub async fn stop_started(&self, mut child: Child) -> Result<DevnetStatus, AppError> {
        if self.pid() == Some(child.id()) {
            self.down().await?;
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if !matches!(child.try_wait(), Ok(None)) {
                return Ok(self.status().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Ours, and deaf to SIGINT for ten seconds: blocks are on disk as they are made.
        let _ = child.kill();
        let _ = child.wait();
        Ok(self.status().await)
    }
}

/// What [`LocalDevnet::start`] did.
#[derive(Debug)]
pub struct Started {
    pub status: DevnetStatus,
    /// The process, when this call spawned it; `None` when a chain was already answering.
    pub child: Option<Child>,
}
