//! Spending policies: a per-call cap and a per-window cap, per session and token.

#![allow(clippy::unwrap_used)]

use sesame_core::calls::SpendingLimit;
use sesame_core::felt::U256;
use sesame_tests::{assert_refused, session_key, Fixture, STRK};

fn limit(per_call: u128, per_window: u128, window: u64) -> SpendingLimit {
    SpendingLimit {
        max_per_call: U256::from_u128(per_call),
        max_per_window: U256::from_u128(per_window),
        window_seconds: window,
    }
}

#[tokio::test]
async fn a_policy_round_trips_and_can_be_removed() {
    let fx = Fixture::start_v1().await;
    let key = session_key(30);
    fx.register(&key, 3600, 10, &[]).await;
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(100, 250, 600))
        .await
        .unwrap();
    let p = fx
        .chain
        .spending_policy(fx.user.address(), key.public_key(), STRK)
        .await
        .unwrap();
    assert!(p.is_set());
    assert_eq!(
        (p.max_per_call, p.max_per_window, p.window_seconds),
        (U256::from_u128(100), U256::from_u128(250), 600)
    );
    fx.user
        .remove_spending_policy(key.public_key(), STRK)
        .await
        .unwrap();
    let p = fx
        .chain
        .spending_policy(fx.user.address(), key.public_key(), STRK)
        .await
        .unwrap();
    assert!(!p.is_set());
}

#[tokio::test]
async fn a_transfer_over_the_per_call_cap_is_refused_and_one_at_the_cap_passes() {
    let fx = Fixture::start_v1().await;
    let key = session_key(31);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(100, 1_000, 600))
        .await
        .unwrap();
    assert_refused(
        fx.relay(&key, vec![fx.transfer(101)], valid_until).await,
        "Policy: exceeds per-call cap",
    );
    fx.relay(&key, vec![fx.transfer(100)], valid_until)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_window_cap_refuses_spend_beyond_it_until_the_window_passes() {
    let fx = Fixture::start_v1().await;
    let key = session_key(32);
    let valid_until = fx.register(&key, 36_000, 10, &[]).await;
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(100, 150, 600))
        .await
        .unwrap();
    fx.relay(&key, vec![fx.transfer(100)], valid_until)
        .await
        .unwrap();
    let p = fx
        .chain
        .spending_policy(fx.user.address(), key.public_key(), STRK)
        .await
        .unwrap();
    assert_eq!(p.spent_in_window, U256::from_u128(100));

    assert_refused(
        fx.relay(&key, vec![fx.transfer(51)], valid_until).await,
        "Policy: exceeds window cap",
    );
    fx.relay(&key, vec![fx.transfer(50)], valid_until)
        .await
        .unwrap();

    fx.dev.increase_time(601).await.unwrap();
    fx.relay(&key, vec![fx.transfer(100)], valid_until)
        .await
        .unwrap();
}

#[tokio::test]
async fn two_calls_in_one_execution_count_together_against_the_window() {
    let fx = Fixture::start_v1().await;
    let key = session_key(33);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    fx.user
        .set_spending_policy(key.public_key(), STRK, &limit(100, 150, 600))
        .await
        .unwrap();
    assert_refused(
        fx.relay(&key, vec![fx.transfer(80), fx.transfer(80)], valid_until)
            .await,
        "Policy: exceeds window cap",
    );
    assert_eq!(
        fx.remaining(&key).await,
        10,
        "a refused execution uses no call"
    );
}
