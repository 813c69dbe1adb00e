//! The owner path: `__validate__`/`__execute__` with the owner key, `is_valid_signature`,
//! key rotation, SRC-5, and declaring + deploying the class on a chain that has never seen it.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use sesame_chain::class::{counterfactual_address, declare, deploy_account, prepare_class};
use sesame_chain::{Chain, OwnerAccount};
use sesame_core::felt::short_string;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::Call;
use sesame_core::Felt;
use sesame_devnet::{DevnetConfig, SESSION_ACCOUNT_SIERRA};
use sesame_tests::{assert_refused, predeployed_key, session_key, Fixture};

#[tokio::test]
async fn the_owner_transfers_through_execute_and_a_wrong_key_is_refused() {
    let fx = Fixture::start_v1().await;
    let before = fx.strk(fx.recipient).await;
    fx.user.invoke(&[fx.transfer(777)]).await.unwrap();
    assert_eq!(fx.strk(fx.recipient).await, before + 777);

    let forger = OwnerAccount::new(&fx.chain, fx.user.address(), Arc::new(session_key(90)));
    let err = forger.invoke(&[fx.transfer(1)]).await.unwrap_err();
    assert_eq!(err.code(), "TX_REJECTED", "{err}");
    assert_eq!(fx.strk(fx.recipient).await, before + 777);
}

#[tokio::test]
async fn is_valid_signature_accepts_the_owner_and_rejects_anything_else() {
    let fx = Fixture::start_v1().await;
    let owner = predeployed_key(&fx.devnet.accounts()[0]);
    let hash = Felt::from(0xabcdefu64);
    let sig = owner.sign(&hash).unwrap();
    let valid = short_string("VALID").unwrap();
    let reply = fx
        .chain
        .call(
            fx.user.address(),
            "is_valid_signature",
            vec![hash, Felt::TWO, sig.r, sig.s],
        )
        .await
        .unwrap();
    assert_eq!(reply, vec![valid]);

    let other = session_key(91).sign(&hash).unwrap();
    let reply = fx
        .chain
        .call(
            fx.user.address(),
            "is_valid_signature",
            vec![hash, Felt::TWO, other.r, other.s],
        )
        .await
        .unwrap();
    assert_eq!(reply, vec![Felt::ZERO]);
    let reply = fx
        .chain
        .call(
            fx.user.address(),
            "is_valid_signature",
            vec![hash + Felt::ONE, Felt::TWO, sig.r, sig.s],
        )
        .await
        .unwrap();
    assert_eq!(reply, vec![Felt::ZERO]);
}

#[tokio::test]
async fn the_owner_can_rotate_its_key_and_the_old_key_stops_working() {
    let fx = Fixture::start_v1().await;
    let new_key = Arc::new(session_key(92));
    fx.user
        .invoke(&[Call::new(
            fx.user.address(),
            "set_public_key",
            vec![new_key.public_key()],
        )])
        .await
        .unwrap();
    let reply = fx
        .chain
        .call(fx.user.address(), "get_public_key", vec![])
        .await
        .unwrap();
    assert_eq!(reply, vec![new_key.public_key()]);

    assert_eq!(
        fx.user.invoke(&[fx.transfer(1)]).await.unwrap_err().code(),
        "TX_REJECTED"
    );
    let rotated = OwnerAccount::new(&fx.chain, fx.user.address(), new_key);
    rotated.invoke(&[fx.transfer(1)]).await.unwrap();
}

#[tokio::test]
async fn src5_reports_the_account_and_snip9_v2_interfaces_only() {
    let fx = Fixture::start_v1().await;
    let ids = [
        "0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055",
        "0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd",
        "0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872",
    ];
    for id in ids {
        let reply = fx
            .chain
            .call(
                fx.user.address(),
                "supports_interface",
                vec![Felt::from_hex_unchecked(id)],
            )
            .await
            .unwrap();
        assert_eq!(reply, vec![Felt::ONE], "{id}");
    }
    let reply = fx
        .chain
        .call(
            fx.user.address(),
            "supports_interface",
            vec![Felt::from(1234u32)],
        )
        .await
        .unwrap();
    assert_eq!(reply, vec![Felt::ZERO]);
}

#[tokio::test]
async fn the_class_is_declared_and_an_account_deployed_on_a_chain_without_it() {
    let config = DevnetConfig {
        account_class_sierra: None,
        ..DevnetConfig::default()
    };
    let fx = Fixture::start_with(config).await;
    let class = prepare_class(SESSION_ACCOUNT_SIERRA).unwrap();
    assert_ne!(
        fx.devnet.account_class_hash(),
        class.class_hash,
        "devnet starts with OpenZeppelin's class"
    );

    let declared = declare(&fx.user, &class).await.unwrap();
    assert!(declared.is_some());
    assert!(
        declare(&fx.user, &class).await.unwrap().is_none(),
        "a second declare is a no-op"
    );

    let owner = Arc::new(PrivateKey::from_hex("0x5e5a3e").unwrap());
    let salt = Felt::from(7u8);
    let address = counterfactual_address(class.class_hash, owner.public_key(), salt);
    // Unfunded, the deployment cannot pay its fee.
    let unfunded = deploy_account(&fx.chain, class.class_hash, owner.clone(), salt).await;
    assert!(unfunded.is_err());
    assert_eq!(fx.chain.class_hash_at(address).await.unwrap(), None);

    fx.dev.mint_strk(address, 10u128.pow(21)).await.unwrap();
    let (deployed, _) = deploy_account(&fx.chain, class.class_hash, owner.clone(), salt)
        .await
        .unwrap();
    assert_eq!(deployed, address);
    assert_eq!(
        fx.chain.class_hash_at(address).await.unwrap(),
        Some(class.class_hash)
    );

    // The fresh account runs the session path end to end.
    let account = OwnerAccount::new(&fx.chain, address, owner);
    let key = session_key(93);
    let valid_until = fx.now().await + 3600;
    account
        .register_session(key.public_key(), valid_until, 5, &[])
        .await
        .unwrap();
    assert!(
        fx.chain
            .session_data(address, key.public_key())
            .await
            .unwrap()
            .is_active
    );
}

#[tokio::test]
async fn an_unreachable_node_is_a_clear_error() {
    // Port 9 on loopback (discard) has no listener here.
    let err = Chain::connect("http://127.0.0.1:9/rpc").await.unwrap_err();
    assert_eq!(err.code(), "RPC_UNAVAILABLE");
    assert!(err.to_string().contains("127.0.0.1:9"));
    let err = Chain::connect("not a url").await.unwrap_err();
    assert_eq!(err.code(), "RPC_UNAVAILABLE");
}

#[tokio::test]
async fn a_session_cannot_reach_the_owner_key() {
    let fx = Fixture::start_v1().await;
    let key = session_key(94);
    let valid_until = fx.register(&key, 3600, 10, &[]).await;
    let call = Call::new(fx.user.address(), "set_public_key", vec![key.public_key()]);
    assert_refused(
        fx.relay(&key, vec![call], valid_until).await,
        "Session: admin selector",
    );
    let reply = fx
        .chain
        .call(fx.user.address(), "get_public_key", vec![])
        .await
        .unwrap();
    assert_eq!(reply, vec![fx.devnet.accounts()[0].public_key]);
}
