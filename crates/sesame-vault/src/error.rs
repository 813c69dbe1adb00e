//! Error types. Each has a stable `code()` (SCREAMING_SNAKE, for the UI to switch on) and a
//! human `Display` message. No message ever contains a secret, and every failure to open an
//! envelope is the single variant [`VaultError::WrongPinOrDamaged`].

use crate::chipi::ChipiError;
use crate::passkey::PasskeyError;

/// A failure of the OS keychain (or of a test store).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keychain could be reached, or it is locked.
    #[error(
        "the OS keychain is not available ({0}). Unlock or start your keyring \
         (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager) and try again"
    )]
    Unavailable(String),
    /// The keychain answered but refused or failed the operation.
    #[error("the OS keychain failed: {0}")]
    Failed(String),
}

impl StoreError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Unavailable(_) => "KEYCHAIN_UNAVAILABLE",
            StoreError::Failed(_) => "KEYCHAIN_ERROR",
        }
    }
}

/// The ways out of a locked PIN that this build has, named in every lockout message.
pub const RECOVERY_PATHS: &str = if crate::passkey::PASSKEY_SUPPORTED {
    "Unlock with your passkey, restore a backup (`sesame vault restore`), or re-import \
     your wallet's owner key (`sesame vault recover`); your sessions are kept"
} else {
    "Restore a backup (`sesame vault restore`) or re-import your wallet's owner key \
     (`sesame vault recover`); your sessions are kept"
};

/// Everything the vault can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The one answer to any failed decryption: bad PIN, bad passphrase, wrong device secret,
    /// a tampered or truncated envelope, unknown version, parameters outside floors or caps.
    #[error("wrong PIN or damaged data")]
    WrongPinOrDamaged,
    /// Too many wrong PINs recently; try again after `retry_after_secs`.
    #[error("too many wrong PINs: try again in {retry_after_secs} s")]
    PinBackoff { retry_after_secs: u64 },
    /// Ten wrong PINs: the PIN no longer unlocks this vault.
    #[error("the PIN is locked after too many wrong attempts. {}", RECOVERY_PATHS)]
    PinLockedOut,
    /// The PIN attempt counter is missing or fails its check: something other than Sesame
    /// deleted or edited it. The PIN stays locked rather than trust a reset counter.
    #[error(
        "the PIN attempt counter in the OS keychain is missing or was changed outside Sesame, \
         so the PIN stays locked. {}",
        RECOVERY_PATHS
    )]
    AttemptCounterTampered,
    /// Parts of an earlier vault (its device secret, index or keys) are in the keychain but
    /// its PIN wrapper is gone: creating a new vault would make them unreadable for good.
    #[error(
        "this device still holds an earlier Sesame vault whose PIN record is missing; a new \
         vault would make its keys unreadable. {}",
        RECOVERY_PATHS
    )]
    IncompleteVault,
    /// The lock file that serialises vault writes across processes could not be used.
    #[error("cannot lock the vault for writing ({0})")]
    LockFile(String),
    /// The profile name is empty, too long, or has characters other than `[A-Za-z0-9._-]`.
    #[error("the vault profile name must be 1-64 characters of letters, digits, '.', '_' or '-'")]
    InvalidProfile,
    /// argon2id parameters asked for are outside the floors and caps.
    #[error("the key-derivation parameters are outside the allowed range")]
    InvalidParameters,
    /// The PIN (or passphrase) is shorter than the policy allows.
    #[error("the {what} must have at least {min} characters")]
    SecretTooShort { what: &'static str, min: usize },
    /// The keychain is missing, locked or failing.
    #[error(transparent)]
    Keychain(#[from] StoreError),
    /// No vault exists for this profile yet.
    #[error("no vault has been set up on this device yet")]
    NotInitialized,
    /// A vault already exists for this profile.
    #[error("a vault already exists on this device")]
    AlreadyInitialized,
    /// The vault's entries exist but its device secret is gone from the keychain: nothing
    /// stored can be decrypted any more (restore a backup or re-import the keys).
    #[error("the device secret is missing from the OS keychain, so the vault cannot be opened")]
    DeviceSecretMissing,
    /// The vault's index or another authenticated record was edited outside Sesame.
    #[error("the vault's records in the keychain were modified outside Sesame")]
    Tampered,
    /// No record with that wallet address or session key.
    #[error("no stored {0} matches")]
    NotFound(&'static str),
    /// A named secret's name or value is not acceptable (see `UnlockedVault::set_named_secret`).
    #[error("{0}")]
    InvalidSecret(&'static str),
    /// A given key does not belong to the stored wallet (public key mismatch).
    #[error("the key does not match the stored public key of this wallet")]
    OwnerKeyMismatch,
    /// A private key was not a valid Stark scalar.
    #[error("the private key is not a valid Stark key")]
    InvalidPrivateKey,
    /// A backup file is not a Sesame backup or has an unknown layout after decryption.
    #[error("the backup is not a Sesame vault backup")]
    InvalidBackup,
    /// Passkey enrollment or unlock failed.
    #[error(transparent)]
    Passkey(#[from] PasskeyError),
    /// A Chipi import failed.
    #[error(transparent)]
    Chipi(#[from] ChipiError),
}

impl VaultError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::WrongPinOrDamaged => "WRONG_PIN_OR_DAMAGED_DATA",
            VaultError::PinBackoff { .. } => "PIN_BACKOFF",
            VaultError::PinLockedOut => "PIN_LOCKED_OUT",
            VaultError::AttemptCounterTampered => "ATTEMPT_COUNTER_TAMPERED",
            VaultError::IncompleteVault => "VAULT_INCOMPLETE",
            VaultError::LockFile(_) => "VAULT_LOCK_FAILED",
            VaultError::SecretTooShort { .. } => "SECRET_TOO_SHORT",
            VaultError::InvalidProfile => "INVALID_PROFILE",
            VaultError::InvalidParameters => "INVALID_KDF_PARAMETERS",
            VaultError::Keychain(e) => e.code(),
            VaultError::NotInitialized => "VAULT_NOT_INITIALIZED",
            VaultError::AlreadyInitialized => "VAULT_ALREADY_EXISTS",
            VaultError::DeviceSecretMissing => "DEVICE_SECRET_MISSING",
            VaultError::Tampered => "VAULT_TAMPERED",
            VaultError::NotFound(_) => "RECORD_NOT_FOUND",
            VaultError::InvalidSecret(_) => "INVALID_SECRET",
            VaultError::OwnerKeyMismatch => "OWNER_KEY_MISMATCH",
            VaultError::InvalidPrivateKey => "INVALID_PRIVATE_KEY",
            VaultError::InvalidBackup => "INVALID_BACKUP",
            VaultError::Passkey(e) => e.code(),
            VaultError::Chipi(e) => e.code(),
        }
    }
}

/// The single error of [`crate::envelope::open`]: it never says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("wrong PIN or damaged data")]
pub struct OpenError;

impl OpenError {
    /// Stable code for the UI (the same as [`VaultError::WrongPinOrDamaged`]).
    pub fn code(&self) -> &'static str {
        "WRONG_PIN_OR_DAMAGED_DATA"
    }
}

impl From<OpenError> for VaultError {
    fn from(_: OpenError) -> Self {
        VaultError::WrongPinOrDamaged
    }
}
