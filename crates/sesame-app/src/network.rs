//! Which chain Sesame talks to: the embedded local devnet (the default), Sepolia, Mainnet, or
//! any JSON-RPC 0.10 URL.

use serde::{Deserialize, Serialize};
use sesame_core::Felt;

use crate::error::AppError;

/// The local chain's default port, as `sesame devnet up` starts it.
pub const DEFAULT_DEVNET_PORT: u16 = 5050;

/// `'SN_MAIN'`, Mainnet's chain id.
pub const SN_MAIN: Felt = Felt::from_hex_unchecked("0x534e5f4d41494e");
/// `'SN_SEPOLIA'`, Sepolia's chain id.
pub const SN_SEPOLIA: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941");

/// Refuses a node (or paymaster) URL that is not `https://`, except plain `http://` to this
/// machine: anything between here and a remote node could otherwise rewrite what it answers
/// (balances, session state, the chain id the signatures are bound to).
pub fn check_transport(url: &str) -> Result<(), AppError> {
    let parsed = url::Url::parse(url)
        .map_err(|e| AppError::InvalidArgument(format!("'{url}' is not a valid URL ({e})")))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(AppError::InvalidArgument(format!(
            "plain http:// is accepted only for a node on this machine; use https:// for {}",
            parsed.host_str().unwrap_or(url)
        ))),
        other => Err(AppError::InvalidArgument(format!(
            "'{other}://' is not a node URL: use https:// (or http:// on this machine)"
        ))),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkKind {
    Devnet,
    Sepolia,
    Mainnet,
    Custom,
}

/// A network and the node Sesame reaches it through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub kind: NetworkKind,
    /// The name wallets are filed under: `devnet`, `sepolia`, `mainnet`, or the URL itself.
    pub name: String,
    pub rpc_url: String,
}

impl Network {
    /// Resolves `name` (`devnet`, `sepolia`, `mainnet` or an `http(s)://` URL) with an optional
    /// RPC override. Public networks default to `SESAME_SEPOLIA_RPC` / `SESAME_MAINNET_RPC`.
    pub fn resolve(name: &str, rpc: Option<&str>) -> Result<Network, AppError> {
        let env = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
        let (kind, name, url) = match name {
            "devnet" | "local" => (
                NetworkKind::Devnet,
                "devnet".to_string(),
                rpc.map(str::to_string)
                    .or_else(|| env("SESAME_DEVNET_RPC"))
                    .unwrap_or_else(|| format!("http://127.0.0.1:{DEFAULT_DEVNET_PORT}/rpc")),
            ),
            "sepolia" => (
                NetworkKind::Sepolia,
                "sepolia".to_string(),
                rpc.map(str::to_string)
                    .or_else(|| env("SESAME_SEPOLIA_RPC"))
                    .ok_or_else(|| {
                        AppError::InvalidArgument(
                            "give a Sepolia JSON-RPC 0.10 URL with --rpc or SESAME_SEPOLIA_RPC"
                                .into(),
                        )
                    })?,
            ),
            "mainnet" => (
                NetworkKind::Mainnet,
                "mainnet".to_string(),
                rpc.map(str::to_string)
                    .or_else(|| env("SESAME_MAINNET_RPC"))
                    .ok_or_else(|| {
                        AppError::InvalidArgument(
                            "give a Mainnet JSON-RPC 0.10 URL with --rpc or SESAME_MAINNET_RPC"
                                .into(),
                        )
                    })?,
            ),
            url if url.starts_with("http://") || url.starts_with("https://") => (
                NetworkKind::Custom,
                url.to_string(),
                rpc.unwrap_or(url).to_string(),
            ),
            other => {
                return Err(AppError::InvalidArgument(format!(
                    "unknown network '{other}': use devnet, sepolia, mainnet or an http(s) RPC URL"
                )))
            }
        };
        check_transport(&url)?;
        Ok(Network {
            kind,
            name,
            rpc_url: url,
        })
    }

    /// The chain id a named public network must answer with; `None` for the local devnet and
    /// custom URLs. A "mainnet" URL that answers `SN_SEPOLIA` (or the reverse) is refused, so
    /// signatures are never made for a chain the user did not choose.
    pub fn expected_chain_id(&self) -> Option<Felt> {
        match self.kind {
            NetworkKind::Mainnet => Some(SN_MAIN),
            NetworkKind::Sepolia => Some(SN_SEPOLIA),
            NetworkKind::Devnet | NetworkKind::Custom => None,
        }
    }

    /// A block-explorer link for a transaction, on public networks.
    pub fn explorer_tx_url(&self, tx_hash: &str) -> Option<String> {
        match self.kind {
            NetworkKind::Sepolia => Some(format!("https://sepolia.voyager.online/tx/{tx_hash}")),
            NetworkKind::Mainnet => Some(format!("https://voyager.online/tx/{tx_hash}")),
            NetworkKind::Devnet | NetworkKind::Custom => None,
        }
    }

    pub fn is_devnet(&self) -> bool {
        self.kind == NetworkKind::Devnet
    }

    /// Checks the chain id a node answers (`found`) against the one recorded for this network
    /// when it was first connected (`pinned`): a custom URL keeps the chain it was added with.
    pub fn check_pinned_chain_id(&self, pinned: Felt, found: Felt) -> Result<(), AppError> {
        if pinned == found {
            return Ok(());
        }
        Err(AppError::ChainIdChanged {
            network: self.name.clone(),
            pinned: chain_name(pinned),
            found: chain_name(found),
        })
    }
}

/// A chain id as people know it (`SN_SEPOLIA`), or its hex when it is not a short string.
pub fn chain_name(id: Felt) -> String {
    sesame_core::felt::decode_short_string(&id).unwrap_or_else(|| sesame_core::felt::to_hex(&id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_nodes_need_https_and_plain_http_is_for_this_machine_only() {
        for ok in [
            "https://node.example/rpc",
            "http://127.0.0.1:5050/rpc",
            "http://localhost:9545",
            "http://[::1]:5050/rpc",
        ] {
            assert!(Network::resolve("sepolia", Some(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://node.example/rpc",
            "http://10.0.0.2:5050/rpc",
            "ftp://x/rpc",
        ] {
            let err = Network::resolve("mainnet", Some(bad)).unwrap_err();
            assert_eq!(err.code(), "INVALID_ARGUMENT", "{bad}");
        }
        let err = Network::resolve("http://node.example/rpc", None).unwrap_err();
        assert!(err.to_string().contains("use https://"), "{err}");
    }

    #[test]
    fn named_public_networks_pin_their_chain_id() {
        let main = Network::resolve("mainnet", Some("https://n.example")).unwrap();
        let sep = Network::resolve("sepolia", Some("https://n.example")).unwrap();
        assert_eq!(main.expected_chain_id(), Some(SN_MAIN));
        assert_eq!(sep.expected_chain_id(), Some(SN_SEPOLIA));
        assert_eq!(
            Network::resolve("devnet", None)
                .unwrap()
                .expected_chain_id(),
            None
        );
        assert_eq!(sesame_core::felt::short_string("SN_MAIN").unwrap(), SN_MAIN);
        assert_eq!(
            sesame_core::felt::short_string("SN_SEPOLIA").unwrap(),
            SN_SEPOLIA
        );
    }

    #[test]
    fn devnet_is_local_and_has_no_explorer() {
        let n = Network::resolve("devnet", None).unwrap();
        assert!(n.is_devnet());
        assert!(n.rpc_url.starts_with("http://127.0.0.1:"));
        assert_eq!(n.explorer_tx_url("0x1"), None);
    }

    #[test]
    fn public_networks_link_to_an_explorer_and_custom_urls_are_kept() {
        let n = Network::resolve("sepolia", Some("https://node.example/rpc")).unwrap();
        assert_eq!(
            n.explorer_tx_url("0xab").unwrap(),
            "https://sepolia.voyager.online/tx/0xab"
        );
        let c = Network::resolve("https://rpc.example/v0_10", None).unwrap();
        assert_eq!(
            (c.kind, c.rpc_url.as_str()),
            (NetworkKind::Custom, "https://rpc.example/v0_10")
        );
    }

    #[test]
    fn a_pinned_chain_id_must_stay_the_same() {
        let c = Network::resolve("https://rpc.example/v0_10", None).unwrap();
        assert!(c.check_pinned_chain_id(SN_SEPOLIA, SN_SEPOLIA).is_ok());
        let err = c.check_pinned_chain_id(SN_SEPOLIA, SN_MAIN).unwrap_err();
        assert_eq!(err.code(), "CHAIN_ID_CHANGED");
        let text = err.to_string();
        assert!(
            text.contains("now answers with chain id SN_MAIN, not SN_SEPOLIA"),
            "{text}"
        );
    }

    #[test]
    fn unknown_network_names_are_refused() {
        let err = Network::resolve("goerli", None).unwrap_err();
        assert_eq!(err.code(), "INVALID_ARGUMENT");
        assert!(err.to_string().contains("goerli"));
    }
}
