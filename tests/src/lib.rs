//! Shared fixture for tests that need a real chain: each [`Fixture`] starts its own embedded
//! starknet-devnet on a free port, with three funded accounts of Sesame's session-account class.
//!
//! - `user`: the wallet whose sessions are under test (owner key from devnet's seed);
//! - `relayer`: a second funded account that submits outside executions and pays for them;
//! - `recipient`: a third account, the destination of test transfers.
//!
//! [`Fixture::start`] predeploys the v2 class (`contracts/session_account_v2.cairo`), whose
//! sessions sign with [`Fixture::sign_v2`] / [`Fixture::relay_v2`]; [`Fixture::start_v1`] the
//! v1 class; [`Fixture::start_chipi_v27`] a real CHIPI class when its fixture is present.

#![allow(clippy::unwrap_used)]

pub mod chain_id_proxy;
pub mod paymaster_server;

use std::sync::Arc;

use sesame_chain::class::{declare, deploy_contract, prepare_class};
use sesame_chain::devnet::DevnetClient;
use sesame_chain::{Chain, ChainError, OwnerAccount};
use sesame_core::calls::erc20_transfer;
use sesame_core::felt::U256;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, OutsideExecution, SessionSignature, ANY_CALLER};
use sesame_core::Felt;
use sesame_devnet::{Devnet, DevnetConfig, PredeployedAccount, STRK_ADDRESS};

pub use sesame_devnet::STRK_ADDRESS as STRK;

/// The test-only mock bridge (`contracts/test_mock_bridge.cairo`): a token whose
/// `initiate_withdraw` burns the caller's balance toward an L1 address, without any `transfer`
/// or `approve`. Anyone can `mint`: never deploy it outside a test chain.
pub const MOCK_BRIDGE_SIERRA: &str = include_str!("../../contracts/test_mock_bridge.sierra.json");

/// Prints `SKIPPED <why>` as one line that shows in the test command's output: written to
/// stderr directly, because the test harness hides what `println!` prints in a passing test.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {why}");
}

/// A running chain and the accounts the tests use.
pub struct Fixture {
    pub devnet: Devnet,
    pub chain: Chain,
    pub dev: DevnetClient,
    pub user: OwnerAccount,
    pub relayer: OwnerAccount,
    pub recipient: Felt,
}

/// The owner key of a predeployed account, in Sesame's key type.
pub fn predeployed_key(account: &PredeployedAccount) -> Arc<PrivateKey> {
    Arc::new(PrivateKey::from_be_bytes(account.private_key.to_bytes_be()).unwrap())
}

impl Fixture {
    /// Starts a chain with Sesame's class (v2) predeployed: the chain the app and CLI get.
    pub async fn start() -> Fixture {
        Self::start_with(DevnetConfig::default()).await
    }

    /// Starts a chain whose accounts are of the v1 class: the v1 contract's own tests, and
    /// the attacks v2 is measured against.
    pub async fn start_v1() -> Fixture {
        Self::start_with(DevnetConfig::v1()).await
    }

    /// Starts a chain from `config` (at least three accounts).
    pub async fn start_with(config: DevnetConfig) -> Fixture {
        let devnet = tokio::task::spawn_blocking(move || Devnet::start(config))
            .await
            .unwrap()
            .unwrap();
        let chain = Chain::connect(&devnet.rpc_url()).await.unwrap();
        let accounts = devnet.accounts();
        let user = OwnerAccount::new(&chain, accounts[0].address, predeployed_key(&accounts[0]));
        let relayer = OwnerAccount::new(&chain, accounts[1].address, predeployed_key(&accounts[1]));
        let recipient = accounts[2].address;
        let dev = DevnetClient::new(&devnet.rpc_url());
        Fixture {
            devnet,
            chain,
            dev,
            user,
            relayer,
            recipient,
        }
    }

    /// Starts a chain whose four funded accounts are of CHIPI's real v27 account class, with
    /// Sesame's v2 class declared beside it; `None` (after printing one line saying the test
    /// was skipped) when the class file is absent: it is an optional fixture, never part of
    /// this repository (`SESAME_CHIPI_CLASS`, else `../shared/fixtures/chipi/` beside the
    /// repository).
    pub async fn start_chipi_v27(test: &str) -> Option<Fixture> {
        let path = std::env::var_os("SESAME_CHIPI_CLASS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../shared/fixtures/chipi/chipi_v27.contract_class.json")
            });
        let Ok(class) = std::fs::read_to_string(&path) else {
            skipped(&format!(
                "{test}: no CHIPI v27 class at {} (set SESAME_CHIPI_CLASS)",
                path.display()
            ));
            return None;
        };
        let fx = Self::start_with(DevnetConfig {
            accounts: 4,
            account_class_sierra: Some(class),
            ..DevnetConfig::default()
        })
        .await;
        let ours = prepare_class(sesame_devnet::SESSION_ACCOUNT_V2_SIERRA).unwrap();
        declare(&fx.relayer, &ours).await.unwrap();
        Some(fx)
    }

    /// Starts a chain whose four funded accounts are of the v2 session-account class: `user`,
    /// `relayer`, `recipient`, and a second recipient at `devnet.accounts()[3]`.
    pub async fn start_v2() -> Fixture {
        Self::start_with(DevnetConfig {
            accounts: 4,
            ..DevnetConfig::v2()
        })
        .await
    }

    /// The v2 session signature of `outside` for the user's account (see
    /// [`SessionSignature::sign_v2`]).
    pub fn sign_v2(
        &self,
        key: &PrivateKey,
        outside: &OutsideExecution,
        valid_until: u64,
    ) -> [Felt; 4] {
        SessionSignature::sign_v2(key, &self.hash(outside), valid_until)
            .unwrap()
            .to_felts()
    }

    /// Signs (v2) and relays `calls` with the session; returns the relayer's result.
    pub async fn relay_v2(
        &self,
        key: &PrivateKey,
        calls: Vec<Call>,
        valid_until: u64,
    ) -> Result<sesame_chain::TxOutcome, ChainError> {
        self.relay_signed(calls, valid_until, |o| self.sign_v2(key, o, valid_until))
            .await
    }

    /// Relays an outside execution of `calls` for the user's account, signed by `sign`.
    async fn relay_signed(
        &self,
        calls: Vec<Call>,
        valid_until: u64,
        sign: impl FnOnce(&OutsideExecution) -> [Felt; 4],
    ) -> Result<sesame_chain::TxOutcome, ChainError> {
        let outside = self.outside(calls, valid_until);
        let sig = sign(&outside);
        self.relayer
            .relay(self.user.address(), &outside, &sig)
            .await
    }

    /// Declares the mock bridge and deploys one (paid by the relayer); returns its address.
    pub async fn deploy_mock_bridge(&self) -> Felt {
        let class = prepare_class(MOCK_BRIDGE_SIERRA).unwrap();
        declare(&self.relayer, &class).await.unwrap();
        let salt = Felt::from(NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let (address, _) = deploy_contract(&self.relayer, class.class_hash, salt, &[])
            .await
            .unwrap();
        assert_eq!(
            self.chain.class_hash_at(address).await.unwrap(),
            Some(class.class_hash)
        );
        address
    }

    /// Chain time now.
    pub async fn now(&self) -> u64 {
        self.chain.block_timestamp().await.unwrap()
    }

    /// Registers `key` on the user's account for `valid_for` seconds; returns `valid_until`.
    pub async fn register(
        &self,
        key: &PrivateKey,
        valid_for: u64,
        max_calls: u32,
        allowed: &[Felt],
    ) -> u64 {
        let valid_until = self.now().await + valid_for;
        self.user
            .register_session(key.public_key(), valid_until, max_calls, allowed)
            .await
            .unwrap();
        valid_until
    }

    /// An outside execution of `calls` for the user's account, open to any caller, valid from
    /// an hour ago until `valid_until`, with a fresh nonce.
    pub fn outside(&self, calls: Vec<Call>, valid_until: u64) -> OutsideExecution {
        OutsideExecution {
            caller: ANY_CALLER,
            nonce: Felt::from(NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
            execute_after: 0,
            execute_before: valid_until,
            calls,
        }
    }

    /// The SNIP-12 hash of `outside` for the user's account.
    fn hash(&self, outside: &OutsideExecution) -> Felt {
        outside.message_hash(self.chain.chain_id(), self.user.address())
    }

    /// The session signature of `outside` for the user's account.
    pub fn sign(
        &self,
        key: &PrivateKey,
        outside: &OutsideExecution,
        valid_until: u64,
    ) -> [Felt; 4] {
        SessionSignature::sign(key, &self.hash(outside), valid_until)
            .unwrap()
            .to_felts()
    }

    /// Signs and relays `calls` with the session; returns the relayer's result.
    pub async fn relay(
        &self,
        key: &PrivateKey,
        calls: Vec<Call>,
        valid_until: u64,
    ) -> Result<sesame_chain::TxOutcome, ChainError> {
        self.relay_signed(calls, valid_until, |o| self.sign(key, o, valid_until))
            .await
    }

    /// A STRK transfer of `amount` fri to the recipient.
    pub fn transfer(&self, amount: u128) -> Call {
        erc20_transfer(STRK_ADDRESS, self.recipient, U256::from_u128(amount))
    }

    /// STRK balance of `holder`.
    pub async fn strk(&self, holder: Felt) -> u128 {
        self.chain
            .erc20_balance(STRK_ADDRESS, holder)
            .await
            .unwrap()
            .low
    }

    /// Remaining calls of `key` on the user's account.
    pub async fn remaining(&self, key: &PrivateKey) -> u32 {
        self.chain
            .session_data(self.user.address(), key.public_key())
            .await
            .unwrap()
            .remaining_calls
    }
}

static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A session key derived from a small number, so each test's keys differ and are reproducible.
pub fn session_key(n: u64) -> PrivateKey {
    PrivateKey::from_be_bytes(Felt::from(0x5e55_0000u64 + n).to_bytes_be()).unwrap()
}

/// Asserts that `result` failed with a revert reason containing `expected`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(result: Result<T, ChainError>, expected: &str) {
    match result {
        Ok(v) => panic!("expected a refusal with '{expected}', but it succeeded: {v:?}"),
        Err(e) => {
            let reason = e
                .reason()
                .map(str::to_string)
                .unwrap_or_else(|| e.to_string());
            assert!(
                reason.contains(expected),
                "expected '{expected}', got {} ({e})",
                e.code()
            );
        }
    }
}
