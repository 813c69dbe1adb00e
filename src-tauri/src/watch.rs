//! Background duties: lock after idle time, and warn before a session expires.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::json;
use sesame_core::session::SessionState;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::shell::Shell;

/// Warn when a session has less than this left.
const EXPIRY_WARNING_SECS: u64 = 600;

/// Starts the auto-lock (every 5 s) and expiry (every 30 s) watchers.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let locker = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            if locker.state::<Shell>().lock_if_idle().await {
                let _ = locker.emit("sesame://locked", ());
            }
        }
    });
    tauri::async_runtime::spawn(async move {
        // The last notice per session ("expiring" / "expired"), so each is shown once, and the
        // sessions seen live in this run (an "expired" notice only for those).
        let mut announced: HashMap<String, &'static str> = HashMap::new();
        let mut seen_live: HashSet<String> = HashSet::new();
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            let shell = app.state::<Shell>();
            let Ok(sessions) = shell.session_list(&None).await else {
                continue;
            };
            for s in sessions {
                let key = s.session_public_key.clone();
                let notice = match s.state {
                    SessionState::Active => {
                        seen_live.insert(key.clone());
                        (s.seconds_left <= EXPIRY_WARNING_SECS).then(|| {
                            (
                                "expiring",
                                format!(
                                    "A session expires in {} min.",
                                    s.seconds_left.div_ceil(60)
                                ),
                            )
                        })
                    }
                    SessionState::Expired if seen_live.contains(&key) => {
                        Some(("expired", "A session has expired.".to_string()))
                    }
                    _ => None,
                };
                if let Some((kind, body)) = notice {
                    if announced.get(&key) != Some(&kind) {
                        announced.insert(key.clone(), kind);
                        let _ = app
                            .notification()
                            .builder()
                            .title("Sesame")
                            .body(&body)
                            .show();
                        let payload = json!({ "session": key, "seconds_left": s.seconds_left });
                        let _ = app.emit("sesame://session-expiring", payload);
                    }
                }
            }
        }
    });
}
