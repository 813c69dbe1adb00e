//! The v2 session account (`contracts/session_account_v2.cairo`) on a real devnet, against the
//! attacker of its threat model: someone holding a leaked session key and running a relayer
//! (`contracts/V2_TESTS.md`, scenarios A–M). Each refusal sits next to the positive case it
//! bounds, and every test reads the outcome back from the chain (balances, session status,
//! remaining calls, spend logs).
//!
//! Tests whose name starts with `v1_` run the same attack on the v1 class, to record what v2
//! changes. `fee_figures` prints the registration and relay fees of both classes (run it with
//! `--nocapture`).

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use sesame_chain::class::{declare, prepare_class};
use sesame_chain::{
    ChainError, FixedBounds, OwnerAccount, ReceiptDetails, SessionAccount, TxOutcome,
};
use sesame_core::calls::{
    self, erc20_approve, erc20_transfer, register_session_scoped, SessionCall, SpendingLimit,
};
use sesame_core::felt::{decode_short_string, felt_to_u128, short_string, U256};
use sesame_core::keys::{sign_rotation_proof, PrivateKey};
use sesame_core::outside::{Call, SessionSignature};
use sesame_core::selector::{selector_from_name, ISESSION_KEYS_V2_ID};
use sesame_core::Felt;
use sesame_devnet::{DevnetConfig, ETH_ADDRESS, SESSION_ACCOUNT_V2_SIERRA};
use sesame_tests::{assert_refused, predeployed_key, session_key, Fixture, STRK};

/// An L1 address for the mock bridge's withdrawals.
const L1: Felt = Felt::from_hex_unchecked("0x777");
/// Resource bounds a thief would put on a session-signed INVOKE: far above what a transfer
/// needs (at most ~5 STRK), so nothing but the account's own rule can stop it.
const THIEF_BOUNDS: FixedBounds = FixedBounds {
    l1_gas: 0,
    l1_gas_price: 1_000_000_000_000,
    l2_gas: 50_000_000,
    l2_gas_price: 100_000_000_000,
    l1_data_gas: 10_000,
    l1_data_gas_price: 1_000_000_000_000,
};
/// 50 times devnet's L2 gas price (1 gwei-fri), per unit of L2 gas.
const BIG_TIP: u64 = 50_000_000_000;

const ISRC5_ID: &str = "0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055";
const ISRC6_ID: &str = "0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd";
const ISNIP9_V2_ID: &str = "0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872";

// ---------------------------------------------------------------------------------------------
// helpers

fn u(value: u128) -> U256 {
    U256::from_u128(value)
}

fn limit(per_call: u128, per_window: u128, window: u64) -> SpendingLimit {
    SpendingLimit {
        max_per_call: u(per_call),
        max_per_window: u(per_window),
        window_seconds: window,
    }
}

/// The fourth predeployed account of a v2 fixture: a second recipient.
fn r2(fx: &Fixture) -> Felt {
    fx.devnet.accounts()[3].address
}

fn transfer_to(to: Felt, amount: u128) -> Call {
    erc20_transfer(STRK, to, u(amount))
}

fn pair(to: Felt, entrypoint: &str) -> SessionCall {
    SessionCall::new(to, entrypoint)
}

/// Registers a scoped session on the user's account for `valid_for` seconds.
async fn register_scoped(
    fx: &Fixture,
    key: &PrivateKey,
    valid_for: u64,
    max_calls: u32,
    scope: &[SessionCall],
) -> u64 {
    let valid_until = fx.now().await + valid_for;
    fx.user
        .invoke(&[register_session_scoped(
            fx.user.address(),
            key.public_key(),
            valid_until,
            max_calls,
            scope,
        )])
        .await
        .unwrap();
    valid_until
}

/// `get_session_status(key)` on `account`, decoded: none | active | expired | exhausted | revoked.
async fn status_of(fx: &Fixture, account: Felt, key: &PrivateKey) -> String {
    let reply = fx
        .chain
        .call(account, "get_session_status", vec![key.public_key()])
        .await
        .unwrap();
    decode_short_string(&reply[0]).unwrap()
}

async fn status(fx: &Fixture, key: &PrivateKey) -> String {
    status_of(fx, fx.user.address(), key).await
}

/// Raw `get_session_data(key)` on the user's account.
async fn session_data(fx: &Fixture, key: &PrivateKey) -> Vec<Felt> {
    fx.chain
        .call(
            fx.user.address(),
            "get_session_data",
            vec![key.public_key()],
        )
        .await
        .unwrap()
}

fn felts(values: &[u64]) -> Vec<Felt> {
    values.iter().map(|v| Felt::from(*v)).collect()
}

/// `get_spending_policy(key, STRK)` on the user's account as
/// `(max_per_call, max_per_window, window_seconds, spent_in_window, window_start)`.
async fn policy(fx: &Fixture, key: &PrivateKey) -> (u128, u128, u64, u128, u64) {
    let f = fx
        .chain
        .call(
            fx.user.address(),
            "get_spending_policy",
            vec![key.public_key(), STRK],
        )
        .await
        .unwrap();
    assert_eq!(f.len(), 8, "{f:?}");
    let n = |x: &Felt| felt_to_u128(x).unwrap();
    assert_eq!((f[1], f[3], f[6]), (Felt::ZERO, Felt::ZERO, Felt::ZERO));
    (
        n(&f[0]),
        n(&f[2]),
        n(&f[4]) as u64,
        n(&f[5]),
        n(&f[7]) as u64,
    )
}

async fn is_nonce_free(fx: &Fixture, account: Felt, nonce: Felt) -> bool {
    let reply = fx
        .chain
        .call(account, "is_valid_outside_execution_nonce", vec![nonce])
        .await
        .unwrap();
    reply == vec![Felt::ONE]
}

async fn public_key_of(fx: &Fixture, account: Felt) -> Felt {
    fx.chain
        .call(account, "get_public_key", vec![])
        .await
        .unwrap()[0]
}

async fn supports(fx: &Fixture, account: Felt, id: Felt) -> bool {
    let reply = fx
        .chain
        .call(account, "supports_interface", vec![id])
        .await
        .unwrap();
    reply == vec![Felt::ONE]
}

/// The mock bridge's `balance_of(holder)` (low half).
async fn bridge_balance(fx: &Fixture, bridge: Felt, holder: Felt) -> u128 {
    let f = fx
        .chain
        .call(bridge, "balance_of", vec![holder])
        .await
        .unwrap();
    felt_to_u128(&f[0]).unwrap()
}

async fn withdrawn_to_l1(fx: &Fixture, bridge: Felt) -> u128 {
    let f = fx
        .chain
        .call(bridge, "withdrawn_to_l1", vec![L1])
        .await
        .unwrap();
    felt_to_u128(&f[0]).unwrap()
}

/// A bridge with 1000 tokens minted to the user's account.
async fn funded_bridge(fx: &Fixture) -> Felt {
    let bridge = fx.deploy_mock_bridge().await;
    fx.relayer
        .invoke(&[Call::new(
            bridge,
            "mint",
            vec![fx.user.address(), Felt::from(1000u32), Felt::ZERO],
        )])
        .await
        .unwrap();
    assert_eq!(bridge_balance(fx, bridge, fx.user.address()).await, 1000);
    bridge
}

fn withdraw(bridge: Felt, amount: u64) -> Call {
    Call::new(
        bridge,
        "initiate_withdraw",
        vec![L1, Felt::from(amount), Felt::ZERO],
    )
}

/// Relays `calls` for `account` (not necessarily the user's), signed v2 by `key`.
async fn relay_v2_for(
    fx: &Fixture,
    account: Felt,
    key: &PrivateKey,
    calls: Vec<Call>,
    valid_until: u64,
) -> Result<TxOutcome, ChainError> {
    let outside = fx.outside(calls, valid_until);
    let hash = outside.message_hash(fx.chain.chain_id(), account);
    let sig = SessionSignature::sign_v2(key, &hash, valid_until)
        .unwrap()
        .to_felts();
    fx.relayer.relay(account, &outside, &sig).await
}

/// Relays `calls` for `account`, signed v1-style (over the bare outside-execution hash).
async fn relay_v1_for(
    fx: &Fixture,
    account: Felt,
    key: &PrivateKey,
    calls: Vec<Call>,
    valid_until: u64,
) -> Result<TxOutcome, ChainError> {
    let outside = fx.outside(calls, valid_until);
    let hash = outside.message_hash(fx.chain.chain_id(), account);
    let sig = SessionSignature::sign(key, &hash, valid_until)
        .unwrap()
        .to_felts();
    fx.relayer.relay(account, &outside, &sig).await
}

async fn details(fx: &Fixture, tx_hash: &str) -> ReceiptDetails {
    fx.chain.receipt_details(tx_hash).await.unwrap()
}

/// The events named `name` that `from` emitted in the transaction, as `(keys, data)`.
async fn events(
    fx: &Fixture,
    outcome: &TxOutcome,
    from: Felt,
    name: &str,
) -> Vec<(Vec<Felt>, Vec<Felt>)> {
    let key = selector_from_name(name);
    details(fx, &outcome.tx_hash)
        .await
        .events
        .into_iter()
        .filter(|(f, k, _)| *f == from && k.first() == Some(&key))
        .map(|(_, k, d)| (k, d))
        .collect()
}

/// The transaction hash of an included-but-reverted transaction.
fn reverted_hash(result: &Result<TxOutcome, ChainError>, expected: &str) -> String {
    match result {
        Err(ChainError::Reverted { tx_hash, reason }) => {
            assert!(reason.contains(expected), "reverted with {reason}");
            tx_hash.clone()
        }
        other => panic!("expected an on-chain revert with '{expected}', got {other:?}"),
    }
}

/// The start of the next full hour at least a minute away: block times in
/// `[hour, hour + 3600)` all look like `hour` to `__validate__` (validate mode rounds the block
/// timestamp down to the hour).
async fn next_hour(fx: &Fixture) -> u64 {
    (fx.now().await + 60) / 3600 * 3600 + 3600
}

/// What the account holds and has done, for "nothing changed" assertions.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    user_strk: u128,
    recipient_strk: u128,
    user_nonce: Felt,
}

async fn snapshot(fx: &Fixture) -> Snapshot {
    Snapshot {
        user_strk: fx.strk(fx.user.address()).await,
        recipient_strk: fx.strk(fx.recipient).await,
        user_nonce: fx.chain.nonce(fx.user.address()).await.unwrap(),
    }
}

fn thief(fx: &Fixture, key: PrivateKey, valid_until: u64) -> SessionAccount {
    SessionAccount::new(&fx.chain, fx.user.address(), Arc::new(key), valid_until)
}

// ---------------------------------------------------------------------------------------------
// A. Fee safety: sessions never sign transactions

#[tokio::test]
async fn a_session_signed_invoke_is_refused_in_validation_whatever_its_tip_and_costs_the_account_nothing(
) {
    let fx = Fixture::start_v2().await;
    let scoped = session_key(200);
    let scoped_until = register_scoped(&fx, &scoped, 3600, 10, &[pair(STRK, "transfer")]).await;
    let broad = session_key(201);
    let broad_until = fx.register(&broad, 3600, 10, &[]).await;
    let before = snapshot(&fx).await;

    for (n, valid_until) in [(200, scoped_until), (201, broad_until)] {
        for tip in [0, BIG_TIP] {
            let attack = thief(&fx, session_key(n), valid_until)
                .execute_with(&[fx.transfer(1)], THIEF_BOUNDS, tip)
                .await;
            assert_eq!(attack.as_ref().unwrap_err().code(), "TX_REJECTED");
            assert_refused(attack, "Account: session tx refused");
        }
    }
    // Nothing was included: no fee, no nonce, no transfer, no call used.
    assert_eq!(snapshot(&fx).await, before);
    assert_eq!(fx.remaining(&scoped).await, 10);
    assert_eq!(fx.remaining(&broad).await, 10);

    // The same key relayed (the relayer pays) moves exactly the amount, and the owner's own
    // transaction still works.
    let relayer_before = fx.strk(fx.relayer.address()).await;
    let relayed = fx
        .relay_v2(&scoped, vec![fx.transfer(1)], scoped_until)
        .await
        .unwrap();
    let after = snapshot(&fx).await;
    assert_eq!(after.user_strk, before.user_strk - 1);
    assert_eq!(after.recipient_strk, before.recipient_strk + 1);
    assert_eq!(after.user_nonce, before.user_nonce);
    assert_eq!(
        fx.strk(fx.relayer.address()).await,
        relayer_before - details(&fx, &relayed.tx_hash).await.actual_fee
    );
    assert_eq!(fx.remaining(&scoped).await, 9);
    fx.user.invoke(&[fx.transfer(1)]).await.unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 2);

    // A wrong owner key is refused in validation too.
    let forger = OwnerAccount::new(&fx.chain, fx.user.address(), Arc::new(session_key(202)));
    assert_refused(
        forger.invoke(&[fx.transfer(1)]).await,
        "Account: invalid signature",
    );
}

#[tokio::test]
async fn an_expired_session_cannot_sign_an_invoke_even_inside_the_validation_rounding_gap() {
    let fx = Fixture::start_v2().await;
    let hour = next_hour(&fx).await;
    fx.dev.set_time(hour + 100).await.unwrap();
    let key = session_key(203);
    let valid_until = hour + 200;
    fx.user
        .invoke(&[register_session_scoped(
            fx.user.address(),
            key.public_key(),
            valid_until,
            10,
            &[pair(STRK, "transfer")],
        )])
        .await
        .unwrap();
    fx.dev.set_time(hour + 300).await.unwrap();
    assert_eq!(status(&fx, &key).await, "expired");
    let before = snapshot(&fx).await;
    for tip in [0, BIG_TIP] {
        assert_refused(
            thief(&fx, session_key(203), valid_until)
                .execute_with(&[fx.transfer(1)], THIEF_BOUNDS, tip)
                .await,
            "Account: session tx refused",
        );
    }
    assert_eq!(snapshot(&fx).await, before);
}

/// The v1 column of A1–A3: the account pays for whatever a leaked session key sends, tip
/// included, and for reverted transactions too, whose `calls_used` rolls back with the revert.
#[tokio::test]
async fn v1_a_leaked_session_key_makes_the_account_pay_fees_with_any_tip_even_when_expired_or_reverting(
) {
    let fx = Fixture::start_v1().await;
    let key = session_key(204);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;

    // Accepted, tip or not: the account pays the fee on top of the transfer.
    let mut fees = Vec::new();
    for tip in [0, BIG_TIP] {
        let before = snapshot(&fx).await;
        let sent = thief(&fx, session_key(204), valid_until)
            .execute_with(&[fx.transfer(1)], THIEF_BOUNDS, tip)
            .await
            .unwrap();
        let d = details(&fx, &sent.tx_hash).await;
        assert_eq!(d.fee_unit, "FRI");
        let after = snapshot(&fx).await;
        assert_eq!(after.user_strk, before.user_strk - 1 - d.actual_fee);
        assert_eq!(after.recipient_strk, before.recipient_strk + 1);
        assert_ne!(after.user_nonce, before.user_nonce);
        fees.push((tip, d.actual_fee, d.l2_gas));
    }
    assert_eq!(fx.remaining(&key).await, 8);

    // A reverting transaction (a transfer above the balance) still pays, and costs no call.
    let mut reverted_fees = Vec::new();
    for _ in 0..2 {
        let before = snapshot(&fx).await;
        let result = thief(&fx, session_key(204), valid_until)
            .execute_with(&[fx.transfer(u128::MAX)], THIEF_BOUNDS, BIG_TIP)
            .await;
        let hash = reverted_hash(&result, "");
        let d = details(&fx, &hash).await;
        assert!(d.actual_fee > 0);
        assert_eq!(
            fx.strk(fx.user.address()).await,
            before.user_strk - d.actual_fee
        );
        assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk);
        reverted_fees.push(d.actual_fee);
    }
    assert_eq!(fx.remaining(&key).await, 8, "the budget never runs out");

    // Expired, but inside the hour that validate mode rounds down to: validation passes,
    // __execute__ reverts with the exact time, and the account pays.
    let hour = next_hour(&fx).await;
    fx.dev.set_time(hour + 100).await.unwrap();
    let expiring = session_key(205);
    fx.user
        .register_session(expiring.public_key(), hour + 200, 10, &[])
        .await
        .unwrap();
    fx.dev.set_time(hour + 300).await.unwrap();
    let before = snapshot(&fx).await;
    let result = thief(&fx, session_key(205), hour + 200)
        .execute_with(&[fx.transfer(1)], THIEF_BOUNDS, BIG_TIP)
        .await;
    let hash = reverted_hash(&result, "Session: expired");
    let d = details(&fx, &hash).await;
    assert!(d.actual_fee > 0);
    assert_eq!(
        fx.strk(fx.user.address()).await,
        before.user_strk - d.actual_fee
    );
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk);

    eprintln!(
        "v1 session-signed INVOKE, paid by the account: (tip, fee fri, l2 gas) = {fees:?}; \
         reverted transfer: fees {reverted_fees:?}; expired in the rounding gap: fee {} fri",
        d.actual_fee
    );
}

// ---------------------------------------------------------------------------------------------
// C. Scope (exact pairs) and the mock bridge

#[tokio::test]
async fn a_scoped_session_cannot_reach_the_bridge_and_a_selector_only_session_can() {
    let fx = Fixture::start_v2().await;
    let bridge = funded_bridge(&fx).await;
    let a = fx.user.address();

    // Scoped: the bridge is in scope for `transfer` only.
    let scoped = session_key(210);
    let scoped_until = register_scoped(
        &fx,
        &scoped,
        3600,
        10,
        &[pair(STRK, "transfer"), pair(bridge, "transfer")],
    )
    .await;
    assert_refused(
        fx.relay_v2(&scoped, vec![withdraw(bridge, 10)], scoped_until)
            .await,
        "Session: call not in scope",
    );
    assert_eq!(bridge_balance(&fx, bridge, a).await, 1000);
    assert_eq!(withdrawn_to_l1(&fx, bridge).await, 0);
    let bridge_transfer = Call::new(
        bridge,
        "transfer",
        vec![fx.recipient, Felt::ONE, Felt::ZERO],
    );
    fx.relay_v2(&scoped, vec![bridge_transfer], scoped_until)
        .await
        .unwrap();
    assert_eq!(bridge_balance(&fx, bridge, a).await, 999);
    assert_eq!(bridge_balance(&fx, bridge, fx.recipient).await, 1);
    assert_eq!(fx.remaining(&scoped).await, 9);

    // Broad (selector-only) with `initiate_withdraw` allowed: it reaches the bridge, and a
    // spending policy and recipient rule on the bridge do not see the withdrawal.
    let broad = session_key(211);
    let broad_until = fx
        .register(
            &broad,
            3600,
            10,
            &[
                selector_from_name("transfer"),
                selector_from_name("initiate_withdraw"),
            ],
        )
        .await;
    fx.user
        .invoke(&[
            calls::set_spending_policy(a, broad.public_key(), bridge, &limit(1, 1, 3600)),
            calls::set_session_recipients(a, broad.public_key(), bridge, &[fx.recipient]),
        ])
        .await
        .unwrap();
    fx.relay_v2(&broad, vec![withdraw(bridge, 10)], broad_until)
        .await
        .unwrap();
    assert_eq!(bridge_balance(&fx, bridge, a).await, 989);
    assert_eq!(withdrawn_to_l1(&fx, bridge).await, 10);
    // The same rules do bind its token calls on the bridge.
    let to_r2 = Call::new(bridge, "transfer", vec![r2(&fx), Felt::ONE, Felt::ZERO]);
    assert_refused(
        fx.relay_v2(&broad, vec![to_r2], broad_until).await,
        "Session: recipient not allowed",
    );
    let over_cap = Call::new(
        bridge,
        "transfer",
        vec![fx.recipient, Felt::TWO, Felt::ZERO],
    );
    assert_refused(
        fx.relay_v2(&broad, vec![over_cap], broad_until).await,
        "Policy: exceeds per-call cap",
    );

    // Broad with only `transfer`: the allowlist still binds selectors.
    let narrow = session_key(212);
    let narrow_until = fx
        .register(&narrow, 3600, 10, &[selector_from_name("transfer")])
        .await;
    assert_refused(
        fx.relay_v2(&narrow, vec![withdraw(bridge, 1)], narrow_until)
            .await,
        "Session: selector not allowed",
    );

    // Broad with an empty allowlist: every contract but this account.
    let open = session_key(213);
    let open_until = fx.register(&open, 3600, 10, &[]).await;
    fx.relay_v2(&open, vec![withdraw(bridge, 1)], open_until)
        .await
        .unwrap();
    assert_eq!(bridge_balance(&fx, bridge, a).await, 988);
    assert_eq!(withdrawn_to_l1(&fx, bridge).await, 11);
    assert_refused(
        fx.relay_v2(
            &open,
            vec![Call::new(a, "get_public_key", vec![])],
            open_until,
        )
        .await,
        "Session: self-call blocked",
    );
    assert_eq!(fx.remaining(&open).await, 9);
}

/// The v1 column of C2/C4/D2: a v1 session is selector-only, so `transfer` reaches every
/// token and every recipient, and an empty allowlist reaches the bridge.
#[tokio::test]
async fn v1_a_transfer_session_reaches_every_token_and_recipient_and_an_open_one_the_bridge() {
    let fx = Fixture::start_v1().await;
    let bridge = funded_bridge(&fx).await;
    let a = fx.user.address();
    let anyone = Felt::from(0xbeefu32);

    let key = session_key(214);
    let valid_until = fx
        .register(&key, 3600, 10, &[selector_from_name("transfer")])
        .await;
    let eth_before = fx.chain.erc20_balance(ETH_ADDRESS, anyone).await.unwrap();
    fx.relay(
        &key,
        vec![
            erc20_transfer(ETH_ADDRESS, anyone, u(1)),
            transfer_to(anyone, 1),
        ],
        valid_until,
    )
    .await
    .unwrap();
    assert_eq!(
        fx.chain.erc20_balance(ETH_ADDRESS, anyone).await.unwrap(),
        u(eth_before.low + 1)
    );
    assert_eq!(fx.strk(anyone).await, 1);

    let open = session_key(215);
    let open_until = fx.register(&open, 3600, 10, &[]).await;
    fx.relay(&open, vec![withdraw(bridge, 10)], open_until)
        .await
        .unwrap();
    assert_eq!(bridge_balance(&fx, bridge, a).await, 990);
    assert_eq!(withdrawn_to_l1(&fx, bridge).await, 10);
}

#[tokio::test]
async fn a_scoped_session_calls_exactly_its_pairs() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(220);
    let valid_until = register_scoped(
        &fx,
        &key,
        3600,
        100,
        &[pair(STRK, "transfer"), pair(ETH_ADDRESS, "approve")],
    )
    .await;

    // C10: what the chain reports.
    let scope = fx
        .chain
        .call(a, "get_session_scope", vec![key.public_key()])
        .await
        .unwrap();
    assert_eq!(
        scope,
        vec![
            Felt::TWO,
            STRK,
            selector_from_name("transfer"),
            ETH_ADDRESS,
            selector_from_name("approve")
        ]
    );
    assert_eq!(status(&fx, &key).await, "active");

    // C1: the exact pair passes; the account pays exactly the amount, the relayer the fee.
    let before = snapshot(&fx).await;
    let relayer_before = fx.strk(fx.relayer.address()).await;
    let sent = fx
        .relay_v2(&key, vec![fx.transfer(5)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(a).await, before.user_strk - 5);
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 5);
    assert_eq!(
        fx.strk(fx.relayer.address()).await,
        relayer_before - details(&fx, &sent.tx_hash).await.actual_fee
    );
    let mut data = vec![
        Felt::ONE,
        Felt::from(valid_until),
        Felt::from(99u8),
        Felt::TWO,
    ];
    data.extend([
        selector_from_name("transfer"),
        selector_from_name("approve"),
    ]);
    assert_eq!(session_data(&fx, &key).await, data);

    let before = snapshot(&fx).await;
    let eth_before = fx
        .chain
        .erc20_balance(ETH_ADDRESS, fx.recipient)
        .await
        .unwrap();
    // C2: same selector, another contract.
    assert_refused(
        fx.relay_v2(
            &key,
            vec![erc20_transfer(ETH_ADDRESS, fx.recipient, u(1))],
            valid_until,
        )
        .await,
        "Session: call not in scope",
    );
    // C3: another selector, same contract.
    assert_refused(
        fx.relay_v2(
            &key,
            vec![erc20_approve(STRK, fx.recipient, u(1))],
            valid_until,
        )
        .await,
        "Session: call not in scope",
    );
    // C5: this account.
    assert_refused(
        fx.relay_v2(
            &key,
            vec![Call::new(a, "get_public_key", vec![])],
            valid_until,
        )
        .await,
        "Session: self-call blocked",
    );
    // C6: admin selectors, here or on any other contract (rule 7 comes before rule 8).
    for call in [
        Call::new(a, "revoke_all_session_keys", vec![]),
        Call::new(fx.relayer.address(), "upgrade", vec![Felt::ONE]),
        Call::new(a, "execute_from_outside_v2", vec![]),
    ] {
        assert_refused(
            fx.relay_v2(&key, vec![call], valid_until).await,
            "Session: admin selector",
        );
    }
    // C7: one call out of scope refuses the whole multicall.
    assert_refused(
        fx.relay_v2(
            &key,
            vec![fx.transfer(1), erc20_approve(STRK, fx.recipient, u(1))],
            valid_until,
        )
        .await,
        "Session: call not in scope",
    );
    assert_eq!(snapshot(&fx).await, before);
    assert_eq!(
        fx.chain
            .erc20_balance(ETH_ADDRESS, fx.recipient)
            .await
            .unwrap(),
        eth_before
    );
    assert_eq!(fx.remaining(&key).await, 99);

    // A relayer that skips simulation gets the same refusal as an on-chain revert, and pays
    // for it itself: the account loses nothing and uses no call.
    let relayer_before = fx.strk(fx.relayer.address()).await;
    let outside = fx.outside(
        vec![erc20_transfer(ETH_ADDRESS, fx.recipient, u(1))],
        valid_until,
    );
    let sig = fx.sign_v2(&key, &outside, valid_until);
    let result = fx.relayer.relay_unsimulated(a, &outside, &sig).await;
    let hash = reverted_hash(&result, "Session: call not in scope");
    let fee = details(&fx, &hash).await.actual_fee;
    assert!(fee > 0);
    assert_eq!(fx.strk(fx.relayer.address()).await, relayer_before - fee);
    assert_eq!(snapshot(&fx).await, before);
    assert_eq!(fx.remaining(&key).await, 99);

    // The other pair of the scope works.
    fx.relay_v2(
        &key,
        vec![erc20_approve(ETH_ADDRESS, fx.recipient, u(3))],
        valid_until,
    )
    .await
    .unwrap();
    let allowance = fx
        .chain
        .call(ETH_ADDRESS, "allowance", vec![a, fx.recipient])
        .await
        .unwrap();
    assert_eq!(allowance, felts(&[3, 0]));
}

#[tokio::test]
async fn scoped_registration_refuses_bad_scopes_and_a_scope_never_widens() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(230);
    let valid_until = fx.now().await + 3600;
    let scoped =
        |scope: &[SessionCall]| register_session_scoped(a, key.public_key(), valid_until, 5, scope);

    // C8
    assert_refused(fx.user.invoke(&[scoped(&[])]).await, "Session: empty scope");
    for bad in [
        pair(a, "transfer"),
        pair(Felt::ZERO, "transfer"),
        pair(STRK, "upgrade"),
        pair(STRK, "set_public_key"),
    ] {
        assert_refused(
            fx.user
                .invoke(&[scoped(&[pair(STRK, "transfer"), bad])])
                .await,
            "Session: invalid scope",
        );
    }
    // C9: only the account itself registers.
    assert_refused(
        fx.relayer
            .invoke(&[scoped(&[pair(STRK, "transfer")])])
            .await,
        "Account: unauthorized",
    );
    assert_eq!(status(&fx, &key).await, "none");

    // A good scope, with its events (M).
    let registered = fx
        .user
        .invoke(&[scoped(&[
            pair(STRK, "transfer"),
            pair(ETH_ADDRESS, "transfer"),
        ])])
        .await
        .unwrap();
    let added = events(&fx, &registered, a, "SessionKeyAdded").await;
    assert_eq!(
        added,
        vec![(
            vec![selector_from_name("SessionKeyAdded"), key.public_key()],
            felts(&[valid_until, 5])
        )]
    );
    let scope_set = events(&fx, &registered, a, "SessionScopeSet").await;
    let mut scope_data = vec![Felt::TWO, STRK, selector_from_name("transfer")];
    scope_data.extend([ETH_ADDRESS, selector_from_name("transfer")]);
    assert_eq!(scope_set.len(), 1);
    assert_eq!(scope_set[0].1, scope_data);
    fx.relay_v2(
        &key,
        vec![erc20_transfer(ETH_ADDRESS, fx.recipient, u(1))],
        valid_until,
    )
    .await
    .unwrap();
    assert_eq!(fx.remaining(&key).await, 4);

    // C11: the CHIPI entrypoint cannot widen a scoped key.
    assert_refused(
        fx.user
            .register_session(key.public_key(), valid_until, 5, &[])
            .await,
        "Session: key is scoped",
    );
    // C12: shrinking the scope takes effect and resets the budget.
    fx.user
        .invoke(&[scoped(&[pair(STRK, "transfer")])])
        .await
        .unwrap();
    assert_eq!(fx.remaining(&key).await, 5);
    assert_refused(
        fx.relay_v2(
            &key,
            vec![erc20_transfer(ETH_ADDRESS, fx.recipient, u(1))],
            valid_until,
        )
        .await,
        "Session: call not in scope",
    );
    fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// D. Recipient rules

#[tokio::test]
async fn recipient_rules_bind_transfer_approve_and_transfer_from() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let (r1, r2) = (fx.recipient, r2(&fx));
    let key = session_key(240);
    let valid_until = register_scoped(
        &fx,
        &key,
        3600,
        100,
        &[
            pair(STRK, "transfer"),
            pair(STRK, "approve"),
            pair(STRK, "transfer_from"),
            pair(STRK, "increase_allowance"),
        ],
    )
    .await;
    // D8: only the account sets them.
    assert_refused(
        fx.relayer
            .invoke(&[calls::set_session_recipients(
                a,
                key.public_key(),
                STRK,
                &[r1],
            )])
            .await,
        "Account: unauthorized",
    );
    let set = fx
        .user
        .invoke(&[calls::set_session_recipients(
            a,
            key.public_key(),
            STRK,
            &[r1],
        )])
        .await
        .unwrap();
    let ev = events(&fx, &set, a, "SessionRecipientsSet").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].0[1..], [key.public_key(), STRK]);
    assert_eq!(ev[0].1, vec![Felt::ONE, r1]);

    // D1 / D2
    let (r1_before, r2_before) = (fx.strk(r1).await, fx.strk(r2).await);
    fx.relay_v2(&key, vec![transfer_to(r1, 1)], valid_until)
        .await
        .unwrap();
    assert_refused(
        fx.relay_v2(&key, vec![transfer_to(r2, 1)], valid_until)
            .await,
        "Session: recipient not allowed",
    );
    assert_eq!(
        (fx.strk(r1).await, fx.strk(r2).await),
        (r1_before + 1, r2_before)
    );
    // D3: approve
    assert_refused(
        fx.relay_v2(&key, vec![erc20_approve(STRK, r2, u(1))], valid_until)
            .await,
        "Session: recipient not allowed",
    );
    fx.relay_v2(&key, vec![erc20_approve(STRK, r1, u(1))], valid_until)
        .await
        .unwrap();
    let allowance = |spender: Felt| {
        let chain = fx.chain.clone();
        async move {
            chain
                .call(STRK, "allowance", vec![a, spender])
                .await
                .unwrap()
        }
    };
    assert_eq!(allowance(r1).await, felts(&[1, 0]));
    assert_eq!(allowance(r2).await, felts(&[0, 0]));
    // D4: transfer_from checks calldata[1], the recipient.
    let transfer_from =
        |to: Felt| Call::new(STRK, "transfer_from", vec![a, to, Felt::ONE, Felt::ZERO]);
    assert_refused(
        fx.relay_v2(&key, vec![transfer_from(r2)], valid_until)
            .await,
        "Session: recipient not allowed",
    );
    // D9: increase_allowance names a spender too (checked before the call runs).
    assert_refused(
        fx.relay_v2(
            &key,
            vec![Call::new(
                STRK,
                "increase_allowance",
                vec![r2, Felt::ONE, Felt::ZERO],
            )],
            valid_until,
        )
        .await,
        "Session: recipient not allowed",
    );
    // D5: calldata too short to hold a recipient.
    assert_refused(
        fx.relay_v2(&key, vec![Call::new(STRK, "transfer", vec![])], valid_until)
            .await,
        "Policy: bad calldata",
    );
    assert_eq!(fx.remaining(&key).await, 98);
    // D6
    let listed = |token: Felt| {
        let chain = fx.chain.clone();
        let k = key.public_key();
        async move {
            chain
                .call(a, "get_session_recipients", vec![k, token])
                .await
                .unwrap()
        }
    };
    assert_eq!(listed(STRK).await, vec![Felt::ONE, r1]);
    assert_eq!(listed(ETH_ADDRESS).await, vec![Felt::ZERO]);
    // D7: an empty list removes the rule.
    let cleared = fx
        .user
        .invoke(&[calls::set_session_recipients(
            a,
            key.public_key(),
            STRK,
            &[],
        )])
        .await
        .unwrap();
    let ev = events(&fx, &cleared, a, "SessionRecipientsSet").await;
    assert_eq!(ev[0].1, vec![Felt::ZERO]);
    fx.relay_v2(&key, vec![transfer_to(r2, 1)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(r2).await, r2_before + 1);
}

// ---------------------------------------------------------------------------------------------
// E. Owner key rotation

#[tokio::test]
async fn a_key_rotation_with_a_valid_proof_ends_every_older_session() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let old_key = predeployed_key(&fx.devnet.accounts()[0]);
    let current = old_key.public_key();
    let new_key = Arc::new(
        PrivateKey::from_hex("0x777777777777777777777777777777777777777777777777777777774321")
            .unwrap(),
    );
    let n = new_key.public_key();

    let k1 = session_key(250);
    let k1_until = register_scoped(&fx, &k1, 36_000, 10, &[pair(STRK, "transfer")]).await;
    let k2 = session_key(251);
    let k2_until = fx.register(&k2, 36_000, 10, &[]).await;

    let set_pk = |key: Felt, proof: Vec<Felt>| {
        let mut calldata = vec![key, Felt::from(proof.len())];
        calldata.extend(proof);
        Call::new(a, "set_public_key", calldata)
    };
    let proof = |signer: &PrivateKey, account: Felt| {
        let sig = sign_rotation_proof(signer, account, current).unwrap();
        vec![sig.r, sig.s]
    };

    // E5–E8, E10: every bad rotation is refused and changes nothing.
    for (call, reason) in [
        (set_pk(n, proof(&old_key, a)), "Account: invalid key proof"),
        (
            set_pk(n, proof(&session_key(252), a)),
            "Account: invalid key proof",
        ),
        (
            set_pk(n, proof(&new_key, fx.recipient)),
            "Account: invalid key proof",
        ),
        (
            set_pk(Felt::ZERO, proof(&new_key, a)),
            "Account: invalid public key",
        ),
        (
            set_pk(n, proof(&new_key, a)[..1].to_vec()),
            "Account: invalid key proof",
        ),
        (
            set_pk(n, [proof(&new_key, a), vec![Felt::ONE]].concat()),
            "Account: invalid key proof",
        ),
        (
            Call::new(a, "set_public_key", vec![n]),
            "Input too short for arguments",
        ),
    ] {
        assert_refused(fx.user.invoke(&[call]).await, reason);
    }
    assert_refused(
        fx.relayer.invoke(&[set_pk(n, proof(&new_key, a))]).await,
        "Account: unauthorized",
    );
    assert_eq!(public_key_of(&fx, a).await, current);
    fx.relay_v2(&k1, vec![fx.transfer(1)], k1_until)
        .await
        .unwrap();

    // E1 + E11: rotate, and register K4 in the same multicall.
    let k4 = session_key(253);
    let k4_until = fx.now().await + 36_000;
    let rotated = fx
        .user
        .invoke(&[
            calls::set_public_key(a, n, &sign_rotation_proof(&new_key, a, current).unwrap()),
            register_session_scoped(a, k4.public_key(), k4_until, 10, &[pair(STRK, "transfer")]),
        ])
        .await
        .unwrap();
    assert_eq!(public_key_of(&fx, a).await, n);
    let ev = events(&fx, &rotated, a, "OwnerKeyRotated").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].1, vec![current, n, Felt::ONE]);

    // E2: the older sessions have ended.
    let before = snapshot(&fx).await;
    assert_refused(
        fx.relay_v2(&k1, vec![fx.transfer(1)], k1_until).await,
        "Session: epoch ended",
    );
    assert_refused(
        fx.relay_v2(&k2, vec![fx.transfer(1)], k2_until).await,
        "Session: epoch ended",
    );
    for key in [&k1, &k2] {
        assert_eq!(status(&fx, key).await, "revoked");
        assert_eq!(session_data(&fx, key).await[0], Felt::ZERO);
    }
    assert_eq!(snapshot(&fx).await, before);

    // E3 / E4: the old owner key is refused, the new one works, and so does K4.
    assert_refused(
        fx.user.invoke(&[fx.transfer(1)]).await,
        "Account: invalid signature",
    );
    let owner = OwnerAccount::new(&fx.chain, a, new_key.clone());
    owner.invoke(&[fx.transfer(1)]).await.unwrap();
    fx.relay_v2(&k4, vec![fx.transfer(1)], k4_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 2);

    // E9: the ended keys are retired, through either entrypoint.
    let later = fx.now().await + 36_000;
    assert_refused(
        owner
            .invoke(&[register_session_scoped(
                a,
                k1.public_key(),
                later,
                10,
                &[pair(STRK, "transfer")],
            )])
            .await,
        "Session: key retired",
    );
    assert_refused(
        owner
            .register_session(k2.public_key(), later, 10, &[])
            .await,
        "Session: key retired",
    );
}

/// The v1 column of E: v1 rotates with no proof, accepts key 0, and its sessions live on.
#[tokio::test]
async fn v1_sessions_outlive_a_key_rotation_and_key_zero_is_accepted() {
    let fx = Fixture::start_v1().await;
    let a = fx.user.address();
    let key = session_key(254);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let new_key = Arc::new(session_key(255));
    fx.user
        .invoke(&[Call::new(a, "set_public_key", vec![new_key.public_key()])])
        .await
        .unwrap();
    let before = fx.strk(fx.recipient).await;
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 1);

    let owner = OwnerAccount::new(&fx.chain, a, new_key);
    owner
        .invoke(&[Call::new(a, "set_public_key", vec![Felt::ZERO])])
        .await
        .unwrap();
    assert_eq!(public_key_of(&fx, a).await, Felt::ZERO);
    // The owner is locked out, the session still spends.
    assert!(owner.invoke(&[fx.transfer(1)]).await.is_err());
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 2);
}

// ---------------------------------------------------------------------------------------------
// F. Revoke-all

#[tokio::test]
async fn revoke_all_ends_every_session_and_a_later_one_works() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let k1 = session_key(260);
    let k1_until = register_scoped(&fx, &k1, 36_000, 10, &[pair(STRK, "transfer")]).await;
    let k2 = session_key(261);
    let k2_until = fx.register(&k2, 36_000, 10, &[]).await;
    fx.relay_v2(&k1, vec![fx.transfer(1)], k1_until)
        .await
        .unwrap();

    assert_refused(
        fx.relayer
            .invoke(&[calls::revoke_all_session_keys(a)])
            .await,
        "Account: unauthorized",
    );
    let revoked = fx
        .user
        .invoke(&[calls::revoke_all_session_keys(a)])
        .await
        .unwrap();
    let ev = events(&fx, &revoked, a, "AllSessionKeysRevoked").await;
    assert_eq!(
        ev,
        vec![(
            vec![selector_from_name("AllSessionKeysRevoked")],
            vec![Felt::ONE]
        )]
    );

    let before = snapshot(&fx).await;
    assert_refused(
        fx.relay_v2(&k1, vec![fx.transfer(1)], k1_until).await,
        "Session: epoch ended",
    );
    assert_refused(
        fx.relay_v2(&k2, vec![fx.transfer(1)], k2_until).await,
        "Session: epoch ended",
    );
    assert_eq!(status(&fx, &k1).await, "revoked");
    assert_eq!(status(&fx, &k2).await, "revoked");
    assert_eq!(snapshot(&fx).await, before);

    // F3 / F4
    let k3 = session_key(262);
    let k3_until = register_scoped(&fx, &k3, 36_000, 10, &[pair(STRK, "transfer")]).await;
    fx.relay_v2(&k3, vec![fx.transfer(1)], k3_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 1);
    assert_refused(
        fx.user
            .invoke(&[register_session_scoped(
                a,
                k1.public_key(),
                k1_until,
                10,
                &[pair(STRK, "transfer")],
            )])
            .await,
        "Session: key retired",
    );

    // F6: the owner can do it gaslessly, through a relayed owner-signed outside execution.
    let outside = fx.outside(vec![calls::revoke_all_session_keys(a)], k3_until);
    let hash = outside.message_hash(fx.chain.chain_id(), a);
    let sig = predeployed_key(&fx.devnet.accounts()[0])
        .sign(&hash)
        .unwrap();
    fx.relayer
        .relay(a, &outside, &[sig.r, sig.s])
        .await
        .unwrap();
    assert!(!is_nonce_free(&fx, a, outside.nonce).await);
    assert_refused(
        fx.relay_v2(&k3, vec![fx.transfer(1)], k3_until).await,
        "Session: epoch ended",
    );
}

// ---------------------------------------------------------------------------------------------
// G. Revoked keys stay dead

#[tokio::test]
async fn a_revoked_key_cannot_be_registered_again_and_its_presigned_execution_stays_refused() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(270);
    let valid_until = register_scoped(&fx, &key, 36_000, 5, &[pair(STRK, "transfer")]).await;
    fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();

    // Signed now, kept by the thief, sent after the revocation.
    let kept = fx.outside(vec![fx.transfer(1)], valid_until);
    let kept_sig = fx.sign_v2(&key, &kept, valid_until);
    let revoked = fx.user.revoke_session(key.public_key()).await.unwrap();
    assert_eq!(
        events(&fx, &revoked, a, "SessionKeyRevoked").await,
        vec![(
            vec![selector_from_name("SessionKeyRevoked"), key.public_key()],
            vec![]
        )]
    );
    let before = snapshot(&fx).await;
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: revoked",
    );

    // G2: registering the same key again, even with the same valid_until, is refused.
    assert_refused(
        fx.user
            .register_session(key.public_key(), valid_until, 5, &[])
            .await,
        "Session: key retired",
    );
    assert_refused(
        fx.user
            .invoke(&[register_session_scoped(
                a,
                key.public_key(),
                valid_until,
                5,
                &[pair(STRK, "transfer")],
            )])
            .await,
        "Session: key retired",
    );
    // G3
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: revoked",
    );
    assert!(is_nonce_free(&fx, a, kept.nonce).await);
    assert_eq!(snapshot(&fx).await, before);
    // G4 / G5
    assert_eq!(status(&fx, &key).await, "revoked");
    assert_eq!(session_data(&fx, &key).await, felts(&[0, 0, 0, 0]));
    assert_refused(
        fx.user.revoke_session(key.public_key()).await,
        "Session: revoked",
    );
    assert_refused(
        fx.user.revoke_session(session_key(271).public_key()).await,
        "Session: not registered",
    );
    assert_eq!(status(&fx, &session_key(271)).await, "none");
}

/// The v1 column of G: registering a revoked key again revives what it signed before.
#[tokio::test]
async fn v1_registering_a_revoked_key_again_revives_an_execution_signed_before() {
    let fx = Fixture::start_v1().await;
    let a = fx.user.address();
    let key = session_key(272);
    let valid_until = fx.register(&key, 36_000, 5, &[]).await;
    let kept = fx.outside(vec![fx.transfer(1)], valid_until);
    let kept_sig = fx.sign(&key, &kept, valid_until);
    fx.user.revoke_session(key.public_key()).await.unwrap();
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: revoked",
    );
    fx.user
        .register_session(key.public_key(), valid_until, 5, &[])
        .await
        .unwrap();
    let before = fx.strk(fx.recipient).await;
    fx.relayer.relay(a, &kept, &kept_sig).await.unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 1);
}

// ---------------------------------------------------------------------------------------------
// B. The session signature binds valid_until; H. expiry, budget, parameters

#[tokio::test]
async fn the_session_signature_binds_valid_until() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(280);
    let valid_until = register_scoped(&fx, &key, 3600, 10, &[pair(STRK, "transfer")]).await;
    let outside = fx.outside(vec![fx.transfer(1)], valid_until + 100_000);
    let hash = outside.message_hash(fx.chain.chain_id(), a);
    let signed = |claimed: u64, over: u64| {
        let mut sig = SessionSignature::sign_v2(&key, &hash, over)
            .unwrap()
            .to_felts();
        sig[3] = Felt::from(claimed);
        sig
    };
    let before = snapshot(&fx).await;
    // B1: v1-style, over the bare hash.
    let v1 = SessionSignature::sign(&key, &hash, valid_until)
        .unwrap()
        .to_felts();
    assert_refused(
        fx.relayer.relay(a, &outside, &v1).await,
        "Session: invalid signature",
    );
    // B2: claims (and signs) another valid_until.
    assert_refused(
        fx.relayer
            .relay(a, &outside, &signed(valid_until + 1, valid_until + 1))
            .await,
        "Session: valid_until mismatch",
    );
    // B3: claims the stored one, signed over another.
    assert_refused(
        fx.relayer
            .relay(a, &outside, &signed(valid_until, valid_until + 1))
            .await,
        "Session: invalid signature",
    );
    // B4: claims one in the past.
    let past = fx.now().await - 10;
    assert_refused(
        fx.relayer.relay(a, &outside, &signed(past, past)).await,
        "Session: expired",
    );
    assert_eq!(snapshot(&fx).await, before);
    assert_eq!(fx.remaining(&key).await, 10);
    fx.relayer
        .relay(a, &outside, &signed(valid_until, valid_until))
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 1);

    // H5: an update to a later valid_until kills what was signed for the earlier one.
    let kept = fx.outside(vec![fx.transfer(1)], valid_until + 100_000);
    let kept_sig = fx.sign_v2(&key, &kept, valid_until);
    let later = valid_until + 600;
    fx.user
        .invoke(&[register_session_scoped(
            a,
            key.public_key(),
            later,
            10,
            &[pair(STRK, "transfer")],
        )])
        .await
        .unwrap();
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: valid_until mismatch",
    );

    // H6: renewing an expired key of the current epoch works, and what was signed for the
    // old registration stays dead.
    let kept = fx.outside(vec![fx.transfer(1)], later + 100_000);
    let kept_sig = fx.sign_v2(&key, &kept, later);
    fx.dev.set_time(later).await.unwrap();
    assert_eq!(status(&fx, &key).await, "expired");
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: expired",
    );
    let renewed = fx.now().await + 3600;
    fx.user
        .invoke(&[register_session_scoped(
            a,
            key.public_key(),
            renewed,
            10,
            &[pair(STRK, "transfer")],
        )])
        .await
        .unwrap();
    assert_eq!(status(&fx, &key).await, "active");
    assert_refused(
        fx.relayer.relay(a, &kept, &kept_sig).await,
        "Session: expired",
    );
    fx.relay_v2(&key, vec![fx.transfer(1)], renewed)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 2);
}

#[tokio::test]
async fn expiry_budget_and_registration_parameters_are_enforced() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(290);
    let valid_until = register_scoped(&fx, &key, 600, 2, &[pair(STRK, "transfer")]).await;

    // H3: a call that reverts inside (a transfer above the balance) reverts the whole
    // execution; the relayer pays, the account keeps its call and its balance.
    let before = snapshot(&fx).await;
    let relayer_before = fx.strk(fx.relayer.address()).await;
    let outside = fx.outside(vec![fx.transfer(u128::MAX)], valid_until);
    let sig = fx.sign_v2(&key, &outside, valid_until);
    let result = fx.relayer.relay_unsimulated(a, &outside, &sig).await;
    let hash = reverted_hash(&result, "");
    let fee = details(&fx, &hash).await.actual_fee;
    assert_eq!(fx.strk(fx.relayer.address()).await, relayer_before - fee);
    assert_eq!(snapshot(&fx).await, before);
    assert_eq!(fx.remaining(&key).await, 2);
    assert!(is_nonce_free(&fx, a, outside.nonce).await);

    // H2
    for _ in 0..2 {
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
            .await
            .unwrap();
    }
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: max calls exceeded",
    );
    assert_eq!(status(&fx, &key).await, "exhausted");
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 2);

    // H1
    let other = session_key(291);
    let other_until = register_scoped(&fx, &other, 600, 10, &[pair(STRK, "transfer")]).await;
    fx.relay_v2(&other, vec![fx.transfer(1)], other_until)
        .await
        .unwrap();
    fx.dev.set_time(other_until).await.unwrap();
    // A relayer may not pass a deadline that is over either: sign with an open window.
    let open = fx.outside(vec![fx.transfer(1)], other_until + 10_000);
    let sig = fx.sign_v2(&other, &open, other_until);
    assert_refused(fx.relayer.relay(a, &open, &sig).await, "Session: expired");
    assert_eq!(status(&fx, &other).await, "expired");

    // H4 / H7
    let now = fx.now().await;
    let fresh = session_key(292);
    for (session, until) in [(fresh.public_key(), now), (Felt::ZERO, now + 600)] {
        assert_refused(
            fx.user
                .invoke(&[register_session_scoped(
                    a,
                    session,
                    until,
                    5,
                    &[pair(STRK, "transfer")],
                )])
                .await,
            "Session: invalid params",
        );
    }
    assert_eq!(status(&fx, &fresh).await, "none");
}

// ---------------------------------------------------------------------------------------------
// I. Spending windows (the sliding-window guarantee)

/// A session scoped to STRK's transfer / approve / transfer_from with a policy on STRK.
async fn policed(fx: &Fixture, key: &PrivateKey, policy: SpendingLimit) -> u64 {
    let a = fx.user.address();
    let valid_until = fx.now().await + 30 * 86_400;
    fx.user
        .invoke(&[
            register_session_scoped(
                a,
                key.public_key(),
                valid_until,
                1000,
                &[
                    pair(STRK, "transfer"),
                    pair(STRK, "approve"),
                    pair(STRK, "transfer_from"),
                ],
            ),
            calls::set_spending_policy(a, key.public_key(), STRK, &policy),
        ])
        .await
        .unwrap();
    valid_until
}

#[tokio::test]
async fn the_window_cap_holds_at_its_exact_edges() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(300);
    let valid_until = policed(&fx, &key, limit(100, 150, 3600)).await;
    let r1 = fx.recipient;
    let start = fx.strk(r1).await;

    // I1
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(101)], valid_until).await,
        "Policy: exceeds per-call cap",
    );
    // I2: at t0, 100; at t0 + 10, 51 is too much and 50 fits.
    let t0 = fx.now().await + 100;
    fx.dev.set_time(t0).await.unwrap();
    // devnet runs a transaction at the timestamp of the latest block (here the one setTime
    // made), not at its own block's, so the edges below are exact whatever the wall clock
    // does between the calls. The pause proves it: the spend is still logged at t0.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    fx.relay_v2(&key, vec![fx.transfer(100)], valid_until)
        .await
        .unwrap();
    assert_eq!(policy(&fx, &key).await, (100, 150, 3600, 100, t0));
    fx.dev.set_time(t0 + 10).await.unwrap();
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(51)], valid_until).await,
        "Policy: exceeds window cap",
    );
    fx.relay_v2(&key, vec![fx.transfer(50)], valid_until)
        .await
        .unwrap();
    // I3
    assert_eq!(policy(&fx, &key).await, (100, 150, 3600, 150, t0));
    // I4: the t0 spend counts while now < t0 + 3600.
    fx.dev.set_time(t0 + 3599).await.unwrap();
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until).await,
        "Policy: exceeds window cap",
    );
    // I5: at t0 + 3600 it has left; the t0 + 10 spend has not.
    fx.dev.set_time(t0 + 3600).await.unwrap();
    assert_eq!(policy(&fx, &key).await, (100, 150, 3600, 50, t0 + 10));
    fx.relay_v2(&key, vec![fx.transfer(100)], valid_until)
        .await
        .unwrap();
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until).await,
        "Policy: exceeds window cap",
    );
    // I7: approve and transfer_from are metered (transfer_from's amount at calldata[2..4]).
    assert_refused(
        fx.relay_v2(&key, vec![erc20_approve(STRK, r1, u(101))], valid_until)
            .await,
        "Policy: exceeds per-call cap",
    );
    assert_refused(
        fx.relay_v2(
            &key,
            vec![Call::new(
                STRK,
                "transfer_from",
                vec![a, r1, Felt::from(101u8), Felt::ZERO],
            )],
            valid_until,
        )
        .await,
        "Policy: exceeds per-call cap",
    );
    // I8: malformed amounts.
    for calldata in [
        vec![r1, Felt::ONE, Felt::from(1u128 << 127) * Felt::TWO],
        vec![r1, Felt::ONE],
    ] {
        assert_refused(
            fx.relay_v2(
                &key,
                vec![Call::new(STRK, "transfer", calldata)],
                valid_until,
            )
            .await,
            "Policy: bad calldata",
        );
    }
    // I15: a zero amount passes and is not logged.
    fx.relay_v2(&key, vec![fx.transfer(0)], valid_until)
        .await
        .unwrap();
    assert_eq!(policy(&fx, &key).await.3, 150);
    assert_eq!(fx.strk(r1).await, start + 250);
}

/// I6: 1 at W0, 149 at W0 + 3599, then 150 at W0 + 3600. v1's window resets at W0 + 3600,
/// so 299 move within a second; v2 counts every spend of the last 3600 s.
async fn boundary_attack(fx: &Fixture, key: &PrivateKey, valid_until: u64, v2: bool) -> bool {
    let relay = |amount: u128| async move {
        if v2 {
            fx.relay_v2(key, vec![fx.transfer(amount)], valid_until)
                .await
        } else {
            fx.relay(key, vec![fx.transfer(amount)], valid_until).await
        }
    };
    let w0 = fx.now().await + 100;
    fx.dev.set_time(w0).await.unwrap();
    relay(1).await.unwrap();
    fx.dev.set_time(w0 + 3599).await.unwrap();
    relay(149).await.unwrap();
    fx.dev.set_time(w0 + 3600).await.unwrap();
    let second = relay(150).await;
    if v2 {
        assert_refused(second, "Policy: exceeds window cap");
        relay(1).await.unwrap();
        false
    } else {
        second.unwrap();
        true
    }
}

#[tokio::test]
async fn the_boundary_attack_that_beat_the_fixed_window_is_refused() {
    let fx = Fixture::start_v2().await;
    let key = session_key(310);
    let valid_until = policed(&fx, &key, limit(150, 150, 3600)).await;
    let before = fx.strk(fx.recipient).await;
    assert!(!boundary_attack(&fx, &key, valid_until, true).await);
    assert_eq!(fx.strk(fx.recipient).await, before + 151);

    // README I6: 150 at T - 1, 150 at T + 1.
    let other = session_key(311);
    let other_until = policed(&fx, &other, limit(150, 150, 3600)).await;
    let t = fx.now().await + 100;
    fx.dev.set_time(t - 1).await.unwrap();
    fx.relay_v2(&other, vec![fx.transfer(150)], other_until)
        .await
        .unwrap();
    fx.dev.set_time(t + 1).await.unwrap();
    assert_refused(
        fx.relay_v2(&other, vec![fx.transfer(150)], other_until)
            .await,
        "Policy: exceeds window cap",
    );
    assert_eq!(fx.strk(fx.recipient).await, before + 301);
}

#[tokio::test]
async fn v1_the_fixed_window_lets_twice_the_cap_through_around_its_boundary() {
    let fx = Fixture::start_v1().await;
    let key = session_key(312);
    let valid_until = fx.register(&key, 30 * 86_400, 100, &[]).await;
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(150, 150, 3600))
        .await
        .unwrap();
    let before = fx.strk(fx.recipient).await;
    assert!(boundary_attack(&fx, &key, valid_until, false).await);
    assert_eq!(fx.strk(fx.recipient).await, before + 300);
}

#[tokio::test]
async fn policy_changes_keep_the_log_and_a_multicall_is_metered_as_a_whole() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(320);
    let valid_until = policed(&fx, &key, limit(150, 150, 3600)).await;
    fx.relay_v2(&key, vec![fx.transfer(150)], valid_until)
        .await
        .unwrap();
    // I12: raising the cap keeps what was spent.
    let raised = fx
        .user
        .set_spending_policy(key.public_key(), STRK, &limit(150, 200, 3600))
        .await
        .unwrap();
    let ev = events(&fx, &raised, a, "SpendingPolicySet").await;
    assert_eq!(ev[0].1, felts(&[150, 0, 200, 0, 3600]));
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(51)], valid_until).await,
        "Policy: exceeds window cap",
    );
    // I9: two calls of one execution are metered together; nothing moves.
    let before = snapshot(&fx).await;
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(30), fx.transfer(30)], valid_until)
            .await,
        "Policy: exceeds window cap",
    );
    assert_eq!(snapshot(&fx).await, before);
    fx.relay_v2(&key, vec![fx.transfer(25), fx.transfer(25)], valid_until)
        .await
        .unwrap();
    assert_eq!(policy(&fx, &key).await.3, 200);
    // I13
    let removed = fx
        .user
        .remove_spending_policy(key.public_key(), STRK)
        .await
        .unwrap();
    assert_eq!(
        events(&fx, &removed, a, "SpendingPolicyRemoved")
            .await
            .len(),
        1
    );
    assert_eq!(policy(&fx, &key).await, (0, 0, 0, 0, 0));
    fx.relay_v2(&key, vec![fx.transfer(1000)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 1050);
    // I14
    assert_refused(
        fx.user
            .set_spending_policy(key.public_key(), STRK, &limit(1, 1, 0))
            .await,
        "Policy: invalid window",
    );
    assert_refused(
        fx.relayer
            .invoke(&[calls::set_spending_policy(
                a,
                key.public_key(),
                STRK,
                &limit(1, 1, 10),
            )])
            .await,
        "Account: unauthorized",
    );
}

#[tokio::test]
async fn the_spend_log_holds_32_distinct_times_per_window() {
    let fx = Fixture::start_v2().await;
    let key = session_key(330);
    let valid_until = policed(&fx, &key, limit(1_000_000, 1_000_000_000, 3600)).await;
    // I11: three spends in one execution share one slot.
    let first = fx.now().await + 100;
    fx.dev.set_time(first).await.unwrap();
    fx.relay_v2(
        &key,
        vec![fx.transfer(1), fx.transfer(1), fx.transfer(1)],
        valid_until,
    )
    .await
    .unwrap();
    // I10: 31 more at distinct times fill the 32 slots... (each pinned with set_time: an
    // increase_time step plus the wall clock of a busy machine can land two spends on one
    // timestamp, which share a slot)
    for i in 1..=31 {
        fx.dev.set_time(first + i).await.unwrap();
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
            .await
            .unwrap();
    }
    let (_, _, _, spent, start) = policy(&fx, &key).await;
    assert_eq!((spent, start), (34, first));
    // ...and a 33rd time in the window finds none free.
    fx.dev.set_time(first + 32).await.unwrap();
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(1)], valid_until).await,
        "Policy: window log full",
    );
    // Once the first spend has left the window its slot is free again.
    fx.dev.set_time(first + 3600).await.unwrap();
    fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    let (_, _, _, spent, start) = policy(&fx, &key).await;
    assert_eq!(spent, 32);
    assert!(start > first);
}

// ---------------------------------------------------------------------------------------------
// J. Upgrade v1 -> v2 in place

#[tokio::test]
async fn a_v1_account_upgrades_in_place_keeps_its_owner_and_ends_its_v1_sessions() {
    let fx = Fixture::start_with(DevnetConfig {
        accounts: 4,
        ..DevnetConfig::v1()
    })
    .await;
    let u_addr = fx.user.address();
    let v2 = prepare_class(SESSION_ACCOUNT_V2_SIERRA).unwrap();
    declare(&fx.relayer, &v2).await.unwrap();
    let v1_class = fx.devnet.account_class_hash();
    assert_eq!(
        fx.chain.class_hash_at(u_addr).await.unwrap(),
        Some(v1_class)
    );

    // J1: a v1 session with a policy, used once under v1.
    assert!(!supports(&fx, u_addr, ISESSION_KEYS_V2_ID).await);
    let kv = session_key(340);
    let kv_until = fx.register(&kv, 36_000, 10, &[]).await;
    fx.user
        .set_spending_policy(kv.public_key(), STRK, &limit(100, 1000, 3600))
        .await
        .unwrap();
    let used = fx.outside(vec![fx.transfer(1)], kv_until);
    let used_sig = fx.sign(&kv, &used, kv_until);
    fx.relayer.relay(u_addr, &used, &used_sig).await.unwrap();
    let owner_before = public_key_of(&fx, u_addr).await;

    // J2
    assert_refused(
        fx.relayer
            .invoke(&[calls::upgrade(u_addr, v2.class_hash)])
            .await,
        "Account: unauthorized",
    );
    fx.user
        .invoke(&[calls::upgrade(u_addr, v2.class_hash)])
        .await
        .unwrap();
    assert_eq!(
        fx.chain.class_hash_at(u_addr).await.unwrap(),
        Some(v2.class_hash)
    );
    assert_eq!(public_key_of(&fx, u_addr).await, owner_before);
    let before = fx.strk(fx.recipient).await;
    fx.user.invoke(&[fx.transfer(1)]).await.unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 1);
    // J3
    for id in [ISRC5_ID, ISRC6_ID, ISNIP9_V2_ID] {
        assert!(
            supports(&fx, u_addr, Felt::from_hex_unchecked(id)).await,
            "{id}"
        );
    }
    assert!(supports(&fx, u_addr, ISESSION_KEYS_V2_ID).await);
    // The policy numbers survive (its v1 spend counter is no longer read).
    assert_eq!(policy(&fx, &kv).await, (100, 1000, 3600, 0, 0));

    // J4 / J5 / J6: every v1 session has ended.
    assert_refused(
        relay_v2_for(&fx, u_addr, &kv, vec![fx.transfer(1)], kv_until).await,
        "Session: epoch ended",
    );
    assert_refused(
        relay_v1_for(&fx, u_addr, &kv, vec![fx.transfer(1)], kv_until).await,
        "Session: epoch ended",
    );
    assert_eq!(status(&fx, &kv).await, "revoked");
    assert_refused(
        fx.user
            .register_session(kv.public_key(), kv_until, 10, &[])
            .await,
        "Session: key retired",
    );
    assert!(!is_nonce_free(&fx, u_addr, used.nonce).await);
    assert_refused(
        fx.relayer.relay(u_addr, &used, &used_sig).await,
        "SNIP9: duplicate nonce",
    );

    // J7: a new scoped session works.
    let kn = session_key(341);
    let kn_until = register_scoped(&fx, &kn, 36_000, 10, &[pair(STRK, "transfer")]).await;
    fx.relay_v2(&kn, vec![fx.transfer(1)], kn_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 2);
    assert_eq!(fx.remaining(&kn).await, 9);

    // J10: v2's upgrade emits AccountUpgraded.
    let again = fx
        .user
        .invoke(&[calls::upgrade(u_addr, v2.class_hash)])
        .await
        .unwrap();
    assert_eq!(
        events(&fx, &again, u_addr, "AccountUpgraded").await,
        vec![(
            vec![selector_from_name("AccountUpgraded")],
            vec![v2.class_hash]
        )]
    );

    // J8: upgrade and register in one multicall on another v1 account.
    let other = &fx.devnet.accounts()[3];
    let u2 = OwnerAccount::new(&fx.chain, other.address, predeployed_key(other));
    let km = session_key(342);
    let km_until = fx.now().await + 36_000;
    u2.invoke(&[
        calls::upgrade(u2.address(), v2.class_hash),
        register_session_scoped(
            u2.address(),
            km.public_key(),
            km_until,
            10,
            &[pair(STRK, "transfer")],
        ),
    ])
    .await
    .unwrap();
    relay_v2_for(&fx, u2.address(), &km, vec![fx.transfer(1)], km_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 3);
    assert_eq!(status_of(&fx, u2.address(), &km).await, "active");
}

// ---------------------------------------------------------------------------------------------
// K. CHIPI v1 calldata on v2; L. SNIP-9 and owner signatures

#[tokio::test]
async fn chipi_v1_calldata_still_works_on_v2() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(350);
    let transfer = selector_from_name("transfer");
    let valid_until = fx.now().await + 3600;
    let added = fx
        .user
        .register_session(key.public_key(), valid_until, 10, &[transfer])
        .await
        .unwrap();
    assert_eq!(
        events(&fx, &added, a, "SessionKeyAdded").await,
        vec![(
            vec![selector_from_name("SessionKeyAdded"), key.public_key()],
            felts(&[valid_until, 10])
        )]
    );
    let mut data = felts(&[1, valid_until, 10, 1]);
    data.push(transfer);
    assert_eq!(session_data(&fx, &key).await, data);
    assert_eq!(status(&fx, &key).await, "active");
    assert_eq!(
        fx.chain
            .call(a, "get_session_scope", vec![key.public_key()])
            .await
            .unwrap(),
        vec![Felt::ZERO]
    );
    // The app's decoder reads it as before.
    let decoded = fx.chain.session_data(a, key.public_key()).await.unwrap();
    assert!(decoded.is_active);
    assert_eq!(decoded.allowed_entrypoints, Some(vec![transfer]));

    // K5: a client that signs v1-style is refused; K2: the v2 signature works.
    assert_refused(
        fx.relay(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: invalid signature",
    );
    let before = fx.strk(fx.recipient).await;
    fx.relay_v2(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 1);

    // K3: spending policies with v1 calldata, through the app's own reader.
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(10, 20, 600))
        .await
        .unwrap();
    let p = fx
        .chain
        .spending_policy(a, key.public_key(), STRK)
        .await
        .unwrap();
    assert_eq!(
        (p.max_per_call, p.max_per_window, p.window_seconds),
        (u(10), u(20), 600)
    );
    assert_refused(
        fx.relay_v2(&key, vec![fx.transfer(11)], valid_until).await,
        "Policy: exceeds per-call cap",
    );
    fx.user
        .remove_spending_policy(key.public_key(), STRK)
        .await
        .unwrap();
    assert!(!fx
        .chain
        .spending_policy(a, key.public_key(), STRK)
        .await
        .unwrap()
        .is_set());
    fx.relay_v2(&key, vec![fx.transfer(11)], valid_until)
        .await
        .unwrap();

    // K4
    fx.user.revoke_session(key.public_key()).await.unwrap();
    assert_eq!(status(&fx, &key).await, "revoked");
    assert!(!fx
        .chain
        .session_data(a, key.public_key())
        .await
        .unwrap()
        .is_registered());
}

#[tokio::test]
async fn snip9_rules_and_owner_signatures_are_unchanged() {
    let fx = Fixture::start_v2().await;
    let a = fx.user.address();
    let key = session_key(360);
    let valid_until = register_scoped(&fx, &key, 3600, 10, &[pair(STRK, "transfer")]).await;
    let owner = predeployed_key(&fx.devnet.accounts()[0]);
    let before = snapshot(&fx).await;

    // L1
    let mut outside = fx.outside(vec![fx.transfer(1)], valid_until);
    outside.caller = r2(&fx);
    let sig = fx.sign_v2(&key, &outside, valid_until);
    assert_refused(
        fx.relayer.relay(a, &outside, &sig).await,
        "SNIP9: invalid caller",
    );
    // L2
    let now = fx.now().await;
    let mut early = fx.outside(vec![fx.transfer(1)], valid_until);
    early.execute_after = now + 1000;
    let sig = fx.sign_v2(&key, &early, valid_until);
    assert_refused(
        fx.relayer.relay(a, &early, &sig).await,
        "SNIP9: now <= execute_after",
    );
    let mut late = fx.outside(vec![fx.transfer(1)], valid_until);
    late.execute_before = now - 1;
    let sig = fx.sign_v2(&key, &late, valid_until);
    assert_refused(
        fx.relayer.relay(a, &late, &sig).await,
        "SNIP9: now >= execute_before",
    );
    // L4 / L5: owner (2-felt) signatures must be the owner's; 3 felts is no signature.
    let plain = fx.outside(vec![fx.transfer(1)], valid_until);
    let hash = plain.message_hash(fx.chain.chain_id(), a);
    let wrong = session_key(361).sign(&hash).unwrap();
    assert_refused(
        fx.relayer.relay(a, &plain, &[wrong.r, wrong.s]).await,
        "SNIP9: invalid signature",
    );
    assert_refused(
        fx.relayer
            .relay(a, &plain, &[Felt::ONE, Felt::TWO, Felt::THREE])
            .await,
        "Account: invalid sig length",
    );
    assert_eq!(snapshot(&fx).await, before);
    // The owner's outside execution works; L3: not twice.
    let good = owner.sign(&hash).unwrap();
    fx.relayer
        .relay(a, &plain, &[good.r, good.s])
        .await
        .unwrap();
    assert_refused(
        fx.relayer.relay(a, &plain, &[good.r, good.s]).await,
        "SNIP9: duplicate nonce",
    );
    // L1 positive: the named caller may submit it.
    let mut named = fx.outside(vec![fx.transfer(1)], valid_until);
    named.caller = fx.relayer.address();
    let sig = fx.sign_v2(&key, &named, valid_until);
    fx.relayer.relay(a, &named, &sig).await.unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before.recipient_strk + 2);

    // A8: is_valid_signature answers for the owner only.
    let h = Felt::from(0x1234u32);
    let session_sig = SessionSignature::sign(&key, &h, valid_until)
        .unwrap()
        .to_felts();
    let mut calldata = vec![h, Felt::from(4u8)];
    calldata.extend(session_sig);
    assert_eq!(
        fx.chain
            .call(a, "is_valid_signature", calldata)
            .await
            .unwrap(),
        vec![Felt::ZERO]
    );
    let o = owner.sign(&h).unwrap();
    assert_eq!(
        fx.chain
            .call(a, "is_valid_signature", vec![h, Felt::TWO, o.r, o.s])
            .await
            .unwrap(),
        vec![short_string("VALID").unwrap()]
    );
}

// ---------------------------------------------------------------------------------------------
// Figures for the note

#[tokio::test]
async fn fee_figures() {
    let (v1, v2) = tokio::join!(Fixture::start_v1(), Fixture::start_v2());
    let mut lines = Vec::new();
    let mut row = |what: &str, d: &ReceiptDetails| {
        lines.push(format!(
            "{what:<80} {:>18} {} l2_gas={:>8} l1_data_gas={:>4} l1_gas={}",
            d.actual_fee, d.fee_unit, d.l2_gas, d.l1_data_gas, d.l1_gas
        ));
    };

    // (a) v1: add_or_update_session_key alone.
    let k = session_key(370);
    let v1_until = v1.now().await + 3600;
    let reg = v1
        .user
        .register_session(
            k.public_key(),
            v1_until,
            100,
            &[selector_from_name("transfer")],
        )
        .await
        .unwrap();
    row(
        "(a) v1 add_or_update_session_key([transfer])",
        &details(&v1, &reg.tx_hash).await,
    );
    // (c) v1: a relayed session STRK transfer (the relayer pays).
    let relayed = v1.relay(&k, vec![v1.transfer(1)], v1_until).await.unwrap();
    row(
        "(c) v1 relayed session STRK transfer (paid by the relayer)",
        &details(&v1, &relayed.tx_hash).await,
    );

    // v2: the same broad registration, for comparison.
    let a = v2.user.address();
    let kb = session_key(371);
    let v2_until = v2.now().await + 3600;
    let reg = v2
        .user
        .register_session(
            kb.public_key(),
            v2_until,
            100,
            &[selector_from_name("transfer")],
        )
        .await
        .unwrap();
    row(
        "    v2 add_or_update_session_key([transfer]) (broad, CHIPI calldata)",
        &details(&v2, &reg.tx_hash).await,
    );
    // v2: a scoped registration alone, and one with a recipient rule only.
    let scope_only = session_key(373);
    let reg = v2
        .user
        .invoke(&[register_session_scoped(
            a,
            scope_only.public_key(),
            v2_until,
            100,
            &[pair(STRK, "transfer")],
        )])
        .await
        .unwrap();
    row(
        "    v2 add_or_update_session_key_scoped([(STRK, transfer)]) alone",
        &details(&v2, &reg.tx_hash).await,
    );
    let with_recipients = session_key(374);
    v2.user
        .invoke(&[
            register_session_scoped(
                a,
                with_recipients.public_key(),
                v2_until,
                100,
                &[pair(STRK, "transfer")],
            ),
            calls::set_session_recipients(a, with_recipients.public_key(), STRK, &[v2.recipient]),
        ])
        .await
        .unwrap();
    // (b) v2: scope + recipients + policy in one owner multicall.
    let ks = session_key(372);
    let reg = v2
        .user
        .invoke(&[
            register_session_scoped(a, ks.public_key(), v2_until, 100, &[pair(STRK, "transfer")]),
            calls::set_session_recipients(a, ks.public_key(), STRK, &[v2.recipient]),
            calls::set_spending_policy(a, ks.public_key(), STRK, &limit(1000, 10_000, 86_400)),
        ])
        .await
        .unwrap();
    row(
        "(b) v2 scoped registration + recipients + spending policy (one multicall)",
        &details(&v2, &reg.tx_hash).await,
    );
    // (c) v2: relayed transfers, broad and scoped-with-rules.
    let user_before = v2.strk(a).await;
    let relayed = v2
        .relay_v2(&kb, vec![v2.transfer(1)], v2_until)
        .await
        .unwrap();
    row(
        "(c) v2 relayed session STRK transfer, broad, no rules",
        &details(&v2, &relayed.tx_hash).await,
    );
    let relayed = v2
        .relay_v2(&scope_only, vec![v2.transfer(1)], v2_until)
        .await
        .unwrap();
    row(
        "(c) v2 relayed session STRK transfer, scoped, no rules",
        &details(&v2, &relayed.tx_hash).await,
    );
    let relayed = v2
        .relay_v2(&with_recipients, vec![v2.transfer(1)], v2_until)
        .await
        .unwrap();
    row(
        "(c) v2 relayed session STRK transfer, scoped + recipient rule",
        &details(&v2, &relayed.tx_hash).await,
    );
    let relayed = v2
        .relay_v2(&ks, vec![v2.transfer(1)], v2_until)
        .await
        .unwrap();
    row(
        "(c) v2 relayed session STRK transfer, scoped + recipient + policy (1st spend)",
        &details(&v2, &relayed.tx_hash).await,
    );
    v2.dev.increase_time(1).await.unwrap();
    let relayed = v2
        .relay_v2(&ks, vec![v2.transfer(1)], v2_until)
        .await
        .unwrap();
    row(
        "(c) v2 relayed session STRK transfer, scoped + recipient + policy (2nd spend)",
        &details(&v2, &relayed.tx_hash).await,
    );
    assert_eq!(v2.strk(a).await, user_before - 5, "the account pays no fee");

    eprintln!("\nfees on devnet 0.10.1 (actual_fee in the unit shown; gas from the receipt):");
    for line in &lines {
        eprintln!("  {line}");
    }
}
