//! The session lifecycle on a real devnet: register, use through a relayer, update, revoke.

#![allow(clippy::unwrap_used)]

use sesame_core::calls::register_session;
use sesame_core::selector::selector_from_name;
use sesame_core::session::{derive_state, LocalMark, SessionDataShape, SessionState};
use sesame_tests::{assert_refused, session_key, Fixture};

#[tokio::test]
async fn registering_a_session_makes_it_active_with_every_call_left() {
    let fx = Fixture::start_v1().await;
    let key = session_key(1);
    let before = fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap();
    assert!(!before.is_registered());
    assert_eq!(
        derive_state(Some(LocalMark::Created), Some(&before), fx.now().await),
        SessionState::Created
    );

    let valid_until = fx.register(&key, 3600, 10, &[]).await;

    let data = fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap();
    assert_eq!(data.shape, SessionDataShape::ChipiTuple);
    assert!(data.is_active);
    assert_eq!(data.valid_until, valid_until);
    assert_eq!(data.remaining_calls, 10);
    assert_eq!(data.allowed_entrypoints, Some(vec![]));
    assert_eq!(
        derive_state(Some(LocalMark::Registered), Some(&data), fx.now().await),
        SessionState::Active
    );
}

#[tokio::test]
async fn a_relayed_session_transfer_moves_tokens_uses_one_call_and_costs_the_user_no_fee() {
    let fx = Fixture::start_v1().await;
    let key = session_key(2);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let user_before = fx.strk(fx.user.address()).await;
    let recipient_before = fx.strk(fx.recipient).await;
    let relayer_before = fx.strk(fx.relayer.address()).await;

    fx.relay(
        &key,
        vec![fx.transfer(1_000), fx.transfer(234)],
        valid_until,
    )
    .await
    .unwrap();

    assert_eq!(fx.strk(fx.recipient).await, recipient_before + 1_234);
    // The user's account pays exactly the transfers: the relayer paid the fee.
    assert_eq!(fx.strk(fx.user.address()).await, user_before - 1_234);
    assert!(fx.strk(fx.relayer.address()).await < relayer_before);
    // Two calls in one transaction use one call of the session.
    assert_eq!(fx.remaining(&key).await, 9);
}

#[tokio::test]
async fn after_revocation_the_session_is_refused_and_reads_as_revoked() {
    let fx = Fixture::start_v1().await;
    let key = session_key(3);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();

    fx.user.revoke_session(key.public_key()).await.unwrap();

    assert_refused(
        fx.relay(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: revoked",
    );
    let data = fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap();
    assert!(!data.is_active);
    assert_eq!(
        derive_state(Some(LocalMark::Registered), Some(&data), fx.now().await),
        SessionState::Revoked
    );
}

#[tokio::test]
async fn an_update_resets_calls_used_and_replaces_the_allowlist() {
    let fx = Fixture::start_v1().await;
    let key = session_key(4);
    let transfer = selector_from_name("transfer");
    let approve = selector_from_name("approve");
    let valid_until = fx.register(&key, 3600, 3, &[transfer]).await;
    fx.relay(&key, vec![fx.transfer(5)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.remaining(&key).await, 2);

    let later = valid_until + 100;
    fx.user
        .register_session(key.public_key(), later, 3, &[approve])
        .await
        .unwrap();

    let data = fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap();
    assert_eq!(data.remaining_calls, 3, "calls_used is reset");
    assert_eq!(data.valid_until, later);
    assert_eq!(data.allowed_entrypoints, Some(vec![approve]));
    // `transfer` was allowed before the update and no longer is.
    assert_refused(
        fx.relay(&key, vec![fx.transfer(5)], later).await,
        "Session: selector not allowed",
    );
}

#[tokio::test]
async fn only_the_account_itself_may_register_a_session() {
    let fx = Fixture::start_v1().await;
    let key = session_key(5);
    let now = fx.now().await;
    // The relayer calls the user's account directly: not the account itself.
    let call = register_session(fx.user.address(), key.public_key(), now + 100, 5, &[]);
    assert_refused(fx.relayer.invoke(&[call]).await, "Account: unauthorized");
    assert!(!fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap()
        .is_registered());
}
