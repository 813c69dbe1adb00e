//! The `.deb` that `scripts/bundle.sh` builds carries a valid Tauri updater signature (minisign)
//! for the key it was signed with, and the signature breaks if one byte of the package changes.
//! scripts/test.sh builds the bundle first and sets SESAME_BUNDLE_TESTS=1.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use base64::Engine;
use minisign_verify::{PublicKey, Signature};
use sesame_e2e::target_debug_dir;

fn decode(b64: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn public_key() -> PublicKey {
    let text = std::env::var("TAURI_SIGNING_PUBLIC_KEY").unwrap_or_else(|_| {
        let cache = std::env::var("SESAME_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/sesame")
            });
        std::fs::read_to_string(cache.join("signing/test.key.pub")).unwrap()
    });
    PublicKey::decode(&decode(&text)).unwrap()
}

#[test]
fn the_deb_is_signed_for_the_updater_and_a_changed_byte_breaks_the_signature() {
    let dir = target_debug_dir().join("bundle/deb");
    let deb = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
    });
    let Some(deb) = deb else {
        assert_ne!(
            std::env::var("SESAME_BUNDLE_TESTS").as_deref(),
            Ok("1"),
            "no .deb in {}",
            dir.display()
        );
        eprintln!("SKIPPED: build the bundle with scripts/bundle.sh --debug first");
        return;
    };
    let bytes = std::fs::read(&deb).unwrap();
    let sig_path = PathBuf::from(format!("{}.sig", deb.display()));
    let signature =
        Signature::decode(&decode(&std::fs::read_to_string(&sig_path).unwrap())).unwrap();
    let key = public_key();
    key.verify(&bytes, &signature, false).unwrap();
    println!(
        "{} ({:.2} MiB) verifies",
        deb.display(),
        bytes.len() as f64 / 1048576.0
    );

    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    assert!(
        key.verify(&tampered, &signature, false).is_err(),
        "a changed byte must break the signature"
    );
}
