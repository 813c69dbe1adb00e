//! Declaring the session-account class and deploying accounts of it.

use std::sync::Arc;

use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::ContractClass as CairoContractClass;
use sesame_core::keys::PrivateKey;
use starknet_rust::accounts::{Account, AccountFactory, OpenZeppelinAccountFactory};
use starknet_rust::core::types::contract::{CompiledClass, SierraClass};
use starknet_rust::core::types::{BlockId, BlockTag, Felt, StarknetError};
use starknet_rust::core::utils::get_contract_address;
use starknet_rust::providers::{Provider, ProviderError};

use crate::error::ChainError;
use crate::owner::{OwnerAccount, TxOutcome};
use crate::rpc::Chain;
use crate::signer::KeySigner;

/// A Sierra class ready to declare: its class hash and the Blake2s CASM hash the network checks.
pub struct PreparedClass {
    pub class_hash: Felt,
    pub compiled_class_hash: Felt,
    flattened: Arc<starknet_rust::core::types::FlattenedSierraClass>,
}

/// Compiles `sierra_json` to CASM (as the sequencer will) and computes both hashes.
pub fn prepare_class(sierra_json: &str) -> Result<PreparedClass, ChainError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| ChainError::BadClass(format!("{what}: {e}"));
    let sierra: SierraClass =
        serde_json::from_str(sierra_json).map_err(|e| bad("reading Sierra", &e))?;
    let class_hash = sierra.class_hash().map_err(|e| bad("hashing Sierra", &e))?;
    let flattened = Arc::new(sierra.flatten().map_err(|e| bad("flattening Sierra", &e))?);

    let cairo_class: CairoContractClass =
        serde_json::from_str(sierra_json).map_err(|e| bad("reading Sierra for CASM", &e))?;
    let program = cairo_class
        .extract_sierra_program(false)
        .map_err(|e| bad("extracting the Sierra program", &e))?;
    let casm = CasmContractClass::from_contract_class(cairo_class, program, false, usize::MAX)
        .map_err(|e| bad("compiling to CASM", &e))?;
    let casm_json = serde_json::to_string(&casm).map_err(|e| bad("encoding CASM", &e))?;
    let compiled: CompiledClass =
        serde_json::from_str(&casm_json).map_err(|e| bad("reading CASM", &e))?;
    let compiled_class_hash = compiled.class_hash().map_err(|e| bad("hashing CASM", &e))?;
    Ok(PreparedClass {
        class_hash,
        compiled_class_hash,
        flattened,
    })
}

/// Declares `class` from `declarer`. Declaring a class the chain already has is not an error.
pub async fn declare(
    declarer: &OwnerAccount,
    class: &PreparedClass,
) -> Result<Option<TxOutcome>, ChainError> {
    let chain = declarer.chain();
    let known = chain
        .provider()
        .get_class(BlockId::Tag(BlockTag::Latest), class.class_hash)
        .await;
    match known {
        Ok(_) => return Ok(None),
        Err(ProviderError::StarknetError(StarknetError::ClassHashNotFound)) => {}
        Err(e) => return Err(chain.map_provider_error(e)),
    }
    let sent = declarer
        .inner()
        .declare_v3(class.flattened.clone(), class.compiled_class_hash)
        .send()
        .await
        .map_err(|e| declarer.map_account_error(e))?;
    chain.wait_for_receipt(sent.transaction_hash).await?;
    Ok(Some(TxOutcome {
        tx_hash: format!("{:#x}", sent.transaction_hash),
        fee: String::new(),
        fee_unit: String::new(),
    }))
}

/// The Universal Deployer Contract (OpenZeppelin's, v2 interface), at the same address on
/// mainnet, Sepolia and starknet-devnet.
pub const UDC_ADDRESS: Felt =
    Felt::from_hex_unchecked("0x02ceed65a4bd731034c01113685c831b01c15d7d432f71afb1cf1634b53a2125");

/// Deploys a contract of a declared `class_hash` through the UDC (`deploy_contract` with
/// `not_from_zero = false`, so the address depends only on `salt`, the class and `calldata`),
/// paid by `deployer`. Returns the new contract's address.
pub async fn deploy_contract(
    deployer: &OwnerAccount,
    class_hash: Felt,
    salt: Felt,
    constructor_calldata: &[Felt],
) -> Result<(Felt, TxOutcome), ChainError> {
    let mut calldata = vec![
        class_hash,
        salt,
        Felt::ZERO,
        Felt::from(constructor_calldata.len()),
    ];
    calldata.extend_from_slice(constructor_calldata);
    let call = sesame_core::outside::Call::new(UDC_ADDRESS, "deploy_contract", calldata);
    let outcome = deployer.invoke(&[call]).await?;
    let address = get_contract_address(salt, class_hash, constructor_calldata, Felt::ZERO);
    Ok((address, outcome))
}

/// The address an account of `class_hash` with owner `public_key` gets when deployed with
/// `salt` through DEPLOY_ACCOUNT (deployer 0, constructor `[public_key]`).
pub fn counterfactual_address(class_hash: Felt, public_key: Felt, salt: Felt) -> Felt {
    get_contract_address(salt, class_hash, &[public_key], Felt::ZERO)
}

/// The fee (in fri) the DEPLOY_ACCOUNT of `key`'s account would cost now, as the node
/// estimates it. The deployment itself sets resource bounds above this estimate (1.5x the gas,
/// 1.5x the price), and the account must hold the bounds' maximum: fund it with a margin.
pub async fn estimate_deploy_account_fee(
    chain: &Chain,
    class_hash: Felt,
    key: Arc<PrivateKey>,
    salt: Felt,
) -> Result<u128, ChainError> {
    let factory = OpenZeppelinAccountFactory::new(
        class_hash,
        chain.chain_id(),
        KeySigner::new(key),
        chain.provider().clone(),
    )
    .await
    .map_err(|e| ChainError::Unexpected(e.to_string()))?;
    let estimate = factory
        .deploy_v3(salt)
        .estimate_fee()
        .await
        .map_err(|e| match e {
            starknet_rust::accounts::AccountFactoryError::Provider(p) => {
                chain.map_provider_error(p)
            }
            other => ChainError::Unexpected(other.to_string()),
        })?;
    Ok(estimate.overall_fee)
}

/// Deploys the account of `key` with a DEPLOY_ACCOUNT transaction. The address must already
/// hold enough STRK for the fee ([`counterfactual_address`] tells where to send it).
pub async fn deploy_account(
    chain: &Chain,
    class_hash: Felt,
    key: Arc<PrivateKey>,
    salt: Felt,
) -> Result<(Felt, TxOutcome), ChainError> {
    let factory = OpenZeppelinAccountFactory::new(
        class_hash,
        chain.chain_id(),
        KeySigner::new(key),
        chain.provider().clone(),
    )
    .await
    .map_err(|e| ChainError::Unexpected(e.to_string()))?;
    let deployment = factory.deploy_v3(salt);
    let address = deployment.address();
    let sent = deployment.send().await.map_err(|e| match e {
        starknet_rust::accounts::AccountFactoryError::Provider(p) => chain.map_provider_error(p),
        other => ChainError::Unexpected(other.to_string()),
    })?;
    chain.wait_for_receipt(sent.transaction_hash).await?;
    Ok((
        address,
        TxOutcome {
            tx_hash: format!("{:#x}", sent.transaction_hash),
            fee: String::new(),
            fee_unit: String::new(),
        },
    ))
}
