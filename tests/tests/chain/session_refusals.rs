//! Every rule the account enforces on a session, each refused with its own revert reason. The
//! positive case for each is the successful relay in the same test, or in session_lifecycle.rs.

#![allow(clippy::unwrap_used)]

use sesame_core::outside::Call;
use sesame_core::selector::{selector_from_name, ADMIN_ENTRYPOINTS};
use sesame_core::session::{derive_state, LocalMark, SessionState};
use sesame_core::Felt;
use sesame_tests::{assert_refused, session_key, Fixture};

#[tokio::test]
async fn a_session_past_its_expiry_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(10);
    let valid_until = fx.register(&key, 600, 10, &[]).await;
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();

    fx.dev.increase_time(601).await.unwrap();

    // Relayers may not pass a deadline that is over either: sign with an open window.
    let outside = fx.outside(vec![fx.transfer(1)], valid_until + 10_000);
    let sig = fx.sign(&key, &outside, valid_until);
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "Session: expired",
    );
    let data = fx
        .chain
        .session_data(fx.user.address(), key.public_key())
        .await
        .unwrap();
    assert_eq!(
        derive_state(Some(LocalMark::Registered), Some(&data), fx.now().await),
        SessionState::Expired
    );
}

#[tokio::test]
async fn a_signature_claiming_another_valid_until_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(11);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let outside = fx.outside(vec![fx.transfer(1)], valid_until);
    let sig = fx.sign(&key, &outside, valid_until + 1);
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "Session: valid_until mismatch",
    );
    // Same execution with the registered valid_until goes through.
    let sig = fx.sign(&key, &outside, valid_until);
    fx.relayer
        .relay(fx.user.address(), &outside, &sig)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unregistered_session_key_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(12);
    let valid_until = fx.now().await + 3600;
    assert_refused(
        fx.relay(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: not registered",
    );
}

#[tokio::test]
async fn a_signature_by_a_key_other_than_the_registered_one_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(13);
    let impostor = session_key(14);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let outside = fx.outside(vec![fx.transfer(1)], valid_until);
    let mut sig = fx.sign(&impostor, &outside, valid_until);
    sig[0] = key.public_key(); // claims to be the registered key
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "Session: invalid signature",
    );
}

#[tokio::test]
async fn a_session_with_no_calls_left_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(15);
    let valid_until = fx.register(&key, 3600, 2, &[]).await;
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
    assert_eq!(fx.remaining(&key).await, 0);
    assert_refused(
        fx.relay(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: max calls exceeded",
    );
}

#[tokio::test]
async fn each_of_the_nine_admin_selectors_is_refused_even_when_allowlisted() {
    let fx = Fixture::start_v1().await;
    let key = session_key(16);
    let mut allowed: Vec<Felt> = ADMIN_ENTRYPOINTS
        .iter()
        .map(|n| selector_from_name(n))
        .collect();
    allowed.push(selector_from_name("transfer"));
    let valid_until = fx.register(&key, 3600, 100, &allowed).await;
    for name in ADMIN_ENTRYPOINTS {
        let call = Call::new(fx.user.address(), name, vec![key.public_key()]);
        assert_refused(
            fx.relay(&key, vec![call], valid_until).await,
            "Session: admin selector",
        );
    }
    // An allowlisted, non-admin selector still works.
    fx.relay(&key, vec![fx.transfer(1)], valid_until)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_self_call_is_refused_while_the_allowlist_is_empty_and_allowed_when_listed() {
    let fx = Fixture::start_v1().await;
    let key = session_key(17);
    let self_call = Call::new(fx.user.address(), "get_public_key", vec![]);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    assert_refused(
        fx.relay(&key, vec![self_call.clone()], valid_until).await,
        "Session: self-call blocked",
    );

    let listed = fx
        .register(&key, 3600, 10, &[selector_from_name("get_public_key")])
        .await;
    fx.relay(&key, vec![self_call], listed).await.unwrap();
}

#[tokio::test]
async fn a_selector_outside_a_non_empty_allowlist_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(18);
    let valid_until = fx
        .register(&key, 3600, 10, &[selector_from_name("approve")])
        .await;
    assert_refused(
        fx.relay(&key, vec![fx.transfer(1)], valid_until).await,
        "Session: selector not allowed",
    );
    let approve = sesame_core::calls::erc20_approve(
        sesame_tests::STRK,
        fx.recipient,
        sesame_core::felt::U256::from_u128(5),
    );
    fx.relay(&key, vec![approve], valid_until).await.unwrap();
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(19);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let outside = fx.outside(vec![fx.transfer(1)], valid_until);
    let sig = fx.sign(&key, &outside, valid_until);
    let nonce_free = fx
        .chain
        .call(
            fx.user.address(),
            "is_valid_outside_execution_nonce",
            vec![outside.nonce],
        )
        .await
        .unwrap();
    assert_eq!(nonce_free, vec![Felt::ONE]);
    fx.relayer
        .relay(fx.user.address(), &outside, &sig)
        .await
        .unwrap();
    let nonce_free = fx
        .chain
        .call(
            fx.user.address(),
            "is_valid_outside_execution_nonce",
            vec![outside.nonce],
        )
        .await
        .unwrap();
    assert_eq!(nonce_free, vec![Felt::ZERO]);
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "SNIP9: duplicate nonce",
    );
}

#[tokio::test]
async fn an_outside_execution_past_execute_before_is_refused() {
    let fx = Fixture::start_v1().await;
    let key = session_key(20);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let mut outside = fx.outside(vec![fx.transfer(1)], valid_until);
    outside.execute_before = fx.now().await - 1;
    let sig = fx.sign(&key, &outside, valid_until);
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "SNIP9: now >= execute_before",
    );
}

#[tokio::test]
async fn an_outside_execution_for_a_named_caller_is_refused_from_anyone_else() {
    let fx = Fixture::start_v1().await;
    let key = session_key(21);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let mut outside = fx.outside(vec![fx.transfer(1)], valid_until);
    outside.caller = fx.recipient; // only the recipient account may submit it
    let sig = fx.sign(&key, &outside, valid_until);
    assert_refused(
        fx.relayer.relay(fx.user.address(), &outside, &sig).await,
        "SNIP9: invalid caller",
    );

    outside.caller = fx.relayer.address();
    let sig = fx.sign(&key, &outside, valid_until);
    fx.relayer
        .relay(fx.user.address(), &outside, &sig)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refusal_is_also_an_on_chain_revert_when_the_relayer_skips_simulation() {
    let fx = Fixture::start_v1().await;
    let key = session_key(22);
    let valid_until = fx.now().await + 3600;
    let outside = fx.outside(vec![fx.transfer(1)], valid_until);
    let sig = fx.sign(&key, &outside, valid_until);
    let result = fx
        .relayer
        .relay_unsimulated(fx.user.address(), &outside, &sig)
        .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), "TX_REVERTED", "{err}");
    assert!(
        err.reason().unwrap().contains("Session: not registered"),
        "{err}"
    );
}
