// Sesame session account v2 (Cairo 2.1).
//
// An SRC-6 account owned by one Stark key, with session keys whose power is bounded by what
// the owner registered on-chain: a scope of exact (contract, selector) pairs (or, for CHIPI
// clients, a selector allowlist), recipients per token, spending caps over a sliding window,
// an expiry and a call budget. Threat model and rules: contracts/README.md.
//
// What changed from v1 (contracts/session_account.cairo), in short:
// - Session keys never sign transactions. __validate__ accepts only the owner, so a leaked
//   session key can never make this account pay a fee. Sessions act only through SNIP-9
//   execute_from_outside_v2, where the relayer pays.
// - Session signatures sign poseidon(['Sesame.session.v2', outside_execution_hash,
//   valid_until]), so valid_until is bound by the signature.
// - Scoped sessions (exact (to, selector) pairs), recipient allowlists per (session, token),
//   spending caps that hold over any interval of window_seconds (a bounded spend log).
// - Every session belongs to a key epoch: set_public_key (which now needs a proof that the
//   new key is held) and revoke_all_session_keys start a new epoch and so end, in O(1),
//   every session registered before. A key that has ended can never be registered again.
//
// Cairo 2.1: no components, no `selector!`, no `for`; loops are `loop` + `pop_front` or an
// index, and every selector / type hash / interface id is a literal constant, recomputed and
// checked by scripts/contract-constants.py.

use array::{ArrayTrait, SpanTrait};
use option::OptionTrait;
use serde::Serde;
use starknet::{ContractAddress, ClassHash, account::Call};

// SRC-5 interface ids. The first three are the standard ones (as in v1). The last one is the
// XOR of the SRC-5 extended selectors of the v2 session interface ISessionKeysV2 below; a
// client that sees it knows every rule of this class, including the v2 session signature.
const ISRC5_ID: felt252 = 0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055;
const ISRC6_ID: felt252 = 0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd;
const ISNIP9_V2_ID: felt252 = 0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872;
const ISESSION_KEYS_V2_ID: felt252 =
    0x3dfef0cdc285a4ff3645098ab448163c07116ba1d579f118e53ad56e92e8723;

// Selectors a session may never call, on any contract: sn_keccak(name), i.e. keccak256 of
// the ASCII name masked to the low 250 bits. Blocking them everywhere (not only on this
// account) keeps a session from administering this or any other account it could reach.
const SEL_ADD_OR_UPDATE_SESSION_KEY: felt252 = // add_or_update_session_key
    0x27d4f8b711f8a318b18cac75c0b7c9941844dbbece6f62ca10111055acb64c1;
const SEL_ADD_OR_UPDATE_SESSION_KEY_SCOPED: felt252 = // add_or_update_session_key_scoped
    0x10aaaa3915817aebdbb808ce12950feb8ebcfac7e9a80f93c6757f64ee77eb3;
const SEL_REVOKE_SESSION_KEY: felt252 = // revoke_session_key
    0x32d4c11046940bbba0d48557b365ca002c6adc3f58d28671c8b7542ab7d60e9;
const SEL_REVOKE_ALL_SESSION_KEYS: felt252 = // revoke_all_session_keys
    0x19ce8dc42b45b7beea7586a51dc9fe7dfeebed3b8c58f02ac446a3b19e599d3;
const SEL_SET_SESSION_RECIPIENTS: felt252 = // set_session_recipients
    0xc2def591b6521f420aa2c8b9d7f92fd9e40d4e723f3912ed6fabcfc6e198d4;
const SEL_SET_SPENDING_POLICY: felt252 = // set_spending_policy
    0x27b6399a529753e66438fe0341234566c390277e9c20b0f556016eb33bb698;
const SEL_REMOVE_SPENDING_POLICY: felt252 = // remove_spending_policy
    0x28dac008d849601a4f136c3a869aa4dcb43907ea63ab552ecddfd2281144040;
const SEL_UPGRADE: felt252 = // upgrade
    0xf2f7c15cbe06c8d94597cd91fd7f3369eae842359235712def5584f8d270cd;
const SEL_SET_PUBLIC_KEY: felt252 = // set_public_key
    0x2e3e21ff5952b2531241e37999d9c4c8b3034cccc89a202a6bf019bdf5294f9;
const SEL_SET_PUBLIC_KEY_CAMEL: felt252 = // setPublicKey
    0xbc0eb87884ab91e330445c3584a50d7ddf4b568f02fbeb456a6242cce3f5d9;
const SEL_EXECUTE: felt252 = // __execute__
    0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad;
const SEL_EXECUTE_FROM_OUTSIDE: felt252 = // execute_from_outside (SNIP-9 v1, other accounts)
    0x7ec457cd7ed1630225a8328f826a29a327b19486f6b2882b4176545ebdbe3d;
const SEL_EXECUTE_FROM_OUTSIDE_V2: felt252 = // execute_from_outside_v2
    0x34cc13b274446654ca3233ed2c1620d4c5d1d32fd20b47146a3371064bdc57d;

// Token selectors that move or expose the caller's balance. Recipient rules and spending
// policies apply to them. Calldata layouts (the amount is a u256 as two felts, low then high):
//   transfer / approve / increase_allowance / increaseAllowance: (party, amount)
//   transfer_from / transferFrom:                               (sender, party, amount)
// where `party` is the recipient or the spender.
const SEL_TRANSFER: felt252 = // transfer
    0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e;
const SEL_APPROVE: felt252 = // approve
    0x219209e083275171774dab1df80982e9df2096516f06319c5c6d71ae0a8480c;
const SEL_INCREASE_ALLOWANCE: felt252 = // increase_allowance
    0x1d13ab0a76d7407b1d5faccd4b3d8a9efe42f3d3c21766431d4fafb30f45bd4;
const SEL_INCREASE_ALLOWANCE_CAMEL: felt252 = // increaseAllowance
    0x16cc063b8338363cf388ce7fe1df408bf10f16cd51635d392e21d852fafb683;
const SEL_TRANSFER_FROM: felt252 = // transfer_from
    0x3704ffe8fba161be0e994951751a5033b1462b918ff785c0a636be718dfdb68;
const SEL_TRANSFER_FROM_CAMEL: felt252 = // transferFrom
    0x41b033f4a31df8067c24d1e9b550a2ce75fd4a29e1147af9752174f0e6cb20;

// SNIP-12 revision 1 type hashes (Poseidon flavour) for SNIP-9 v2, as in v1.
const STARKNET_DOMAIN_TYPE_HASH: felt252 =
    0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210;
const OUTSIDE_EXECUTION_TYPE_HASH: felt252 =
    0x312b56c05a7965066ddbda31c016d8d05afc305071c0ca3cdc2192c3c2f1f0f;
const CALL_TYPE_HASH: felt252 = 0x3635c7f2a7ba93844c0d064e18e487f35ab90f7c39d00f186a781fc3f0c2ca9;

// First element of the message a session key signs (short string 'Sesame.session.v2'):
//   poseidon_hash_span([SESSION_V2_TAG, outside_execution_hash, valid_until]).
const SESSION_V2_TAG: felt252 = 0x536573616d652e73657373696f6e2e7632;

// Slots in each (session key, token) spend log. A spend needs a free slot: one whose spend
// has left the window. Spends in the same block share the newest slot.
const SPEND_LOG_SIZE: u32 = 32;

#[derive(Drop, Serde)]
struct OutsideExecution {
    caller: ContractAddress,
    nonce: felt252,
    execute_after: u64,
    execute_before: u64,
    calls: Span<Call>,
}

// One (contract, entrypoint) pair a scoped session may call.
#[derive(Copy, Drop, Serde)]
struct SessionCall {
    to: ContractAddress,
    selector: felt252,
}

// The corelib of 2.1 only implements Drop / Serde for tuples of up to four elements;
// get_spending_policy returns five values, flattened in order as a 5-tuple always is.
impl SpendingPolicyTupleDrop of Drop<(u256, u256, u64, u256, u64)>;
impl SpendingPolicyTupleSerde of Serde<(u256, u256, u64, u256, u64)> {
    fn serialize(self: @(u256, u256, u64, u256, u64), ref output: Array<felt252>) {
        let (max_per_call, max_per_window, window_seconds, spent, window_start) = self;
        max_per_call.serialize(ref output);
        max_per_window.serialize(ref output);
        window_seconds.serialize(ref output);
        spent.serialize(ref output);
        window_start.serialize(ref output);
    }
    fn deserialize(ref serialized: Span<felt252>) -> Option<(u256, u256, u64, u256, u64)> {
        let max_per_call: u256 = Serde::deserialize(ref serialized)?;
        let max_per_window: u256 = Serde::deserialize(ref serialized)?;
        let window_seconds: u64 = Serde::deserialize(ref serialized)?;
        let spent: u256 = Serde::deserialize(ref serialized)?;
        let window_start: u64 = Serde::deserialize(ref serialized)?;
        Option::Some((max_per_call, max_per_window, window_seconds, spent, window_start))
    }
}

#[starknet::interface]
trait ISRC6<TContractState> {
    fn __validate__(self: @TContractState, calls: Array<Call>) -> felt252;
    fn __execute__(ref self: TContractState, calls: Array<Call>) -> Array<Span<felt252>>;
    fn is_valid_signature(
        self: @TContractState, hash: felt252, signature: Array<felt252>
    ) -> felt252;
}

#[starknet::interface]
trait IAccountAdmin<TContractState> {
    fn __validate_declare__(self: @TContractState, class_hash: felt252) -> felt252;
    fn __validate_deploy__(
        self: @TContractState, class_hash: felt252, contract_address_salt: felt252, public_key: felt252
    ) -> felt252;
    fn get_public_key(self: @TContractState) -> felt252;
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
    fn supports_interface(self: @TContractState, interface_id: felt252) -> bool;
}

// The CHIPI / SNIP-163 entrypoints, with v1's calldata.
#[starknet::interface]
trait ISessionKeys<TContractState> {
    fn add_or_update_session_key(
        ref self: TContractState,
        session_key: felt252,
        valid_until: u64,
        max_calls: u32,
        allowed_entrypoints: Array<felt252>
    );
    fn revoke_session_key(ref self: TContractState, session_key: felt252);
    fn get_session_data(
        self: @TContractState, session_key: felt252
    ) -> (bool, u64, u32, Array<felt252>);
    fn set_spending_policy(
        ref self: TContractState,
        session_key: felt252,
        token: ContractAddress,
        max_per_call: u256,
        max_per_window: u256,
        window_seconds: u64
    );
    fn get_spending_policy(
        self: @TContractState, session_key: felt252, token: ContractAddress
    ) -> (u256, u256, u64, u256, u64);
    fn remove_spending_policy(ref self: TContractState, session_key: felt252, token: ContractAddress);
}

// The v2 session interface (ISESSION_KEYS_V2_ID).
#[starknet::interface]
trait ISessionKeysV2<TContractState> {
    fn add_or_update_session_key_scoped(
        ref self: TContractState,
        session_key: felt252,
        valid_until: u64,
        max_calls: u32,
        allowed_calls: Array<SessionCall>
    );
    fn get_session_scope(self: @TContractState, session_key: felt252) -> Array<SessionCall>;
    fn set_session_recipients(
        ref self: TContractState,
        session_key: felt252,
        token: ContractAddress,
        recipients: Array<ContractAddress>
    );
    fn get_session_recipients(
        self: @TContractState, session_key: felt252, token: ContractAddress
    ) -> Array<ContractAddress>;
    fn revoke_all_session_keys(ref self: TContractState);
    fn set_public_key(ref self: TContractState, new_public_key: felt252, signature: Array<felt252>);
    fn get_session_status(self: @TContractState, session_key: felt252) -> felt252;
}

#[starknet::interface]
trait IOutsideExecutionV2<TContractState> {
    fn execute_from_outside_v2(
        ref self: TContractState, outside_execution: OutsideExecution, signature: Span<felt252>
    ) -> Array<Span<felt252>>;
    fn is_valid_outside_execution_nonce(self: @TContractState, nonce: felt252) -> bool;
}

#[starknet::contract]
mod SessionAccountV2 {
    use array::{ArrayTrait, SpanTrait};
    use box::BoxTrait;
    use option::OptionTrait;
    use traits::{Into, TryInto};
    use zeroable::Zeroable;
    use ecdsa::check_ecdsa_signature;
    use poseidon::poseidon_hash_span;
    use starknet::{
        ContractAddress, ClassHash, account::Call, call_contract_syscall, replace_class_syscall,
        get_block_timestamp, get_caller_address, get_contract_address, get_tx_info
    };
    use super::{OutsideExecution, SessionCall, SpendingPolicyTupleSerde, SpendingPolicyTupleDrop};

    // Names shared with v1 keep their meaning, so an account of the v1 class can upgrade in
    // place. v1's `policy_spent_in_window` / `policy_window_start` are no longer used.
    #[storage]
    struct Storage {
        // The name is load-bearing: starknet-devnet writes the owner key of predeployed
        // accounts straight into this variable, and it must survive a v1 -> v2 upgrade.
        Account_public_key: felt252,
        // Session data, keyed by the session public key (as in v1).
        session_valid_until: LegacyMap<felt252, u64>,
        session_max_calls: LegacyMap<felt252, u32>,
        session_calls_used: LegacyMap<felt252, u32>,
        session_revoked: LegacyMap<felt252, bool>,
        // Allowed selectors: (session_key, index) -> selector, for index < length. For a
        // scoped session, entry i is the selector of scope pair i.
        session_entrypoints: LegacyMap<(felt252, u32), felt252>,
        session_entrypoints_len: LegacyMap<felt252, u32>,
        // Spending policies, keyed by (session_key, token) (as in v1).
        policy_max_per_call: LegacyMap<(felt252, ContractAddress), u256>,
        policy_max_per_window: LegacyMap<(felt252, ContractAddress), u256>,
        policy_window_seconds: LegacyMap<(felt252, ContractAddress), u64>,
        // SNIP-9 nonces already consumed (as in v1).
        outside_nonces: LegacyMap<felt252, bool>,
        // --- v2 ---
        // The account's session epoch. set_public_key and revoke_all_session_keys add one.
        // 0 on a fresh account and right after a v1 -> v2 upgrade.
        session_epoch: u64,
        // session_epoch + 1 at the session's last registration by v2; 0 = never registered
        // by v2 (so every v1 session is dead after the upgrade). A session is live only
        // while this equals session_epoch + 1.
        session_registered_epoch: LegacyMap<felt252, u64>,
        // Scoped session: entry i of the scope is (session_scope_to[i], session_entrypoints[i]).
        session_scoped: LegacyMap<felt252, bool>,
        session_scope_to: LegacyMap<(felt252, u32), ContractAddress>,
        // Recipient / spender allowlists, keyed by (session_key, token); length 0 = no rule.
        recipients_len: LegacyMap<(felt252, ContractAddress), u32>,
        recipients: LegacyMap<(felt252, ContractAddress, u32), ContractAddress>,
        // Spend log per (session_key, token): SPEND_LOG_SIZE slots of (timestamp, amount);
        // amount 0 = free slot. spend_log_next is the slot the next spend goes to (the
        // oldest one once the log has wrapped).
        spend_log_time: LegacyMap<(felt252, ContractAddress, u32), u64>,
        spend_log_amount: LegacyMap<(felt252, ContractAddress, u32), u256>,
        spend_log_next: LegacyMap<(felt252, ContractAddress), u32>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        SessionKeyAdded: SessionKeyAdded,
        SessionKeyRevoked: SessionKeyRevoked,
        SessionScopeSet: SessionScopeSet,
        SessionRecipientsSet: SessionRecipientsSet,
        SpendingPolicySet: SpendingPolicySet,
        SpendingPolicyRemoved: SpendingPolicyRemoved,
        AllSessionKeysRevoked: AllSessionKeysRevoked,
        OwnerKeyRotated: OwnerKeyRotated,
        AccountUpgraded: AccountUpgraded,
    }

    // Emitted by both registration entrypoints (same shape as v1).
    #[derive(Drop, starknet::Event)]
    struct SessionKeyAdded {
        #[key]
        session_key: felt252,
        valid_until: u64,
        max_calls: u32,
    }

    #[derive(Drop, starknet::Event)]
    struct SessionKeyRevoked {
        #[key]
        session_key: felt252,
    }

    // Emitted with SessionKeyAdded by add_or_update_session_key_scoped.
    #[derive(Drop, starknet::Event)]
    struct SessionScopeSet {
        #[key]
        session_key: felt252,
        allowed_calls: Array<SessionCall>,
    }

    // An empty `recipients` removes the rule.
    #[derive(Drop, starknet::Event)]
    struct SessionRecipientsSet {
        #[key]
        session_key: felt252,
        #[key]
        token: ContractAddress,
        recipients: Array<ContractAddress>,
    }

    #[derive(Drop, starknet::Event)]
    struct SpendingPolicySet {
        #[key]
        session_key: felt252,
        #[key]
        token: ContractAddress,
        max_per_call: u256,
        max_per_window: u256,
        window_seconds: u64,
    }

    #[derive(Drop, starknet::Event)]
    struct SpendingPolicyRemoved {
        #[key]
        session_key: felt252,
        #[key]
        token: ContractAddress,
    }

    // `session_epoch` is the new epoch; every session registered before it has ended.
    #[derive(Drop, starknet::Event)]
    struct AllSessionKeysRevoked {
        session_epoch: u64,
    }

    #[derive(Drop, starknet::Event)]
    struct OwnerKeyRotated {
        old_public_key: felt252,
        new_public_key: felt252,
        session_epoch: u64,
    }

    #[derive(Drop, starknet::Event)]
    struct AccountUpgraded {
        class_hash: ClassHash,
    }

    #[constructor]
    fn constructor(ref self: ContractState, public_key: felt252) {
        assert(public_key != 0, 'Account: invalid public key');
        self.Account_public_key.write(public_key);
    }

    #[external(v0)]
    impl SRC6Impl of super::ISRC6<ContractState> {
        // Only the owner signs transactions. A session signature (4 felts) is refused here:
        // a transaction is paid by this account, and a leaked session key must never be able
        // to spend its funds on fees (a reverted transaction pays too). Sessions act through
        // execute_from_outside_v2, where the relayer pays.
        fn __validate__(self: @ContractState, calls: Array<Call>) -> felt252 {
            let tx_info = get_tx_info().unbox();
            assert(tx_info.signature.len() != 4, 'Account: session tx refused');
            self.assert_owner_signature(tx_info.transaction_hash, tx_info.signature);
            starknet::VALIDATED
        }

        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            // Only the protocol (caller 0) may run __execute__, right after __validate__
            // accepted the same transaction (owner-signed); anyone else could skip validation.
            assert(get_caller_address().is_zero(), 'Account: invalid caller');
            self.execute_calls(calls.span())
        }

        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>
        ) -> felt252 {
            // Only the owner signs off-chain messages (SNIP-6): a session could otherwise sign
            // permits or orders whose effects the account never sees. The length test is a
            // separate `if` because indexing a short array would panic, and this must answer
            // 0 for any malformed signature.
            if signature.len() != 2 {
                return 0;
            }
            if self.is_owner_signature(hash, *signature.at(0), *signature.at(1)) {
                starknet::VALIDATED
            } else {
                0
            }
        }
    }

    #[external(v0)]
    impl AccountAdminImpl of super::IAccountAdmin<ContractState> {
        // Declares and account deployments are owner-only: a session never pays for or
        // introduces new code.
        fn __validate_declare__(self: @ContractState, class_hash: felt252) -> felt252 {
            self.assert_owner_tx_signature();
            starknet::VALIDATED
        }

        fn __validate_deploy__(
            self: @ContractState,
            class_hash: felt252,
            contract_address_salt: felt252,
            public_key: felt252
        ) -> felt252 {
            // The constructor has already stored `public_key` when this runs.
            self.assert_owner_tx_signature();
            starknet::VALIDATED
        }

        fn get_public_key(self: @ContractState) -> felt252 {
            self.Account_public_key.read()
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            self.assert_only_self();
            self.emit(Event::AccountUpgraded(AccountUpgraded { class_hash: new_class_hash }));
            replace_class_syscall(new_class_hash).unwrap_syscall();
        }

        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == super::ISRC5_ID
                || interface_id == super::ISRC6_ID
                || interface_id == super::ISNIP9_V2_ID
                || interface_id == super::ISESSION_KEYS_V2_ID
        }
    }

    #[external(v0)]
    impl SessionKeysImpl of super::ISessionKeys<ContractState> {
        // Registers or updates a "broad" session: any contract, limited to the selectors in
        // `allowed_entrypoints` (an empty list allows every non-admin selector). Kept for
        // CHIPI clients; prefer add_or_update_session_key_scoped.
        fn add_or_update_session_key(
            ref self: ContractState,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_entrypoints: Array<felt252>
        ) {
            self.assert_only_self();
            self.assert_registrable(session_key, valid_until);
            // Once scoped, a key stays scoped: a CHIPI client renewing it through this
            // entrypoint must not silently widen it to every contract.
            assert(!self.session_scoped.read(session_key), 'Session: key is scoped');
            self.write_session(session_key, valid_until, max_calls);
            let mut entrypoints = allowed_entrypoints.span();
            let mut index: u32 = 0;
            loop {
                match entrypoints.pop_front() {
                    Option::Some(selector) => {
                        self.session_entrypoints.write((session_key, index), *selector);
                        index += 1;
                    },
                    Option::None => { break; },
                };
            };
            // Entries past the new length are left behind but never read.
            self.session_entrypoints_len.write(session_key, index);
            self.emit(Event::SessionKeyAdded(SessionKeyAdded { session_key, valid_until, max_calls }));
        }

        fn revoke_session_key(ref self: ContractState, session_key: felt252) {
            self.assert_only_self();
            if self.session_valid_until.read(session_key) == 0 {
                // Nothing to revoke (never registered, or already revoked).
                self.panic_unregistered(session_key);
            }
            self.session_valid_until.write(session_key, 0);
            self.session_max_calls.write(session_key, 0);
            self.session_calls_used.write(session_key, 0);
            self.session_entrypoints_len.write(session_key, 0);
            // Kept so clients can tell "revoked" apart from "never registered", and so the
            // key can never be registered again.
            self.session_revoked.write(session_key, true);
            self.emit(Event::SessionKeyRevoked(SessionKeyRevoked { session_key }));
        }

        fn get_session_data(
            self: @ContractState, session_key: felt252
        ) -> (bool, u64, u32, Array<felt252>) {
            let valid_until = self.session_valid_until.read(session_key);
            let max_calls = self.session_max_calls.read(session_key);
            let calls_used = self.session_calls_used.read(session_key);
            let remaining = if calls_used < max_calls {
                max_calls - calls_used
            } else {
                0
            };
            let is_active = valid_until != 0
                && self.is_current_epoch(session_key)
                && get_block_timestamp() < valid_until
                && calls_used < max_calls;
            (is_active, valid_until, remaining, self.read_entrypoints(session_key))
        }

        fn set_spending_policy(
            ref self: ContractState,
            session_key: felt252,
            token: ContractAddress,
            max_per_call: u256,
            max_per_window: u256,
            window_seconds: u64
        ) {
            self.assert_only_self();
            // window_seconds == 0 marks "no policy", so a real policy needs a window.
            assert(window_seconds != 0, 'Policy: invalid window');
            let key = (session_key, token);
            self.policy_max_per_call.write(key, max_per_call);
            self.policy_max_per_window.write(key, max_per_window);
            self.policy_window_seconds.write(key, window_seconds);
            // The spend log is kept: spends already made still count under the new policy.
            self
                .emit(
                    Event::SpendingPolicySet(
                        SpendingPolicySet {
                            session_key, token, max_per_call, max_per_window, window_seconds
                        }
                    )
                );
        }

        // (max_per_call, max_per_window, window_seconds, spent_in_window, window_start):
        // spent_in_window is the sum of the logged spends still inside the window ending now,
        // window_start the time of the oldest of them (0 if none). All zero without a policy.
        fn get_spending_policy(
            self: @ContractState, session_key: felt252, token: ContractAddress
        ) -> (u256, u256, u64, u256, u64) {
            let key = (session_key, token);
            let window_seconds = self.policy_window_seconds.read(key);
            if window_seconds == 0 {
                return (u256 { low: 0, high: 0 }, u256 { low: 0, high: 0 }, 0, u256 { low: 0, high: 0 }, 0);
            }
            let (spent, overflow, oldest) = self
                .window_usage(session_key, token, window_seconds, get_block_timestamp());
            let spent = if overflow {
                u256 { low: 0xffffffffffffffffffffffffffffffff, high: 0xffffffffffffffffffffffffffffffff }
            } else {
                spent
            };
            (
                self.policy_max_per_call.read(key),
                self.policy_max_per_window.read(key),
                window_seconds,
                spent,
                oldest
            )
        }

        fn remove_spending_policy(
            ref self: ContractState, session_key: felt252, token: ContractAddress
        ) {
            self.assert_only_self();
            let key = (session_key, token);
            self.policy_max_per_call.write(key, u256 { low: 0, high: 0 });
            self.policy_max_per_window.write(key, u256 { low: 0, high: 0 });
            self.policy_window_seconds.write(key, 0);
            self.emit(Event::SpendingPolicyRemoved(SpendingPolicyRemoved { session_key, token }));
        }
    }

    #[external(v0)]
    impl SessionKeysV2Impl of super::ISessionKeysV2<ContractState> {
        // Registers or updates a scoped session: it may call exactly the listed (to, selector)
        // pairs and nothing else.
        fn add_or_update_session_key_scoped(
            ref self: ContractState,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_calls: Array<SessionCall>
        ) {
            self.assert_only_self();
            self.assert_registrable(session_key, valid_until);
            assert(allowed_calls.len() != 0, 'Session: empty scope');
            let this = get_contract_address();
            let mut pairs = allowed_calls.span();
            let mut index: u32 = 0;
            loop {
                match pairs.pop_front() {
                    Option::Some(pair) => {
                        let to = *pair.to;
                        let selector = *pair.selector;
                        // Never this account, never contract 0, never an admin selector.
                        assert(
                            !to.is_zero() && to != this && !is_admin_selector(selector),
                            'Session: invalid scope'
                        );
                        self.session_scope_to.write((session_key, index), to);
                        self.session_entrypoints.write((session_key, index), selector);
                        index += 1;
                    },
                    Option::None => { break; },
                };
            };
            self.session_entrypoints_len.write(session_key, index);
            self.session_scoped.write(session_key, true);
            self.write_session(session_key, valid_until, max_calls);
            self.emit(Event::SessionKeyAdded(SessionKeyAdded { session_key, valid_until, max_calls }));
            self.emit(Event::SessionScopeSet(SessionScopeSet { session_key, allowed_calls }));
        }

        // The scope of a scoped session; empty for a broad session or an unknown key.
        fn get_session_scope(self: @ContractState, session_key: felt252) -> Array<SessionCall> {
            let mut scope = ArrayTrait::new();
            if !self.session_scoped.read(session_key) {
                return scope;
            }
            let len = self.session_entrypoints_len.read(session_key);
            let mut index: u32 = 0;
            loop {
                if index == len {
                    break;
                }
                scope
                    .append(
                        SessionCall {
                            to: self.session_scope_to.read((session_key, index)),
                            selector: self.session_entrypoints.read((session_key, index)),
                        }
                    );
                index += 1;
            };
            scope
        }

        fn set_session_recipients(
            ref self: ContractState,
            session_key: felt252,
            token: ContractAddress,
            recipients: Array<ContractAddress>
        ) {
            self.assert_only_self();
            let mut remaining = recipients.span();
            let mut index: u32 = 0;
            loop {
                match remaining.pop_front() {
                    Option::Some(recipient) => {
                        self.recipients.write((session_key, token, index), *recipient);
                        index += 1;
                    },
                    Option::None => { break; },
                };
            };
            self.recipients_len.write((session_key, token), index);
            self
                .emit(
                    Event::SessionRecipientsSet(
                        SessionRecipientsSet { session_key, token, recipients }
                    )
                );
        }

        fn get_session_recipients(
            self: @ContractState, session_key: felt252, token: ContractAddress
        ) -> Array<ContractAddress> {
            let len = self.recipients_len.read((session_key, token));
            let mut list = ArrayTrait::new();
            let mut index: u32 = 0;
            loop {
                if index == len {
                    break;
                }
                list.append(self.recipients.read((session_key, token, index)));
                index += 1;
            };
            list
        }

        // Ends every session registered so far, in O(1): the epoch moves on.
        fn revoke_all_session_keys(ref self: ContractState) {
            self.assert_only_self();
            let epoch = self.session_epoch.read() + 1;
            self.session_epoch.write(epoch);
            self.emit(Event::AllSessionKeysRevoked(AllSessionKeysRevoked { session_epoch: epoch }));
        }

        // Rotates the owner key. `signature` is [r, s] by the NEW key over
        //   poseidon_hash_span(['StarkNet Message', 'accept_ownership', this account, current key])
        // so a typo or a key nobody holds cannot lock the account. Ends every session.
        fn set_public_key(
            ref self: ContractState, new_public_key: felt252, signature: Array<felt252>
        ) {
            self.assert_only_self();
            assert(new_public_key != 0, 'Account: invalid public key');
            assert(signature.len() == 2, 'Account: invalid key proof');
            let old_public_key = self.Account_public_key.read();
            let mut message = ArrayTrait::new();
            message.append('StarkNet Message');
            message.append('accept_ownership');
            message.append(get_contract_address().into());
            message.append(old_public_key);
            let hash = poseidon_hash_span(message.span());
            assert(
                check_ecdsa_signature(hash, new_public_key, *signature.at(0), *signature.at(1)),
                'Account: invalid key proof'
            );
            self.Account_public_key.write(new_public_key);
            let epoch = self.session_epoch.read() + 1;
            self.session_epoch.write(epoch);
            self
                .emit(
                    Event::OwnerKeyRotated(
                        OwnerKeyRotated { old_public_key, new_public_key, session_epoch: epoch }
                    )
                );
        }

        // 'none' | 'active' | 'expired' | 'exhausted' | 'revoked'. 'revoked' covers a key
        // revoked by revoke_session_key and one ended by revoke_all_session_keys, a key
        // rotation or the v1 -> v2 upgrade.
        fn get_session_status(self: @ContractState, session_key: felt252) -> felt252 {
            if self.session_revoked.read(session_key) {
                return 'revoked';
            }
            let valid_until = self.session_valid_until.read(session_key);
            if valid_until == 0 {
                return 'none';
            }
            if !self.is_current_epoch(session_key) {
                return 'revoked';
            }
            if get_block_timestamp() >= valid_until {
                return 'expired';
            }
            if self.session_calls_used.read(session_key) >= self.session_max_calls.read(session_key) {
                return 'exhausted';
            }
            'active'
        }
    }

    #[external(v0)]
    impl OutsideExecutionV2Impl of super::IOutsideExecutionV2<ContractState> {
        fn execute_from_outside_v2(
            ref self: ContractState, outside_execution: OutsideExecution, signature: Span<felt252>
        ) -> Array<Span<felt252>> {
            let caller: felt252 = outside_execution.caller.into();
            if caller != 'ANY_CALLER' {
                assert(get_caller_address() == outside_execution.caller, 'SNIP9: invalid caller');
            }
            let now = get_block_timestamp();
            assert(now > outside_execution.execute_after, 'SNIP9: now <= execute_after');
            assert(now < outside_execution.execute_before, 'SNIP9: now >= execute_before');
            let nonce = outside_execution.nonce;
            assert(!self.outside_nonces.read(nonce), 'SNIP9: duplicate nonce');
            // Marked before the calls run, so a call cannot re-enter with the same message.
            self.outside_nonces.write(nonce, true);

            let hash = self.outside_execution_hash(@outside_execution);
            let calls = outside_execution.calls;
            if signature.len() == 2 {
                assert(
                    self.is_owner_signature(hash, *signature.at(0), *signature.at(1)),
                    'SNIP9: invalid signature'
                );
            } else if signature.len() == 4 {
                let session_key = *signature.at(0);
                let sig_valid_until = *signature.at(3);
                self.assert_session_state(session_key, sig_valid_until);
                self.assert_session_calls(session_key, calls);
                let message = session_message_hash(hash, sig_valid_until);
                assert(
                    check_ecdsa_signature(message, session_key, *signature.at(1), *signature.at(2)),
                    'Session: invalid signature'
                );
                self.consume_session(session_key, calls);
            } else {
                panic_with_felt252('Account: invalid sig length');
            }
            self.execute_calls(calls)
        }

        fn is_valid_outside_execution_nonce(self: @ContractState, nonce: felt252) -> bool {
            !self.outside_nonces.read(nonce)
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_only_self(self: @ContractState) {
            assert(get_caller_address() == get_contract_address(), 'Account: unauthorized');
        }

        fn is_owner_signature(self: @ContractState, hash: felt252, r: felt252, s: felt252) -> bool {
            check_ecdsa_signature(hash, self.Account_public_key.read(), r, s)
        }

        fn assert_owner_signature(self: @ContractState, hash: felt252, signature: Span<felt252>) {
            assert(signature.len() == 2, 'Account: invalid sig length');
            assert(
                self.is_owner_signature(hash, *signature.at(0), *signature.at(1)),
                'Account: invalid signature'
            );
        }

        fn assert_owner_tx_signature(self: @ContractState) {
            let tx_info = get_tx_info().unbox();
            self.assert_owner_signature(tx_info.transaction_hash, tx_info.signature);
        }

        // The epoch a session must carry to be live.
        fn live_epoch(self: @ContractState) -> u64 {
            self.session_epoch.read() + 1
        }

        fn is_current_epoch(self: @ContractState, session_key: felt252) -> bool {
            self.session_registered_epoch.read(session_key) == self.live_epoch()
        }

        // Registration preconditions shared by both registration entrypoints. A key that has
        // ended - revoked, or registered before the current epoch (revoke-all, key rotation,
        // or a v1 session after the upgrade) - can never be registered again: an outside
        // execution it signed before could otherwise come back to life.
        fn assert_registrable(self: @ContractState, session_key: felt252, valid_until: u64) {
            // valid_until == 0 is the "not registered / revoked" marker, so it cannot be a
            // real expiry; key 0 can never produce a valid signature.
            assert(
                session_key != 0 && valid_until > get_block_timestamp(), 'Session: invalid params'
            );
            assert(!self.session_revoked.read(session_key), 'Session: key retired');
            if self.session_valid_until.read(session_key) != 0 {
                assert(self.is_current_epoch(session_key), 'Session: key retired');
            }
        }

        // Writes the session record of a (re-)registration; calls_used starts again at 0.
        fn write_session(ref self: ContractState, session_key: felt252, valid_until: u64, max_calls: u32) {
            self.session_valid_until.write(session_key, valid_until);
            self.session_max_calls.write(session_key, max_calls);
            self.session_calls_used.write(session_key, 0);
            let epoch = self.live_epoch();
            self.session_registered_epoch.write(session_key, epoch);
        }

        fn panic_unregistered(self: @ContractState, session_key: felt252) {
            if self.session_revoked.read(session_key) {
                panic_with_felt252('Session: revoked');
            }
            panic_with_felt252('Session: not registered');
        }

        // Session rules 1-6: everything that depends on time and stored state.
        // `sig_valid_until` stays a felt252 so that an out-of-range value in a signature
        // fails with a session error instead of a conversion panic.
        fn assert_session_state(self: @ContractState, session_key: felt252, sig_valid_until: felt252) {
            let now = get_block_timestamp();
            let sig_until: u256 = sig_valid_until.into();
            assert(sig_until > now.into(), 'Session: expired');
            let valid_until = self.session_valid_until.read(session_key);
            if valid_until == 0 {
                self.panic_unregistered(session_key);
            }
            assert(self.is_current_epoch(session_key), 'Session: epoch ended');
            assert(sig_valid_until == valid_until.into(), 'Session: valid_until mismatch');
            assert(valid_until > now, 'Session: expired');
            assert(
                self.session_calls_used.read(session_key) < self.session_max_calls.read(session_key),
                'Session: max calls exceeded'
            );
        }

        // Session rules 7-10: what the signed calls may do. Each rule is applied to every
        // call before the next rule, so the reported reason follows the rule order. No writes.
        fn assert_session_calls(self: @ContractState, session_key: felt252, calls: Span<Call>) {
            // 7. No admin selector, on any contract.
            let mut to_check = calls;
            loop {
                match to_check.pop_front() {
                    Option::Some(call) => {
                        assert(!is_admin_selector(*call.selector), 'Session: admin selector');
                    },
                    Option::None => { break; },
                };
            };

            // 8. Never this account: every entrypoint of it is either admin or useless to a
            // session, and a self-call would run with the account's own authority.
            let this = get_contract_address();
            let mut to_check = calls;
            loop {
                match to_check.pop_front() {
                    Option::Some(call) => {
                        assert(*call.to != this, 'Session: self-call blocked');
                    },
                    Option::None => { break; },
                };
            };

            // 9. The scope (exact pairs), or for a broad session its selector allowlist.
            let mut to_check = calls;
            if self.session_scoped.read(session_key) {
                let scope = self.read_scope(session_key);
                loop {
                    match to_check.pop_front() {
                        Option::Some(call) => {
                            assert(
                                scope_contains(scope, *call.to, *call.selector),
                                'Session: call not in scope'
                            );
                        },
                        Option::None => { break; },
                    };
                };
            } else {
                let allowed = self.read_entrypoints(session_key).span();
                if allowed.len() != 0 {
                    loop {
                        match to_check.pop_front() {
                            Option::Some(call) => {
                                assert(
                                    contains(allowed, *call.selector),
                                    'Session: selector not allowed'
                                );
                            },
                            Option::None => { break; },
                        };
                    };
                }
            }

            // 10. Recipient rules: a token with a recipient list for this session only takes
            // transfers and approvals to a listed address.
            let mut to_check = calls;
            loop {
                match to_check.pop_front() {
                    Option::Some(call) => {
                        self.assert_recipient_allowed(session_key, call);
                    },
                    Option::None => { break; },
                };
            };
        }

        fn assert_recipient_allowed(self: @ContractState, session_key: felt252, call: @Call) {
            let token = *call.to;
            let len = self.recipients_len.read((session_key, token));
            if len == 0 {
                return;
            }
            let party_index = match spend_party_index(*call.selector) {
                Option::Some(index) => index,
                Option::None => { return; },
            };
            let calldata = call.calldata.span();
            assert(calldata.len() > party_index, 'Policy: bad calldata');
            let party = *calldata.at(party_index);
            let mut index: u32 = 0;
            let found = loop {
                if index == len {
                    break false;
                }
                let listed: felt252 = self.recipients.read((session_key, token, index)).into();
                if listed == party {
                    break true;
                }
                index += 1;
            };
            assert(found, 'Session: recipient not allowed');
        }

        // State changes of a session-signed execution: one use per execution (whatever the
        // number of calls), then the spending caps, which may still revert.
        fn consume_session(ref self: ContractState, session_key: felt252, calls: Span<Call>) {
            // Cannot overflow: the rules above guarantee calls_used < max_calls.
            let used = self.session_calls_used.read(session_key);
            self.session_calls_used.write(session_key, used + 1);

            let now = get_block_timestamp();
            let mut remaining = calls;
            loop {
                match remaining.pop_front() {
                    Option::Some(call) => {
                        let token = *call.to;
                        let window_seconds = self.policy_window_seconds.read((session_key, token));
                        if window_seconds != 0 {
                            match spend_party_index(*call.selector) {
                                Option::Some(party_index) => {
                                    let amount = read_amount(call.calldata.span(), party_index + 1);
                                    self.spend(session_key, token, amount, window_seconds, now);
                                },
                                Option::None => {},
                            };
                        }
                    },
                    Option::None => { break; },
                };
            };
        }

        // Meters one spend against the (session_key, token) policy and records it.
        //
        // Guarantee: with a policy left unchanged, the spends accepted at times in any
        // interval (t - window_seconds, t] sum to at most max_per_window. Proof sketch: take
        // the last spend in the interval, at time t_s <= t. Every earlier spend of the
        // interval lies in (t_s - window_seconds, t_s], so it was still live at t_s and had
        // not been overwritten (only dead slots are reused, and block time never goes back),
        // so the check at t_s summed it.
        fn spend(
            ref self: ContractState,
            session_key: felt252,
            token: ContractAddress,
            amount: u256,
            window_seconds: u64,
            now: u64
        ) {
            let key = (session_key, token);
            assert(amount <= self.policy_max_per_call.read(key), 'Policy: exceeds per-call cap');
            if amount.low == 0 && amount.high == 0 {
                // Changes no sum; not logged, so it cannot fill the log either.
                return;
            }
            let (spent, overflow, _oldest) = self.window_usage(session_key, token, window_seconds, now);
            let (total, overflow_add) = integer::u256_overflowing_add(spent, amount);
            assert(
                !overflow && !overflow_add && total <= self.policy_max_per_window.read(key),
                'Policy: exceeds window cap'
            );

            // Record it. A spend in the same block as the newest entry joins that entry.
            let next = self.spend_log_next.read(key);
            let newest = if next == 0 {
                super::SPEND_LOG_SIZE - 1
            } else {
                next - 1
            };
            let newest_slot = (session_key, token, newest);
            let newest_amount = self.spend_log_amount.read(newest_slot);
            if !(newest_amount.low == 0 && newest_amount.high == 0)
                && self.spend_log_time.read(newest_slot) == now {
                // Cannot overflow: newest_amount is live, so it is part of `total`.
                self.spend_log_amount.write(newest_slot, newest_amount + amount);
                return;
            }
            let slot = (session_key, token, next);
            let slot_amount = self.spend_log_amount.read(slot);
            assert(
                (slot_amount.low == 0 && slot_amount.high == 0)
                    || !is_live(self.spend_log_time.read(slot), window_seconds, now),
                'Policy: window log full'
            );
            self.spend_log_time.write(slot, now);
            self.spend_log_amount.write(slot, amount);
            let following = if next + 1 >= super::SPEND_LOG_SIZE {
                0
            } else {
                next + 1
            };
            self.spend_log_next.write(key, following);
        }

        // Sum of the logged spends live at `now` (time in (now - window_seconds, now], or
        // later), whether that sum overflowed u256, and the oldest live time (0 if none).
        fn window_usage(
            self: @ContractState,
            session_key: felt252,
            token: ContractAddress,
            window_seconds: u64,
            now: u64
        ) -> (u256, bool, u64) {
            let mut total = u256 { low: 0, high: 0 };
            let mut overflow = false;
            let mut oldest: u64 = 0;
            let mut index: u32 = 0;
            loop {
                if index == super::SPEND_LOG_SIZE {
                    break;
                }
                let slot = (session_key, token, index);
                let amount = self.spend_log_amount.read(slot);
                if !(amount.low == 0 && amount.high == 0) {
                    let time = self.spend_log_time.read(slot);
                    if is_live(time, window_seconds, now) {
                        let (sum, carry) = integer::u256_overflowing_add(total, amount);
                        total = sum;
                        if carry {
                            overflow = true;
                        }
                        if oldest == 0 || time < oldest {
                            oldest = time;
                        }
                    }
                }
                index += 1;
            };
            (total, overflow, oldest)
        }

        fn read_entrypoints(self: @ContractState, session_key: felt252) -> Array<felt252> {
            let len = self.session_entrypoints_len.read(session_key);
            let mut entrypoints = ArrayTrait::new();
            let mut index: u32 = 0;
            loop {
                if index == len {
                    break;
                }
                entrypoints.append(self.session_entrypoints.read((session_key, index)));
                index += 1;
            };
            entrypoints
        }

        fn read_scope(self: @ContractState, session_key: felt252) -> Span<SessionCall> {
            let len = self.session_entrypoints_len.read(session_key);
            let mut scope = ArrayTrait::new();
            let mut index: u32 = 0;
            loop {
                if index == len {
                    break;
                }
                scope
                    .append(
                        SessionCall {
                            to: self.session_scope_to.read((session_key, index)),
                            selector: self.session_entrypoints.read((session_key, index)),
                        }
                    );
                index += 1;
            };
            scope.span()
        }

        // SNIP-12 revision 1 message hash of an OutsideExecution, bound to this account and
        // chain so a signature cannot be replayed on another account or network.
        fn outside_execution_hash(
            self: @ContractState, outside_execution: @OutsideExecution
        ) -> felt252 {
            let mut call_hashes = ArrayTrait::new();
            let mut calls = *outside_execution.calls;
            loop {
                match calls.pop_front() {
                    Option::Some(call) => {
                        let mut fields = ArrayTrait::new();
                        fields.append(super::CALL_TYPE_HASH);
                        fields.append((*call.to).into());
                        fields.append(*call.selector);
                        fields.append(poseidon_hash_span(call.calldata.span()));
                        call_hashes.append(poseidon_hash_span(fields.span()));
                    },
                    Option::None => { break; },
                };
            };

            let mut fields = ArrayTrait::new();
            fields.append(super::OUTSIDE_EXECUTION_TYPE_HASH);
            fields.append((*outside_execution.caller).into());
            fields.append(*outside_execution.nonce);
            fields.append((*outside_execution.execute_after).into());
            fields.append((*outside_execution.execute_before).into());
            fields.append(poseidon_hash_span(call_hashes.span()));
            let struct_hash = poseidon_hash_span(fields.span());

            // Domain {name, version: 2, chainId, revision: 1}; starknet.js encodes the
            // numeric strings "2" and "1" as plain felts, not as short strings.
            let mut domain = ArrayTrait::new();
            domain.append(super::STARKNET_DOMAIN_TYPE_HASH);
            domain.append('Account.execute_from_outside');
            domain.append(2);
            domain.append(get_tx_info().unbox().chain_id);
            domain.append(1);

            let mut message = ArrayTrait::new();
            message.append('StarkNet Message');
            message.append(poseidon_hash_span(domain.span()));
            message.append(get_contract_address().into());
            message.append(struct_hash);
            poseidon_hash_span(message.span())
        }

        fn execute_calls(ref self: ContractState, calls: Span<Call>) -> Array<Span<felt252>> {
            let mut results = ArrayTrait::new();
            let mut remaining = calls;
            loop {
                match remaining.pop_front() {
                    Option::Some(call) => {
                        // A failing call reverts the whole execution with its revert data.
                        let result = call_contract_syscall(
                            *call.to, *call.selector, call.calldata.span()
                        )
                            .unwrap_syscall();
                        results.append(result);
                    },
                    Option::None => { break; },
                };
            };
            results
        }
    }

    // What a session key signs: the outside-execution hash bound to the valid_until it
    // claims, so a signature made for one registration of the key is useless for another.
    fn session_message_hash(outside_execution_hash: felt252, valid_until: felt252) -> felt252 {
        let mut message = ArrayTrait::new();
        message.append(super::SESSION_V2_TAG);
        message.append(outside_execution_hash);
        message.append(valid_until);
        poseidon_hash_span(message.span())
    }

    fn is_admin_selector(selector: felt252) -> bool {
        selector == super::SEL_ADD_OR_UPDATE_SESSION_KEY
            || selector == super::SEL_ADD_OR_UPDATE_SESSION_KEY_SCOPED
            || selector == super::SEL_REVOKE_SESSION_KEY
            || selector == super::SEL_REVOKE_ALL_SESSION_KEYS
            || selector == super::SEL_SET_SESSION_RECIPIENTS
            || selector == super::SEL_SET_SPENDING_POLICY
            || selector == super::SEL_REMOVE_SPENDING_POLICY
            || selector == super::SEL_UPGRADE
            || selector == super::SEL_SET_PUBLIC_KEY
            || selector == super::SEL_SET_PUBLIC_KEY_CAMEL
            || selector == super::SEL_EXECUTE
            || selector == super::SEL_EXECUTE_FROM_OUTSIDE
            || selector == super::SEL_EXECUTE_FROM_OUTSIDE_V2
    }

    // For a token selector that moves or exposes the caller's balance, the calldata index of
    // the recipient / spender; the amount (u256) follows it. None for any other selector.
    fn spend_party_index(selector: felt252) -> Option<usize> {
        if selector == super::SEL_TRANSFER
            || selector == super::SEL_APPROVE
            || selector == super::SEL_INCREASE_ALLOWANCE
            || selector == super::SEL_INCREASE_ALLOWANCE_CAMEL {
            Option::Some(0)
        } else if selector == super::SEL_TRANSFER_FROM || selector == super::SEL_TRANSFER_FROM_CAMEL {
            Option::Some(1)
        } else {
            Option::None
        }
    }

    fn is_live(time: u64, window_seconds: u64, now: u64) -> bool {
        // Summed in u128 so a huge window cannot overflow u64 and panic.
        let end: u128 = time.into() + window_seconds.into();
        end > now.into()
    }

    fn contains(mut haystack: Span<felt252>, needle: felt252) -> bool {
        loop {
            match haystack.pop_front() {
                Option::Some(item) => {
                    if *item == needle {
                        break true;
                    }
                },
                Option::None => { break false; },
            };
        }
    }

    fn scope_contains(mut scope: Span<SessionCall>, to: ContractAddress, selector: felt252) -> bool {
        loop {
            match scope.pop_front() {
                Option::Some(pair) => {
                    if *pair.to == to && *pair.selector == selector {
                        break true;
                    }
                },
                Option::None => { break false; },
            };
        }
    }

    // The u256 amount at calldata[index] (low) and calldata[index + 1] (high). Halves that
    // do not fit in u128 are malformed, not zero.
    fn read_amount(calldata: Span<felt252>, index: usize) -> u256 {
        assert(calldata.len() >= index + 2, 'Policy: bad calldata');
        let low: Option<u128> = (*calldata.at(index)).try_into();
        let high: Option<u128> = (*calldata.at(index + 1)).try_into();
        assert(low.is_some() && high.is_some(), 'Policy: bad calldata');
        u256 { low: low.unwrap(), high: high.unwrap() }
    }
}
