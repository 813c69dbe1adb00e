//! An embedded starknet-devnet 0.10.1: a real Starknet node (blockifier + cairo-vm) served over
//! JSON-RPC on `127.0.0.1`, with funded accounts predeployed from Sesame's own session-account
//! class.
//!
//! Each [`Devnet`] owns a server thread with its own Tokio runtime, so a test can start as many
//! independent chains as it likes (port 0 picks a free port) and dropping the handle stops it.
//! This crate is deliberately kept out of the desktop app's dependency graph: the app spawns the
//! `sesame-devnet` binary instead of linking blockifier and cairo-vm.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use starknet_devnet_core::constants::{ETH_ERC20_CONTRACT_ADDRESS, STRK_ERC20_CONTRACT_ADDRESS};
use starknet_devnet_core::starknet::starknet_config::{DumpOn, StarknetConfig};
use starknet_devnet_core::starknet::Starknet;
use starknet_devnet_server::api::{Api, JsonRpcHandler};
use starknet_devnet_server::dump_util::read_events;
use starknet_devnet_server::server::serve_http_json_rpc;
use starknet_devnet_server::ServerConfig;
use starknet_devnet_types::chain_id::ChainId;
use starknet_devnet_types::rpc::contract_class::ContractClass;
use starknet_devnet_types::traits::TryHashProducer;
pub use starknet_types_core::felt::Felt;
use tokio::sync::oneshot;

/// Sesame's v1 session account, compiled from `contracts/session_account.cairo`.
pub const SESSION_ACCOUNT_SIERRA: &str =
    include_str!("../../../contracts/session_account.sierra.json");

/// The v2 session account, compiled from `contracts/session_account_v2.cairo`: the class
/// devnet predeploys by default.
pub const SESSION_ACCOUNT_V2_SIERRA: &str =
    include_str!("../../../contracts/session_account_v2.sierra.json");

/// STRK, the fee token, predeployed at its mainnet address.
pub const STRK_ADDRESS: Felt = STRK_ERC20_CONTRACT_ADDRESS;
/// ETH, predeployed at its mainnet address.
pub const ETH_ADDRESS: Felt = ETH_ERC20_CONTRACT_ADDRESS;

/// How to start a chain.
#[derive(Debug, Clone)]
pub struct DevnetConfig {
    /// 0 picks a free port.
    pub port: u16,
    /// Seed for the predeployed accounts' keys; the same seed gives the same accounts.
    pub seed: u32,
    /// How many funded accounts of Sesame's class to predeploy.
    pub accounts: u8,
    /// Initial balance of each predeployed account, in wei / fri.
    pub initial_balance: u128,
    /// When set, every block is appended to this file and replayed at the next start, which is
    /// how the app's local chain keeps a user's wallet across restarts.
    pub dump_path: Option<PathBuf>,
    /// Sierra JSON of the predeployed account class; `None` keeps devnet's built-in
    /// OpenZeppelin account (a chain that has never seen Sesame's class).
    pub account_class_sierra: Option<String>,
}

impl DevnetConfig {
    /// The default chain: funded accounts of the v2 session-account class, the class Sesame
    /// deploys for new wallets.
    pub fn v2() -> Self {
        DevnetConfig::default()
    }

    /// The same chain with accounts of the v1 class (wallets made before v2, and the v1
    /// contract's own tests). Devnet writes the owner key into `Account_public_key`, which both
    /// classes read.
    pub fn v1() -> Self {
        DevnetConfig {
            account_class_sierra: Some(SESSION_ACCOUNT_SIERRA.to_string()),
            ..DevnetConfig::default()
        }
    }
}

impl Default for DevnetConfig {
    fn default() -> Self {
        DevnetConfig {
            port: 0,
            seed: 42,
            accounts: 3,
            initial_balance: 1_000_000_000_000_000_000_000,
            dump_path: None,
            account_class_sierra: Some(SESSION_ACCOUNT_V2_SIERRA.to_string()),
        }
    }
}

/// A predeployed, funded account. Its key is a devnet test key derived from the public seed,
/// never a user's key.
#[derive(Debug, Clone)]
pub struct PredeployedAccount {
    pub address: Felt,
    pub public_key: Felt,
    pub private_key: Felt,
}

/// A running chain. Dropping it shuts the server down.
pub struct Devnet {
    addr: SocketAddr,
    chain_id: Felt,
    account_class_hash: Felt,
    accounts: Vec<PredeployedAccount>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    started_in: Duration,
}

impl std::fmt::Debug for Devnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devnet")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

struct Ready {
    addr: SocketAddr,
    chain_id: Felt,
    account_class_hash: Felt,
    accounts: Vec<PredeployedAccount>,
}

impl Devnet {
    /// Starts a chain and returns once it accepts JSON-RPC requests.
    pub fn start(config: DevnetConfig) -> anyhow::Result<Devnet> {
        let started = Instant::now();
        let (ready_tx, ready_rx) = mpsc::channel::<anyhow::Result<Ready>>();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("devnet-{}", config.port))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow!("cannot start a Tokio runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(serve(config, ready_tx, shutdown_rx));
            })
            .context("spawning the devnet thread")?;
        let ready = ready_rx
            .recv()
            .map_err(|_| anyhow!("the devnet thread stopped before it was ready"))??;
        Ok(Devnet {
            addr: ready.addr,
            chain_id: ready.chain_id,
            account_class_hash: ready.account_class_hash,
            accounts: ready.accounts,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
            started_in: started.elapsed(),
        })
    }

    /// The JSON-RPC endpoint, e.g. `http://127.0.0.1:41234/rpc`.
    pub fn rpc_url(&self) -> String {
        format!("http://{}/rpc", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `SN_SEPOLIA`, as a felt.
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// Class hash of the predeployed account class (Sesame's session account).
    pub fn account_class_hash(&self) -> Felt {
        self.account_class_hash
    }

    /// The funded accounts, in devnet's order.
    pub fn accounts(&self) -> &[PredeployedAccount] {
        &self.accounts
    }

    /// How long the chain took to start.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}

/// The class hash of a Sierra contract class (JSON, as `starknet-compile` writes it), or a
/// one-line reason it is not one. `sesame-devnet --account-class` checks its file with this
/// before starting, so a wrong path or file fails at once with a readable message.
pub fn sierra_class_hash(sierra_json: &str) -> anyhow::Result<Felt> {
    sierra_class(sierra_json).map(|(_, hash)| hash)
}

fn sierra_class(sierra_json: &str) -> anyhow::Result<(ContractClass, Felt)> {
    let one_line = |e: String| e.split_whitespace().collect::<Vec<_>>().join(" ");
    let class = ContractClass::Cairo1(
        ContractClass::cairo_1_from_sierra_json_str(sierra_json)
            .map_err(|e| anyhow!("not a Sierra contract class ({})", one_line(e.to_string())))?,
    );
    let hash = class
        .try_generate_hash()
        .map_err(|e| anyhow!("cannot hash the Sierra class ({})", one_line(e.to_string())))?;
    Ok((class, hash))
}

async fn serve(
    config: DevnetConfig,
    ready: mpsc::Sender<anyhow::Result<Ready>>,
    shutdown: oneshot::Receiver<()>,
) {
    let setup = async {
        let defaults = StarknetConfig::default();
        let (class, class_hash) = match &config.account_class_sierra {
            Some(sierra) => sierra_class(sierra).map_err(|e| anyhow!("the account class: {e}"))?,
            None => (
                defaults.account_contract_class.clone(),
                defaults.account_contract_class_hash,
            ),
        };
        let dump_path = config
            .dump_path
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned());
        let starknet_config = StarknetConfig {
            seed: config.seed,
            total_accounts: config.accounts,
            account_contract_class: class,
            account_contract_class_hash: class_hash,
            predeployed_accounts_initial_balance: config.initial_balance.into(),
            chain_id: ChainId::Testnet,
            dump_on: dump_path.as_ref().map(|_| DumpOn::Block),
            dump_path: dump_path.clone(),
            ..defaults
        };
        let starknet = Starknet::new(&starknet_config).map_err(|e| anyhow!("devnet: {e}"))?;
        let accounts = starknet
            .get_predeployed_accounts()
            .into_iter()
            .map(|a| PredeployedAccount {
                address: a.account_address.into(),
                public_key: a.keys.public_key,
                private_key: a.keys.private_key,
            })
            .collect();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
            .await
            .with_context(|| format!("binding 127.0.0.1:{}", config.port))?;
        let addr = listener.local_addr()?;
        let server_config = ServerConfig {
            host: addr.ip(),
            port: addr.port(),
            timeout: 120,
            log_request: false,
            log_response: false,
            restricted_methods: None,
            ui_enabled: false,
        };
        let api = Api::new(starknet, server_config.clone());
        let handler = JsonRpcHandler::new(api);
        if let Some(path) = &dump_path {
            match read_events(path) {
                Ok(events) => handler
                    .re_execute(&events)
                    .await
                    .map_err(|e| anyhow!("replaying the saved chain at {path} failed: {e:?}"))?,
                Err(starknet_devnet_core::error::Error::FileNotFound) => {}
                Err(e) => return Err(anyhow!("reading the saved chain at {path}: {e}")),
            }
        }
        let server = serve_http_json_rpc(listener, &server_config, handler).await;
        let chain_id = ChainId::Testnet.to_felt();
        Ok::<_, anyhow::Error>((
            server,
            Ready {
                addr,
                chain_id,
                account_class_hash: class_hash,
                accounts,
            },
        ))
    };
    match setup.await {
        Ok((server, info)) => {
            if ready.send(Ok(info)).is_err() {
                return;
            }
            let _ = server
                .with_graceful_shutdown(async {
                    let _ = shutdown.await;
                })
                .await;
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
}
