//! `sesame`: Sesame's command-line shell. Every command is a thin call into `sesame-app`.
//!
//! With `--json`, each command prints one JSON object on stdout; a failure prints
//! `{"error":{"code","message"}}` and exits non-zero. Secrets never come from argv: the PIN
//! (and an imported key) come from standard input with `--pin-stdin`, or from a hidden prompt.

mod args;
mod input;
mod output;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use serde_json::{json, Value};
use sesame_app::local_devnet::LocalDevnet;
use sesame_app::{AppError, ExecMode, LimitSpec, Network, RegisterParams, Sesame, Unlocked};
use sesame_core::felt::parse_address;
use sesame_core::spec::{parse_call, parse_contract};
use sesame_vault::{Pin, Vault};

use args::{Cli, Command, DevnetCmd, PolicyCmd, SessionCmd, VaultCmd, WalletCmd};
use input::Secrets;

fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SESAME_DATA_DIR") {
        return PathBuf::from(d);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("sesame")
}

fn to_json<T: serde::Serialize>(v: T) -> Result<Value, AppError> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// `TOKEN:PER_CALL:PER_WINDOW:SECONDS`, amounts in the token's smallest unit.
fn parse_limit(spec: &str) -> Result<LimitSpec, AppError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let [token, per_call, per_window, seconds] = parts.as_slice() else {
        return Err(bad(format!(
            "'{spec}' is not a spending cap: write TOKEN:PER_CALL:PER_WINDOW:SECONDS, \
             e.g. strk:1000000000000000000:5000000000000000000:86400"
        )));
    };
    Ok(LimitSpec {
        token: token.to_string(),
        max_per_call: per_call.to_string(),
        max_per_window: per_window.to_string(),
        window_seconds: seconds
            .parse()
            .map_err(|_| bad(format!("'{seconds}' is not a number of seconds")))?,
    })
}

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::InvalidArgument(e.to_string())
}

fn address_arg(text: &Option<String>) -> Result<Option<sesame_core::Felt>, AppError> {
    text.as_deref()
        .map(parse_address)
        .transpose()
        .map_err(AppError::from)
}

struct Ctx {
    cli: Cli,
    secrets: Secrets,
}

impl Ctx {
    async fn app(&self) -> Result<Sesame, AppError> {
        let network = Network::resolve(&self.cli.network, self.cli.rpc.as_deref())?;
        if network.is_devnet() && self.cli.rpc.is_none() {
            // The local chain is the default: start it when it is not running.
            LocalDevnet::new(&data_dir(), self.cli.devnet_port)
                .up()
                .await?;
        }
        let profile = self.cli.profile.clone();
        let vault = tokio::task::spawn_blocking(move || Vault::open_keychain(&profile)).await??;
        Sesame::connect(Arc::new(vault), network).await
    }

    /// Unlocks with the PIN; on a device with no vault yet, sets one up with it.
    async fn unlock(&mut self, app: &Sesame) -> Result<Unlocked, AppError> {
        let fresh = !app.is_initialized().await?;
        let prompt = if fresh {
            "Choose a PIN for this device: "
        } else {
            "PIN: "
        };
        let pin = Pin::new(self.secrets.read("PIN", prompt)?);
        if fresh {
            app.create_vault(pin).await
        } else {
            app.unlock(pin).await
        }
    }
}

async fn run(mut ctx: Ctx) -> Result<Value, AppError> {
    let command = ctx.cli.command.clone();
    match command {
        Command::Devnet { cmd } => {
            let local = LocalDevnet::new(&data_dir(), ctx.cli.devnet_port);
            to_json(match cmd {
                DevnetCmd::Up => local.up().await?,
                DevnetCmd::Down => local.down().await?,
                DevnetCmd::Status => local.status().await,
            })
        }
        Command::Wallet { cmd } => {
            let app = ctx.app().await?;
            match cmd {
                WalletCmd::Create => {
                    let u = ctx.unlock(&app).await?;
                    to_json(app.wallet_create(&u).await?)
                }
                WalletCmd::Deploy => {
                    let u = ctx.unlock(&app).await?;
                    to_json(app.wallet_deploy(&u, address_arg(&ctx.cli.wallet)?).await?)
                }
                WalletCmd::Import { address, chipi } => {
                    let address = parse_address(&address)?;
                    let u = ctx.unlock(&app).await?;
                    match chipi {
                        Some(path) => {
                            let json = std::fs::read_to_string(&path)
                                .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
                            let key = Pin::new(
                                ctx.secrets
                                    .read("Chipi encryptKey", "Chipi encrypt key: ")?,
                            );
                            to_json(app.wallet_import_chipi(&u, address, json, key).await?)
                        }
                        None => {
                            let text = ctx
                                .secrets
                                .read("owner private key", "Owner private key (hex): ")?;
                            let key =
                                sesame_core::keys::PrivateKey::from_hex(&text).map_err(|_| {
                                    AppError::Vault(sesame_vault::VaultError::InvalidPrivateKey)
                                })?;
                            to_json(app.wallet_import_key(&u, address, key).await?)
                        }
                    }
                }
                WalletCmd::Show => to_json(app.wallet_show(address_arg(&ctx.cli.wallet)?).await?),
                WalletCmd::RotateKey => {
                    let u = ctx.unlock(&app).await?;
                    let out = app
                        .wallet_rotate_key(&u, address_arg(&ctx.cli.wallet)?)
                        .await?;
                    let mut v = to_json(&out)?;
                    v["notice"] = json!(format!(
                        "every session of this wallet has ended ({} were active); the new owner key is stored on this device",
                        out.sessions_ended
                    ));
                    Ok(v)
                }
                WalletCmd::List => to_json(json!({ "wallets": app.wallets().await? })),
            }
        }
        Command::Session { cmd } => {
            let app = ctx.app().await?;
            session(&mut ctx, &app, cmd).await
        }
        Command::Vault { cmd } => vault(&mut ctx, cmd).await,
    }
}

impl Ctx {
    /// The vault alone: backups and recovery need no chain.
    async fn vault(&self) -> Result<Arc<Vault>, AppError> {
        let profile = self.cli.profile.clone();
        let vault = tokio::task::spawn_blocking(move || Vault::open_keychain(&profile)).await??;
        Ok(Arc::new(vault))
    }

    /// A new secret typed twice; the two must match.
    fn read_new(&mut self, what: &str) -> Result<String, AppError> {
        let first = self.secrets.read(what, &format!("New {what}: "))?;
        let again = self.secrets.read(what, &format!("Repeat the {what}: "))?;
        if first != again {
            return Err(bad(format!("the two {what}s differ; nothing was changed")));
        }
        Ok(first)
    }
}

async fn vault(ctx: &mut Ctx, cmd: VaultCmd) -> Result<Value, AppError> {
    use sesame_app::custody;
    use sesame_vault::Passphrase;
    let vault = ctx.vault().await?;
    match cmd {
        VaultCmd::Backup {
            out,
            passphrase_stdin,
        } => {
            if passphrase_stdin {
                ctx.secrets = Secrets::new(true);
            }
            if out.exists() {
                return Err(bad(format!(
                    "{} exists; choose a new file name (a backup never overwrites one)",
                    out.display()
                )));
            }
            let pin = Pin::new(ctx.secrets.read("PIN", "PIN: ")?);
            let unlocked = custody::unlock(&vault, pin).await?;
            let passphrase = Passphrase::new(ctx.read_new("backup passphrase")?);
            let bytes = custody::backup(&unlocked, passphrase).await?;
            custody::write_private_file(&out, &bytes)
                .map_err(|e| bad(format!("cannot write {}: {e}", out.display())))?;
            let summary = json!({
                "file": out.display().to_string(),
                "bytes": bytes.len(),
                "wallets": vault.list_owner_keys()?.len(),
                "sessions": vault.list_sessions()?.len(),
            });
            Ok(summary)
        }
        VaultCmd::Restore {
            from,
            passphrase_stdin,
            replace,
        } => {
            if passphrase_stdin {
                ctx.secrets = Secrets::new(true);
            }
            let bytes = std::fs::read(&from)
                .map_err(|e| bad(format!("cannot read {}: {e}", from.display())))?;
            let passphrase =
                Passphrase::new(ctx.secrets.read("backup passphrase", "Passphrase: ")?);
            let pin = Pin::new(ctx.read_new("PIN")?);
            let (_, summary) = custody::restore(&vault, bytes, passphrase, pin, replace)
                .await
                .map_err(|e| match e {
                    AppError::Vault(sesame_vault::VaultError::AlreadyInitialized) => bad(
                        "this device already has a vault: pass --replace to replace it with \
                         the backup (keys that are not in the backup are lost)",
                    ),
                    other => other,
                })?;
            to_json(json!({ "restored": summary }))
        }
        VaultCmd::Recover => {
            let wallet = address_arg(&ctx.cli.wallet)?
                .ok_or_else(|| bad("name the wallet whose owner key you have: --wallet ADDRESS"))?;
            let text = ctx
                .secrets
                .read("owner private key", "Owner private key (hex): ")?;
            let key = sesame_core::keys::PrivateKey::from_hex(&text)
                .map_err(|_| AppError::Vault(sesame_vault::VaultError::InvalidPrivateKey))?;
            let pin = Pin::new(ctx.read_new("PIN")?);
            custody::recover(&vault, wallet, key, pin).await?;
            to_json(json!({
                "recovered": true,
                "wallets": vault.list_owner_keys()?.len(),
                "sessions": vault.list_sessions()?.len(),
            }))
        }
        VaultCmd::Status => {
            let initialized = custody::is_initialized(&vault).await?;
            let attempts = if initialized {
                Some(custody::attempt_status(&vault).await?)
            } else {
                None
            };
            to_json(json!({ "initialized": initialized, "attempts": attempts }))
        }
    }
}

async fn session(ctx: &mut Ctx, app: &Sesame, cmd: SessionCmd) -> Result<Value, AppError> {
    let wallet = address_arg(&ctx.cli.wallet)?;
    let session = ctx
        .cli
        .session
        .as_deref()
        .map(sesame_core::felt::parse_felt)
        .transpose()?;
    match cmd {
        SessionCmd::Create { duration } => {
            let u = ctx.unlock(app).await?;
            to_json(app.session_create(&u, wallet, duration).await?)
        }
        SessionCmd::Register {
            max_calls,
            allow,
            allow_recipient,
            limit,
            allow_any_contract,
            valid_until,
        } => {
            let limits = limit
                .iter()
                .map(|l| parse_limit(l))
                .collect::<Result<Vec<_>, _>>()?;
            let params = RegisterParams::from_specs(
                max_calls,
                &allow,
                allow_any_contract,
                &allow_recipient,
                &limits,
                valid_until,
            )?;
            let u = ctx.unlock(app).await?;
            let (tx, status) = app.session_register(&u, wallet, session, params).await?;
            to_json(json!({ "tx": tx, "status": status }))
        }
        SessionCmd::Execute {
            call,
            relayer,
            paymaster,
        } => {
            let calls = call
                .iter()
                .map(|c| parse_call(c))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            let mode = match (relayer.as_deref(), paymaster) {
                (None, Some(url)) => ExecMode::Paymaster {
                    url,
                    // A credential: from the environment, never from argv.
                    api_key: std::env::var("SESAME_PAYMASTER_API_KEY")
                        .ok()
                        .filter(|k| !k.is_empty()),
                    gas_token: None,
                },
                (None | Some("default"), None) => ExecMode::Relayer(None),
                (Some(addr), None) => ExecMode::Relayer(Some(parse_address(addr)?)),
                _ => return Err(bad("choose one of --relayer and --paymaster")),
            };
            let u = ctx.unlock(app).await?;
            to_json(
                app.session_execute(&u, wallet, session, calls, mode)
                    .await?,
            )
        }
        SessionCmd::SignOutside { call, caller } => {
            let calls = call
                .iter()
                .map(|c| parse_call(c))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            let caller = caller.as_deref().map(parse_address).transpose()?;
            let u = ctx.unlock(app).await?;
            to_json(
                app.session_sign_outside(&u, wallet, session, calls, caller)
                    .await?,
            )
        }
        SessionCmd::Status => to_json(app.session_status(wallet, session).await?),
        SessionCmd::List => to_json(json!({ "sessions": app.session_list(wallet).await? })),
        SessionCmd::Revoke => {
            let u = ctx.unlock(app).await?;
            let (tx, status) = app.session_revoke(&u, wallet, session).await?;
            to_json(json!({ "tx": tx, "status": status }))
        }
        SessionCmd::RevokeAll => {
            let u = ctx.unlock(app).await?;
            let (tx, sessions) = app.session_revoke_all(&u, wallet).await?;
            to_json(json!({ "tx": tx, "sessions": sessions }))
        }
        SessionCmd::Clear { force } => {
            let u = ctx.unlock(app).await?;
            let cleared = app.session_clear(&u, wallet, session, force).await?;
            let mut out = json!({ "cleared": cleared });
            if force {
                out["warning"] = json!(
                    "this device no longer knows the session: it cannot list or revoke it; \
                     if it was live, it stays usable on-chain until it expires"
                );
            }
            to_json(out)
        }
        SessionCmd::Policy { cmd } => match cmd {
            PolicyCmd::Set {
                token,
                max_per_call,
                max_per_window,
                window,
            } => {
                let (token, limit) = LimitSpec {
                    token,
                    max_per_call,
                    max_per_window,
                    window_seconds: window,
                }
                .parse()?;
                let u = ctx.unlock(app).await?;
                let (tx, policy) = app.policy_set(&u, wallet, session, token, limit).await?;
                to_json(json!({ "tx": tx, "policy": policy }))
            }
            PolicyCmd::Get { token } => to_json(
                app.policy_get(wallet, session, parse_contract(&token)?)
                    .await?,
            ),
            PolicyCmd::Remove { token } => {
                let token = parse_contract(&token)?;
                let u = ctx.unlock(app).await?;
                to_json(json!({ "tx": app.policy_remove(&u, wallet, session, token).await? }))
            }
        },
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let json_mode = cli.json;
    let secrets = Secrets::new(cli.pin_stdin);
    let result = run(Ctx { cli, secrets }).await;
    std::process::exit(output::print(json_mode, result));
}
