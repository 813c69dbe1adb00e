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
    ///
    /// The log names recipients, amounts and addresses: it is created readable by its owner
    /// only (0600, in a 0700 directory), and an older, wider file is narrowed on the next write.
    pub fn append(&self, entry: &ActivityEntry) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
            restrict(dir, 0o700)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        restrict(&self.path, 0o600)?;
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

/// Narrows `path` to `mode` on Unix (a no-op elsewhere, where ACLs of the user's profile
/// directory already keep other users out).
fn restrict(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if current != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_log_is_readable_by_its_owner_only_even_if_it_was_wider_before() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("sesame-perm-{}", std::process::id()));
        let path = dir.join("activity.jsonl");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        ActivityLog::new(path.clone())
            .append(&entry("0x1", "send"))
            .unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        let _ = std::fs::remove_dir_all(dir);
    }

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
