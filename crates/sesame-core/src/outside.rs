//! SNIP-9 v2 outside execution: the message a session key signs so that someone else (a relayer
//! or a paymaster) can submit the transaction and pay for it.
//!
//! The hash is SNIP-12 revision 1 with the domain
//! `{name: "Account.execute_from_outside", version: 2, chainId, revision: 1}`; it matches
//! starknet.js `typedData.getMessageHash` byte for byte (see the reference vectors (testdata/vectors)).

use starknet_rust_crypto::poseidon_hash_many;
use starknet_types_core::felt::Felt;

use rand_core::{CryptoRng, RngCore};

use crate::keys::{KeyError, PrivateKey, Signature};
use crate::selector::selector_from_name;

/// `'ANY_CALLER'`: an outside execution that any account may submit.
pub const ANY_CALLER: Felt = Felt::from_hex_unchecked("0x414e595f43414c4c4552");

/// SNIP-12 rev 1 type hash of `StarknetDomain`.
pub const STARKNET_DOMAIN_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210");
/// SNIP-12 rev 1 type hash of SNIP-9 v2's `OutsideExecution`.
pub const OUTSIDE_EXECUTION_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x312b56c05a7965066ddbda31c016d8d05afc305071c0ca3cdc2192c3c2f1f0f");
/// SNIP-12 rev 1 type hash of the `OutsideExecution` variant whose time bounds are typed
/// `felt` (`"Execute After":"felt","Execute Before":"felt"`): what CHIPI's v27 account verifies.
/// Its values encode the same; only the type hash differs.
pub const OUTSIDE_EXECUTION_FELT_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x5a4b49e17039355cd95d1f0981d75901191d1319b1f4b05a9a791d218d7e0c");

/// Which `OutsideExecution` type an account hashes: SNIP-9 v2's (`u128` time bounds; Sesame,
/// OpenZeppelin, CHIPI v29+) or the `felt` one (CHIPI v27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutsideTypeHash {
    #[default]
    U128,
    Felt,
}

impl OutsideTypeHash {
    fn type_hash(self) -> Felt {
        match self {
            OutsideTypeHash::U128 => OUTSIDE_EXECUTION_TYPE_HASH,
            OutsideTypeHash::Felt => OUTSIDE_EXECUTION_FELT_TYPE_HASH,
        }
    }
}

/// SNIP-12 rev 1 type hash of `Call`.
pub const CALL_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x3635c7f2a7ba93844c0d064e18e487f35ab90f7c39d00f186a781fc3f0c2ca9");

/// `'StarkNet Message'`, the SNIP-12 prefix.
const STARKNET_MESSAGE: Felt = Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");
/// `'Account.execute_from_outside'`, the SNIP-9 domain name.
const DOMAIN_NAME: Felt =
    Felt::from_hex_unchecked("0x4163636f756e742e657865637574655f66726f6d5f6f757473696465");

const SN_MAIN: Felt = Felt::from_hex_unchecked("0x534e5f4d41494e");
const SN_SEPOLIA: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941");
/// The domain hashes of Mainnet and Sepolia (also devnet's default chain id), from starknet.js
/// 10.8 and checked against [`compute_domain_hash`] by a test.
const DOMAIN_HASH_SN_MAIN: Felt =
    Felt::from_hex_unchecked("0x9951e1d5316915dc4436acce0a48afd57bb4b6c501687c151e869ab878a2ac");
const DOMAIN_HASH_SN_SEPOLIA: Felt =
    Felt::from_hex_unchecked("0x2534050c42890f9cad3cf470a8b54a39c4d283a246dfceb486a8755e44a91df");

fn compute_domain_hash(chain_id: Felt) -> Felt {
    poseidon_hash_many(&[
        STARKNET_DOMAIN_TYPE_HASH,
        DOMAIN_NAME,
        Felt::TWO,
        chain_id,
        Felt::ONE,
    ])
}

/// The SNIP-12 domain hash on `chain_id`. Known chains skip 3 of the message hash's ~16
/// Poseidon permutations, which every signature pays.
fn domain_hash(chain_id: Felt) -> Felt {
    if chain_id == SN_SEPOLIA {
        DOMAIN_HASH_SN_SEPOLIA
    } else if chain_id == SN_MAIN {
        DOMAIN_HASH_SN_MAIN
    } else {
        compute_domain_hash(chain_id)
    }
}

/// One contract call: target, entrypoint selector and raw calldata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub to: Felt,
    pub selector: Felt,
    pub calldata: Vec<Felt>,
}

impl Call {
    /// A call to `entrypoint` by name.
    pub fn new(to: Felt, entrypoint: &str, calldata: Vec<Felt>) -> Self {
        Call {
            to,
            selector: selector_from_name(entrypoint),
            calldata,
        }
    }

    fn struct_hash(&self) -> Felt {
        let calldata_hash = poseidon_hash_many(&self.calldata);
        poseidon_hash_many(&[CALL_TYPE_HASH, self.to, self.selector, calldata_hash])
    }
}

/// Serialises calls the way Cairo's `Array<Call>` / `Span<Call>` Serde does:
/// `len, (to, selector, calldata_len, calldata…)…`.
pub fn serialize_calls(calls: &[Call], out: &mut Vec<Felt>) {
    out.push(Felt::from(calls.len()));
    for call in calls {
        out.push(call.to);
        out.push(call.selector);
        out.push(Felt::from(call.calldata.len()));
        out.extend_from_slice(&call.calldata);
    }
}

/// SNIP-9 v2 `OutsideExecution`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideExecution {
    /// Who may submit it: [`ANY_CALLER`] or one relayer's address.
    pub caller: Felt,
    /// Single-use; the account refuses a nonce it has seen.
    pub nonce: Felt,
    /// Valid strictly after this block timestamp.
    pub execute_after: u64,
    /// Valid strictly before this block timestamp.
    pub execute_before: u64,
    pub calls: Vec<Call>,
}

impl OutsideExecution {
    fn struct_hash(&self, kind: OutsideTypeHash) -> Felt {
        let call_hashes: Vec<Felt> = self.calls.iter().map(Call::struct_hash).collect();
        poseidon_hash_many(&[
            kind.type_hash(),
            self.caller,
            self.nonce,
            Felt::from(self.execute_after),
            Felt::from(self.execute_before),
            poseidon_hash_many(&call_hashes),
        ])
    }

    /// The SNIP-12 revision 1 message hash that `account` on `chain_id` verifies.
    pub fn message_hash(&self, chain_id: Felt, account: Felt) -> Felt {
        self.message_hash_as(chain_id, account, OutsideTypeHash::U128)
    }

    /// [`OutsideExecution::message_hash`] for an account that hashes the `kind` type.
    pub fn message_hash_as(&self, chain_id: Felt, account: Felt, kind: OutsideTypeHash) -> Felt {
        poseidon_hash_many(&[
            STARKNET_MESSAGE,
            domain_hash(chain_id),
            account,
            self.struct_hash(kind),
        ])
    }

    /// Calldata for `execute_from_outside_v2(outside_execution, signature)`.
    pub fn to_calldata(&self, signature: &[Felt]) -> Vec<Felt> {
        let mut out = vec![
            self.caller,
            self.nonce,
            Felt::from(self.execute_after),
            Felt::from(self.execute_before),
        ];
        serialize_calls(&self.calls, &mut out);
        out.push(Felt::from(signature.len()));
        out.extend_from_slice(signature);
        out
    }
}

/// The 4-felt CHIPI / SNIP-163 session signature `[session_pubkey, r, s, valid_until]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionSignature {
    pub session_public_key: Felt,
    pub signature: Signature,
    pub valid_until: u64,
}

impl SessionSignature {
    /// Signs `hash` with the session key; `valid_until` must equal the registered expiry.
    /// Derives the public key, a scalar multiplication as costly as the signature itself: a
    /// caller that already knows it uses [`SessionSignature::sign_as`].
    pub fn sign(key: &PrivateKey, hash: &Felt, valid_until: u64) -> Result<Self, KeyError> {
        Self::sign_as(key, key.public_key(), hash, valid_until)
    }

    /// Signs like [`SessionSignature::sign`] with the session's public key as stored beside it
    /// (the session id the account registered). A wrong `session_public_key` makes the account
    /// refuse the signature; it cannot make it accept anything else.
    pub fn sign_as(
        key: &PrivateKey,
        session_public_key: Felt,
        hash: &Felt,
        valid_until: u64,
    ) -> Result<Self, KeyError> {
        Ok(SessionSignature {
            session_public_key,
            signature: key.sign(hash)?,
            valid_until,
        })
    }

    /// The felts the account reads.
    pub fn to_felts(&self) -> [Felt; 4] {
        [
            self.session_public_key,
            self.signature.r,
            self.signature.s,
            Felt::from(self.valid_until),
        ]
    }
}

/// `'Sesame.session.v2'`: the first element of the message a session key signs for an account
/// of the v2 class (`contracts/session_account_v2.cairo`).
pub const SESSION_V2_TAG: Felt = Felt::from_hex_unchecked("0x536573616d652e73657373696f6e2e7632");

/// What a session key signs for a v2 account:
/// `poseidon_hash_many(['Sesame.session.v2', outside_execution_hash, valid_until])`.
///
/// Binding `valid_until` means a signature made for one registration of a key is useless for
/// another (a renewal, or a revoked key registered again). v1 accounts verify the bare
/// `outside_execution_hash` instead, and each class refuses the other's signature.
pub fn session_v2_message(outside_execution_hash: Felt, valid_until: u64) -> Felt {
    poseidon_hash_many(&[
        SESSION_V2_TAG,
        outside_execution_hash,
        Felt::from(valid_until),
    ])
}

impl SessionSignature {
    /// The v2 session signature of an outside execution whose SNIP-12 hash is
    /// `outside_execution_hash`: `(r, s)` over [`session_v2_message`], carried as the same four
    /// felts as v1's. `valid_until` must equal the registered expiry.
    pub fn sign_v2(
        key: &PrivateKey,
        outside_execution_hash: &Felt,
        valid_until: u64,
    ) -> Result<Self, KeyError> {
        Self::sign_v2_as(key, key.public_key(), outside_execution_hash, valid_until)
    }

    /// [`SessionSignature::sign_v2`] with the session's stored public key (see
    /// [`SessionSignature::sign_as`]).
    pub fn sign_v2_as(
        key: &PrivateKey,
        session_public_key: Felt,
        outside_execution_hash: &Felt,
        valid_until: u64,
    ) -> Result<Self, KeyError> {
        let message = session_v2_message(*outside_execution_hash, valid_until);
        Self::sign_as(key, session_public_key, &message, valid_until)
    }
}

/// A fresh single-use SNIP-9 nonce: 248 random bits (31 bytes), so always a valid felt. The
/// account only needs it unused; randomness keeps two devices from ever colliding.
pub fn random_nonce<R: RngCore + CryptoRng>(rng: &mut R) -> Felt {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes[1..]);
    Felt::from_bytes_be(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::felt::short_string;

    #[test]
    fn the_known_domain_hashes_are_the_computed_ones() {
        assert_eq!(short_string("SN_MAIN").unwrap(), SN_MAIN);
        assert_eq!(short_string("SN_SEPOLIA").unwrap(), SN_SEPOLIA);
        assert_eq!(compute_domain_hash(SN_MAIN), DOMAIN_HASH_SN_MAIN);
        assert_eq!(compute_domain_hash(SN_SEPOLIA), DOMAIN_HASH_SN_SEPOLIA);
        // Any other chain is computed, not mistaken for a known one.
        let other = short_string("SN_OTHER").unwrap();
        assert_eq!(domain_hash(other), compute_domain_hash(other));
        assert_ne!(domain_hash(other), DOMAIN_HASH_SN_SEPOLIA);
    }

    #[test]
    fn random_nonces_differ_and_fit_in_248_bits() {
        let mut rng = rand_core::OsRng;
        let a = random_nonce(&mut rng);
        let b = random_nonce(&mut rng);
        assert_ne!(a, b);
        assert!(a.to_bytes_be()[0] == 0 && b.to_bytes_be()[0] == 0);
        assert_ne!(a, Felt::ZERO);
    }

    #[test]
    fn signing_with_the_stored_public_key_matches_deriving_it_and_a_wrong_one_does_not_verify() {
        let key = PrivateKey::from_hex("0x1234").unwrap();
        let hash = Felt::from(99u64);
        let derived = SessionSignature::sign(&key, &hash, 7).unwrap();
        let stored = SessionSignature::sign_as(&key, key.public_key(), &hash, 7).unwrap();
        assert_eq!(derived, stored);
        let wrong = SessionSignature::sign_as(&key, Felt::from(5u64), &hash, 7).unwrap();
        assert!(!crate::keys::verify_signature(
            &wrong.session_public_key,
            &hash,
            &wrong.signature
        ));
    }

    #[test]
    fn domain_constants_are_the_short_strings_they_claim_to_be() {
        assert_eq!(STARKNET_MESSAGE, short_string("StarkNet Message").unwrap());
        assert_eq!(
            DOMAIN_NAME,
            short_string("Account.execute_from_outside").unwrap()
        );
        assert_eq!(ANY_CALLER, short_string("ANY_CALLER").unwrap());
    }

    #[test]
    fn calldata_layout_follows_cairo_serde() {
        let oe = OutsideExecution {
            caller: ANY_CALLER,
            nonce: Felt::from(9u8),
            execute_after: 1,
            execute_before: 2,
            calls: vec![Call {
                to: Felt::from(3u8),
                selector: Felt::from(4u8),
                calldata: vec![Felt::from(5u8)],
            }],
        };
        let cd = oe.to_calldata(&[Felt::from(7u8), Felt::from(8u8)]);
        let expect: Vec<Felt> = [0x414e595f43414c4c4552u128, 9, 1, 2, 1, 3, 4, 1, 5, 2, 7, 8]
            .iter()
            .map(|v| Felt::from(*v))
            .collect();
        assert_eq!(cd, expect);
    }

    /// `contracts/README.md` ("Signatures"): starknet.js 10.8 on the first case of the
    /// outside-execution vectors, `valid_until = execute_before`.
    #[test]
    fn the_v2_session_signature_reproduces_the_contract_readme_vector() {
        let felt = |h: &str| Felt::from_hex(h).unwrap();
        let oe = OutsideExecution {
            caller: ANY_CALLER,
            nonce: felt("0xfa28f790b3015588b6fee421f6aa199b46e10d3cf78f8f5a3c635062d6cf95"),
            execute_after: 2134919049,
            execute_before: 2148682960,
            calls: vec![],
        };
        let hash = oe.message_hash(
            short_string("SN_MAIN").unwrap(),
            felt("0x1f18256f3a434d277a2083bbf1e22ebcd69c46e06c3cc664b4d927ecf4456da"),
        );
        assert_eq!(
            hash,
            felt("0x65701b11596e49743c96d840950bf7843a32bc3cab5677e44ec12fc10ab413d")
        );
        let valid_until = 0x80124cd0;
        assert_eq!(valid_until, oe.execute_before);
        assert_eq!(
            session_v2_message(hash, valid_until),
            felt("0x3c718796e9889f519546cc4d3cf1e1ad7a2cbfe909ee3812e92963895610fd3")
        );
        let key = PrivateKey::from_hex(
            "0x26c30ccb17f5bad660aee5a43ba2d061daed8dc8be2326d98a6cd492cabf294",
        )
        .unwrap();
        let sig = SessionSignature::sign_v2(&key, &hash, valid_until).unwrap();
        assert_eq!(
            sig.to_felts(),
            [
                felt("0x3d2d1d1f0c794a599f4ce94d9d1cb29001dddacc6200072b3b2143d3344e268"),
                felt("0x24e952e97aeba8c30d71d0244ad6b5484320220b0f915753fca9c3e420b8ce5"),
                felt("0x294774a8a037be8508c02b793c7b3ba29128b240bd906398aa037152594b2dd"),
                Felt::from(valid_until),
            ]
        );
        // v1 signs the bare hash: the same key gives another (r, s), which v2 refuses.
        let v1 = SessionSignature::sign(&key, &hash, valid_until).unwrap();
        assert_ne!(v1.signature, sig.signature);
    }

    #[test]
    fn the_v2_message_is_the_three_felt_poseidon_and_binds_valid_until() {
        assert_eq!(SESSION_V2_TAG, short_string("Sesame.session.v2").unwrap());
        let h = Felt::from(1234u32);
        assert_eq!(
            session_v2_message(h, 7),
            poseidon_hash_many(&[SESSION_V2_TAG, h, Felt::from(7u8)])
        );
        assert_ne!(
            session_v2_message(h, 7),
            starknet_rust_crypto::poseidon_hash(SESSION_V2_TAG, h)
        );
        assert_ne!(session_v2_message(h, 7), session_v2_message(h, 8));
        let key = PrivateKey::from_hex("0x1234").unwrap();
        let sig = SessionSignature::sign_v2(&key, &h, 7).unwrap();
        assert!(crate::keys::verify_signature(
            &key.public_key(),
            &session_v2_message(h, 7),
            &sig.signature
        ));
        assert!(!crate::keys::verify_signature(
            &key.public_key(),
            &session_v2_message(h, 8),
            &sig.signature
        ));
    }

    #[test]
    fn the_hash_binds_chain_account_and_every_field() {
        let oe = OutsideExecution {
            caller: ANY_CALLER,
            nonce: Felt::ONE,
            execute_after: 0,
            execute_before: 10,
            calls: vec![],
        };
        let base = oe.message_hash(Felt::ONE, Felt::TWO);
        assert_ne!(base, oe.message_hash(Felt::TWO, Felt::TWO));
        assert_ne!(base, oe.message_hash(Felt::ONE, Felt::THREE));
        let mut later = oe.clone();
        later.execute_before = 11;
        assert_ne!(base, later.message_hash(Felt::ONE, Felt::TWO));
    }

    #[test]
    fn the_felt_typed_hash_matches_starknet_js_and_differs_from_the_u128_one() {
        // starknet.js 10.8 `typedData.getMessageHash` of this message, once with the time
        // bounds typed `felt` (CHIPI v27) and once `u128` (SNIP-9 v2).
        let outside = OutsideExecution {
            caller: Felt::ZERO,
            nonce: Felt::from(0x1234u32),
            execute_after: 0,
            execute_before: 2_000_000_000,
            calls: vec![Call {
                to: crate::spec::STRK,
                selector: selector_from_name("transfer"),
                calldata: vec![Felt::from(0xabcu32), Felt::from(5u8), Felt::ZERO],
            }],
        };
        let account = Felt::from_hex_unchecked(
            "0x1f18256f3a434d277a2083bbf1e22ebcd69c46e06c3cc664b4d927ecf4456da",
        );
        assert_eq!(
            outside.message_hash_as(SN_SEPOLIA, account, OutsideTypeHash::Felt),
            Felt::from_hex_unchecked(
                "0x66da925123839254eebf6d775d62e884f5f0857be5e291bc3e275ef763c0a7e"
            )
        );
        assert_eq!(
            outside.message_hash(SN_SEPOLIA, account),
            Felt::from_hex_unchecked(
                "0x422e09e54d8a41214470ec9a53bb5981acab581279ff3dd065266bd8b2dad60"
            )
        );
        assert_eq!(
            OUTSIDE_EXECUTION_FELT_TYPE_HASH,
            selector_from_name(
                "\"OutsideExecution\"(\"Caller\":\"ContractAddress\",\"Nonce\":\"felt\",\"Execute After\":\"felt\",\"Execute Before\":\"felt\",\"Calls\":\"Call*\")\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")"
            )
        );
    }
}
