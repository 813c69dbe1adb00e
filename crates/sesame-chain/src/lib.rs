//! Sesame's Starknet I/O, behind one seam. Everything here talks JSON-RPC 0.10; every hash and
//! signature it sends comes from `sesame-core`.
//!
//! - [`Chain`]: a checked connection (spec version, chain id), reads (`get_session_data`,
//!   spending policies, balances, chain time) and receipt polling;
//! - [`OwnerAccount`]: transactions signed by an account's owner key, including relaying
//!   someone else's SNIP-9 outside execution;
//! - [`SessionAccount`]: "direct" mode, the session key signing the account's own INVOKE;
//! - [`class`]: declaring the session-account class and deploying accounts of it;
//! - [`devnet`]: the devnet-only methods tests and the local chain need (mint, time travel);
//! - [`paymaster`]: a SNIP-29 paymaster client that checks what it is asked to sign.

pub mod class;
pub mod devnet;
mod error;
pub mod fault;
mod owner;
pub mod paymaster;
mod rpc;
mod session_account;
mod signer;

pub use error::ChainError;
pub use owner::{relay_call, FixedBounds, OwnerAccount, TxOutcome};
pub use paymaster::{PaymasterClient, PaymasterError};
pub use rpc::{
    Chain, ReceiptDetails, SessionSnapshot, SessionV2, SpendingPolicyState, Timeouts,
    SUPPORTED_SPEC_MAJOR_MINOR,
};
pub use session_account::SessionAccount;
pub use signer::KeySigner;
