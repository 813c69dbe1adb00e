//! `sesame-devnet --account-class FILE`: the binary predeploys its accounts from the Sierra class
//! in FILE (read back over JSON-RPC, as a wallet would see it), and refuses a file it cannot
//! read or that is not Sierra in one line, before any chain starts.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use sesame_chain::Chain;
use sesame_devnet::{sierra_class_hash, Felt, SESSION_ACCOUNT_V2_SIERRA};

fn contract(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../contracts")
        .join(name)
}

/// The binary, serving; killed (and reaped) when dropped.
struct Running {
    child: Child,
    ready: serde_json::Value,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesame-devnet"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("sesame-devnet {args:?} printed {line:?}: {e}"));
    Running { child, ready }
}

fn felt(v: &serde_json::Value) -> Felt {
    Felt::from_hex(v.as_str().unwrap()).unwrap()
}

/// The class hash the chain reports at each predeployed account.
async fn classes_on_chain(devnet: &Running) -> Vec<Option<Felt>> {
    let chain = Chain::connect(devnet.ready["rpc_url"].as_str().unwrap())
        .await
        .unwrap();
    let mut classes = Vec::new();
    for account in devnet.ready["accounts"].as_array().unwrap() {
        classes.push(
            chain
                .class_hash_at(felt(&account["address"]))
                .await
                .unwrap(),
        );
    }
    classes
}

#[tokio::test]
async fn accounts_are_predeployed_from_the_class_file_given_and_v2_without_one() {
    let v1_path = contract("session_account.sierra.json");
    let v1 = sierra_class_hash(&std::fs::read_to_string(&v1_path).unwrap()).unwrap();
    let v2 = sierra_class_hash(SESSION_ACCOUNT_V2_SIERRA).unwrap();
    assert_ne!(v1, v2);

    let given = start(&[
        "--port",
        "0",
        "--accounts",
        "2",
        "--account-class",
        v1_path.to_str().unwrap(),
    ]);
    assert_eq!(felt(&given.ready["account_class_hash"]), v1);
    assert_eq!(classes_on_chain(&given).await, vec![Some(v1); 2]);

    let default = start(&["--port", "0", "--accounts", "2"]);
    assert_eq!(felt(&default.ready["account_class_hash"]), v2);
    assert_eq!(classes_on_chain(&default).await, vec![Some(v2); 2]);
}

/// The real CHIPI v27 class (an optional fixture beside the repository, `../shared/fixtures/chipi/`,
/// or `SESAME_CHIPI_CLASS`): devnet predeploys accounts of it, at the class hash CHIPI's
/// wallets have.
#[tokio::test]
async fn a_real_chipi_class_file_predeploys_chipi_accounts() {
    let path = std::env::var_os("SESAME_CHIPI_CLASS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/fixtures/chipi/chipi_v27.contract_class.json")
        });
    if !path.is_file() {
        // Straight to stderr, one line: the harness would hide a `println!` of a passing test.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_real_chipi_class_file_predeploys_chipi_accounts: no CHIPI v27 class at {}",
            path.display()
        );
        return;
    }
    let chipi_v27 =
        Felt::from_hex("0x79d5c04b1f1e72ce8ef71c16ba98260b239ff09d9e50b2bfad5860eaaafa30a")
            .unwrap();
    let given = start(&[
        "--port",
        "0",
        "--accounts",
        "1",
        "--account-class",
        path.to_str().unwrap(),
    ]);
    assert_eq!(felt(&given.ready["account_class_hash"]), chipi_v27);
    assert_eq!(classes_on_chain(&given).await, vec![Some(chipi_v27)]);
}

/// Runs the binary to completion: (exit code, stdout, stderr).
fn refused(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sesame-devnet"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_missing_or_non_sierra_class_file_is_refused_in_one_line_before_any_chain_starts() {
    let missing = contract("no_such_account.sierra.json");
    let (code, stdout, stderr) =
        refused(&["--port", "0", "--account-class", missing.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "", "no chain may start");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no_such_account.sierra.json"), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");

    // Valid JSON, but a CASM-like file rather than a Sierra class.
    let not_sierra = std::env::temp_dir().join(format!(
        "sesame-devnet-not-sierra-{}.json",
        std::process::id()
    ));
    std::fs::write(
        &not_sierra,
        r#"{"bytecode": ["0x1"], "prime": "0x800000000000011"}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = refused(&[
        "--port",
        "0",
        "--account-class",
        not_sierra.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&not_sierra);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout, "", "no chain may start");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a Sierra contract class"), "{stderr}");
}
