// A test-only mock of a token bridge (Cairo 2.1). NEVER deploy it outside a test chain:
// anyone can mint.
//
// Why it exists: on a real bridge (StarkGate and the like) `initiate_withdraw` /
// `initiate_token_withdraw` burns the caller's L2 tokens and credits an L1 address. The
// tokens leave the account without any `transfer` / `approve` call on the token, so spending
// policies and recipient rules, which read only those calls, never see them. Only the scope
// of a session (exact (contract, selector) pairs) keeps a leaked session key away from such
// an entrypoint. The session-account v2 tests use this contract to show that:
//   - a scoped session cannot call `initiate_withdraw` (not in its scope), and
//   - a broad (selector-only) session whose allowlist contains `initiate_withdraw`, or is
//     empty, can: the account's balance here drops and `withdrawn_to_l1` records the L1
//     recipient, as a real bridge would.
//
// To keep it to one contract, the bridged token and the bridge are the same contract: it
// keeps ERC-20-style balances (`mint`, `balance_of`, `transfer`, `total_supply`) and
// `initiate_withdraw` burns from them.

use starknet::ContractAddress;

#[starknet::interface]
trait IMockBridge<TContractState> {
    // Test helper: credits `amount` to `to` out of thin air.
    fn mint(ref self: TContractState, to: ContractAddress, amount: u256);
    fn balance_of(self: @TContractState, account: ContractAddress) -> u256;
    fn total_supply(self: @TContractState) -> u256;
    // ERC-20 transfer (same selector and calldata as a real token's).
    fn transfer(ref self: TContractState, recipient: ContractAddress, amount: u256) -> bool;
    // Burns `amount` of the caller's tokens and credits them to `l1_recipient` on "L1".
    fn initiate_withdraw(ref self: TContractState, l1_recipient: felt252, amount: u256);
    // Total ever withdrawn to `l1_recipient`.
    fn withdrawn_to_l1(self: @TContractState, l1_recipient: felt252) -> u256;
}

#[starknet::contract]
mod MockBridge {
    use starknet::{ContractAddress, get_caller_address};

    #[storage]
    struct Storage {
        balances: LegacyMap<ContractAddress, u256>,
        supply: u256,
        withdrawn: LegacyMap<felt252, u256>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        Transfer: Transfer,
        WithdrawInitiated: WithdrawInitiated,
    }

    // As an ERC-20 Transfer; mint is from 0, a withdrawal burn is to 0.
    #[derive(Drop, starknet::Event)]
    struct Transfer {
        #[key]
        from: ContractAddress,
        #[key]
        to: ContractAddress,
        value: u256,
    }

    #[derive(Drop, starknet::Event)]
    struct WithdrawInitiated {
        #[key]
        l1_recipient: felt252,
        #[key]
        sender: ContractAddress,
        amount: u256,
    }

    #[external(v0)]
    impl MockBridgeImpl of super::IMockBridge<ContractState> {
        fn mint(ref self: ContractState, to: ContractAddress, amount: u256) {
            self.balances.write(to, self.balances.read(to) + amount);
            self.supply.write(self.supply.read() + amount);
            self
                .emit(
                    Event::Transfer(
                        Transfer { from: starknet::contract_address_const::<0>(), to, value: amount }
                    )
                );
        }

        fn balance_of(self: @ContractState, account: ContractAddress) -> u256 {
            self.balances.read(account)
        }

        fn total_supply(self: @ContractState) -> u256 {
            self.supply.read()
        }

        fn transfer(ref self: ContractState, recipient: ContractAddress, amount: u256) -> bool {
            let sender = get_caller_address();
            let balance = self.balances.read(sender);
            assert(balance >= amount, 'Bridge: insufficient balance');
            self.balances.write(sender, balance - amount);
            self.balances.write(recipient, self.balances.read(recipient) + amount);
            self.emit(Event::Transfer(Transfer { from: sender, to: recipient, value: amount }));
            true
        }

        fn initiate_withdraw(ref self: ContractState, l1_recipient: felt252, amount: u256) {
            assert(l1_recipient != 0, 'Bridge: invalid L1 recipient');
            let sender = get_caller_address();
            let balance = self.balances.read(sender);
            assert(balance >= amount, 'Bridge: insufficient balance');
            self.balances.write(sender, balance - amount);
            self.supply.write(self.supply.read() - amount);
            self.withdrawn.write(l1_recipient, self.withdrawn.read(l1_recipient) + amount);
            self
                .emit(
                    Event::Transfer(
                        Transfer {
                            from: sender, to: starknet::contract_address_const::<0>(), value: amount
                        }
                    )
                );
            self.emit(Event::WithdrawInitiated(WithdrawInitiated { l1_recipient, sender, amount }));
        }

        fn withdrawn_to_l1(self: @ContractState, l1_recipient: felt252) -> u256 {
            self.withdrawn.read(l1_recipient)
        }
    }
}
