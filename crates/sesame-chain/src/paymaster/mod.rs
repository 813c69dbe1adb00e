//! A client for the SNIP-29 paymaster JSON-RPC API (the one AVNU and Chipi serve), and the
//! checks that make it safe to sign what a paymaster sends back.
//!
//! The flow, for an account that implements SNIP-9 v2 (`execute_from_outside_v2`):
//!
//! 1. `paymaster_buildTransaction` with the user's calls: the paymaster wraps them in a SNIP-9
//!    `OutsideExecution` (SNIP-12 revision 1 typed data), possibly appending its fee transfer;
//! 2. [`verify_build`] parses that typed data into a [`sesame_core::outside::OutsideExecution`]
//!    and refuses it unless its domain is `Account.execute_from_outside` version 2 on this chain
//!    and its calls begin with exactly the calls the user asked for
//!    ([`PaymasterClient::prepare_invoke`] does 1 and 2);
//! 3. the session key signs [`PreparedInvoke::message_hash`], a hash Sesame computes itself from
//!    the parsed execution, so what the account executes is what was checked;
//! 4. `paymaster_executeTransaction` with the typed data and the signature: the paymaster's
//!    relayer submits it and pays the fee in STRK.
//!
//! Spec facts this follows: the method and field names of `@starknet-io/starknet-types`
//! `snip-29` (`paymaster_isAvailable`, `paymaster_buildTransaction`,
//! `paymaster_executeTransaction`, `paymaster_getSupportedTokens`), the error codes 150–163
//! listed in [`codes`], the V2 typed data of the SNIP (`leo-starkware/snip-paymaster-api`,
//! `snip_x.md`), and the API key header `x-paymaster-api-key` (AVNU's paymaster and Chipi).
//!
//! Layout: `checks` holds the typed-data parsing and the checks above (the security-critical
//! part, kept apart so it can be tested on its own), `wire` the SNIP-29 request and response
//! types, `client` the HTTP/JSON-RPC client, `error` [`PaymasterError`] and [`codes`].

mod checks;
#[cfg(test)]
mod checks_props;
mod client;
mod error;
mod wire;

pub use checks::{
    outside_execution_from_typed_data, outside_execution_typed_data, verify_build, verify_calls,
};
pub use client::{PaymasterClient, API_KEY_HEADER};
pub use error::{codes, PaymasterError};
pub use wire::{
    build_invoke_params, calls_from_json, ApiKey, BuiltInvoke, ExecuteResult, ExecutionParameters,
    FeeEstimate, FeeMode, PreparedInvoke, TimeBounds, TokenData, PARAMETERS_VERSION,
};
