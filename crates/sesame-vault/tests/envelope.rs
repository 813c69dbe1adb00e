//! Envelope v1: frozen known-answer vectors, every single-bit flip rejected, floors and caps.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use serde_json::{json, Value};
use sesame_vault::envelope::{
    self, bit_flip_scan, Argon2Params, Header, KdfId, KeySource, HEADER_LEN, TAG_LEN,
};
use sesame_vault::{DataKey, DeviceSecret, Passphrase, Pin, PrfOutput};

const KAT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/envelope_v1_kat.json"
);

struct Case {
    name: &'static str,
    kdf: KdfId,
    params: Argon2Params,
    secret: &'static str,
    device_secret: Option<[u8; 32]>,
    plaintext: Vec<u8>,
}

fn fixed_bytes<const N: usize>(start: u8) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = start.wrapping_add(i as u8);
    }
    out
}

fn header_for(kdf: KdfId, params: Argon2Params) -> Header {
    Header {
        kdf,
        params: if kdf.uses_argon2() {
            params
        } else {
            Argon2Params {
                m_kib: 0,
                t: 0,
                p: 0,
            }
        },
        salt: fixed_bytes(0x10),
        nonce: fixed_bytes(0x40),
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "data key wraps a session key",
            kdf: KdfId::DataKey,
            params: Argon2Params::FLOOR,
            secret: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            device_secret: None,
            plaintext: hex::decode(
                "0383ac50d2bdbf08217a06767083affa253c1625582547494023ff87c0dcb9b9",
            )
            .unwrap(),
        },
        Case {
            name: "PIN + device secret wraps the data key (floor parameters)",
            kdf: KdfId::PinAndDevice,
            params: Argon2Params::FLOOR,
            secret: "493817",
            device_secret: Some(fixed_bytes(0xa0)),
            plaintext: fixed_bytes::<32>(0x01).to_vec(),
        },
        Case {
            name: "passphrase-only backup",
            kdf: KdfId::Passphrase,
            params: Argon2Params {
                m_kib: 64 * 1024,
                t: 4,
                p: 2,
            },
            secret: "correct horse battery staple",
            device_secret: None,
            plaintext: b"SSMB\x01 any backup payload".to_vec(),
        },
        Case {
            name: "passkey PRF output wraps the data key",
            kdf: KdfId::Passkey,
            params: Argon2Params::FLOOR,
            secret: "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f",
            device_secret: None,
            plaintext: fixed_bytes::<32>(0x01).to_vec(),
        },
        Case {
            name: "owner key and device secret wrap the data key (recovery)",
            kdf: KdfId::OwnerAndDevice,
            params: Argon2Params::FLOOR,
            secret: "0383ac50d2bdbf08217a06767083affa253c1625582547494023ff87c0dcb9b9",
            device_secret: Some(fixed_bytes::<32>(0x5a)),
            plaintext: fixed_bytes::<32>(0x02).to_vec(),
        },
    ]
}

fn seal_case(case: &Case) -> Vec<u8> {
    let header = header_for(case.kdf, case.params);
    let with =
        |source: KeySource<'_>| envelope::seal_with_header(&header, &source, &case.plaintext);
    match case.kdf {
        KdfId::DataKey => {
            let k = DataKey::from_bytes(hex::decode(case.secret).unwrap().try_into().unwrap());
            with(KeySource::DataKey(&k))
        }
        KdfId::PinAndDevice => {
            let pin = Pin::from(case.secret);
            let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
            with(KeySource::PinAndDevice {
                pin: &pin,
                device: &device,
            })
        }
        KdfId::Passphrase => with(KeySource::Passphrase(&Passphrase::from(case.secret))),
        KdfId::Passkey => {
            let prf = PrfOutput::from_bytes(hex::decode(case.secret).unwrap().try_into().unwrap());
            with(KeySource::Passkey(&prf))
        }
        KdfId::OwnerAndDevice => {
            let owner: [u8; 32] = hex::decode(case.secret).unwrap().try_into().unwrap();
            let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
            with(KeySource::OwnerAndDevice {
                owner: &owner,
                device: &device,
            })
        }
    }
    .unwrap()
}

fn open_case(case: &Case, bytes: &[u8]) -> Result<Vec<u8>, sesame_vault::OpenError> {
    let r = match case.kdf {
        KdfId::DataKey => {
            let k = DataKey::from_bytes(hex::decode(case.secret).unwrap().try_into().unwrap());
            envelope::open(bytes, &KeySource::DataKey(&k))
        }
        KdfId::PinAndDevice => {
            let pin = Pin::from(case.secret);
            let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
            envelope::open(
                bytes,
                &KeySource::PinAndDevice {
                    pin: &pin,
                    device: &device,
                },
            )
        }
        KdfId::Passphrase => envelope::open(
            bytes,
            &KeySource::Passphrase(&Passphrase::from(case.secret)),
        ),
        KdfId::Passkey => {
            let prf = PrfOutput::from_bytes(hex::decode(case.secret).unwrap().try_into().unwrap());
            envelope::open(bytes, &KeySource::Passkey(&prf))
        }
        KdfId::OwnerAndDevice => {
            let owner: [u8; 32] = hex::decode(case.secret).unwrap().try_into().unwrap();
            let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
            envelope::open(
                bytes,
                &KeySource::OwnerAndDevice {
                    owner: &owner,
                    device: &device,
                },
            )
        }
    };
    r.map(|z| z.to_vec())
}

/// Rewrites tests/data/envelope_v1_kat.json. Run only when the format changes on purpose:
/// `cargo test -p sesame-vault --test envelope -- --ignored generate_known_answer_vectors`
#[test]
#[ignore]
fn generate_known_answer_vectors() {
    let vectors: Vec<Value> = cases()
        .iter()
        .map(|c| {
            let h = header_for(c.kdf, c.params);
            json!({
                "name": c.name,
                "kdf_id": c.kdf as u8,
                "m_kib": h.params.m_kib,
                "t": h.params.t,
                "p": h.params.p,
                "salt": hex::encode(h.salt),
                "nonce": hex::encode(h.nonce),
                "secret": c.secret,
                "device_secret": c.device_secret.map(hex::encode),
                "plaintext": hex::encode(&c.plaintext),
                "envelope": hex::encode(seal_case(c)),
            })
        })
        .collect();
    let doc = json!({
        "about": "Sesame envelope v1 known-answer vectors (see crates/sesame-vault/README.md). \
                  `secret` is the PIN or passphrase as UTF-8, or the data key / PRF output as hex.",
        "vectors": vectors,
    });
    std::fs::write(KAT_PATH, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}

#[test]
fn known_answer_vectors_are_frozen() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(KAT_PATH).unwrap()).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    let cases = cases();
    assert_eq!(vectors.len(), cases.len());
    for (case, v) in cases.iter().zip(vectors) {
        assert_eq!(v["name"], case.name);
        let frozen = hex::decode(v["envelope"].as_str().unwrap()).unwrap();
        // Same inputs give the same bytes...
        assert_eq!(
            hex::encode(seal_case(case)),
            hex::encode(&frozen),
            "{}",
            case.name
        );
        // ...the frozen bytes open to the plaintext...
        assert_eq!(
            open_case(case, &frozen).unwrap(),
            case.plaintext,
            "{}",
            case.name
        );
        // ...and the header fields sit where the README says.
        let h = Header::parse(&frozen).unwrap();
        assert_eq!(&frozen[0..4], b"SSMV");
        assert_eq!(frozen[4], 1);
        assert_eq!(u64::from(frozen[5]), v["kdf_id"].as_u64().unwrap());
        assert_eq!(u64::from(h.params.m_kib), v["m_kib"].as_u64().unwrap());
        assert_eq!(u64::from(h.params.t), v["t"].as_u64().unwrap());
        assert_eq!(u64::from(h.params.p), v["p"].as_u64().unwrap());
        assert_eq!(hex::encode(&frozen[18..34]), v["salt"].as_str().unwrap());
        assert_eq!(hex::encode(&frozen[34..46]), v["nonce"].as_str().unwrap());
        assert_eq!(frozen.len(), HEADER_LEN + case.plaintext.len() + TAG_LEN);
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    // The sample is a real PIN wrapper of a data key at floor parameters; every flip goes
    // through the real parser, floors/caps, argon2id + HKDF and AES-GCM. Derivations are
    // memoised per (parameters, salt), so only flips in the salt and in still-valid parameters
    // pay for a new argon2id run.
    let case = &cases()[1];
    let sample = seal_case(case);
    let pin = Pin::from(case.secret);
    let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
    let source = KeySource::PinAndDevice {
        pin: &pin,
        device: &device,
    };
    assert!(envelope::open(&sample, &source).is_ok());
    let report = bit_flip_scan(&sample, &source);
    assert_eq!(report.bits, 8 * sample.len());
    assert_eq!(report.bits, 752);
    assert_eq!(report.rejected, report.bits, "{report:?}");
    eprintln!("bit flips: {report:?}");

    // The data-key layer (no argon2) separately, for a longer plaintext.
    let dk = DataKey::from_bytes([7; 32]);
    let sample = envelope::seal_with_header(
        &header_for(KdfId::DataKey, Argon2Params::FLOOR),
        &KeySource::DataKey(&dk),
        &[0x55; 100],
    )
    .unwrap();
    let report = bit_flip_scan(&sample, &KeySource::DataKey(&dk));
    assert_eq!(report.rejected, 8 * sample.len());
}

#[test]
fn truncation_and_extension_are_rejected() {
    let dk = DataKey::from_bytes([7; 32]);
    let sample = envelope::seal_with_header(
        &header_for(KdfId::DataKey, Argon2Params::FLOOR),
        &KeySource::DataKey(&dk),
        &[0x55; 32],
    )
    .unwrap();
    for len in 0..sample.len() {
        assert!(envelope::open(&sample[..len], &KeySource::DataKey(&dk)).is_err());
    }
    let mut longer = sample.clone();
    longer.push(0);
    assert!(envelope::open(&longer, &KeySource::DataKey(&dk)).is_err());
}

#[test]
fn below_the_floor_is_refused_even_with_the_right_pin() {
    let pin = Pin::from("493817");
    let device = DeviceSecret::from_bytes([9; 32]);
    let source = KeySource::PinAndDevice {
        pin: &pin,
        device: &device,
    };
    for weak in [
        Argon2Params {
            m_kib: 32 * 1024,
            t: 3,
            p: 1,
        },
        Argon2Params {
            m_kib: 64 * 1024,
            t: 2,
            p: 1,
        },
        Argon2Params {
            m_kib: 19 * 1024,
            t: 2,
            p: 1,
        },
    ] {
        let header = header_for(KdfId::PinAndDevice, weak);
        // Writing is refused...
        assert!(envelope::seal_with_header(&header, &source, b"k").is_err());
        // ...and so is reading a file an attacker wrote with weak parameters.
        let weak_file = envelope::seal_unchecked_for_tests(&header, &source, b"k").unwrap();
        let err = envelope::open(&weak_file, &source).unwrap_err();
        assert_eq!(err.code(), "WRONG_PIN_OR_DAMAGED_DATA");
    }
}

#[test]
fn above_the_cap_is_refused_without_doing_the_work() {
    let pin = Pin::from("493817");
    let device = DeviceSecret::from_bytes([9; 32]);
    let source = KeySource::PinAndDevice {
        pin: &pin,
        device: &device,
    };
    let good = envelope::seal_with_header(
        &header_for(KdfId::PinAndDevice, Argon2Params::FLOOR),
        &source,
        b"k",
    )
    .unwrap();
    for (offset, value) in [
        (6, 4u32 * 1024 * 1024), // m = 4 GiB
        (6, u32::MAX),
        (10, 1_000_000), // t
        (14, 255),       // p
    ] {
        let mut evil = good.clone();
        evil[offset..offset + 4].copy_from_slice(&value.to_be_bytes());
        let start = Instant::now();
        assert!(envelope::open(&evil, &source).is_err());
        assert!(
            start.elapsed().as_millis() < 200,
            "a capped header must be refused before argon2 runs"
        );
    }
    // Writing above the cap is refused too.
    let cap = Argon2Params::CAP;
    let too_much = Argon2Params {
        t: cap.t + 1,
        ..cap
    };
    assert!(envelope::seal_with_header(
        &header_for(KdfId::Passphrase, too_much),
        &KeySource::Passphrase(&Passphrase::from("x")),
        b"k"
    )
    .is_err());
}

#[test]
fn wrong_secrets_all_read_the_same() {
    let case = &cases()[1];
    let sample = seal_case(case);
    let device = DeviceSecret::from_bytes(case.device_secret.unwrap());
    let other_device = DeviceSecret::from_bytes([0; 32]);
    let right_pin = Pin::from(case.secret);
    let wrong_pin = Pin::from("000000");
    let e1 = envelope::open(
        &sample,
        &KeySource::PinAndDevice {
            pin: &wrong_pin,
            device: &device,
        },
    )
    .unwrap_err();
    // A copied envelope without the keychain's device secret opens at no PIN, the right one included.
    let e2 = envelope::open(
        &sample,
        &KeySource::PinAndDevice {
            pin: &right_pin,
            device: &other_device,
        },
    )
    .unwrap_err();
    let e3 = envelope::open(
        &sample[..10],
        &KeySource::Passphrase(&Passphrase::from("x")),
    )
    .unwrap_err();
    assert_eq!(e1, e2);
    assert_eq!(e2, e3);
    assert_eq!(e1.to_string(), "wrong PIN or damaged data");
}
