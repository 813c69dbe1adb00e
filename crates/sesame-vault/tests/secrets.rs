//! Typed secrets: `<redacted>` in Debug, zeroized on drop, never Serialize (nor Clone).
#![allow(clippy::unwrap_used)]

use static_assertions::{assert_impl_all, assert_not_impl_any};
use zeroize::{Zeroize, ZeroizeOnDrop};

use sesame_vault::{
    DataKey, DeviceSecret, Passphrase, Pin, PrfOutput, PrivateKey, UnlockedVault, WrappingKey,
};

// Not serializable, not clonable, not printable with Display.
assert_not_impl_any!(Pin: serde::Serialize, Clone, std::fmt::Display);
assert_not_impl_any!(Passphrase: serde::Serialize, Clone, std::fmt::Display);
assert_not_impl_any!(DataKey: serde::Serialize, Clone, Copy, std::fmt::Display);
assert_not_impl_any!(DeviceSecret: serde::Serialize, Clone, Copy, std::fmt::Display);
assert_not_impl_any!(PrfOutput: serde::Serialize, Clone, Copy, std::fmt::Display);
assert_not_impl_any!(WrappingKey: serde::Serialize, Clone, Copy, std::fmt::Display);
assert_not_impl_any!(PrivateKey: serde::Serialize, Clone, Copy, std::fmt::Display);
assert_not_impl_any!(UnlockedVault: serde::Serialize, Clone);

// Zeroized when dropped (the derive runs `zeroize()` in `Drop`).
assert_impl_all!(Pin: ZeroizeOnDrop, Zeroize);
assert_impl_all!(Passphrase: ZeroizeOnDrop, Zeroize);
assert_impl_all!(DataKey: ZeroizeOnDrop, Zeroize);
assert_impl_all!(DeviceSecret: ZeroizeOnDrop, Zeroize);
assert_impl_all!(PrfOutput: ZeroizeOnDrop, Zeroize);
assert_impl_all!(WrappingKey: ZeroizeOnDrop, Zeroize);
assert_impl_all!(PrivateKey: ZeroizeOnDrop, Zeroize);

#[test]
fn debug_prints_redacted_and_never_the_secret() {
    let pin = Pin::from("271828");
    let pass = Passphrase::from("correct horse battery staple");
    let dk = DataKey::from_bytes([0xab; 32]);
    let prf = PrfOutput::from_bytes([0xcd; 32]);
    let dev = DeviceSecret::from_bytes([0xef; 32]);
    let key = PrivateKey::from_hex("0x1234567890abcdef").unwrap();
    let printed = format!("{pin:?} {pass:?} {dk:?} {prf:?} {dev:?} {key:?} {pin:#?} {dk:#?}");
    assert_eq!(printed.matches("<redacted>").count(), 8, "{printed}");
    for leak in [
        "271828",
        "horse",
        "ab",
        "AB",
        "171",
        "cd",
        "205",
        "ef",
        "239",
        "1234567890",
    ] {
        assert!(!printed.contains(leak), "{leak} leaked in {printed}");
    }
}

#[test]
fn zeroize_clears_the_bytes() {
    // `ZeroizeOnDrop` calls exactly this `zeroize()` from `Drop`; calling it directly lets the
    // test observe the memory that a drop would clear.
    let mut pin = Pin::from("271828");
    pin.zeroize();
    assert!(pin.expose().bytes().all(|b| b == 0) || pin.expose().is_empty());

    let mut dk = DataKey::from_bytes([0xab; 32]);
    dk.zeroize();
    assert_eq!(dk.expose(), &[0u8; 32]);

    let mut prf = PrfOutput::from_bytes([0xcd; 32]);
    prf.zeroize();
    assert_eq!(prf.expose(), &[0u8; 32]);

    let mut dev = DeviceSecret::from_bytes([0xef; 32]);
    dev.zeroize();
    assert_eq!(dev.expose(), &[0u8; 32]);

    let mut key = PrivateKey::from_hex("0x1234").unwrap();
    key.zeroize();
    assert_eq!(key.expose_be_bytes(), &[0u8; 32]);
}

#[test]
fn error_messages_never_contain_the_pin() {
    use sesame_vault::{Argon2Params, MemoryStore, SystemClock, Vault};
    use std::sync::Arc;
    let vault = Vault::new(
        Arc::new(MemoryStore::new()),
        Arc::new(SystemClock),
        "secrets",
    )
    .unwrap()
    .with_pin_params(Argon2Params::FLOOR)
    .unwrap();
    vault.create(&Pin::from("918273")).unwrap();
    let err = vault.unlock_with_pin(&Pin::from("564738")).unwrap_err();
    let text = format!("{err} {err:?} {}", err.code());
    assert!(
        !text.contains("564738") && !text.contains("918273"),
        "{text}"
    );
    assert_eq!(err.code(), "WRONG_PIN_OR_DAMAGED_DATA");
    assert_eq!(err.to_string(), "wrong PIN or damaged data");
}
