//! Shared test helpers: a manual clock, a software CTAP2 authenticator that really computes
//! hmac-secret (1Password's `passkey-authenticator`), and the keychain gate.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use passkey_authenticator::{
    extensions::HmacSecretConfig, Authenticator, MemoryStore as PasskeyMemory, UiHint, UserCheck,
    UserValidationMethod,
};
use passkey_crypto::{iana, rust_crypto::RustCryptoBackend};
use passkey_types::ctap2::extensions::{AuthenticatorPrfInputs, AuthenticatorPrfValues};
use passkey_types::ctap2::{get_assertion, make_credential, Aaguid, Ctap2Error, StatusCode};
use passkey_types::webauthn::{
    PublicKeyCredentialDescriptor, PublicKeyCredentialParameters, PublicKeyCredentialType,
    PublicKeyCredentialUserEntity,
};
use passkey_types::Passkey as StoredPasskey;
use sesame_vault::{Clock, KeychainStore, Passkey, PasskeyError, PrfOutput};

/// A clock tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    pub fn at(t: u64) -> Arc<Self> {
        Arc::new(ManualClock(AtomicU64::new(t)))
    }
    pub fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A user who is always present and verified.
pub struct AlwaysPresent;

#[async_trait::async_trait]
impl UserValidationMethod for AlwaysPresent {
    type PasskeyItem = StoredPasskey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Self::PasskeyItem>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

type SoftAuthenticator = Authenticator<PasskeyMemory, AlwaysPresent, RustCryptoBackend>;

/// A software CTAP2 authenticator from the `passkey` crates, with or without hmac-secret.
pub struct SoftPasskey {
    auth: Mutex<SoftAuthenticator>,
}

impl SoftPasskey {
    pub fn with_hmac_secret() -> Self {
        let auth = Authenticator::new(
            Aaguid::new_empty(),
            PasskeyMemory::new(),
            AlwaysPresent,
            RustCryptoBackend,
        )
        .hmac_secret(HmacSecretConfig::new_with_uv_only());
        SoftPasskey {
            auth: Mutex::new(auth),
        }
    }

    /// An authenticator that does not support hmac-secret / PRF.
    pub fn without_prf() -> Self {
        let auth = Authenticator::new(
            Aaguid::new_empty(),
            PasskeyMemory::new(),
            AlwaysPresent,
            RustCryptoBackend,
        );
        SoftPasskey {
            auth: Mutex::new(auth),
        }
    }
}

fn ctap_error(e: StatusCode) -> PasskeyError {
    if e == StatusCode::from(Ctap2Error::NoCredentials) {
        PasskeyError::UnknownCredential
    } else {
        PasskeyError::Failed(format!("{e:?}"))
    }
}

impl Passkey for SoftPasskey {
    fn register(&self, rp_id: &str, user_handle: &[u8]) -> Result<Vec<u8>, PasskeyError> {
        let request = make_credential::Request {
            client_data_hash: vec![0x11; 32].into(),
            rp: make_credential::PublicKeyCredentialRpEntity {
                id: rp_id.into(),
                name: Some("Sesame".into()),
            },
            user: PublicKeyCredentialUserEntity {
                id: user_handle.to_vec().into(),
                display_name: "Sesame vault".into(),
                name: "sesame".into(),
            },
            pub_key_cred_params: vec![PublicKeyCredentialParameters {
                ty: PublicKeyCredentialType::PublicKey,
                alg: iana::Algorithm::ES256,
            }],
            exclude_list: None,
            extensions: Some(make_credential::ExtensionInputs {
                hmac_secret: Some(true),
                ..Default::default()
            }),
            options: make_credential::Options {
                rk: false,
                up: true,
                uv: true,
            },
            pin_auth: None,
            pin_protocol: None,
        };
        let mut auth = self.auth.lock().unwrap();
        let response = pollster::block_on(auth.make_credential(request)).map_err(ctap_error)?;
        let data = response
            .auth_data
            .attested_credential_data
            .ok_or_else(|| PasskeyError::Failed("no attested credential".into()))?;
        Ok(data.credential_id().to_vec())
    }

    fn prf(
        &self,
        rp_id: &str,
        credential_id: &[u8],
        salt: &[u8; 32],
    ) -> Result<PrfOutput, PasskeyError> {
        let request = get_assertion::Request {
            rp_id: rp_id.into(),
            client_data_hash: vec![0x22; 32].into(),
            allow_list: Some(vec![PublicKeyCredentialDescriptor {
                ty: PublicKeyCredentialType::PublicKey,
                id: credential_id.to_vec().into(),
                transports: None,
            }]),
            extensions: Some(get_assertion::ExtensionInputs {
                prf: Some(AuthenticatorPrfInputs {
                    eval: Some(AuthenticatorPrfValues {
                        first: *salt,
                        second: None,
                    }),
                    eval_by_credential: None,
                }),
                ..Default::default()
            }),
            options: get_assertion::Options { up: true, uv: true },
            pin_auth: None,
            pin_protocol: None,
        };
        let mut auth = self.auth.lock().unwrap();
        let response = pollster::block_on(auth.get_assertion(request)).map_err(ctap_error)?;
        let output = response
            .unsigned_extension_outputs
            .and_then(|o| o.prf)
            .ok_or(PasskeyError::PrfUnsupported)?;
        Ok(PrfOutput::from_bytes(output.results.first))
    }
}

/// Whether the real-keychain tests are asked for (`scripts/with-keyring.sh` sets this).
pub fn keychain_tests_enabled() -> bool {
    std::env::var("SESAME_KEYCHAIN_TESTS").is_ok_and(|v| v == "1")
}

/// The real OS keychain, or `None` (with a message) when the keychain tests are not enabled.
/// When they are enabled, an unreachable keychain FAILS the test instead of skipping it.
pub fn real_keychain(test: &str) -> Option<Arc<KeychainStore>> {
    if !keychain_tests_enabled() {
        eprintln!(
            "SKIPPED {test}: needs the real Secret Service; run it with \
             `scripts/with-keyring.sh cargo test -p sesame-vault` (sets SESAME_KEYCHAIN_TESTS=1)"
        );
        return None;
    }
    match KeychainStore::connect() {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => panic!("SESAME_KEYCHAIN_TESTS=1 but the keychain is unreachable: {e}"),
    }
}

/// A profile name no other test (or earlier run) uses.
pub fn unique_profile(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("test-{tag}-{}-{nanos}", std::process::id())
}
