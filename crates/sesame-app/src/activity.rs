//! What happened, per wallet and session: an append-only JSON-lines file in the data directory.
//! It holds public facts only (hashes, addresses, amounts), never key material.

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One thing the user did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// Unix seconds (local clock: this is a diary, not a rule).
    pub at: u64,
    pub wallet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// `create`, `register`, `send`, `revoke`, `policy`.
    pub kind: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explorer_url: Option<String>,
}

/// The activity file of one profile on one network.
#[derive(Debug, Clone)]
pub struct ActivityLog {
    path: PathBuf,
}

impl ActivityLog {
    pub fn new(path: PathBuf) -> Self {
        ActivityLog { path }
    }

    /// Appends `entry`. A diary that cannot be written must not stop a transaction that
    /// already happened, so callers may ignore the error (it is still returned).
    pub fn append(&self, entry: &ActivityEntry) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        writeln!(file, "{line}")
    }

    /// The wallet's entries, newest first. Unreadable lines are skipped.
    pub fn list(&self, wallet: &str) -> Vec<ActivityEntry> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let mut entries: Vec<ActivityEntry> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<ActivityEntry>(l).ok())
            .filter(|e| e.wallet == wallet)
            .collect();
        entries.reverse();
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(wallet: &str, kind: &str) -> ActivityEntry {
        ActivityEntry {
            at: 1,
            wallet: wallet.into(),
            session: None,
            kind: kind.into(),
            summary: "s".into(),
            tx_hash: None,
            explorer_url: None,
        }
    }

    #[test]
    fn entries_come_back_newest_first_for_their_wallet_only() {
        let dir = std::env::temp_dir().join(format!("sesame-activity-{}", std::process::id()));
        let log = ActivityLog::new(dir.join("a.jsonl"));
        log.append(&entry("0x1", "create")).unwrap();
        log.append(&entry("0x2", "send")).unwrap();
        log.append(&entry("0x1", "register")).unwrap();
        let kinds: Vec<String> = log.list("0x1").into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec!["register", "create"]);
        assert!(log.list("0x3").is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
