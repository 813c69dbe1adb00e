//! SNIP-29 paymaster flow against a real local paymaster (tests/src/paymaster_server.rs) that
//! relays through the fixture's relayer account on a real devnet: build → verify → sign with
//! the session key → execute → receipt.

#![allow(clippy::unwrap_used)]

use sesame_chain::paymaster::{
    outside_execution_from_typed_data, ApiKey, ExecutionParameters, PaymasterClient,
    PaymasterError, PreparedInvoke,
};
use sesame_chain::ChainError;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{Call, SessionSignature};
use sesame_core::Felt;
use sesame_devnet::ETH_ADDRESS;
use sesame_tests::paymaster_server::{
    PaymasterServer, PaymasterServerConfig, Tamper, TEST_API_KEY,
};
use sesame_tests::{session_key, Fixture, STRK};

async fn server(fx: &Fixture, tamper: Tamper) -> PaymasterServer {
    let config = PaymasterServerConfig {
        tamper,
        ..PaymasterServerConfig::default()
    };
    PaymasterServer::start(&fx.relayer, config).await.unwrap()
}

fn client(server: &PaymasterServer) -> PaymasterClient {
    PaymasterClient::new(server.url(), Some(ApiKey::new(TEST_API_KEY))).unwrap()
}

fn session_signature(prepared: &PreparedInvoke, key: &PrivateKey, valid_until: u64) -> [Felt; 4] {
    SessionSignature::sign(key, &prepared.message_hash(), valid_until)
        .unwrap()
        .to_felts()
}

async fn prepare(
    fx: &Fixture,
    client: &PaymasterClient,
    calls: &[Call],
    parameters: &ExecutionParameters,
) -> Result<PreparedInvoke, PaymasterError> {
    client
        .prepare_invoke(fx.chain.chain_id(), fx.user.address(), calls, parameters)
        .await
}

#[tokio::test]
async fn the_paymaster_reports_itself_available_and_lists_strk() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    assert!(client.is_available().await.unwrap());
    let tokens = client.supported_tokens().await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].token_address, STRK);
    assert_eq!(tokens[0].decimals, 18);
}

#[tokio::test]
async fn a_sponsored_session_transfer_moves_tokens_uses_one_call_and_costs_the_user_no_fee() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    let key = session_key(40);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let user_before = fx.strk(fx.user.address()).await;
    let recipient_before = fx.strk(fx.recipient).await;
    let relayer_before = fx.strk(fx.relayer.address()).await;
    let now = fx.now().await;

    let calls = vec![fx.transfer(1_000), fx.transfer(234)];
    let prepared = prepare(&fx, &client, &calls, &ExecutionParameters::sponsored())
        .await
        .unwrap();
    // What the session key is about to sign: exactly our calls, for the relayer, for an hour.
    assert_eq!(prepared.outside.calls, calls);
    assert_eq!(prepared.outside.caller, fx.relayer.address());
    assert_eq!(prepared.outside.execute_after, 0);
    assert!((now + 3590..=now + 3610).contains(&prepared.outside.execute_before));

    let sig = session_signature(&prepared, &key, valid_until);
    let done = client.execute_prepared(&prepared, &sig).await.unwrap();
    fx.chain
        .wait_for_receipt(done.transaction_hash)
        .await
        .unwrap();

    assert_eq!(fx.strk(fx.recipient).await, recipient_before + 1_234);
    assert_eq!(
        fx.strk(fx.user.address()).await,
        user_before - 1_234,
        "the user pays the transfers and no fee"
    );
    assert!(fx.strk(fx.relayer.address()).await < relayer_before);
    assert_eq!(fx.remaining(&key).await, 9);
    assert_eq!(server.executions(), 1);
}

#[tokio::test]
async fn in_gas_token_mode_the_user_pays_exactly_the_quoted_fee_transfer() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    let key = session_key(41);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let user_before = fx.strk(fx.user.address()).await;
    let recipient_before = fx.strk(fx.recipient).await;

    let calls = vec![fx.transfer(500)];
    let prepared = prepare(&fx, &client, &calls, &ExecutionParameters::paid_in(STRK))
        .await
        .unwrap();
    assert_eq!(&prepared.outside.calls[..1], &calls[..]);
    let fee_calls = prepared.paymaster_calls(calls.len());
    assert_eq!(fee_calls.len(), 1, "one fee transfer appended");
    assert_eq!(fee_calls[0].calldata[0], fx.relayer.address());
    let fee =
        sesame_core::felt::felt_to_u128(&prepared.fee.suggested_max_fee_in_gas_token).unwrap();
    assert!(fee > 0);

    let sig = session_signature(&prepared, &key, valid_until);
    let done = client.execute_prepared(&prepared, &sig).await.unwrap();
    fx.chain
        .wait_for_receipt(done.transaction_hash)
        .await
        .unwrap();

    assert_eq!(fx.strk(fx.recipient).await, recipient_before + 500);
    assert_eq!(fx.strk(fx.user.address()).await, user_before - 500 - fee);
    assert_eq!(fx.remaining(&key).await, 9);
}

#[tokio::test]
async fn a_wrong_or_missing_api_key_is_refused_with_its_code() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let calls = vec![fx.transfer(1)];
    let sponsored = ExecutionParameters::sponsored();

    let wrong = PaymasterClient::new(server.url(), Some(ApiKey::new("not-the-key"))).unwrap();
    let err = prepare(&fx, &wrong, &calls, &sponsored).await.unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_INVALID_API_KEY", "{err}");
    assert!(!format!("{wrong:?} {err:?}").contains("not-the-key"));

    let missing = PaymasterClient::new(server.url(), None).unwrap();
    let err = prepare(&fx, &missing, &calls, &sponsored)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_INVALID_API_KEY", "{err}");
    assert_eq!(server.builds(), 0);

    // The right key gets typed data.
    prepare(&fx, &client(&server), &calls, &sponsored)
        .await
        .unwrap();
    assert_eq!(server.builds(), 1);
}

#[tokio::test]
async fn a_gas_token_the_paymaster_does_not_take_is_refused_with_its_code() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    let calls = vec![fx.transfer(1)];
    let err = prepare(
        &fx,
        &client,
        &calls,
        &ExecutionParameters::paid_in(ETH_ADDRESS),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_TOKEN_NOT_SUPPORTED", "{err}");
    prepare(&fx, &client, &calls, &ExecutionParameters::paid_in(STRK))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_paymaster_that_changes_the_users_calls_is_refused_before_signing() {
    let fx = Fixture::start_v1().await;
    let calls = vec![fx.transfer(700), fx.transfer(1)];
    let sponsored = ExecutionParameters::sponsored();
    let user_before = fx.strk(fx.user.address()).await;

    // Positive: the honest paymaster's typed data passes the same check.
    let honest = server(&fx, Tamper::Honest).await;
    let prepared = prepare(&fx, &client(&honest), &calls, &sponsored)
        .await
        .unwrap();
    assert_eq!(prepared.outside.calls, calls);

    for tamper in [
        Tamper::Amount,
        Tamper::Recipient,
        Tamper::DropCall,
        Tamper::AppendCall,
    ] {
        let liar = server(&fx, tamper).await;
        let err = prepare(&fx, &client(&liar), &calls, &sponsored)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS", "{tamper:?}: {err}");
        assert_eq!(liar.builds(), 1, "{tamper:?}: the paymaster did answer");
        assert_eq!(liar.executions(), 0);
    }
    assert_eq!(fx.strk(fx.user.address()).await, user_before);
}

/// Why the check above matters: typed data with a swapped recipient, if signed, executes.
#[tokio::test]
async fn signed_typed_data_with_a_swapped_recipient_would_pay_the_paymaster() {
    let fx = Fixture::start_v1().await;
    let key = session_key(42);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let liar = server(&fx, Tamper::Recipient).await;
    let client = client(&liar);
    let calls = vec![fx.transfer(777)];
    let sponsored = ExecutionParameters::sponsored();
    let recipient_before = fx.strk(fx.recipient).await;
    let user_before = fx.strk(fx.user.address()).await;

    let err = prepare(&fx, &client, &calls, &sponsored).await.unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_TAMPERED_CALLS");
    assert!(err.to_string().contains("call 1 of 1 was changed"), "{err}");

    // A wallet that skipped the call check and signed whatever came back:
    let built = client
        .build_invoke(fx.user.address(), &calls, &sponsored)
        .await
        .unwrap();
    let outside =
        outside_execution_from_typed_data(&built.typed_data, fx.chain.chain_id()).unwrap();
    assert_eq!(outside.calls[0].calldata[0], fx.relayer.address());
    let hash = outside.message_hash(fx.chain.chain_id(), fx.user.address());
    let sig = SessionSignature::sign(&key, &hash, valid_until)
        .unwrap()
        .to_felts();
    client
        .execute_invoke(fx.user.address(), &built.typed_data, &sig, &sponsored)
        .await
        .unwrap();

    // The user's 777 fri left the account, and the recipient got none of it.
    assert_eq!(fx.strk(fx.user.address()).await, user_before - 777);
    assert_eq!(fx.strk(fx.recipient).await, recipient_before);
}

#[tokio::test]
async fn a_paymaster_that_went_down_gives_paymaster_unavailable() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let url = server.url().to_string();
    let client = client(&server);
    assert!(client.is_available().await.unwrap());

    server.stop().await;

    let err = client.is_available().await.unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_UNAVAILABLE", "{err}");
    assert!(err.to_string().contains(&url), "{err}");
    let fresh = PaymasterClient::new(&url, None).unwrap();
    let err = prepare(
        &fx,
        &fresh,
        &[fx.transfer(1)],
        &ExecutionParameters::sponsored(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_UNAVAILABLE", "{err}");
    assert_eq!(ChainError::from(err).code(), "RPC_UNAVAILABLE");
}

#[tokio::test]
async fn a_session_the_account_refuses_comes_back_with_the_contracts_reason() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    let key = session_key(43); // never registered
    let valid_until = fx.now().await + 3600;
    let user_before = fx.strk(fx.user.address()).await;

    let prepared = prepare(
        &fx,
        &client,
        &[fx.transfer(5)],
        &ExecutionParameters::sponsored(),
    )
    .await
    .unwrap();
    let sig = session_signature(&prepared, &key, valid_until);
    let err = client.execute_prepared(&prepared, &sig).await.unwrap_err();

    assert_eq!(err.code(), "PAYMASTER_TRANSACTION_EXECUTION_ERROR", "{err}");
    assert_eq!(err.reason(), Some("Session: not registered"), "{err}");
    assert!(err.to_string().contains("Session: not registered"));
    assert_eq!(
        ChainError::from(err).reason(),
        Some("Session: not registered")
    );
    assert_eq!(fx.strk(fx.user.address()).await, user_before);
}

#[tokio::test]
async fn a_forged_session_signature_is_refused_as_invalid_signature() {
    let fx = Fixture::start_v1().await;
    let server = server(&fx, Tamper::Honest).await;
    let client = client(&server);
    let key = session_key(44);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;

    let prepared = prepare(
        &fx,
        &client,
        &[fx.transfer(9)],
        &ExecutionParameters::sponsored(),
    )
    .await
    .unwrap();
    let mut forged = session_signature(&prepared, &key, valid_until);
    forged[1] += Felt::ONE;
    let err = client
        .execute_prepared(&prepared, &forged)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "PAYMASTER_INVALID_SIGNATURE", "{err}");
    assert_eq!(
        server.executions(),
        0,
        "refused before the relayer paid for anything"
    );
    assert_eq!(fx.remaining(&key).await, 10);

    // The genuine signature over the same typed data goes through.
    let sig = session_signature(&prepared, &key, valid_until);
    client.execute_prepared(&prepared, &sig).await.unwrap();
    assert_eq!(fx.remaining(&key).await, 9);
}
