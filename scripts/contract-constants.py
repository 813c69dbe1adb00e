#!/usr/bin/env python3
"""Recompute every literal constant of Sesame's Cairo contracts and check the sources.

Cairo 2.1 has no `selector!` and cannot hash at compile time, so the contracts carry
selectors, SNIP-12 type hashes, SRC-5 interface ids and a short-string tag as hex literals.
This script derives each of them from its definition and compares it with the literal in
contracts/session_account.cairo and contracts/session_account_v2.cairo.

    scripts/contract-constants.py          print every constant with its derivation
    scripts/contract-constants.py --check  exit 1 if a literal in a source differs

Only the Python standard library is used: Keccak-256 (the original Keccak padding that
Ethereum and Starknet use, not NIST SHA3-256) is implemented below.

Definitions:
- sn_keccak(x) = keccak256(x) masked to its low 250 bits (Starknet's selector hash).
- A selector is sn_keccak(ASCII name).
- An SRC-5 interface id is the XOR of the extended selectors sn_keccak(signature) of the
  interface's functions, with signatures written as SNIP-5 says: `name(arg_types)->ret_type`,
  `self` left out, no `->` for functions that return nothing, a struct or tuple as
  `(field_types)`, u256 as `(u128,u128)`, bool as `E((),())`, Span<T> as `(@Array<T>)`.
- A SNIP-12 revision-1 type hash is sn_keccak of the encoded type string.
"""

import re
import sys
from pathlib import Path

# --- Keccak-256 -----------------------------------------------------------------------------

_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
# Rotation offsets r[x][y].
_ROT = [
    [0, 36, 3, 41, 18],
    [1, 44, 10, 45, 2],
    [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56],
    [27, 20, 39, 8, 14],
]
_MASK64 = (1 << 64) - 1


def _rotl(value, shift):
    shift %= 64
    if shift == 0:
        return value
    return ((value << shift) | (value >> (64 - shift))) & _MASK64


def _keccak_f(state):
    for round_constant in _RC:
        # theta
        column = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)]
        delta = [column[(x - 1) % 5] ^ _rotl(column[(x + 1) % 5], 1) for x in range(5)]
        state = [[state[x][y] ^ delta[x] for y in range(5)] for x in range(5)]
        # rho and pi
        moved = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                moved[y][(2 * x + 3 * y) % 5] = _rotl(state[x][y], _ROT[x][y])
        # chi
        state = [
            [moved[x][y] ^ ((~moved[(x + 1) % 5][y]) & moved[(x + 2) % 5][y]) for y in range(5)]
            for x in range(5)
        ]
        # iota
        state[0][0] ^= round_constant
    return state


def keccak256(data: bytes) -> bytes:
    rate = 136  # bytes, for a 256-bit output
    padded = bytearray(data)
    padded.append(0x01)
    while len(padded) % rate:
        padded.append(0x00)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset:offset + rate]
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        state = _keccak_f(state)
    return b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def sn_keccak(text: str) -> int:
    return int.from_bytes(keccak256(text.encode("ascii")), "big") & ((1 << 250) - 1)


def interface_id(signatures):
    value = 0
    for signature in signatures:
        value ^= sn_keccak(signature)
    return value


def short_string(text: str) -> int:
    assert len(text) <= 31
    return int.from_bytes(text.encode("ascii"), "big")


# --- Definitions ----------------------------------------------------------------------------

CALL = "(ContractAddress,felt252,Array<felt252>)"
SESSION_CALL = "(ContractAddress,felt252)"
OUTSIDE_EXECUTION = (
    "(ContractAddress,felt252,u64,u64,(@Array<(ContractAddress,felt252,(@Array<felt252>))>))"
)
SNIP12_CALL_TYPE = '"Call"("To":"ContractAddress","Selector":"selector","Calldata":"felt*")'

# name -> (value, how it is derived)
DEFINITIONS = {}


def selector(const_name, entrypoint):
    DEFINITIONS[const_name] = (sn_keccak(entrypoint), f"sn_keccak('{entrypoint}')")


for const_name, entrypoint in [
    ("SEL_ADD_OR_UPDATE_SESSION_KEY", "add_or_update_session_key"),
    ("SEL_ADD_OR_UPDATE_SESSION_KEY_SCOPED", "add_or_update_session_key_scoped"),
    ("SEL_REVOKE_SESSION_KEY", "revoke_session_key"),
    ("SEL_REVOKE_ALL_SESSION_KEYS", "revoke_all_session_keys"),
    ("SEL_SET_SESSION_RECIPIENTS", "set_session_recipients"),
    ("SEL_SET_SPENDING_POLICY", "set_spending_policy"),
    ("SEL_REMOVE_SPENDING_POLICY", "remove_spending_policy"),
    ("SEL_UPGRADE", "upgrade"),
    ("SEL_SET_PUBLIC_KEY", "set_public_key"),
    ("SEL_SET_PUBLIC_KEY_CAMEL", "setPublicKey"),
    ("SEL_EXECUTE", "__execute__"),
    ("SEL_EXECUTE_FROM_OUTSIDE", "execute_from_outside"),
    ("SEL_EXECUTE_FROM_OUTSIDE_V2", "execute_from_outside_v2"),
    ("SEL_TRANSFER", "transfer"),
    ("SEL_APPROVE", "approve"),
    ("SEL_INCREASE_ALLOWANCE", "increase_allowance"),
    ("SEL_INCREASE_ALLOWANCE_CAMEL", "increaseAllowance"),
    ("SEL_TRANSFER_FROM", "transfer_from"),
    ("SEL_TRANSFER_FROM_CAMEL", "transferFrom"),
]:
    selector(const_name, entrypoint)

INTERFACES = {
    "ISRC5_ID": ["supports_interface(felt252)->E((),())"],
    "ISRC6_ID": [
        f"__execute__(Array<{CALL}>)->Array<(@Array<felt252>)>",
        f"__validate__(Array<{CALL}>)->felt252",
        "is_valid_signature(felt252,Array<felt252>)->felt252",
    ],
    "ISNIP9_V2_ID": [
        f"execute_from_outside_v2({OUTSIDE_EXECUTION},(@Array<felt252>))->Array<(@Array<felt252>)>",
        "is_valid_outside_execution_nonce(felt252)->E((),())",
    ],
    # The v2 session interface: trait ISessionKeysV2 in contracts/session_account_v2.cairo.
    "ISESSION_KEYS_V2_ID": [
        f"add_or_update_session_key_scoped(felt252,u64,u32,Array<{SESSION_CALL}>)",
        f"get_session_scope(felt252)->Array<{SESSION_CALL}>",
        "set_session_recipients(felt252,ContractAddress,Array<ContractAddress>)",
        "get_session_recipients(felt252,ContractAddress)->Array<ContractAddress>",
        "revoke_all_session_keys()",
        "set_public_key(felt252,Array<felt252>)",
        "get_session_status(felt252)->felt252",
    ],
}
for const_name, signatures in INTERFACES.items():
    DEFINITIONS[const_name] = (
        interface_id(signatures),
        "XOR of sn_keccak of:\n" + "\n".join(f"      {s}" for s in signatures),
    )

for const_name, type_string in [
    (
        "STARKNET_DOMAIN_TYPE_HASH",
        '"StarknetDomain"("name":"shortstring","version":"shortstring",'
        '"chainId":"shortstring","revision":"shortstring")',
    ),
    (
        "OUTSIDE_EXECUTION_TYPE_HASH",
        '"OutsideExecution"("Caller":"ContractAddress","Nonce":"felt",'
        '"Execute After":"u128","Execute Before":"u128","Calls":"Call*")' + SNIP12_CALL_TYPE,
    ),
    ("CALL_TYPE_HASH", SNIP12_CALL_TYPE),
]:
    DEFINITIONS[const_name] = (sn_keccak(type_string), f"sn_keccak('{type_string}')")

DEFINITIONS["SESSION_V2_TAG"] = (
    short_string("Sesame.session.v2"),
    "short string 'Sesame.session.v2'",
)

SOURCES = ["contracts/session_account.cairo", "contracts/session_account_v2.cairo"]
CONST_RE = re.compile(r"const\s+(\w+)\s*:\s*felt252\s*=\s*(?://[^\n]*\n\s*)?(0x[0-9a-fA-F]+)\s*;")


def self_test():
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    # Starknet's well-known `transfer` selector.
    assert sn_keccak("transfer") == 0x83AFD3F4CAEDC6EEBF44246FE54E38C95E3179A5EC9EA81740ECA5B482D12E


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] not in ([], ["--check"]):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: scripts/contract-constants.py [--check]", file=sys.stderr)
        return 2
    self_test()
    root = Path(__file__).resolve().parent.parent
    if not check:
        for const_name, (value, how) in DEFINITIONS.items():
            print(f"{const_name} = {hex(value)}\n    {how}")
        return 0
    failures = 0
    for source in SOURCES:
        text = (root / source).read_text()
        found = CONST_RE.findall(text)
        for const_name, literal in found:
            if const_name not in DEFINITIONS:
                continue
            expected = DEFINITIONS[const_name][0]
            if int(literal, 16) != expected:
                print(f"{source}: {const_name} is {literal}, expected {hex(expected)}", file=sys.stderr)
                failures += 1
        # Every felt252 hex constant of the sources must be known here, so none escapes the check.
        for const_name, _ in found:
            if const_name not in DEFINITIONS:
                print(f"{source}: {const_name} has no definition in this script", file=sys.stderr)
                failures += 1
        print(f"{source}: {len(found)} constants checked")
    if failures:
        return 1
    print("all constants match their definitions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
