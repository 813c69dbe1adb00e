//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "sesame",
    version,
    about = "Self-custodial Starknet session keys: create, register, send gasless, revoke."
)]
pub struct Cli {
    /// Print one JSON object on stdout (errors as {"error":{"code","message"}}).
    #[arg(long, global = true)]
    pub json: bool,
    /// devnet (default, embedded and started on demand), sepolia, mainnet, or an RPC URL.
    #[arg(long, global = true, default_value = "devnet", env = "SESAME_NETWORK")]
    pub network: String,
    /// JSON-RPC 0.10 endpoint overriding the network's default.
    #[arg(long, global = true, env = "SESAME_RPC")]
    pub rpc: Option<String>,
    /// Vault profile (keychain namespace).
    #[arg(long, global = true, default_value = "default", env = "SESAME_PROFILE")]
    pub profile: String,
    /// Read the PIN (then any other secret, one per line) from standard input.
    #[arg(long, global = true)]
    pub pin_stdin: bool,
    /// Wallet address (default: the newest wallet on this network).
    #[arg(long, global = true)]
    pub wallet: Option<String>,
    /// Session public key (default: the wallet's newest session).
    #[arg(long, global = true)]
    pub session: Option<String>,
    /// Port of the embedded local devnet.
    #[arg(long, global = true, default_value_t = sesame_app::network::DEFAULT_DEVNET_PORT, env = "SESAME_DEVNET_PORT")]
    pub devnet_port: u16,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// The embedded local chain.
    Devnet {
        #[command(subcommand)]
        cmd: DevnetCmd,
    },
    /// Wallets (owner keys) on this device.
    Wallet {
        #[command(subcommand)]
        cmd: WalletCmd,
    },
    /// Session keys.
    Session {
        #[command(subcommand)]
        cmd: SessionCmd,
    },
    /// This device's vault: backups, and the ways back from a forgotten or locked PIN.
    Vault {
        #[command(subcommand)]
        cmd: VaultCmd,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum VaultCmd {
    /// Write an encrypted backup of every wallet and session key (PIN, then the passphrase
    /// twice; with --pin-stdin/--passphrase-stdin one per line on standard input).
    Backup {
        /// The backup file to create (never overwritten; written with mode 0600).
        #[arg(long)]
        out: PathBuf,
        /// Read the secrets from standard input, one per line.
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Make a backup this device's vault, under a new PIN (the passphrase, then the new PIN
    /// twice).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Read the secrets from standard input, one per line.
        #[arg(long)]
        passphrase_stdin: bool,
        /// Replace the vault already on this device (its keys missing from the backup are lost).
        #[arg(long)]
        replace: bool,
    },
    /// Open a forgotten or locked vault with the owner key of --wallet and set a new PIN (the
    /// owner key, then the new PIN twice); wallets and sessions are kept.
    Recover,
    /// Whether a vault exists, and where the PIN attempt limit stands.
    Status,
}

#[derive(Debug, Clone, Subcommand)]
pub enum DevnetCmd {
    /// Start it (a no-op when it is running); prints the RPC URL and the relayer.
    Up,
    /// Stop it; its state is kept for the next `up`.
    Down,
    /// Whether it is running.
    Status,
}

#[derive(Debug, Clone, Subcommand)]
pub enum WalletCmd {
    /// A new owner key and account (funded and deployed at once on devnet).
    Create,
    /// Deploy a funded wallet that is not on-chain yet.
    Deploy,
    /// Import an account: its owner key from stdin/prompt, or a Chipi WalletData file.
    Import {
        #[arg(long)]
        address: String,
        /// A Chipi WalletData JSON file (its encryptKey is read like the PIN).
        #[arg(long)]
        chipi: Option<PathBuf>,
    },
    /// One wallet with balances.
    Show,
    /// Replace the owner key (v2 wallets): the new key is stored on this device first, then
    /// set on-chain with a proof that it is held. Every session of the wallet ends.
    RotateKey,
    /// Every wallet on this network.
    List,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SessionCmd {
    /// Make a session key and store it (nothing is sent).
    Create {
        /// Lifetime in seconds, 60 s to 30 days (default 21600 = 6 h).
        #[arg(long)]
        duration: Option<u64>,
    },
    /// Register the session on-chain, with its scope, recipients and caps, in one owner
    /// transaction.
    Register {
        #[arg(long, default_value_t = sesame_core::session::DEFAULT_MAX_CALLS)]
        max_calls: u32,
        /// CONTRACT:ENTRYPOINT the session may call (CONTRACT: strk, eth or an address;
        /// ENTRYPOINT: a name or selector); repeat. Default: strk:transfer. With
        /// --allow-any-contract: entrypoints alone.
        #[arg(long)]
        allow: Vec<String>,
        /// TOKEN:ADDRESS: the session may send or approve TOKEN only to the listed addresses;
        /// repeat.
        #[arg(long)]
        allow_recipient: Vec<String>,
        /// TOKEN:PER_CALL:PER_WINDOW:SECONDS: a spending cap, amounts in the token's smallest
        /// unit (fri, wei); repeat per token.
        #[arg(long)]
        limit: Vec<String>,
        /// Broad session: the --allow entrypoints (none = every non-admin entrypoint) on ANY
        /// contract. A leaked key could then call them on every token or bridge.
        #[arg(long)]
        allow_any_contract: bool,
        /// Expiry (unix seconds); default: the one chosen at creation.
        #[arg(long)]
        valid_until: Option<u64>,
    },
    /// Execute calls with the session, gasless: a relayer or a paymaster pays.
    Execute {
        /// CONTRACT:ENTRYPOINT[:ARG,...]; CONTRACT may be strk or eth; u256 args as u256:VALUE.
        #[arg(long, required = true)]
        call: Vec<String>,
        /// `default` (devnet's predeployed relayer) or the address of one of your wallets.
        #[arg(long)]
        relayer: Option<String>,
        /// A SNIP-29 paymaster URL (sponsored); its API key comes from SESAME_PAYMASTER_API_KEY.
        #[arg(long)]
        paymaster: Option<String>,
    },
    /// Sign an outside execution for a third-party relayer or paymaster; print it as JSON.
    SignOutside {
        #[arg(long, required = true)]
        call: Vec<String>,
        /// Only this address may submit it (default: any caller).
        #[arg(long)]
        caller: Option<String>,
    },
    /// State, remaining calls and expiry, from the chain.
    Status,
    /// Every session of the wallet (one batched request).
    List,
    /// Revoke the session on-chain.
    Revoke,
    /// Revoke every live session of the wallet in one transaction.
    RevokeAll,
    /// Forget the session on this device (the chain is not touched). A session that is still
    /// live on-chain is refused unless --force.
    Clear {
        /// Forget a live session anyway: this device can then no longer revoke it.
        #[arg(long)]
        force: bool,
    },
    /// Spending policies.
    Policy {
        #[command(subcommand)]
        cmd: PolicyCmd,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum PolicyCmd {
    /// Cap what the session may spend of a token (amounts in the token's smallest unit).
    Set {
        #[arg(long)]
        token: String,
        #[arg(long)]
        max_per_call: String,
        #[arg(long)]
        max_per_window: String,
        /// Window length in seconds.
        #[arg(long)]
        window: u64,
    },
    Get {
        #[arg(long)]
        token: String,
    },
    Remove {
        #[arg(long)]
        token: String,
    },
}
