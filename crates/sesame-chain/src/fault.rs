//! Named crash points for the crash-safety tests: a real `kill -9` of this process at a moment
//! no outside signal can hit reliably, such as between sending a transaction and reading its
//! receipt. Inert unless the environment variable `SESAME_CRASH_AT` names the point.

/// Points that exist, in the order a send passes them.
pub const AFTER_SEND: &str = "after-send";

/// Kills this process with SIGKILL when `SESAME_CRASH_AT` is `name`: no destructor, no flush,
/// exactly what a crash or a power cut leaves behind.
pub fn point(name: &str) {
    if std::env::var("SESAME_CRASH_AT").as_deref() != Ok(name) {
        return;
    }
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status();
    // SIGKILL cannot be caught; if `kill` could not run, abort is the nearest thing.
    std::process::abort();
}
