//! Every devnet integration test of the cross-crate suite, in one test binary: each binary
//! links the whole embedded devnet, so one binary instead of seven saves their compile and link
//! time. Each module is one concern; each test starts its own chain.

#![allow(clippy::unwrap_used)]

mod contract_v2;
mod local_devnet;
mod owner_account;
mod paymaster;
mod rpc_errors;
mod session_lifecycle;
mod session_refusals;
mod spending_policies;
