//! The real OS keychain (Secret Service on Linux). These tests are skipped with a message unless
//! SESAME_KEYCHAIN_TESTS=1, which `scripts/with-keyring.sh` sets after starting gnome-keyring in
//! a private D-Bus session; when it is set, an unreachable keychain FAILS them.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::sync::Arc;

use common::{real_keychain, unique_profile, ManualClock};
use sesame_core::felt::parse_felt;
use sesame_vault::{
    Argon2Params, KeychainStore, Pin, PrivateKey, SecretStore, SystemClock, Vault, VaultError,
};

fn vault(store: &Arc<KeychainStore>, clock: Arc<ManualClock>, profile: &str) -> Vault {
    Vault::new(store.clone(), clock, profile)
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap()
}

#[test]
fn secret_service_round_trip() {
    let Some(store) = real_keychain("secret_service_round_trip") else {
        return;
    };
    let key = format!("{}/raw", unique_profile("raw"));
    assert!(store.get(&key).unwrap().is_none());
    let bytes: Vec<u8> = (0..=255).collect();
    store.set(&key, &bytes).unwrap();
    assert_eq!(
        store.get(&key).unwrap().unwrap().as_slice(),
        bytes.as_slice()
    );
    store.set(&key, b"replaced").unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().as_slice(), b"replaced");
    // A second connection (as another process would make) sees the same item.
    let second = KeychainStore::connect().unwrap();
    assert_eq!(second.get(&key).unwrap().unwrap().as_slice(), b"replaced");
    store.delete(&key).unwrap();
    assert!(store.get(&key).unwrap().is_none());
    store.delete(&key).unwrap();
}

#[test]
fn vault_round_trip_in_the_keychain() {
    let Some(store) = real_keychain("vault_round_trip_in_the_keychain") else {
        return;
    };
    let profile = unique_profile("vault");
    let v = Vault::new(store.clone(), Arc::new(SystemClock), &profile).unwrap();
    // Default (calibrated) parameters here: this is the app's real path.
    let u = v.create(&Pin::from("630517")).unwrap();
    let wallet = parse_felt("0x4321").unwrap();
    let owner = PrivateKey::from_hex("0x5151").unwrap();
    let session = PrivateKey::from_hex("0x5252").unwrap();
    u.store_owner_key(wallet, "devnet", &owner).unwrap();
    let meta = u
        .store_session_key(wallet, 1_900_000_000, "created", &session)
        .unwrap();
    drop(u);

    let restarted = Vault::open_keychain(&profile).unwrap();
    assert_eq!(restarted.list_sessions().unwrap(), vec![meta.clone()]);
    let u = restarted.unlock_with_pin(&Pin::from("630517")).unwrap();
    assert_eq!(
        u.owner_key(&wallet).unwrap().public_key(),
        owner.public_key()
    );
    assert_eq!(
        u.session_key(&meta.session_public_key)
            .unwrap()
            .public_key(),
        session.public_key()
    );
    drop(u);
    restarted.destroy().unwrap();
    assert!(!restarted.is_initialized().unwrap());
    assert!(store
        .get(&format!("{profile}/device-secret"))
        .unwrap()
        .is_none());
}

#[test]
fn lockout_survives_a_restart_in_the_keychain() {
    let Some(store) = real_keychain("lockout_survives_a_restart_in_the_keychain") else {
        return;
    };
    let profile = unique_profile("lockout");
    let clock = ManualClock::at(50_000);
    let v = vault(&store, clock.clone(), &profile);
    v.create(&Pin::from("630517")).unwrap();
    for _ in 0..10 {
        assert_eq!(
            v.unlock_with_pin(&Pin::from("111111")).unwrap_err(),
            VaultError::WrongPinOrDamaged
        );
        clock.advance(3_600);
    }
    drop(v);
    // A fresh store connection and vault: what a restarted app would build.
    let fresh_store = Arc::new(KeychainStore::connect().unwrap());
    let restarted = vault(&fresh_store, clock.clone(), &profile);
    assert!(restarted.attempt_status().unwrap().locked_out);
    assert_eq!(
        restarted.unlock_with_pin(&Pin::from("630517")).unwrap_err(),
        VaultError::PinLockedOut
    );
    restarted.destroy().unwrap();
}

#[test]
fn counter_tampering_in_the_keychain_is_detected() {
    let Some(store) = real_keychain("counter_tampering_in_the_keychain_is_detected") else {
        return;
    };
    let profile = unique_profile("tamper");
    let clock = ManualClock::at(0);
    let v = vault(&store, clock.clone(), &profile);
    v.create(&Pin::from("630517")).unwrap();
    for _ in 0..3 {
        v.unlock_with_pin(&Pin::from("111111")).unwrap_err();
        clock.advance(60);
    }
    let name = format!("{profile}/attempts");
    let mut blob = store.get(&name).unwrap().unwrap().to_vec();
    blob[3] = 0; // failures: 3 -> 0
    store.set(&name, &blob).unwrap();
    assert_eq!(
        v.unlock_with_pin(&Pin::from("630517")).unwrap_err(),
        VaultError::PinLockedOut
    );
    v.destroy().unwrap();
}

/// Run in a child process with D-Bus pointed nowhere (see the test below).
#[test]
#[ignore]
fn child_open_keychain_without_dbus() {
    if std::env::var_os("SESAME_UNAVAILABLE_CHILD").is_none() {
        return;
    }
    let err = Vault::open_keychain("child").unwrap_err();
    println!("CHILD-CODE={}", err.code());
    println!("CHILD-MESSAGE={err}");
}

#[test]
fn an_unavailable_keychain_is_a_clear_error_and_never_a_fallback() {
    // A child process of this very test binary, whose session bus address points nowhere.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "--exact",
            "child_open_keychain_without_dbus",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SESAME_UNAVAILABLE_CHILD", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/sesame-test-bus",
        )
        .env_remove("DBUS_SYSTEM_BUS_ADDRESS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("CHILD-CODE=KEYCHAIN_UNAVAILABLE"),
        "{stdout}"
    );
    assert!(stdout.contains("Unlock or start your keyring"), "{stdout}");
}
