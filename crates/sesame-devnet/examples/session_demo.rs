//! A scripted walk through Sesame's main job on an embedded local chain:
//! start the chain, deploy a wallet, register a session, send gasless with it, revoke it.
//!
//! `cargo run -p sesame-devnet --example session_demo`

use std::sync::Arc;

use sesame_chain::class::{counterfactual_address, deploy_account};
use sesame_chain::{Chain, OwnerAccount};
use sesame_core::calls::erc20_transfer;
use sesame_core::felt::U256;
use sesame_core::keys::PrivateKey;
use sesame_core::outside::{OutsideExecution, SessionSignature, ANY_CALLER};
use sesame_core::session::{derive_state, LocalMark};
use sesame_core::Felt;
use sesame_devnet::{Devnet, DevnetConfig, STRK_ADDRESS};

const STRK: u128 = 1_000_000_000_000_000_000;

fn strk(amount: U256) -> String {
    format!(
        "{}.{:06} STRK",
        amount.low / STRK,
        (amount.low % STRK) / 1_000_000_000_000
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let devnet = tokio::task::spawn_blocking(|| Devnet::start(DevnetConfig::default())).await??;
    println!(
        "1. local chain up at {} in {} ms",
        devnet.rpc_url(),
        devnet.started_in().as_millis()
    );
    let chain = Chain::connect(&devnet.rpc_url()).await?;
    let dev = sesame_chain::devnet::DevnetClient::new(&devnet.rpc_url());
    let relayer_info = &devnet.accounts()[1];
    let relayer_key = Arc::new(PrivateKey::from_be_bytes(
        relayer_info.private_key.to_bytes_be(),
    )?);
    let relayer = OwnerAccount::new(&chain, relayer_info.address, relayer_key);
    let recipient = devnet.accounts()[2].address;

    let owner_key = Arc::new(PrivateKey::generate_os());
    let salt = Felt::ONE;
    let wallet = counterfactual_address(devnet.account_class_hash(), owner_key.public_key(), salt);
    dev.mint_strk(wallet, 100 * STRK).await?;
    let (wallet, deployed) =
        deploy_account(&chain, devnet.account_class_hash(), owner_key.clone(), salt).await?;
    println!(
        "2. wallet deployed at {wallet:#x} (tx {})",
        deployed.tx_hash
    );
    let owner = OwnerAccount::new(&chain, wallet, owner_key);

    let session = PrivateKey::generate_os();
    let valid_until = chain.block_timestamp().await? + 21_600;
    owner
        .register_session(session.public_key(), valid_until, 10, &[])
        .await?;
    let status = chain.session_data(wallet, session.public_key()).await?;
    let now = chain.block_timestamp().await?;
    println!(
        "3. session {:#x} registered: state {:?}, {} calls left, valid until {valid_until}",
        session.public_key(),
        derive_state(Some(LocalMark::Registered), Some(&status), now),
        status.remaining_calls
    );

    let amount = U256::from_u128(3 * STRK / 2);
    let outside = OutsideExecution {
        caller: ANY_CALLER,
        nonce: Felt::from(now),
        execute_after: 0,
        execute_before: valid_until,
        calls: vec![erc20_transfer(STRK_ADDRESS, recipient, amount)],
    };
    let hash = outside.message_hash(chain.chain_id(), wallet);
    let sig = SessionSignature::sign(&session, &hash, valid_until)?.to_felts();
    let before = chain.erc20_balance(STRK_ADDRESS, wallet).await?;
    let sent = relayer.relay(wallet, &outside, &sig).await?;
    let after = chain.erc20_balance(STRK_ADDRESS, wallet).await?;
    let status = chain.session_data(wallet, session.public_key()).await?;
    println!(
        "4. sent {} with the session, gasless (relayer paid {} {} in tx {}); wallet {} -> {}; {} calls left",
        strk(amount),
        sent.fee,
        sent.fee_unit,
        sent.tx_hash,
        strk(before),
        strk(after),
        status.remaining_calls
    );

    owner.revoke_session(session.public_key()).await?;
    let status = chain.session_data(wallet, session.public_key()).await?;
    let now = chain.block_timestamp().await?;
    println!(
        "5. revoked: state {:?}",
        derive_state(Some(LocalMark::Registered), Some(&status), now)
    );
    let mut again = outside.clone();
    again.nonce += Felt::ONE;
    let hash = again.message_hash(chain.chain_id(), wallet);
    let sig = SessionSignature::sign(&session, &hash, valid_until)?.to_felts();
    match relayer.relay(wallet, &again, &sig).await {
        Err(e) => println!(
            "6. a send after revocation is refused: {} ({})",
            e.reason().unwrap_or("?"),
            e.code()
        ),
        Ok(_) => return Err("a revoked session was accepted".into()),
    }
    Ok(())
}
