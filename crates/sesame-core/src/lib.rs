//! Sesame's pure core: everything about session keys that needs no network and no disk.
//!
//! - [`calls`]: calldata for the account's session entrypoints and ERC-20 calls;
//! - [`felt`]: parsing and formatting of field elements, short strings and `u256` halves;
//! - [`selector`]: entrypoint selectors and the admin blocklist the account enforces;
//! - [`keys`]: the Stark private key type (zeroized, redacted) and deterministic signing;
//! - [`outside`]: SNIP-9 v2 outside executions and their SNIP-12 revision 1 hash;
//! - [`preflight`]: the account's session rules, checked locally before signing;
//! - [`session`]: the session model and the lifecycle state derived from chain data;
//! - [`spec`]: what people type: calls, entrypoints, token amounts with decimals.

pub mod calls;
pub mod felt;
pub mod keys;
pub mod outside;
pub mod preflight;
pub mod selector;
pub mod session;
pub mod spec;

pub use starknet_types_core::felt::Felt;
