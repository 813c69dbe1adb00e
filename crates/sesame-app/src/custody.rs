//! Vault use cases that need no chain: set up, unlock (PIN or passkey), enrol a passkey, the
//! attempt limits, and the ways back from a lockout (backup, restore, owner-key recovery).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sesame_core::keys::PrivateKey;
use sesame_core::Felt;
use sesame_vault::{
    platform_passkey, AttemptStatus, BackupSummary, Passphrase, Pin, Vault, SESAME_RP_ID,
};

use crate::{blocking, AppError, Unlocked};

/// A string zeroized on drop, for credentials passed to [`set_named_secret`].
pub use zeroize::Zeroizing;

/// Whether a vault (PIN) has been set up on this device.
pub async fn is_initialized(vault: &Arc<Vault>) -> Result<bool, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.is_initialized()?)).await
}

/// Sets up the vault with a PIN and returns it unlocked.
pub async fn create(vault: &Arc<Vault>, pin: Pin) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(Unlocked(Arc::new(vault.create(&pin)?)))).await
}

/// Unlocks with the PIN, subject to backoff and lockout.
pub async fn unlock(vault: &Arc<Vault>, pin: Pin) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(Unlocked(Arc::new(vault.unlock_with_pin(&pin)?)))).await
}

/// Unlocks with the platform passkey (its PRF output never leaves the vault).
pub async fn unlock_with_passkey(vault: &Arc<Vault>) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || {
        let passkey = platform_passkey().map_err(sesame_vault::VaultError::from)?;
        Ok(Unlocked(Arc::new(
            vault.unlock_with_passkey(passkey.as_ref())?,
        )))
    })
    .await
}

/// Adds a passkey wrapper to an unlocked vault.
pub async fn enroll_passkey(unlocked: &Unlocked) -> Result<(), AppError> {
    let u = unlocked.0.clone();
    blocking(move || {
        let passkey = platform_passkey().map_err(sesame_vault::VaultError::from)?;
        Ok(u.enroll_passkey(passkey.as_ref(), SESAME_RP_ID)?)
    })
    .await
}

/// Stores a named credential (a paymaster's API key) sealed in the vault. `value` is consumed
/// and zeroized.
pub async fn set_named_secret(
    unlocked: &Unlocked,
    name: String,
    value: Zeroizing<String>,
) -> Result<(), AppError> {
    let u = unlocked.0.clone();
    blocking(move || Ok(u.set_named_secret(&name, value.as_bytes())?)).await
}

/// A named credential as text, or `None` when it is not set. Keep it in Rust: never return it
/// to a shell's UI or print it.
pub async fn named_secret(
    unlocked: &Unlocked,
    name: String,
) -> Result<Option<Zeroizing<String>>, AppError> {
    let u = unlocked.0.clone();
    blocking(move || {
        Ok(u.named_secret(&name)?
            .map(|bytes| Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())))
    })
    .await
}

/// Whether a named credential is set (no unlock needed).
pub async fn has_named_secret(vault: &Arc<Vault>, name: String) -> Result<bool, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.has_named_secret(&name)?)).await
}

/// Forgets a named credential (no unlock needed).
pub async fn delete_named_secret(vault: &Arc<Vault>, name: String) -> Result<(), AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.delete_named_secret(&name)?)).await
}

/// Whether a passkey can unlock this vault.
pub async fn has_passkey(vault: &Arc<Vault>) -> Result<bool, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.has_passkey()?)).await
}

/// Where the PIN attempt limit stands.
pub async fn attempt_status(vault: &Arc<Vault>) -> Result<AttemptStatus, AppError> {
    let vault = vault.clone();
    blocking(move || Ok(vault.attempt_status()?)).await
}

/// An encrypted backup of every wallet and session key, under `passphrase` (at least
/// [`sesame_vault::vault::MIN_PASSPHRASE_CHARS`] characters). The bytes are safe to store
/// anywhere; the passphrase is what protects them.
pub async fn backup(unlocked: &Unlocked, passphrase: Passphrase) -> Result<Vec<u8>, AppError> {
    let u = unlocked.0.clone();
    blocking(move || Ok(u.export_backup(&passphrase)?)).await
}

/// Restores a backup as this device's vault under `new_pin`: every wallet and session key
/// comes back. Replacing an existing vault needs `replace_existing` (the shells ask first).
pub async fn restore(
    vault: &Arc<Vault>,
    backup: Vec<u8>,
    passphrase: Passphrase,
    new_pin: Pin,
    replace_existing: bool,
) -> Result<(Unlocked, BackupSummary), AppError> {
    let vault = vault.clone();
    blocking(move || {
        let (u, summary) =
            vault.restore_backup(&backup, &passphrase, &new_pin, replace_existing)?;
        Ok((Unlocked(Arc::new(u)), summary))
    })
    .await
}

/// Opens a forgotten or locked-out vault with a wallet's owner key and sets `new_pin`; the
/// wallets and sessions are kept.
pub async fn recover(
    vault: &Arc<Vault>,
    wallet: Felt,
    owner_key: PrivateKey,
    new_pin: Pin,
) -> Result<Unlocked, AppError> {
    let vault = vault.clone();
    blocking(move || {
        Ok(Unlocked(Arc::new(
            vault.recover_with_owner_key(&wallet, &owner_key, &new_pin)?,
        )))
    })
    .await
}

// ---------- Backup files ----------

/// Largest file [`read_backup_file`] reads: far above any real backup (an index and 32 bytes
/// per key), and small enough that a wrong path (a disk image, a device) fails at once.
pub const MAX_BACKUP_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Creates `path` (never replacing a file) readable by its owner only (0600 on Unix), and
/// writes `bytes`.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The file name of a backup of `profile` made at `unix_secs`, in UTC:
/// `sesame-backup-<profile>-<YYYYMMDD-HHMMSS>.sesame`.
pub fn backup_file_name(profile: &str, unix_secs: u64) -> String {
    format!("sesame-backup-{profile}-{}.sesame", utc_stamp(unix_secs))
}

/// `YYYYMMDD-HHMMSS` in UTC (the proleptic Gregorian calendar, without a date library).
fn utc_stamp(unix_secs: u64) -> String {
    let (days, secs) = (unix_secs / 86_400, unix_secs % 86_400);
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (never negative here).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// Writes a backup of `profile` into `dir` (created, 0700, when missing) as
/// [`backup_file_name`], 0600 and never replacing a file: when the name is taken (two backups
/// in one second) `-2`, `-3`, … is added before `.sesame`. Returns the path written.
pub fn write_backup_file(
    dir: &Path,
    profile: &str,
    unix_secs: u64,
    bytes: &[u8],
) -> Result<PathBuf, AppError> {
    let failed = |e: std::io::Error| {
        AppError::BackupFile(format!(
            "cannot write the backup into {}: {e}",
            dir.display()
        ))
    };
    if !dir.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(failed)?;
    }
    let name = backup_file_name(profile, unix_secs);
    let stem = name.trim_end_matches(".sesame");
    for n in 1..=100u32 {
        let path = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem}-{n}.sesame"))
        };
        match write_private_file(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                // A partly written file is no backup: do not leave it behind.
                if path.exists() {
                    let _ = std::fs::remove_file(&path);
                }
                return Err(failed(e));
            }
        }
    }
    Err(failed(std::io::Error::from(
        std::io::ErrorKind::AlreadyExists,
    )))
}

/// Reads a backup file: a regular file of at most [`MAX_BACKUP_FILE_BYTES`].
pub fn read_backup_file(path: &Path) -> Result<Vec<u8>, AppError> {
    use std::io::Read;
    let failed =
        |e: std::io::Error| AppError::BackupFile(format!("cannot read {}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(failed)?;
    if !meta.is_file() {
        return Err(AppError::BackupFile(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(failed)?
        .take(MAX_BACKUP_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_BACKUP_FILE_BYTES {
        return Err(AppError::Vault(sesame_vault::VaultError::InvalidBackup));
    }
    Ok(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn backup_file_names_carry_the_profile_and_the_utc_time() {
        assert_eq!(
            backup_file_name("desktop", 0),
            "sesame-backup-desktop-19700101-000000.sesame"
        );
        // 2026-01-01T00:00:00Z, a leap day, the last second of a year, and a century rule.
        assert_eq!(utc_stamp(1_767_225_600), "20260101-000000");
        assert_eq!(utc_stamp(951_827_696), "20000229-123456");
        assert_eq!(utc_stamp(1_704_067_199), "20231231-235959");
        assert_eq!(utc_stamp(4_107_542_400), "21000301-000000");
    }

    #[test]
    fn a_backup_file_is_private_and_never_replaces_another() {
        let dir = std::env::temp_dir()
            .join(format!("sesame-backup-file-{}", std::process::id()))
            .join("nested");
        let first = write_backup_file(&dir, "p", 1_767_225_600, b"one").unwrap();
        let second = write_backup_file(&dir, "p", 1_767_225_600, b"two").unwrap();
        assert_eq!(
            first.file_name().unwrap(),
            "sesame-backup-p-20260101-000000.sesame"
        );
        assert_eq!(
            second.file_name().unwrap(),
            "sesame-backup-p-20260101-000000-2.sesame"
        );
        assert_eq!(read_backup_file(&first).unwrap(), b"one");
        assert_eq!(read_backup_file(&second).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&first), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        assert_eq!(
            read_backup_file(&dir).unwrap_err().code(),
            "BACKUP_FILE_ERROR"
        );
        assert_eq!(
            read_backup_file(&dir.join("missing")).unwrap_err().code(),
            "BACKUP_FILE_ERROR"
        );
        let big = dir.join("big");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_BACKUP_FILE_BYTES + 1)
            .unwrap();
        assert_eq!(read_backup_file(&big).unwrap_err().code(), "INVALID_BACKUP");
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    }
}
