//! What use cases return: plain, serializable views with no secret material. Felts are 0x-hex
//! strings and token amounts are decimal strings, so JSON consumers never lose precision.

use serde::Serialize;

use crate::AccountClass;
use sesame_core::calls::SessionCall;
use sesame_core::felt::to_hex;
use sesame_core::preflight::RecipientRule;
use sesame_core::selector::known_name;
use sesame_core::session::{SessionDataShape, SessionState};
use sesame_core::spec::{ETH, STRK};
use sesame_core::Felt;

/// A wallet on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletView {
    pub address: String,
    pub public_key: String,
    pub network: String,
    /// Whether an account is deployed at the address.
    pub deployed: bool,
    /// Whether the account supports session keys (`get_session_data` answers).
    pub supports_sessions: bool,
    /// The family of its contract: what its sessions can enforce.
    pub account_class: AccountClass,
    /// Whether sessions can be limited to exact contracts and recipients (v2).
    pub scoped_sessions: bool,
    /// What its sessions can and cannot enforce, in a sentence.
    pub session_limits: String,
    /// STRK balance in fri (10^-18 STRK), decimal.
    pub strk_balance: String,
    /// ETH balance in wei, decimal.
    pub eth_balance: String,
    /// What to do next, when the wallet is not usable yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

/// An entrypoint shown by name when Sesame knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntrypointView {
    pub selector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl EntrypointView {
    pub fn of(selector: &Felt) -> Self {
        EntrypointView {
            selector: to_hex(selector),
            name: known_name(selector).map(str::to_string),
        }
    }
}

/// A token or contract shown by symbol when Sesame knows it.
fn contract_name(contract: &Felt) -> Option<String> {
    if *contract == STRK {
        Some("STRK".into())
    } else if *contract == ETH {
        Some("ETH".into())
    } else {
        None
    }
}

/// One `(contract, entrypoint)` pair a scoped session may call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeEntryView {
    pub contract: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_name: Option<String>,
    pub selector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
}

impl ScopeEntryView {
    pub fn of(pair: &SessionCall) -> Self {
        ScopeEntryView {
            contract: to_hex(&pair.to),
            contract_name: contract_name(&pair.to),
            selector: to_hex(&pair.selector),
            entrypoint: known_name(&pair.selector).map(str::to_string),
        }
    }
}

/// The only addresses a session's transfers and approvals of `token` may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientRuleView {
    pub token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_name: Option<String>,
    pub recipients: Vec<String>,
}

impl RecipientRuleView {
    pub fn of(rule: &RecipientRule) -> Self {
        RecipientRuleView {
            token: to_hex(&rule.token),
            token_name: contract_name(&rule.token),
            recipients: rule.recipients.iter().map(to_hex).collect(),
        }
    }
}

/// A spending policy as the chain holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyView {
    pub token: String,
    pub max_per_call: String,
    pub max_per_window: String,
    pub window_seconds: u64,
    pub spent_in_window: String,
    pub window_start: u64,
}

/// A session's status, read from the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatus {
    pub session_public_key: String,
    pub wallet: String,
    pub state: SessionState,
    pub is_active: bool,
    pub valid_until: u64,
    pub remaining_calls: u32,
    /// Empty means every non-admin entrypoint. Absent when the account does not report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_entrypoints: Option<Vec<EntrypointView>>,
    /// Registered with entrypoints valid on any contract (every v1 session, or a v2 session
    /// registered with "allow any contract"): a leaked key reaches every contract with them.
    pub broad: bool,
    /// The exact pairs of a scoped session; empty when broad or not registered.
    pub scope: Vec<ScopeEntryView>,
    /// Recipient rules; empty when there are none.
    pub recipients: Vec<RecipientRuleView>,
    /// Chain time the status was read at, and the seconds left until expiry.
    pub chain_time: u64,
    pub seconds_left: u64,
    pub data_shape: SessionDataShape,
    pub created_at: u64,
}

/// A confirmed owner-key rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotateOutcome {
    pub tx: sesame_chain::TxOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explorer_url: Option<String>,
    pub wallet: WalletView,
    /// Sessions that were active before and ended with the old key.
    pub sessions_ended: u32,
}

/// A submitted execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecOutcome {
    pub tx_hash: String,
    /// `relayer` or `paymaster`.
    pub mode: String,
    /// Who paid the fee, and how much (in the fee token's smallest unit).
    pub paid_by: String,
    pub fee: String,
    pub fee_unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explorer_url: Option<String>,
    pub remaining_calls: u32,
}

/// An outside execution signed by a session, for any third-party relayer or paymaster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedOutside {
    pub account: String,
    pub chain_id: String,
    pub message_hash: String,
    pub outside_execution: serde_json::Value,
    /// `[session_pubkey, r, s, valid_until]`.
    pub signature: Vec<String>,
    /// Ready-made calldata for `execute_from_outside_v2` on `account`.
    pub calldata: Vec<String>,
}
