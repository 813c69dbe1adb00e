//! Random bytes against every parser of data an attacker (or a broken keychain) can write:
//! envelopes, the authenticated records, key records, backups and Chipi imports. Each must end
//! in a typed error, never a panic, and a corrupted record must not break the others.
//!
//! `scripts/test.sh` fixes the seed and the budget (`PROPTEST_RNG_SEED`, `PROPTEST_CASES`); a
//! longer run: `PROPTEST_CASES=100000 cargo test -p sesame-vault --test hostile_bytes`.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use sesame_core::felt::{parse_felt, to_hex};
use sesame_vault::envelope::{self, Header, KeySource};
use sesame_vault::{
    Argon2Params, ChipiSessionKeyData, ChipiWalletData, DataKey, DeviceSecret, MemoryStore,
    Passphrase, Pin, PrfOutput, PrivateKey, SecretStore, SystemClock, UnlockedVault, Vault,
};

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// Bytes that start like an envelope, so the parser gets past the magic.
fn envelope_like() -> impl Strategy<Value = Vec<u8>> {
    (0u8..6, bytes(120)).prop_map(|(kdf, rest)| {
        let mut out = b"SSMV\x01".to_vec();
        out.push(kdf);
        out.extend(rest);
        out
    })
}

/// One vault, created once (argon2id runs once), shared by every case.
struct Fixture {
    store: MemoryStore,
    vault: Vault,
    unlocked: UnlockedVault,
    wallet: sesame_core::Felt,
    session: sesame_core::Felt,
    names: Vec<String>,
}

fn fixture() -> &'static std::sync::Mutex<Fixture> {
    static F: OnceLock<std::sync::Mutex<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let store = MemoryStore::new();
        let vault = Vault::new(Arc::new(store.clone()), Arc::new(SystemClock), "hostile")
            .unwrap()
            .with_pin_params(Argon2Params::FLOOR)
            .unwrap();
        let unlocked = vault.create(&Pin::from("482915")).unwrap();
        let wallet = parse_felt("0x123").unwrap();
        unlocked
            .store_owner_key(wallet, "devnet", &PrivateKey::from_hex("0x77").unwrap())
            .unwrap();
        let session = unlocked
            .store_session_key(wallet, 99, "active", &PrivateKey::from_hex("0x78").unwrap())
            .unwrap()
            .session_public_key;
        let names = store.keys();
        std::sync::Mutex::new(Fixture {
            store,
            vault,
            unlocked,
            wallet,
            session,
            names,
        })
    })
}

proptest! {
    #[test]
    fn envelope_parsing_and_opening_never_panic(raw in prop_oneof![bytes(200), envelope_like()]) {
        let _ = Header::parse(&raw);
        let dk = DataKey::from_bytes([3u8; 32]);
        let prf = PrfOutput::from_bytes([4u8; 32]);
        let device = DeviceSecret::from_bytes([5u8; 32]);
        // No argon2 source here: random parameters could ask for gigabytes (the caps refuse
        // them, which the envelope tests cover); these sources reach every other branch.
        prop_assert!(envelope::open(&raw, &KeySource::DataKey(&dk)).is_err());
        prop_assert!(envelope::open(&raw, &KeySource::Passkey(&prf)).is_err());
        let owner_source = KeySource::OwnerAndDevice { owner: &[6u8; 32], device: &device };
        prop_assert!(envelope::open(&raw, &owner_source).is_err());
    }

    #[test]
    fn a_corrupted_keychain_record_gives_a_typed_error_and_spares_the_rest(
        pick in any::<usize>(),
        raw in prop_oneof![bytes(300), envelope_like()],
    ) {
        let f = fixture().lock().unwrap();
        let name = f.names[pick % f.names.len()].clone();
        let original = f.store.get(&name).unwrap().unwrap().to_vec();
        prop_assume!(raw != original);
        f.store.set(&name, &raw).unwrap();

        // Every read answers (Ok or a typed error); none panics.
        let results = [
            f.vault.list_sessions().map(|_| ()),
            f.vault.list_owner_keys().map(|_| ()),
            f.vault.attempt_status().map(|_| ()),
            f.vault.has_passkey().map(|_| ()),
            f.unlocked.session_key(&f.session).map(|_| ()),
            f.unlocked.owner_key(&f.wallet).map(|_| ()),
        ];
        for r in &results {
            if let Err(e) = r {
                prop_assert!(!e.code().is_empty() && !e.to_string().is_empty());
            }
        }
        // A corrupted key record is refused, never read as another key.
        if name.ends_with(&to_hex(&f.session)) {
            prop_assert!(f.unlocked.session_key(&f.session).is_err());
        }
        f.store.set(&name, &original).unwrap();
        // Restored, everything reads again.
        prop_assert!(f.unlocked.session_key(&f.session).is_ok());
        prop_assert!(f.unlocked.owner_key(&f.wallet).is_ok());
    }

    #[test]
    fn backups_and_chipi_imports_of_random_bytes_are_refused(
        raw in prop_oneof![bytes(300), envelope_like()],
        text in any::<String>(),
    ) {
        let f = fixture().lock().unwrap();
        // Random bytes never open as a backup (no argon2: the header or the caps stop them
        // first, or the parameters are those of a real backup and the tag fails).
        let refused = f.unlocked.import_backup(&raw, &Passphrase::from("a long backup passphrase"));
        prop_assert!(refused.is_err());
        let json_like = text.trim_start().starts_with('{');
        prop_assert!(ChipiSessionKeyData::from_json(&text).is_err() || json_like);
        prop_assert!(ChipiWalletData::from_json(&text).is_err() || json_like);
        let as_text = String::from_utf8_lossy(&raw);
        let _ = ChipiSessionKeyData::from_json(&as_text);
        let _ = ChipiWalletData::from_json(&as_text);
    }
}
