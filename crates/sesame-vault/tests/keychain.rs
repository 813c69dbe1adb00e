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
        VaultError::AttemptCounterTampered
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

/// What a child process does when this test binary re-runs itself (see `run_children`): open the
/// profile's vault over the real keychain, with the lock file every Sesame process uses, and
/// either store sessions or try one wrong PIN. Ignored, so a plain run never does this.
#[test]
#[ignore]
fn child_process_vault_worker() {
    let (Ok(profile), Ok(job)) = (
        std::env::var("SESAME_CHILD_PROFILE"),
        std::env::var("SESAME_CHILD_JOB"),
    ) else {
        return;
    };
    let lock = std::path::PathBuf::from(std::env::var("SESAME_CHILD_LOCK").unwrap());
    let store = Arc::new(KeychainStore::connect().unwrap());
    let v = Vault::new(store, Arc::new(SystemClock), &profile)
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap()
        .with_lock_file(lock);
    // Both children start together: wait for the parent's go.
    let go = std::path::PathBuf::from(std::env::var("SESAME_CHILD_GO").unwrap());
    while !go.exists() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    match job.split_once(':') {
        Some(("store", base)) => {
            let base: u64 = base.parse().unwrap();
            let u = v.unlock_with_pin(&Pin::from("630517")).unwrap();
            let wallet = parse_felt("0x777").unwrap();
            for i in 0..100u64 {
                let key = PrivateKey::from_hex(&format!("{:#x}", base + i)).unwrap();
                u.store_session_key(wallet, 1, "created", &key).unwrap();
            }
        }
        _ => {
            let err = v.unlock_with_pin(&Pin::from("000000")).unwrap_err();
            assert_eq!(err, VaultError::WrongPinOrDamaged);
        }
    }
}

/// Runs `jobs` as child processes of this test binary at the same moment; waits for all.
fn run_children(profile: &str, lock: &std::path::Path, jobs: &[&str]) {
    let go = lock.with_extension("go");
    let _ = std::fs::remove_file(&go);
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = jobs
        .iter()
        .map(|job| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_process_vault_worker",
                    "--ignored",
                    "--quiet",
                ])
                .env("SESAME_CHILD_PROFILE", profile)
                .env("SESAME_CHILD_JOB", job)
                .env("SESAME_CHILD_LOCK", lock)
                .env("SESAME_CHILD_GO", &go)
                .spawn()
                .unwrap()
        })
        .collect();
    std::fs::write(&go, b"go").unwrap();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a child process failed");
    }
}

#[test]
fn two_processes_writing_one_vault_lose_nothing_and_each_wrong_pin_counts() {
    let Some(store) = real_keychain("two_processes_writing_one_vault") else {
        return;
    };
    let profile = unique_profile("procs");
    let dir = std::env::temp_dir().join(format!("sesame-{profile}"));
    std::fs::create_dir_all(&dir).unwrap();
    let lock = dir.join("vault.lock");
    let v = Vault::new(store.clone(), Arc::new(SystemClock), &profile)
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap()
        .with_lock_file(lock.clone());
    drop(v.create(&Pin::from("630517")).unwrap());

    // Two processes each store 100 sessions at the same time: all 200 are listed.
    run_children(&profile, &lock, &["store:4096", "store:8192"]);
    assert_eq!(v.list_sessions().unwrap().len(), 200);

    // Two processes each try a wrong PIN at the same moment: both attempts are counted.
    run_children(&profile, &lock, &["wrong-pin", "wrong-pin"]);
    assert_eq!(v.attempt_status().unwrap().failures, 2);

    v.destroy().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
