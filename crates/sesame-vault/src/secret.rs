//! Secret types. Each one zeroizes its memory on drop, prints `<redacted>` in `Debug`, and
//! implements neither `Serialize`, `Display` nor `Clone`, so it cannot reach a log line, the UI
//! or a file by accident. `sesame_core::keys::PrivateKey` follows the same rules.

use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret_array {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Zeroize, ZeroizeOnDrop)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Number of bytes held.
            pub const LEN: usize = $len;

            /// Takes ownership of the bytes. The caller should zeroize its own copies.
            pub fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// Draws fresh bytes from a cryptographic RNG.
            pub fn random<R: rand_core::RngCore + rand_core::CryptoRng>(rng: &mut R) -> Self {
                let mut out = Self([0u8; $len]);
                rng.fill_bytes(&mut out.0);
                out
            }

            /// The raw bytes. Never log, serialize or send them.
            pub fn expose(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

macro_rules! secret_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// Takes ownership of the text (no copy is made).
            pub fn new(text: String) -> Self {
                Self(text)
            }

            /// The text. Never log, serialize or send it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Length in characters (not bytes), for policy checks.
            pub fn char_count(&self) -> usize {
                self.0.chars().count()
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

secret_text!(
    /// The user's unlock PIN (or a longer password). Also used for a Chipi `encryptKey`.
    Pin
);

secret_text!(
    /// The passphrase of a portable backup (no device secret involved, so it must be strong).
    Passphrase
);

secret_array!(
    /// The random 256-bit key that encrypts owner and session keys. PIN and passkey wrap it.
    DataKey,
    32
);

secret_array!(
    /// The 256-bit secret kept in the OS keychain and mixed into the PIN wrapping key.
    DeviceSecret,
    32
);

secret_array!(
    /// A passkey's PRF / CTAP2 hmac-secret output for one credential and salt.
    PrfOutput,
    32
);

secret_array!(
    /// An AES-256-GCM key derived for one envelope.
    WrappingKey,
    32
);
