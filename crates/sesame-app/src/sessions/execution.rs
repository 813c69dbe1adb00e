//! Executing calls with a session: preflight first (nothing is signed when it refuses), then
//! a relayer or a SNIP-29 paymaster (its answer checked before signing); or signing an
//! outside execution for a third party to submit. A session never signs the account's own
//! transaction: the v2 account refuses that, so a leaked key cannot spend its fee.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sesame_chain::devnet::DevnetClient;
use sesame_chain::paymaster::{ApiKey, ExecutionParameters, PaymasterClient};
use sesame_chain::relay_call;
use sesame_chain::{FixedBounds, OwnerAccount, TxOutcome};
use sesame_core::felt::to_hex;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{random_nonce, Call, OutsideExecution, SessionSignature};
use sesame_core::preflight::{self, AccountRules, PolicyView as PreflightPolicy, PreflightInput};
use sesame_core::selector::{is_spending_selector, recipient_index_v2};
use sesame_core::session::{LocalMark, OnChainSession};
use sesame_core::Felt;
use sesame_vault::SessionMeta;

use super::{local_mark, EXPIRY_MARGIN_SECS};
use crate::views::{ExecOutcome, SessionStatus, SignedOutside};
use crate::{blocking, AccountClass, AppError, Sesame, Unlocked};

/// Who submits a session execution and pays for it.
#[derive(Clone, PartialEq, Eq)]
pub enum ExecMode {
    /// A funded account relays it: on devnet a predeployed account, elsewhere one of the
    /// user's own wallets on this device (`Some(address)`).
    Relayer(Option<Felt>),
    /// A SNIP-29 paymaster at `url` builds the typed data (checked before signing) and submits
    /// it. Without `gas_token` it pays (sponsored mode); with one, the wallet pays the fee in
    /// that token through the paymaster (the fee transfer is checked against the quote).
    Paymaster {
        url: String,
        api_key: Option<String>,
        gas_token: Option<Felt>,
    },
}

impl std::fmt::Debug for ExecMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecMode::Relayer(r) => f.debug_tuple("Relayer").field(r).finish(),
            // The API key is a credential: never printed.
            ExecMode::Paymaster { url, .. } => f
                .debug_struct("Paymaster")
                .field("url", url)
                .finish_non_exhaustive(),
        }
    }
}

/// `CallExecuted`: the event CHIPI-style accounts emit per call of a multicall, with data
/// `[index, to, success]`.
const CALL_EXECUTED: Felt =
    Felt::from_hex_unchecked("0x1e78fc74f430a8ac6f18d5c4caa47bfb2d8135e3f90d0c3b0beec57eb90e709");

/// The index of the first call `account` reported as failed in `events`, if any.
fn failed_inner_call(events: &[(Felt, Vec<Felt>, Vec<Felt>)], account: Felt) -> Option<usize> {
    events
        .iter()
        .filter(|(from, keys, _)| *from == account && keys.first() == Some(&CALL_EXECUTED))
        .find_map(|(_, _, data)| match data.as_slice() {
            [index, _to, success] if *success == Felt::ZERO => {
                sesame_core::felt::felt_to_u64(index).map(|i| i as usize)
            }
            _ => None,
        })
}

/// How long resource bounds learnt from one simulation are reused: gas prices move.
const BOUNDS_TTL: Duration = Duration::from_secs(60);

/// The shape of a relayed transaction: which relayer, and each inner call's target, entrypoint
/// and calldata length. Transactions of one shape cost about the same.
type Shape = (Felt, Vec<(Felt, Felt, usize)>);

/// What the relayed send path learns once per connection instead of per send: the devnet's
/// relayer account, and resource bounds from the first simulation of each shape.
#[derive(Default)]
pub(crate) struct RelayCache {
    devnet_relayer: Option<(Felt, Arc<PrivateKey>)>,
    bounds: HashMap<Shape, (FixedBounds, Instant)>,
}

fn shape(relayer: Felt, calls: &[Call]) -> Shape {
    (
        relayer,
        calls
            .iter()
            .map(|c| (c.to, c.selector, c.calldata.len()))
            .collect(),
    )
}

impl Sesame {
    fn relay_cache(&self) -> std::sync::MutexGuard<'_, RelayCache> {
        self.relay_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Relays a signed outside execution. The first send of each shape is simulated (a call
    /// the chain would refuse fails there and nothing is sent) and its resource bounds are
    /// kept for a minute; later sends of the same shape skip the simulation, having passed the
    /// same preflight. A send refused for its bounds drops them, so the next one simulates.
    async fn relay(
        &self,
        relayer: &OwnerAccount,
        wallet: Felt,
        outside: &OutsideExecution,
        sig: &[Felt],
    ) -> Result<TxOutcome, AppError> {
        let call = relay_call(wallet, outside, sig);
        let key = shape(relayer.address(), &outside.calls);
        let cached = self
            .relay_cache()
            .bounds
            .get(&key)
            .filter(|(_, at)| at.elapsed() < BOUNDS_TTL)
            .map(|(b, _)| *b);
        let bounds = match cached {
            Some(b) => b,
            None => {
                let b = relayer.estimate_bounds(std::slice::from_ref(&call)).await?;
                self.relay_cache()
                    .bounds
                    .insert(key.clone(), (b, Instant::now()));
                b
            }
        };
        let sent = relayer.invoke_with(&[call], bounds, None).await;
        if sent.is_err() {
            self.relay_cache().bounds.remove(&key);
        }
        Ok(sent?)
    }

    async fn session_key(
        &self,
        unlocked: &Unlocked,
        session: Felt,
    ) -> Result<Arc<PrivateKey>, AppError> {
        let u = unlocked.0.clone();
        blocking(move || Ok(Arc::new(u.session_key(&session)?))).await
    }

    /// The tokens whose spending policies `calls` are metered against, on an account that has
    /// policies at all (others are never asked: never call what is not there).
    async fn metered_tokens(
        &self,
        wallet: Felt,
        calls: &[Call],
        class: AccountClass,
    ) -> Result<Vec<Felt>, AppError> {
        if !self.has_spending_policies(wallet, class).await? {
            return Ok(Vec::new());
        }
        let metered = |selector: &Felt| match class {
            AccountClass::SesameV2 => recipient_index_v2(selector).is_some(),
            _ => is_spending_selector(selector),
        };
        let mut tokens: Vec<Felt> = calls
            .iter()
            .filter(|c| metered(&c.selector))
            .map(|c| c.to)
            .collect();
        tokens.sort();
        tokens.dedup();
        Ok(tokens)
    }

    /// Runs preflight for `calls`; returns the chain view of the session it checked and the
    /// wallet's class (which decides how the session signs).
    async fn preflight(
        &self,
        wallet: Felt,
        meta: &SessionMeta,
        calls: &[Call],
    ) -> Result<(OnChainSession, AccountClass), AppError> {
        let class = self.account_class(wallet).await?;
        let mut tokens: Vec<Felt> = calls.iter().map(|c| c.to).collect();
        tokens.sort();
        tokens.dedup();
        let key = meta.session_public_key;
        let policy_tokens = self.metered_tokens(wallet, calls, class).await?;
        let v2_tokens = (class == AccountClass::SesameV2).then_some(tokens.as_slice());
        // Everything in one batched request: one round trip, however many rules apply.
        let snapshot = self
            .chain
            .session_snapshot(wallet, key, &policy_tokens, v2_tokens)
            .await?;
        let (chain, now, v2) = (snapshot.data, snapshot.now, snapshot.v2);
        let policies: Vec<PreflightPolicy> = snapshot
            .policies
            .iter()
            .filter(|(_, p)| p.is_set())
            .map(|(token, p)| PreflightPolicy {
                token: *token,
                max_per_call: p.max_per_call,
                max_per_window: p.max_per_window,
                window_seconds: p.window_seconds,
                spent_in_window: p.spent_in_window,
            })
            .collect();
        let rules = match &v2 {
            Some(v2) => AccountRules::V2 {
                status: v2.status,
                scope: &v2.scope,
                recipients: &v2.recipients,
            },
            None => AccountRules::V1,
        };
        preflight::check(&PreflightInput {
            account: wallet,
            session: &chain,
            known_revoked: local_mark(&meta.state) == LocalMark::Revoked,
            now,
            margin: EXPIRY_MARGIN_SECS,
            calls,
            policies: &policies,
            rules,
        })?;
        Ok((chain, class))
    }

    /// The session's signature of an outside execution whose hash is `hash`, in the form the
    /// wallet's class verifies (v2 binds `valid_until` into the signed message).
    async fn session_signature(
        &self,
        unlocked: &Unlocked,
        meta: &SessionMeta,
        class: AccountClass,
        hash: &Felt,
        valid_until: u64,
    ) -> Result<[Felt; 4], AppError> {
        let key = self.session_key(unlocked, meta.session_public_key).await?;
        let public = meta.session_public_key;
        let signed = match class {
            AccountClass::SesameV2 => SessionSignature::sign_v2_as(&key, public, hash, valid_until),
            _ => SessionSignature::sign_as(&key, public, hash, valid_until),
        };
        Ok(signed
            .map_err(|e| AppError::Internal(e.to_string()))?
            .to_felts())
    }

    #[allow(clippy::too_many_arguments)]
    async fn sign_outside_execution(
        &self,
        unlocked: &Unlocked,
        wallet: Felt,
        meta: &SessionMeta,
        chain: &OnChainSession,
        class: AccountClass,
        calls: Vec<Call>,
        caller: Felt,
    ) -> Result<(OutsideExecution, [Felt; 4]), AppError> {
        let outside = OutsideExecution {
            caller,
            nonce: random_nonce(&mut rand_core::OsRng),
            execute_after: 0,
            execute_before: chain.valid_until,
            calls,
        };
        let hash =
            outside.message_hash_as(self.chain.chain_id(), wallet, class.outside_type_hash());
        let sig = self
            .session_signature(unlocked, meta, class, &hash, chain.valid_until)
            .await?;
        Ok((outside, sig))
    }

    async fn relayer_account(
        &self,
        unlocked: &Unlocked,
        relayer: Option<Felt>,
    ) -> Result<OwnerAccount, AppError> {
        match relayer {
            Some(address) => {
                self.owner_account(unlocked, address).await
            }
            None if self.network.is_devnet() => {
                if let Some((address, key)) = self.relay_cache().devnet_relayer.clone() {
                    return Ok(OwnerAccount::new(&self.chain, address, key));
                }
                let accounts = DevnetClient::new(&self.network.rpc_url).predeployed_accounts().await?;
                let (address, key) = accounts
                    .into_iter()
                    .next()
                    .ok_or_else(|| AppError::DevnetUnavailable("the devnet has no predeployed account to relay".into()))?;
                let key = Arc::new(PrivateKey::from_be_bytes(key.to_bytes_be()).map_err(|e| AppError::Internal(e.to_string()))?);
                self.relay_cache().devnet_relayer = Some((address, key.clone()));
                Ok(OwnerAccount::new(&self.chain, address, key))
            }
            None => Err(AppError::InvalidArgument(
                "name who pays: one of your funded wallets on this network as the relayer (--relayer ADDRESS), or a SNIP-29 paymaster (--paymaster URL)".into(),
            )),
        }
    }

    /// Preflight only: whether the account would accept `calls` from the session now. Returns
    /// the session's status as checked.
    pub async fn session_check(
        &self,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: &[Call],
    ) -> Result<SessionStatus, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        self.preflight(wallet.wallet_address, &meta, calls).await?;
        self.session_status(Some(wallet.wallet_address), Some(meta.session_public_key))
            .await
    }

    /// Executes `calls` with a session, after preflight. Nothing is signed or sent when
    /// preflight refuses; the chain's simulation then refuses anything preflight missed.
    pub async fn session_execute(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: Vec<Call>,
        mode: ExecMode,
    ) -> Result<ExecOutcome, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let (chain, class) = self.preflight(wallet.wallet_address, &meta, &calls).await?;
        let targets: Vec<(Felt, Felt)> = calls.iter().map(|c| (c.to, c.selector)).collect();
        let (tx, mode_name, paid_by) = match mode {
            ExecMode::Relayer(relayer) => {
                let relayer = self.relayer_account(unlocked, relayer).await?;
                let (outside, sig) = self
                    .sign_outside_execution(
                        unlocked,
                        wallet.wallet_address,
                        &meta,
                        &chain,
                        class,
                        calls,
                        class.any_caller(),
                    )
                    .await?;
                let tx = self
                    .relay(&relayer, wallet.wallet_address, &outside, &sig)
                    .await?;
                (tx, "relayer", to_hex(&relayer.address()))
            }
            ExecMode::Paymaster {
                url,
                api_key,
                gas_token,
            } => {
                if class.outside_type_hash() != sesame_core::outside::OutsideTypeHash::U128 {
                    return Err(AppError::UnsupportedByWallet(
                        "this wallet's contract (CHIPI v27) verifies another outside-execution \
                         type than SNIP-29 paymasters build, so it would refuse the paymaster's \
                         typed data: send through a relayer instead"
                            .into(),
                    ));
                }
                let client = PaymasterClient::new(&url, api_key.map(ApiKey::new))?;
                let parameters = match gas_token {
                    Some(token) => ExecutionParameters::paid_in(token),
                    None => ExecutionParameters::sponsored(),
                };
                let prepared = client
                    .prepare_invoke(
                        self.chain.chain_id(),
                        wallet.wallet_address,
                        &calls,
                        &parameters,
                    )
                    .await?;
                let sig = self
                    .session_signature(
                        unlocked,
                        &meta,
                        class,
                        &prepared.message_hash(),
                        chain.valid_until,
                    )
                    .await?;
                let sent = client.execute_prepared(&prepared, &sig).await?;
                self.chain.wait_for_receipt(sent.transaction_hash).await?;
                // In gas-token mode the wallet paid at most the quote's suggested maximum.
                let (fee, fee_unit) = match gas_token {
                    Some(token) => (
                        prepared
                            .fee
                            .suggested_max_fee_in_gas_token
                            .to_biguint()
                            .to_string(),
                        if token == sesame_core::spec::STRK {
                            "FRI".to_string()
                        } else {
                            to_hex(&token)
                        },
                    ),
                    None => (String::new(), String::new()),
                };
                let outcome = TxOutcome {
                    tx_hash: to_hex(&sent.transaction_hash),
                    fee,
                    fee_unit,
                };
                (outcome, "paymaster", url)
            }
        };
        // A tx hash is not a success: the session's call count must have moved on-chain.
        let after = self
            .chain
            .session_data(wallet.wallet_address, meta.session_public_key)
            .await?;
        if after.remaining_calls >= chain.remaining_calls {
            return Err(AppError::NotExecuted {
                tx_hash: tx.tx_hash,
                detail: format!(
                    "the session still has {} calls left, as before",
                    after.remaining_calls
                ),
            });
        }
        // Sesame's accounts run an outside execution's calls atomically. Others (CHIPI) may
        // swallow a failed call, emit `CallExecuted { success: false }` and still count the
        // execution: their receipt must show every call succeeded.
        if !matches!(class, AccountClass::SesameV2 | AccountClass::SesameV1) {
            let receipt = self.chain.receipt_details(&tx.tx_hash).await?;
            if let Some(index) = failed_inner_call(&receipt.events, wallet.wallet_address) {
                let what = targets
                    .get(index)
                    .map(|(to, selector)| {
                        format!(
                            "{} on {}",
                            sesame_core::selector::known_name(selector)
                                .map(str::to_string)
                                .unwrap_or_else(|| to_hex(selector)),
                            to_hex(to)
                        )
                    })
                    .unwrap_or_else(|| format!("call {index}"));
                return Err(AppError::NotExecuted {
                    tx_hash: tx.tx_hash,
                    detail: format!(
                        "its {what} failed inside the wallet's own multicall, which does not \
                         revert, so the session used a call"
                    ),
                });
            }
        }
        Ok(ExecOutcome {
            explorer_url: self.network.explorer_tx_url(&tx.tx_hash),
            tx_hash: tx.tx_hash,
            mode: mode_name.to_string(),
            paid_by,
            fee: tx.fee,
            fee_unit: tx.fee_unit,
            remaining_calls: after.remaining_calls,
        })
    }

    /// Signs an outside execution of `calls` (after preflight) without submitting it, for any
    /// third-party relayer or paymaster. `caller` defaults to "any caller" in the wallet's
    /// dialect (`'ANY_CALLER'`, or `0` on CHIPI v27).
    pub async fn session_sign_outside(
        &self,
        unlocked: &Unlocked,
        wallet: Option<Felt>,
        session: Option<Felt>,
        calls: Vec<Call>,
        caller: Option<Felt>,
    ) -> Result<SignedOutside, AppError> {
        let wallet = self.pick_wallet(wallet).await?;
        let meta = self.pick_session(wallet.wallet_address, session).await?;
        let (chain, class) = self.preflight(wallet.wallet_address, &meta, &calls).await?;
        let (outside, sig) = self
            .sign_outside_execution(
                unlocked,
                wallet.wallet_address,
                &meta,
                &chain,
                class,
                calls,
                caller.unwrap_or(class.any_caller()),
            )
            .await?;
        let hex = |f: &Felt| to_hex(f);
        Ok(SignedOutside {
            account: hex(&wallet.wallet_address),
            chain_id: hex(&self.chain.chain_id()),
            message_hash: hex(&outside.message_hash_as(
                self.chain.chain_id(),
                wallet.wallet_address,
                class.outside_type_hash(),
            )),
            outside_execution: serde_json::json!({
                "caller": hex(&outside.caller),
                "nonce": hex(&outside.nonce),
                "execute_after": outside.execute_after,
                "execute_before": outside.execute_before,
                "calls": outside.calls.iter().map(|c| serde_json::json!({
                    "to": hex(&c.to),
                    "selector": hex(&c.selector),
                    "calldata": c.calldata.iter().map(hex).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
            signature: sig.iter().map(hex).collect(),
            calldata: outside.to_calldata(&sig).iter().map(hex).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_the_wallet_reports_failed_is_found_and_a_successful_one_is_not() {
        let (wallet, relayer, token) = (
            Felt::from(0xa11u32),
            Felt::from(0xbbu32),
            Felt::from(0x70cu32),
        );
        let ok = (
            wallet,
            vec![CALL_EXECUTED],
            vec![Felt::ZERO, token, Felt::ONE],
        );
        let failed = (
            wallet,
            vec![CALL_EXECUTED],
            vec![Felt::ONE, token, Felt::ZERO],
        );
        // The relayer's own multicall succeeded: not the wallet's report.
        let relayer_ok = (
            relayer,
            vec![CALL_EXECUTED],
            vec![Felt::ZERO, wallet, Felt::ZERO],
        );
        assert_eq!(failed_inner_call(&[ok.clone(), failed], wallet), Some(1));
        assert_eq!(failed_inner_call(&[ok, relayer_ok], wallet), None);
        let other_event = (
            wallet,
            vec![Felt::from(7u8)],
            vec![Felt::ZERO, token, Felt::ZERO],
        );
        assert_eq!(failed_inner_call(&[other_event], wallet), None);
    }
}
