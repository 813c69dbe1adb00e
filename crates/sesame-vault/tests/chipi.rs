//! Chipi import: the CryptoJS vectors from testdata/vectors, wrong keys, mismatched public keys.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use serde_json::Value;
use sesame_core::felt::parse_felt;
use sesame_vault::chipi::{decrypt_and_check, decrypt_private_key};
use sesame_vault::{
    Argon2Params, ChipiError, ChipiSessionKeyData, ChipiWalletData, MemoryStore, Pin, SystemClock,
    Vault, VaultError,
};

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/chipi_cryptojs_envelopes.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {path} (testdata/ in the repository): {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn every_vector_decrypts_to_its_key_and_public_key() {
    let cases = vectors();
    assert_eq!(cases.len(), 6);
    for case in &cases {
        let key = Pin::from(case["encrypt_key"].as_str().unwrap());
        let expected_priv = parse_felt(case["plaintext_private_key"].as_str().unwrap()).unwrap();
        let expected_pub = parse_felt(case["public_key"].as_str().unwrap()).unwrap();

        let plain =
            decrypt_private_key(case["encrypted_private_key"].as_str().unwrap(), &key).unwrap();
        assert_eq!(plain.expose_be_bytes(), &expected_priv.to_bytes_be());
        assert_eq!(plain.public_key(), expected_pub);

        let session_json = case["session_key_data"].to_string();
        let data = ChipiSessionKeyData::from_json(&session_json).unwrap();
        assert_eq!(
            data.valid_until,
            case["session_key_data"]["validUntil"].as_u64().unwrap()
        );
        assert_eq!(data.decrypt(&key).unwrap().public_key(), expected_pub);

        // The same ciphertext as Chipi `WalletData` (extra fields are ignored).
        let wallet_json = serde_json::json!({
            "publicKey": case["public_key"],
            "encryptedPrivateKey": case["encrypted_private_key"],
            "normalizedPublicKey": case["public_key"],
        })
        .to_string();
        let wallet = ChipiWalletData::from_json(&wallet_json).unwrap();
        assert_eq!(wallet.decrypt(&key).unwrap().public_key(), expected_pub);
    }
}

#[test]
fn a_wrong_encrypt_key_fails_with_session_decryption_failed() {
    for case in vectors() {
        let ct = case["encrypted_private_key"].as_str().unwrap();
        let public = case["public_key"].as_str().unwrap();
        for wrong in ["", "1235", "123456", "correct horse battery stapl", "0x00"] {
            if wrong == case["encrypt_key"].as_str().unwrap() {
                continue;
            }
            let err = decrypt_and_check(ct, &Pin::from(wrong), public).unwrap_err();
            assert_eq!(err, ChipiError::DecryptionFailed, "key {wrong:?}");
            assert_eq!(err.code(), "SESSION_DECRYPTION_FAILED");
            let text = err.to_string();
            assert!(!text.contains(wrong) || wrong.is_empty() || wrong.len() < 3);
        }
    }
}

#[test]
fn a_mismatched_public_key_has_its_own_code() {
    let cases = vectors();
    let err = decrypt_and_check(
        cases[0]["encrypted_private_key"].as_str().unwrap(),
        &Pin::from(cases[0]["encrypt_key"].as_str().unwrap()),
        cases[1]["public_key"].as_str().unwrap(),
    )
    .unwrap_err();
    assert_eq!(err, ChipiError::PublicKeyMismatch);
    assert_eq!(err.code(), "CHIPI_PUBLIC_KEY_MISMATCH");
}

#[test]
fn malformed_input_is_reported_as_such() {
    let key = Pin::from("1234");
    for bad in [
        "not base64 !!",
        "aGVsbG8gd29ybGQ=",
        "U2FsdGVkX1+/aR2CBB+5SA==",
    ] {
        let err = decrypt_private_key(bad, &key).unwrap_err();
        assert_eq!(err.code(), "CHIPI_INVALID_FORMAT", "{bad}");
    }
    assert_eq!(
        ChipiSessionKeyData::from_json("{}").unwrap_err().code(),
        "CHIPI_INVALID_FORMAT"
    );
}

#[test]
fn import_re_encrypts_into_the_vault() {
    let cases = vectors();
    let store = MemoryStore::new();
    let vault = Vault::new(Arc::new(store.clone()), Arc::new(SystemClock), "chipi")
        .unwrap()
        .with_pin_params(Argon2Params::FLOOR)
        .unwrap();
    let unlocked = vault.create(&Pin::from("246810")).unwrap();
    let wallet = parse_felt("0x1234").unwrap();

    let session_json = cases[0]["session_key_data"].to_string();
    let encrypt_key = Pin::from(cases[0]["encrypt_key"].as_str().unwrap());
    let meta = unlocked
        .import_chipi_session(&session_json, &encrypt_key, wallet, "active")
        .unwrap();
    let expected_pub = parse_felt(cases[0]["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(meta.session_public_key, expected_pub);
    assert_eq!(meta.valid_until, 1_764_000_000);

    let wallet_json = serde_json::json!({
        "publicKey": cases[3]["public_key"],
        "encryptedPrivateKey": cases[3]["encrypted_private_key"],
    })
    .to_string();
    let owner = unlocked
        .import_chipi_wallet(
            &wallet_json,
            &Pin::from(cases[3]["encrypt_key"].as_str().unwrap()),
            wallet,
            "sepolia",
        )
        .unwrap();
    assert_eq!(
        owner.public_key,
        parse_felt(cases[3]["public_key"].as_str().unwrap()).unwrap()
    );

    // Stored in Sesame's own envelope, never in the CryptoJS format.
    for key in store.keys() {
        let bytes = sesame_vault::SecretStore::get(&store, &key)
            .unwrap()
            .unwrap();
        assert!(!bytes.windows(8).any(|w| w == b"Salted__"), "{key}");
        if key.contains("/session/") || key.contains("/owner/") {
            assert_eq!(&bytes[..5], b"SSMV\x01", "{key}");
        }
    }
    drop(unlocked);
    let again = vault.unlock_with_pin(&Pin::from("246810")).unwrap();
    assert_eq!(
        again.session_key(&expected_pub).unwrap().public_key(),
        expected_pub
    );

    let err = again
        .import_chipi_session(&session_json, &Pin::from("9999"), wallet, "active")
        .unwrap_err();
    assert_eq!(err.code(), "SESSION_DECRYPTION_FAILED");
    assert!(matches!(
        err,
        VaultError::Chipi(ChipiError::DecryptionFailed)
    ));
}
