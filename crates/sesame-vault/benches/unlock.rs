//! `cargo bench -p sesame-vault`: unlock time at the default PIN parameters, a calibration
//! table, and the single-bit tamper scan of a PIN-wrapped data key.
//!
//! Set `SESAME_BENCH_QUICK=1` to skip the calibration table.

use std::time::{Duration, Instant};

use sesame_vault::envelope::{self, bit_flip_scan, Argon2Params, Header, KdfId, KeySource};
use sesame_vault::{DataKey, DeviceSecret, Pin};

fn time_open(params: Argon2Params, runs: u32) -> Duration {
    let pin = Pin::from("493817");
    let device = DeviceSecret::from_bytes([0x5a; 32]);
    let source = KeySource::PinAndDevice {
        pin: &pin,
        device: &device,
    };
    let header = Header {
        kdf: KdfId::PinAndDevice,
        params,
        salt: [1; 16],
        nonce: [2; 12],
    };
    let data_key = DataKey::from_bytes([3; 32]);
    let sealed = envelope::seal_with_header(&header, &source, data_key.expose())
        .expect("parameters within floors and caps");
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let opened = envelope::open(&sealed, &source).expect("the right PIN opens");
        times.push(start.elapsed());
        assert_eq!(opened.as_slice(), data_key.expose());
    }
    times.sort();
    times[times.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let default = Argon2Params::DEFAULT_PIN;
    let median = time_open(default, 5);
    println!(
        "unlock (argon2id m={} MiB t={} p={} + HKDF + AES-GCM), median of 5: {:.3} s",
        default.m_kib / 1024,
        default.t,
        default.p,
        median.as_secs_f64()
    );

    let backup = Argon2Params::DEFAULT_BACKUP;
    println!(
        "backup open (argon2id m={} MiB t={} p={}), 1 run: {:.3} s",
        backup.m_kib / 1024,
        backup.t,
        backup.p,
        time_open(backup, 1).as_secs_f64()
    );

    if std::env::var_os("SESAME_BENCH_QUICK").is_none() {
        println!("calibration (median of 3):");
        for (m_mib, t, p) in [
            (64, 3, 1),
            (64, 4, 1),
            (96, 3, 1),
            (128, 3, 1),
            (128, 4, 1),
            (192, 3, 1),
            (224, 3, 1),
            (256, 3, 1),
            (256, 4, 1),
        ] {
            let params = Argon2Params {
                m_kib: m_mib * 1024,
                t,
                p,
            };
            println!(
                "  m={m_mib:>4} MiB t={t} p={p}: {:.3} s",
                time_open(params, 3).as_secs_f64()
            );
        }
    }

    let pin = Pin::from("493817");
    let device = DeviceSecret::from_bytes([0x5a; 32]);
    let source = KeySource::PinAndDevice {
        pin: &pin,
        device: &device,
    };
    let sample = envelope::seal_with_header(
        &Header {
            kdf: KdfId::PinAndDevice,
            params: Argon2Params::FLOOR,
            salt: [1; 16],
            nonce: [2; 12],
        },
        &source,
        &[3; 32],
    )
    .expect("floor parameters are accepted");
    let start = Instant::now();
    let report = bit_flip_scan(&sample, &source);
    println!(
        "tamper scan: {} of {} single-bit flips rejected ({} bytes, {} argon2id derivations, {:.1} s)",
        report.rejected,
        report.bits,
        sample.len(),
        report.derivations,
        start.elapsed().as_secs_f64()
    );
    assert_eq!(report.rejected, report.bits, "a bit flip was accepted");
}
