// Sesame session account (Cairo 2.1).
//
// An SRC-6 account owned by one Stark key, plus CHIPI / SNIP-163 style session keys:
// short-lived keys that may sign transactions and SNIP-9 v2 outside executions within
// limits the owner set on-chain (expiry, number of transactions, allowed selectors,
// per-token spending caps). Written for Cairo 2.1 (the compiler bundled with cairo-lang
// 0.12.3): no components, no `selector!`, no `for`, so loops are `loop` + `pop_front`
// and every selector / type hash is a literal constant.

use array::{ArrayTrait, SpanTrait};
use option::OptionTrait;
use serde::Serde;
use starknet::{ContractAddress, ClassHash, account::Call};

// SRC-5 interface ids.
const ISRC5_ID: felt252 = 0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055;
const ISRC6_ID: felt252 = 0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd;
const ISNIP9_V2_ID: felt252 = 0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872;

// Selectors a session may never call, on any contract: sn_keccak(name), i.e. keccak256 of
// the ASCII name masked to the low 250 bits. Blocking them everywhere (not only on this
// account) keeps a session from administering this or any other account it could reach.
const SEL_ADD_OR_UPDATE_SESSION_KEY: felt252 = // add_or_update_session_key
    0x27d4f8b711f8a318b18cac75c0b7c9941844dbbece6f62ca10111055acb64c1;
const SEL_REVOKE_SESSION_KEY: felt252 = // revoke_session_key
    0x32d4c11046940bbba0d48557b365ca002c6adc3f58d28671c8b7542ab7d60e9;
const SEL_UPGRADE: felt252 = // upgrade
    0xf2f7c15cbe06c8d94597cd91fd7f3369eae842359235712def5584f8d270cd;
const SEL_SET_PUBLIC_KEY: felt252 = // set_public_key
    0x2e3e21ff5952b2531241e37999d9c4c8b3034cccc89a202a6bf019bdf5294f9;
const SEL_SET_PUBLIC_KEY_CAMEL: felt252 = // setPublicKey
    0xbc0eb87884ab91e330445c3584a50d7ddf4b568f02fbeb456a6242cce3f5d9;
const SEL_EXECUTE: felt252 = // __execute__
    0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad;
const SEL_EXECUTE_FROM_OUTSIDE_V2: felt252 = // execute_from_outside_v2
    0x34cc13b274446654ca3233ed2c1620d4c5d1d32fd20b47146a3371064bdc57d;
const SEL_SET_SPENDING_POLICY: felt252 = // set_spending_policy
    0x27b6399a529753e66438fe0341234566c390277e9c20b0f556016eb33bb698;
const SEL_REMOVE_SPENDING_POLICY: felt252 = // remove_spending_policy
    0x28dac008d849601a4f136c3a869aa4dcb43907ea63ab552ecddfd2281144040;

// Token selectors whose calldata starts with (address, amount: u256): spending policies
// meter them.
const SEL_TRANSFER: felt252 = // transfer
    0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e;
const SEL_APPROVE: felt252 = // approve
    0x219209e083275171774dab1df80982e9df2096516f06319c5c6d71ae0a8480c;
const SEL_INCREASE_ALLOWANCE: felt252 = // increase_allowance
    0x1d13ab0a76d7407b1d5faccd4b3d8a9efe42f3d3c21766431d4fafb30f45bd4;
const SEL_INCREASE_ALLOWANCE_CAMEL: felt252 = // increaseAllowance
    0x16cc063b8338363cf388ce7fe1df408bf10f16cd51635d392e21d852fafb683;

// SNIP-12 revision 1 type hashes (Poseidon flavour) for SNIP-9 v2. Cairo 2.1 cannot
// compute them at compile time, so they are literals (checked against starknet.js).
const STARKNET_DOMAIN_TYPE_HASH: felt252 =
    0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210;
const OUTSIDE_EXECUTION_TYPE_HASH: felt252 =
    0x312b56c05a7965066ddbda31c016d8d05afc305071c0ca3cdc2192c3c2f1f0f;
const CALL_TYPE_HASH: felt252 = 0x3635c7f2a7ba93844c0d064e18e487f35ab90f7c39d00f186a781fc3f0c2ca9;

#[derive(Drop, Serde)]
struct OutsideExecution {
    caller: ContractAddress,
    nonce: felt252,
    execute_after: u64,
    execute_before: u64,
    calls: Span<Call>,
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
    fn set_public_key(ref self: TContractState, new_public_key: felt252);
    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);
    fn supports_interface(self: @TContractState, interface_id: felt252) -> bool;
}

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

#[starknet::interface]
trait IOutsideExecutionV2<TContractState> {
    fn execute_from_outside_v2(
        ref self: TContractState, outside_execution: OutsideExecution, signature: Span<felt252>
    ) -> Array<Span<felt252>>;
    fn is_valid_outside_execution_nonce(self: @TContractState, nonce: felt252) -> bool;
}

#[starknet::contract]
mod SessionAccount {
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
    use super::{OutsideExecution, SpendingPolicyTupleSerde, SpendingPolicyTupleDrop};

    #[storage]
    struct Storage {
        // The name is load-bearing: starknet-devnet writes the owner key of predeployed
        // accounts straight into this variable.
        Account_public_key: felt252,
        // Session data, keyed by the session public key.
        session_valid_until: LegacyMap<felt252, u64>,
        session_max_calls: LegacyMap<felt252, u32>,
        session_calls_used: LegacyMap<felt252, u32>,
        session_revoked: LegacyMap<felt252, bool>,
        // Allowed selectors: (session_key, index) -> selector, for index < length.
        session_entrypoints: LegacyMap<(felt252, u32), felt252>,
        session_entrypoints_len: LegacyMap<felt252, u32>,
        // Spending policies, keyed by (session_key, token).
        policy_max_per_call: LegacyMap<(felt252, ContractAddress), u256>,
        policy_max_per_window: LegacyMap<(felt252, ContractAddress), u256>,
        policy_window_seconds: LegacyMap<(felt252, ContractAddress), u64>,
        policy_spent_in_window: LegacyMap<(felt252, ContractAddress), u256>,
        policy_window_start: LegacyMap<(felt252, ContractAddress), u64>,
        // SNIP-9 nonces already consumed.
        outside_nonces: LegacyMap<felt252, bool>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        SessionKeyAdded: SessionKeyAdded,
        SessionKeyRevoked: SessionKeyRevoked,
    }

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

    #[constructor]
    fn constructor(ref self: ContractState, public_key: felt252) {
        self.Account_public_key.write(public_key);
    }

    #[external(v0)]
    impl SRC6Impl of super::ISRC6<ContractState> {
        // `self` is a snapshot here on purpose: validation must not write storage, and the
        // compiler then guarantees it. Session consumption happens in __execute__.
        fn __validate__(self: @ContractState, calls: Array<Call>) -> felt252 {
            let tx_info = get_tx_info().unbox();
            let signature = tx_info.signature;
            let hash = tx_info.transaction_hash;
            if signature.len() == 4 {
                self
                    .assert_valid_session(
                        *signature.at(0),
                        *signature.at(3),
                        calls.span(),
                        hash,
                        *signature.at(1),
                        *signature.at(2)
                    );
            } else {
                self.assert_owner_signature(hash, signature);
            }
            starknet::VALIDATED
        }

        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            // Only the protocol (caller 0) may run __execute__, right after __validate__
            // accepted the same transaction; anyone else could skip validation.
            assert(get_caller_address().is_zero(), 'Account: invalid caller');
            let signature = get_tx_info().unbox().signature;
            if signature.len() == 4 {
                // Validation saw a block timestamp rounded down (validate mode), so expiry
                // and the call budget are checked again with the exact time before anything
                // is spent. Rules 6-9 depend only on the signed calls and cannot change.
                let session_key = *signature.at(0);
                self.assert_session_state(session_key, *signature.at(3));
                self.consume_session(session_key, calls.span());
            }
            self.execute_calls(calls.span())
        }

        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>
        ) -> felt252 {
            // Only the owner signs off-chain messages (SNIP-6); session keys are scoped to
            // transactions whose calls the contract can inspect. The length test is a
            // separate `if` because indexing a short array would panic, and this must
            // answer 0 for any malformed signature.
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

        fn set_public_key(ref self: ContractState, new_public_key: felt252) {
            self.assert_only_self();
            self.Account_public_key.write(new_public_key);
        }

        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            self.assert_only_self();
            replace_class_syscall(new_class_hash).unwrap_syscall();
        }

        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == super::ISRC5_ID
                || interface_id == super::ISRC6_ID
                || interface_id == super::ISNIP9_V2_ID
        }
    }

    #[external(v0)]
    impl SessionKeysImpl of super::ISessionKeys<ContractState> {
        fn add_or_update_session_key(
            ref self: ContractState,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_entrypoints: Array<felt252>
        ) {
            self.assert_only_self();
            // valid_until == 0 is the "not registered / revoked" marker, so it cannot be
            // a real expiry; key 0 can never produce a valid signature.
            assert(session_key != 0 && valid_until != 0, 'Session: invalid params');
            self.session_valid_until.write(session_key, valid_until);
            self.session_max_calls.write(session_key, max_calls);
            self.session_calls_used.write(session_key, 0);
            self.session_revoked.write(session_key, false);
            // Entries past the new length are left behind but never read.
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
            self.session_entrypoints_len.write(session_key, index);
            self.emit(Event::SessionKeyAdded(SessionKeyAdded { session_key, valid_until, max_calls }));
        }

        fn revoke_session_key(ref self: ContractState, session_key: felt252) {
            self.assert_only_self();
            if self.session_valid_until.read(session_key) == 0 {
                // Nothing live to revoke (never registered, or already revoked).
                self.panic_unregistered(session_key);
            }
            self.session_valid_until.write(session_key, 0);
            self.session_max_calls.write(session_key, 0);
            self.session_calls_used.write(session_key, 0);
            self.session_entrypoints_len.write(session_key, 0);
            // Kept so clients can tell "revoked" apart from "never registered".
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
            self.write_policy((session_key, token), max_per_call, max_per_window, window_seconds);
        }

        fn get_spending_policy(
            self: @ContractState, session_key: felt252, token: ContractAddress
        ) -> (u256, u256, u64, u256, u64) {
            let key = (session_key, token);
            (
                self.policy_max_per_call.read(key),
                self.policy_max_per_window.read(key),
                self.policy_window_seconds.read(key),
                self.policy_spent_in_window.read(key),
                self.policy_window_start.read(key)
            )
        }

        fn remove_spending_policy(
            ref self: ContractState, session_key: felt252, token: ContractAddress
        ) {
            self.assert_only_self();
            self.write_policy((session_key, token), 0, 0, 0);
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
                self
                    .assert_valid_session(
                        session_key,
                        *signature.at(3),
                        calls,
                        hash,
                        *signature.at(1),
                        *signature.at(2)
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

        // Owner check on a transaction signature of any length (the __validate__ owner path).
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

        fn panic_unregistered(self: @ContractState, session_key: felt252) {
            if self.session_revoked.read(session_key) {
                panic_with_felt252('Session: revoked');
            }
            panic_with_felt252('Session: not registered');
        }

        // Session rules 1-5: everything that depends on time and stored state.
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
            assert(sig_valid_until == valid_until.into(), 'Session: valid_until mismatch');
            assert(valid_until > now, 'Session: expired');
            assert(
                self.session_calls_used.read(session_key) < self.session_max_calls.read(session_key),
                'Session: max calls exceeded'
            );
        }

        // Session rules 6-8: what the signed calls may do. Each rule is applied to every
        // call before the next rule, so the reported reason follows the rule order.
        fn assert_session_calls(self: @ContractState, session_key: felt252, calls: Span<Call>) {
            let mut to_check = calls;
            loop {
                match to_check.pop_front() {
                    Option::Some(call) => {
                        assert(!is_admin_selector(*call.selector), 'Session: admin selector');
                    },
                    Option::None => { break; },
                };
            };

            let allowed = self.read_entrypoints(session_key).span();
            let this = get_contract_address();
            let mut to_check = calls;
            loop {
                match to_check.pop_front() {
                    Option::Some(call) => {
                        if allowed.len() == 0 {
                            // With no allowlist, a self-call could reach any entrypoint of
                            // this account that is not on the blocklist.
                            assert(*call.to != this, 'Session: self-call blocked');
                        } else {
                            assert(contains(allowed, *call.selector), 'Session: selector not allowed');
                        }
                    },
                    Option::None => { break; },
                };
            };
        }

        // All session rules (1-9) for a message `hash` signed by `session_key`. No writes.
        fn assert_valid_session(
            self: @ContractState,
            session_key: felt252,
            sig_valid_until: felt252,
            calls: Span<Call>,
            hash: felt252,
            r: felt252,
            s: felt252
        ) {
            self.assert_session_state(session_key, sig_valid_until);
            self.assert_session_calls(session_key, calls);
            assert(check_ecdsa_signature(hash, session_key, r, s), 'Session: invalid signature');
        }

        // State changes of a session-signed execution: one use per transaction (whatever
        // the number of calls), then the spending caps, which may still revert.
        fn consume_session(ref self: ContractState, session_key: felt252, calls: Span<Call>) {
            // Cannot overflow: the rules above guarantee calls_used < max_calls.
            let used = self.session_calls_used.read(session_key);
            self.session_calls_used.write(session_key, used + 1);
            self.apply_spending_policies(session_key, calls);
        }

        fn apply_spending_policies(ref self: ContractState, session_key: felt252, calls: Span<Call>) {
            let now = get_block_timestamp();
            let mut remaining = calls;
            loop {
                match remaining.pop_front() {
                    Option::Some(call) => {
                        let key = (session_key, *call.to);
                        let window_seconds = self.policy_window_seconds.read(key);
                        if window_seconds != 0 && is_spend_selector(*call.selector) {
                            let amount = read_amount(call.calldata.span());
                            self.spend(key, amount, window_seconds, now);
                        }
                    },
                    Option::None => { break; },
                };
            };
        }

        fn spend(
            ref self: ContractState,
            key: (felt252, ContractAddress),
            amount: u256,
            window_seconds: u64,
            now: u64
        ) {
            assert(amount <= self.policy_max_per_call.read(key), 'Policy: exceeds per-call cap');
            let mut spent = self.policy_spent_in_window.read(key);
            let window_start = self.policy_window_start.read(key);
            // Summed in u128 so a huge window cannot overflow u64 and panic.
            let window_end: u128 = window_start.into() + window_seconds.into();
            if now.into() >= window_end {
                spent = 0;
                self.policy_window_start.write(key, now);
            }
            let (total, overflow) = integer::u256_overflowing_add(spent, amount);
            assert(
                !overflow && total <= self.policy_max_per_window.read(key),
                'Policy: exceeds window cap'
            );
            self.policy_spent_in_window.write(key, total);
        }

        fn write_policy(
            ref self: ContractState,
            key: (felt252, ContractAddress),
            max_per_call: u256,
            max_per_window: u256,
            window_seconds: u64
        ) {
            self.policy_max_per_call.write(key, max_per_call);
            self.policy_max_per_window.write(key, max_per_window);
            self.policy_window_seconds.write(key, window_seconds);
            self.policy_spent_in_window.write(key, 0);
            self.policy_window_start.write(key, 0);
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

    fn is_admin_selector(selector: felt252) -> bool {
        selector == super::SEL_ADD_OR_UPDATE_SESSION_KEY
            || selector == super::SEL_REVOKE_SESSION_KEY
            || selector == super::SEL_UPGRADE
            || selector == super::SEL_SET_PUBLIC_KEY
            || selector == super::SEL_SET_PUBLIC_KEY_CAMEL
            || selector == super::SEL_EXECUTE
            || selector == super::SEL_EXECUTE_FROM_OUTSIDE_V2
            || selector == super::SEL_SET_SPENDING_POLICY
            || selector == super::SEL_REMOVE_SPENDING_POLICY
    }

    fn is_spend_selector(selector: felt252) -> bool {
        selector == super::SEL_TRANSFER
            || selector == super::SEL_APPROVE
            || selector == super::SEL_INCREASE_ALLOWANCE
            || selector == super::SEL_INCREASE_ALLOWANCE_CAMEL
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

    // The amount of transfer / approve / increase_allowance: u256 { low: calldata[1],
    // high: calldata[2] }. Halves that do not fit in u128 are malformed, not zero.
    fn read_amount(calldata: Span<felt252>) -> u256 {
        assert(calldata.len() >= 3, 'Policy: bad calldata');
        let low: Option<u128> = (*calldata.at(1)).try_into();
        let high: Option<u128> = (*calldata.at(2)).try_into();
        assert(low.is_some() && high.is_some(), 'Policy: bad calldata');
        u256 { low: low.unwrap(), high: high.unwrap() }
    }
}
