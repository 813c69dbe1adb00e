//! Vault behaviour over the test store (fast, no D-Bus): wrappers, PIN limits, tampering,
//! passkeys, recovery and backups. The same flows run against the real keychain in
//! tests/keychain.rs.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{ManualClock, SoftPasskey};
use sesame_core::felt::parse_felt;
use sesame_vault::{
    backoff_secs, Argon2Params, MemoryStore, PasskeyError, Passphrase, Pin, PrivateKey,
    SecretStore, Vault, VaultError, SESAME_RP_ID,
};

fn vault_on(store: &MemoryStore, clock: &Arc<ManualClock>, profile: &str) -> Vault {
    Vault::new(Arc::new(store.clone()), clock.clone(), profile)
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap()
}

fn key(hex: &str) -> PrivateKey {
    PrivateKey::from_hex(hex).unwrap()
}

#[test]
fn create_store_and_read_back_keys() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(1_000);
    let vault = vault_on(&store, &clock, "basic");
    assert!(!vault.is_initialized().unwrap());
    let unlocked = vault.create(&Pin::from("135790")).unwrap();
    assert!(matches!(
        vault.create(&Pin::from("135790")),
        Err(VaultError::AlreadyInitialized)
    ));

    let wallet = parse_felt("0xabc").unwrap();
    let owner = unlocked
        .store_owner_key(wallet, "devnet", &key("0x42"))
        .unwrap();
    let session = unlocked
        .store_session_key(wallet, 5_000, "created", &key("0x43"))
        .unwrap();
    assert_eq!(owner.public_key, key("0x42").public_key());
    drop(unlocked);

    // Listing needs no unlock.
    assert_eq!(vault.list_owner_keys().unwrap(), vec![owner.clone()]);
    assert_eq!(vault.list_sessions().unwrap(), vec![session.clone()]);
    let updated = vault
        .set_session_state(&session.session_public_key, "active")
        .unwrap();
    assert_eq!(updated.state, "active");

    // A restart: a fresh Vault over the same store.
    let again = vault_on(&store, &clock, "basic")
        .unlock_with_pin(&Pin::from("135790"))
        .unwrap();
    assert_eq!(
        again.owner_key(&wallet).unwrap().public_key(),
        owner.public_key
    );
    assert_eq!(
        again
            .session_key(&session.session_public_key)
            .unwrap()
            .public_key(),
        session.session_public_key
    );
    again.delete_session(&session.session_public_key).unwrap();
    assert!(vault.list_sessions().unwrap().is_empty());
    assert!(matches!(
        again.session_key(&session.session_public_key),
        Err(VaultError::NotFound(_))
    ));

    // Profiles do not see each other.
    let other = vault_on(&store, &clock, "other");
    assert!(!other.is_initialized().unwrap());
    assert!(other.list_owner_keys().unwrap().is_empty());

    vault.destroy().unwrap();
    assert!(store.keys().is_empty(), "{:?}", store.keys());
}

#[test]
fn weak_pins_and_bad_profiles_are_refused() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "weak");
    assert_eq!(
        vault.create(&Pin::from("123")).unwrap_err().code(),
        "SECRET_TOO_SHORT"
    );
    for bad in ["", "a/b", "x y", &"p".repeat(65)] {
        assert_eq!(
            Vault::new(Arc::new(store.clone()), clock.clone(), bad)
                .unwrap_err()
                .code(),
            "INVALID_PROFILE"
        );
    }
    assert_eq!(
        vault
            .clone()
            .with_pin_params(Argon2Params {
                m_kib: 1024,
                t: 1,
                p: 1
            })
            .unwrap_err()
            .code(),
        "INVALID_KDF_PARAMETERS"
    );
}

#[test]
fn changing_the_pin_rewraps_only_the_data_key() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "rewrap");
    let unlocked = vault.create(&Pin::from("111111")).unwrap();
    let wallet = parse_felt("0x1").unwrap();
    unlocked
        .store_owner_key(wallet, "devnet", &key("0x99"))
        .unwrap();
    unlocked
        .store_session_key(wallet, 1, "created", &key("0x98"))
        .unwrap();
    let before: Vec<(String, Vec<u8>)> = store
        .keys()
        .into_iter()
        .map(|k| (k.clone(), store.get(&k).unwrap().unwrap().to_vec()))
        .collect();

    unlocked.change_pin(&Pin::from("222222")).unwrap();
    for (k, old) in &before {
        let now = store.get(k).unwrap().unwrap().to_vec();
        if k.ends_with("/pin-wrap") {
            assert_ne!(&now, old, "the PIN wrapper must change");
        } else if !k.ends_with("/attempts") {
            assert_eq!(&now, old, "{k} must not be rewritten by a PIN change");
        }
    }
    drop(unlocked);
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("111111")).unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    let u = vault.unlock_with_pin(&Pin::from("222222")).unwrap();
    assert_eq!(
        u.owner_key(&wallet).unwrap().public_key(),
        key("0x99").public_key()
    );
}

#[test]
fn wrong_pins_back_off_then_lock_out_and_the_lockout_survives_a_restart() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(10_000);
    let vault = vault_on(&store, &clock, "limits");
    vault.create(&Pin::from("482915")).unwrap();
    let wrong = Pin::from("000000");

    // Two free failures, then 1, 2, 4, … 64 s between attempts, then the lockout at ten.
    let expected_delays = [0, 0, 1, 2, 4, 8, 16, 32, 64];
    for (i, delay) in expected_delays.iter().enumerate() {
        let failures = i as u32 + 1;
        assert_eq!(
            vault.unlock_with_pin(&wrong).unwrap_err(),
            VaultError::WrongPinOrDamaged
        );
        assert_eq!(backoff_secs(failures), *delay);
        let status = vault.attempt_status().unwrap();
        assert_eq!(status.failures, failures);
        assert_eq!(status.attempts_left, 10 - failures);
        assert_eq!(status.retry_after_secs, *delay);
        if *delay > 0 {
            // Even the right PIN is not tried during the backoff, and it does not count.
            assert_eq!(
                vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
                VaultError::PinBackoff {
                    retry_after_secs: *delay
                }
            );
            clock.advance(delay - 1);
            assert!(matches!(
                vault.unlock_with_pin(&wrong),
                Err(VaultError::PinBackoff {
                    retry_after_secs: 1
                })
            ));
            clock.advance(1);
            assert_eq!(vault.attempt_status().unwrap().failures, failures);
        }
    }
    assert_eq!(
        vault.unlock_with_pin(&wrong).unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    let status = vault.attempt_status().unwrap();
    assert!(status.locked_out);
    assert_eq!(status.attempts_left, 0);

    // The right PIN no longer works, now or after a restart, however long we wait.
    clock.advance(365 * 24 * 3600);
    let restarted = vault_on(&store, &clock, "limits");
    let err = restarted.unlock_with_pin(&Pin::from("482915")).unwrap_err();
    assert_eq!(err, VaultError::PinLockedOut);
    assert_eq!(err.code(), "PIN_LOCKED_OUT");
}

#[test]
fn a_successful_unlock_resets_the_counter() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "reset");
    vault.create(&Pin::from("482915")).unwrap();
    for _ in 0..2 {
        vault.unlock_with_pin(&Pin::from("000000")).unwrap_err();
    }
    assert_eq!(vault.attempt_status().unwrap().failures, 2);
    vault.unlock_with_pin(&Pin::from("482915")).unwrap();
    assert_eq!(vault.attempt_status().unwrap().failures, 0);
}

#[test]
fn tampering_with_the_counter_locks_the_pin() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "tamper");
    vault.create(&Pin::from("482915")).unwrap();
    for _ in 0..5 {
        vault.unlock_with_pin(&Pin::from("000000")).unwrap_err();
        clock.advance(100);
    }
    let key = "tamper/attempts";
    let blob = store.get(key).unwrap().unwrap().to_vec();
    assert_eq!(&blob[..4], &5u32.to_be_bytes());

    // Editing the count back to zero is detected...
    let mut edited = blob.clone();
    edited[..4].copy_from_slice(&0u32.to_be_bytes());
    store.set(key, &edited).unwrap();
    let status = vault.attempt_status().unwrap();
    assert!(status.locked_out && status.tampered);
    let err = vault.unlock_with_pin(&Pin::from("482915")).unwrap_err();
    assert_eq!(err, VaultError::AttemptCounterTampered);
    // The message says what happened and names the ways out that exist.
    let message = err.to_string();
    assert!(message.contains("changed outside Sesame"), "{message}");
    assert!(message.contains("sesame vault restore"), "{message}");
    assert!(message.contains("sesame vault recover"), "{message}");

    // ...and so is deleting the counter: tampering, not a silent permanent lockout.
    store.delete(key).unwrap();
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
        VaultError::AttemptCounterTampered
    );

    // Copying another profile's valid counter over it is detected too (the MAC binds the name).
    let other = vault_on(&store, &clock, "tamper2");
    other.create(&Pin::from("482915")).unwrap();
    let foreign = store.get("tamper2/attempts").unwrap().unwrap().to_vec();
    store.set(key, &foreign).unwrap();
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
        VaultError::AttemptCounterTampered
    );
    // A counter that is only high (ten real wrong PINs) is a lockout, not tampering.
    assert!(!other.attempt_status().unwrap().tampered);
}

#[test]
fn tampering_with_the_index_or_records_is_detected() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "records");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x5").unwrap();
    let a = u
        .store_session_key(wallet, 1, "created", &key("0x51"))
        .unwrap();
    let b = u
        .store_session_key(wallet, 1, "created", &key("0x52"))
        .unwrap();

    // Swapping two session records: each decrypts, but to the wrong public key.
    let ka = format!(
        "records/session/{}",
        sesame_core::felt::to_hex(&a.session_public_key)
    );
    let kb = format!(
        "records/session/{}",
        sesame_core::felt::to_hex(&b.session_public_key)
    );
    let (ra, rb) = (
        store.get(&ka).unwrap().unwrap().to_vec(),
        store.get(&kb).unwrap().unwrap().to_vec(),
    );
    store.set(&ka, &rb).unwrap();
    store.set(&kb, &ra).unwrap();
    assert_eq!(
        u.session_key(&a.session_public_key).unwrap_err().code(),
        "VAULT_TAMPERED"
    );

    // Editing the index (e.g. a later valid_until) is detected.
    let mut index = store.get("records/index").unwrap().unwrap().to_vec();
    let pos = index
        .windows(13)
        .position(|w| w == b"\"valid_until\"")
        .unwrap();
    index[pos + 14] = b'9';
    store.set("records/index", &index).unwrap();
    assert_eq!(vault.list_sessions().unwrap_err().code(), "VAULT_TAMPERED");
}

#[test]
fn a_missing_device_secret_means_nothing_opens() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "nodevice");
    vault.create(&Pin::from("482915")).unwrap();
    store.delete("nodevice/device-secret").unwrap();
    assert_eq!(
        vault
            .unlock_with_pin(&Pin::from("482915"))
            .unwrap_err()
            .code(),
        "DEVICE_SECRET_MISSING"
    );
    // A different device secret (the records copied to another machine): the counter's MAC
    // no longer verifies, so the PIN is not even tried.
    store.set("nodevice/device-secret", &[7u8; 32]).unwrap();
    let err = vault.unlock_with_pin(&Pin::from("482915")).unwrap_err();
    assert_eq!(err, VaultError::AttemptCounterTampered);
}

#[test]
fn passkey_unlock_works_resets_the_lockout_and_refuses_other_credentials() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "passkey");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x77").unwrap();
    u.store_owner_key(wallet, "devnet", &key("0x777")).unwrap();

    let authenticator = SoftPasskey::with_hmac_secret();
    assert!(!vault.has_passkey().unwrap());
    u.enroll_passkey(&authenticator, SESAME_RP_ID).unwrap();
    assert!(vault.has_passkey().unwrap());
    drop(u);

    // Lock the PIN out.
    for _ in 0..10 {
        let _ = vault.unlock_with_pin(&Pin::from("000000"));
        clock.advance(1_000);
    }
    assert!(vault.attempt_status().unwrap().locked_out);

    // The passkey opens the same data key, and resets the counter.
    let u = vault.unlock_with_passkey(&authenticator).unwrap();
    assert_eq!(
        u.owner_key(&wallet).unwrap().public_key(),
        key("0x777").public_key()
    );
    drop(u);
    assert_eq!(vault.attempt_status().unwrap().failures, 0);
    vault.unlock_with_pin(&Pin::from("482915")).unwrap();

    // Another authenticator does not hold the credential.
    let other = SoftPasskey::with_hmac_secret();
    let err = vault.unlock_with_passkey(&other).unwrap_err();
    assert_eq!(err, VaultError::Passkey(PasskeyError::UnknownCredential));

    // A credential that yields a different PRF output cannot open the wrapper: enroll on
    // `other`, then present the first authenticator's credential id with a different secret.
    let u = vault.unlock_with_pin(&Pin::from("482915")).unwrap();
    u.enroll_passkey(&other, SESAME_RP_ID).unwrap();
    let record = store.get("passkey/passkey-wrap").unwrap().unwrap().to_vec();
    let mut json: serde_json::Value = serde_json::from_slice(&record).unwrap();
    json["prf_salt"] = serde_json::Value::String("00".repeat(32));
    store
        .set("passkey/passkey-wrap", json.to_string().as_bytes())
        .unwrap();
    assert_eq!(
        vault.unlock_with_passkey(&other).unwrap_err(),
        VaultError::WrongPinOrDamaged
    );

    u.remove_passkey().unwrap();
    assert_eq!(
        vault.unlock_with_passkey(&other).unwrap_err().code(),
        "PASSKEY_NOT_ENROLLED"
    );
}

#[test]
fn an_authenticator_without_prf_is_refused_with_no_fallback() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "noprf");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let err = u
        .enroll_passkey(&SoftPasskey::without_prf(), SESAME_RP_ID)
        .unwrap_err();
    assert_eq!(err.code(), "PASSKEY_PRF_UNSUPPORTED");
    assert!(!vault.has_passkey().unwrap());
}

#[test]
fn the_platform_passkey_status_is_a_typed_error_here() {
    match sesame_vault::platform_passkey() {
        // A machine with a USB key plugged in and the `usb-passkey` feature.
        Ok(_) => {}
        Err(e) if cfg!(all(target_os = "linux", feature = "usb-passkey")) => {
            assert!(
                matches!(e.code(), "PASSKEY_NO_DEVICE" | "PASSKEY_FAILED"),
                "{e}"
            )
        }
        Err(e) => assert_eq!(e.code(), "PASSKEY_UNSUPPORTED"),
    }
}

#[test]
fn re_importing_the_owner_key_recovers_a_locked_vault() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "recover");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x88").unwrap();
    u.store_owner_key(wallet, "sepolia", &key("0x888")).unwrap();
    u.store_session_key(wallet, 1, "active", &key("0x889"))
        .unwrap();
    drop(u);
    for _ in 0..10 {
        let _ = vault.unlock_with_pin(&Pin::from("000000"));
        clock.advance(1_000);
    }
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
        VaultError::PinLockedOut
    );

    // The wrong owner key proves nothing.
    assert_eq!(
        vault
            .recover_with_owner_key(&wallet, &key("0x999"), &Pin::from("135246"))
            .unwrap_err(),
        VaultError::OwnerKeyMismatch
    );
    let u = vault
        .recover_with_owner_key(&wallet, &key("0x888"), &Pin::from("135246"))
        .unwrap();
    assert_eq!(
        u.owner_key(&wallet).unwrap().public_key(),
        key("0x888").public_key()
    );
    // The owner-key wrapper brought back the same data key: the session key is still there.
    assert_eq!(vault.list_sessions().unwrap().len(), 1);
    assert_eq!(
        u.session_key(&key("0x889").public_key())
            .unwrap()
            .public_key(),
        key("0x889").public_key()
    );
    drop(u);
    assert_eq!(vault.attempt_status().unwrap().failures, 0);
    // The old PIN is gone, the new one works.
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    vault.unlock_with_pin(&Pin::from("135246")).unwrap();
}

#[test]
fn one_address_on_two_networks_keeps_two_owner_keys() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "networks");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x3a").unwrap();
    // The owner rotated the key on Sepolia only: the same address, two keys.
    u.store_owner_key(wallet, "mainnet", &key("0x3a1")).unwrap();
    u.store_owner_key(wallet, "sepolia", &key("0x3a2")).unwrap();
    assert_eq!(vault.list_owner_keys().unwrap().len(), 2);
    let on = |network: &str| u.owner_key_on(network, &wallet).unwrap().public_key();
    assert_eq!(on("mainnet"), key("0x3a1").public_key());
    assert_eq!(on("sepolia"), key("0x3a2").public_key());
    assert_eq!(
        u.owner_key_on("devnet", &wallet).unwrap_err(),
        VaultError::NotFound("wallet")
    );
    // Replacing one network's key leaves the other alone.
    u.store_owner_key(wallet, "sepolia", &key("0x3a3")).unwrap();
    assert_eq!(on("mainnet"), key("0x3a1").public_key());
    assert_eq!(on("sepolia"), key("0x3a3").public_key());
    drop(u);
    // Either key recovers the vault, each by its own record.
    let u = vault
        .recover_with_owner_key(&wallet, &key("0x3a1"), &Pin::from("135246"))
        .unwrap();
    assert_eq!(
        u.owner_key_on("sepolia", &wallet).unwrap().public_key(),
        key("0x3a3").public_key()
    );
}

#[test]
fn a_locked_out_message_names_only_the_recovery_paths_of_this_build() {
    let message = VaultError::PinLockedOut.to_string();
    assert!(message.contains("sesame vault restore"), "{message}");
    assert!(message.contains("sesame vault recover"), "{message}");
    assert_eq!(
        message.contains("passkey"),
        sesame_vault::PASSKEY_SUPPORTED,
        "{message}"
    );
}

#[test]
fn recovery_with_a_tampered_owner_wrapper_is_refused_and_keeps_the_vault() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "wrap");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x77").unwrap();
    u.store_owner_key(wallet, "devnet", &key("0x777")).unwrap();
    drop(u);
    let name = format!(
        "wrap/owner-wrap/devnet/{}",
        sesame_core::felt::to_hex(&wallet)
    );
    let mut wrap = store.get(&name).unwrap().unwrap().to_vec();
    let last = wrap.len() - 1;
    wrap[last] ^= 1;
    store.set(&name, &wrap).unwrap();
    assert_eq!(
        vault
            .recover_with_owner_key(&wallet, &key("0x777"), &Pin::from("135246"))
            .unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    // Nothing changed: the old PIN still opens everything.
    let u = vault.unlock_with_pin(&Pin::from("482915")).unwrap();
    assert!(u.owner_key(&wallet).is_ok());
}

#[test]
fn create_refuses_a_half_present_vault_and_recovery_still_works() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "half");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x66").unwrap();
    u.store_owner_key(wallet, "devnet", &key("0x666")).unwrap();
    u.store_session_key(wallet, 9, "active", &key("0x667"))
        .unwrap();
    drop(u);
    // Something deletes the PIN wrapper: the vault looks uninitialised...
    store.delete("half/pin-wrap").unwrap();
    assert!(!vault.is_initialized().unwrap());
    // ...but onboarding's create must not overwrite the device secret and the index.
    let err = vault.create(&Pin::from("111111")).unwrap_err();
    assert_eq!(err, VaultError::IncompleteVault);
    assert_eq!(err.code(), "VAULT_INCOMPLETE");
    assert!(err.to_string().contains("sesame vault recover"));
    // The owner key brings every key back under a new PIN.
    let u = vault
        .recover_with_owner_key(&wallet, &key("0x666"), &Pin::from("246810"))
        .unwrap();
    assert!(u.session_key(&key("0x667").public_key()).is_ok());
}

#[test]
fn an_empty_leftover_of_an_interrupted_create_does_not_block_a_new_vault() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "interrupted");
    vault.create(&Pin::from("482915")).unwrap();
    // A create killed before its last write leaves a device secret and an empty index.
    store.delete("interrupted/pin-wrap").unwrap();
    vault.create(&Pin::from("135790")).unwrap();
    vault.unlock_with_pin(&Pin::from("135790")).unwrap();
}

#[test]
fn restoring_a_backup_replaces_a_locked_vault_with_every_key_under_a_new_pin() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let vault = vault_on(&store, &clock, "restore");
    let u = vault.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x55").unwrap();
    u.store_owner_key(wallet, "devnet", &key("0x555")).unwrap();
    u.store_session_key(wallet, 9, "active", &key("0x556"))
        .unwrap();
    u.store_session_key(wallet, 9, "created", &key("0x557"))
        .unwrap();
    let pass = Passphrase::from("a long backup passphrase");
    let backup = u
        .export_backup_with_params(&pass, Argon2Params::FLOOR)
        .unwrap();
    drop(u);
    for _ in 0..10 {
        let _ = vault.unlock_with_pin(&Pin::from("000000"));
        clock.advance(1_000);
    }
    assert_eq!(
        vault.unlock_with_pin(&Pin::from("482915")).unwrap_err(),
        VaultError::PinLockedOut
    );
    // A wrong passphrase, or no consent to replace, changes nothing.
    assert_eq!(
        vault
            .restore_backup(
                &backup,
                &Passphrase::from("not the passphrase"),
                &Pin::from("246810"),
                true
            )
            .unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    assert_eq!(
        vault
            .restore_backup(&backup, &pass, &Pin::from("246810"), false)
            .unwrap_err(),
        VaultError::AlreadyInitialized
    );
    // Nor does a new PIN that is too short, even with consent to replace.
    assert!(matches!(
        vault
            .restore_backup(&backup, &pass, &Pin::from("12"), true)
            .unwrap_err(),
        VaultError::SecretTooShort { what: "PIN", .. }
    ));
    assert!(vault.is_initialized().unwrap());
    assert!(vault.attempt_status().unwrap().locked_out);

    let (u, summary) = vault
        .restore_backup(&backup, &pass, &Pin::from("246810"), true)
        .unwrap();
    assert_eq!((summary.owner_keys, summary.session_keys), (1, 2));
    assert!(u.owner_key(&wallet).is_ok());
    drop(u);
    let u = vault.unlock_with_pin(&Pin::from("246810")).unwrap();
    assert!(u.session_key(&key("0x556").public_key()).is_ok());
    assert!(u.session_key(&key("0x557").public_key()).is_ok());
    assert_eq!(vault.list_sessions().unwrap().len(), 2);
}

#[test]
fn the_lock_file_serialises_writers_across_vault_instances() {
    // Two `Vault`s over one store with separate in-process mutexes (as two processes would
    // have), sharing only the lock file: 2 x 40 concurrent stores all land in the index.
    let store = MemoryStore::new();
    let clock = ManualClock::at(0);
    let dir = std::env::temp_dir().join(format!("sesame-lock-test-{}", std::process::id()));
    let lock = dir.join("lockfile.lock");
    let a = vault_on(&store, &clock, "shared").with_lock_file(lock.clone());
    let ua = a.create(&Pin::from("482915")).unwrap();
    let b = vault_on(&store, &clock, "shared").with_lock_file(lock);
    let ub = b.unlock_with_pin(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x44").unwrap();
    std::thread::scope(|s| {
        for (u, base) in [(&ua, 0x1000u64), (&ub, 0x2000u64)] {
            s.spawn(move || {
                for i in 0..40u64 {
                    let k = PrivateKey::from_hex(&format!("{:#x}", base + i)).unwrap();
                    u.store_session_key(wallet, 1, "created", &k).unwrap();
                }
            });
        }
    });
    assert_eq!(a.list_sessions().unwrap().len(), 80);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn backup_round_trip_to_another_device() {
    let clock = ManualClock::at(0);
    let source_store = MemoryStore::new();
    let source = vault_on(&source_store, &clock, "backup-src");
    let u = source.create(&Pin::from("482915")).unwrap();
    let wallet = parse_felt("0x99").unwrap();
    u.store_owner_key(wallet, "mainnet", &key("0x991")).unwrap();
    let s = u
        .store_session_key(wallet, 123, "active", &key("0x992"))
        .unwrap();

    let pass = Passphrase::from("a long backup passphrase");
    assert_eq!(
        u.export_backup(&Passphrase::from("short"))
            .unwrap_err()
            .code(),
        "SECRET_TOO_SHORT"
    );
    let backup = u.export_backup(&pass).unwrap();
    let header = sesame_vault::envelope::Header::parse(&backup).unwrap();
    assert_eq!(header.kdf, sesame_vault::envelope::KdfId::Passphrase);
    assert_eq!(header.params, Argon2Params::DEFAULT_BACKUP);

    // A different machine: another store, so another device secret.
    let dest_store = MemoryStore::new();
    let dest = vault_on(&dest_store, &clock, "backup-dst");
    let d = dest.create(&Pin::from("918273")).unwrap();
    assert_eq!(
        d.import_backup(&backup, &Passphrase::from("a long backup passphrasE"))
            .unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
    let summary = d.import_backup(&backup, &pass).unwrap();
    assert_eq!((summary.owner_keys, summary.session_keys), (1, 1));
    assert_eq!(
        d.owner_key(&wallet).unwrap().public_key(),
        key("0x991").public_key()
    );
    assert_eq!(
        d.session_key(&s.session_public_key).unwrap().public_key(),
        s.session_public_key
    );
    let listed = dest.list_sessions().unwrap();
    assert_eq!(
        (listed[0].valid_until, listed[0].state.as_str()),
        (123, "active")
    );

    let mut flipped = backup.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        d.import_backup(&flipped, &pass).unwrap_err(),
        VaultError::WrongPinOrDamaged
    );
}

#[test]
fn a_named_secret_is_sealed_bound_to_its_name_and_reads_back_only_unlocked() {
    let store = MemoryStore::new();
    let clock = ManualClock::at(1_000);
    let vault = vault_on(&store, &clock, "named");
    let unlocked = vault.create(&Pin::from("2468-named")).unwrap();
    assert!(!vault.has_named_secret("paymaster-api-key:sepolia").unwrap());
    assert_eq!(
        unlocked.named_secret("paymaster-api-key:sepolia").unwrap(),
        None
    );
    unlocked
        .set_named_secret("paymaster-api-key:sepolia", b"pm-key-123")
        .unwrap();
    assert!(vault.has_named_secret("paymaster-api-key:sepolia").unwrap());
    let read = unlocked
        .named_secret("paymaster-api-key:sepolia")
        .unwrap()
        .unwrap();
    assert_eq!(read.as_slice(), b"pm-key-123");
    // Sealed: the keychain item never holds the plain value.
    let raw = store
        .get("named/secret/paymaster-api-key:sepolia")
        .unwrap()
        .unwrap();
    assert!(!raw.windows(10).any(|w| w == b"pm-key-123"));
    // Copied under another name, it is refused rather than read as that secret.
    store
        .set("named/secret/paymaster-api-key:mainnet", &raw)
        .unwrap();
    assert_eq!(
        unlocked
            .named_secret("paymaster-api-key:mainnet")
            .unwrap_err()
            .code(),
        "VAULT_TAMPERED"
    );
    // Bad names and empty values are refused; deleting needs no unlock.
    for bad in ["", "a/b", "with space"] {
        assert_eq!(
            unlocked.set_named_secret(bad, b"x").unwrap_err().code(),
            "INVALID_SECRET"
        );
    }
    assert_eq!(
        unlocked.set_named_secret("ok", b"").unwrap_err().code(),
        "INVALID_SECRET"
    );
    vault
        .delete_named_secret("paymaster-api-key:sepolia")
        .unwrap();
    assert!(!vault.has_named_secret("paymaster-api-key:sepolia").unwrap());
}
