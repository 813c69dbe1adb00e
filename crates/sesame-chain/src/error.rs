//! One error type for every way the chain can say no, with stable codes for the shells.

/// Why a chain operation failed. `code()` is stable; `Display` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The node did not answer at all (down, wrong URL, network error).
    #[error("cannot reach the Starknet node at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    /// The node (or paymaster) accepted the connection but did not answer in time.
    #[error("the Starknet node at {url} did not answer within {seconds} s; it may be overloaded or down")]
    NetworkTimeout { url: String, seconds: u64 },
    /// The node speaks another JSON-RPC version than Sesame.
    #[error("the node at {url} speaks JSON-RPC {found}, but Sesame needs {expected}.x")]
    SpecMismatch {
        url: String,
        found: String,
        expected: String,
    },
    /// The node refused the transaction before including it (simulation or validation failed).
    #[error("the network refused the transaction: {reason}")]
    Rejected { reason: String },
    /// The transaction was included but reverted.
    #[error("transaction {tx_hash} reverted: {reason}")]
    Reverted { tx_hash: String, reason: String },
    /// No receipt appeared in time.
    #[error("no receipt for transaction {tx_hash} after {seconds} s")]
    Timeout { tx_hash: String, seconds: u64 },
    /// The class could not be prepared for declaration.
    #[error("the contract class cannot be declared: {0}")]
    BadClass(String),
    /// The node answered, but with something Sesame cannot use.
    #[error("unexpected answer from the node: {0}")]
    Unexpected(String),
}

impl ChainError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Unreachable { .. } => "RPC_UNAVAILABLE",
            ChainError::NetworkTimeout { .. } => "NETWORK_TIMEOUT",
            ChainError::SpecMismatch { .. } => "RPC_SPEC_MISMATCH",
            ChainError::Rejected { .. } => "TX_REJECTED",
            ChainError::Reverted { .. } => "TX_REVERTED",
            ChainError::Timeout { .. } => "TX_TIMEOUT",
            ChainError::BadClass(_) => "BAD_CONTRACT_CLASS",
            ChainError::Unexpected(_) => "RPC_UNEXPECTED",
        }
    }

    /// The contract's revert reason, when the chain gave one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ChainError::Rejected { reason } | ChainError::Reverted { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// Pulls the most specific Cairo revert string out of a node's error text.
///
/// Nodes nest the failure of every frame (`ENTRYPOINT_FAILED`, multicall wrappers) around the
/// message the contract panicked with, printed as `0x… ('Session: expired')`. The innermost
/// non-generic string is the one a person needs.
pub(crate) fn revert_reason(raw: &str) -> String {
    const GENERIC: [&str; 5] = [
        "ENTRYPOINT_FAILED",
        "ENTRYPOINT_NOT_FOUND",
        "argent/multicall-failed",
        "Failed to deserialize param #1",
        "Input too long for arguments",
    ];
    let mut found: Vec<&str> = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("('") {
        let after = &rest[start + 2..];
        match after.find("')") {
            Some(end) => {
                found.push(&after[..end]);
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    found
        .iter()
        .rev()
        .find(|s| !GENERIC.contains(s))
        .or_else(|| found.last())
        .map(|s| s.to_string())
        .unwrap_or_else(|| {
            let trimmed: String = raw.chars().take(600).collect();
            trimmed
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_contracts_message_over_generic_frames() {
        let raw =
            "Transaction execution has failed: 0x1 ('Session: expired'), 0x2 ('ENTRYPOINT_FAILED')";
        assert_eq!(revert_reason(raw), "Session: expired");
    }

    #[test]
    fn falls_back_to_the_raw_text_when_there_is_no_short_string() {
        assert_eq!(revert_reason("Out of gas"), "Out of gas");
    }

    #[test]
    fn codes_are_stable() {
        let e = ChainError::Rejected { reason: "x".into() };
        assert_eq!(e.code(), "TX_REJECTED");
        assert_eq!(e.reason(), Some("x"));
        assert_eq!(ChainError::Unexpected("y".into()).reason(), None);
        let t = ChainError::NetworkTimeout {
            url: "http://127.0.0.1:9".into(),
            seconds: 2,
        };
        assert_eq!(t.code(), "NETWORK_TIMEOUT");
        assert!(t.to_string().contains("did not answer within 2 s"));
    }
}
