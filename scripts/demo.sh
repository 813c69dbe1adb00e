#!/usr/bin/env bash
# The session lifecycle through the `sesame` CLI on the embedded local devnet:
# local chain -> wallet -> session -> gasless send -> status -> revoke -> refused send.
# Uses a fresh vault profile and a demo PIN so it can be run again and again.
set -euo pipefail
profile="demo-$(date +%s)"
pin="2468"
s() { echo "$pin" | sesame --profile "$profile" --pin-stdin "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "local chain (started if it is not running)"
sesame devnet up
step "a new wallet: owner key in the OS keychain, funded and deployed on devnet"
s wallet create
step "a session key, stored before anything is sent"
s session create --duration 3600
step "register it on-chain: the one owner signature (10 calls, STRK transfers only)"
s session register --max-calls 10 --allow strk:transfer
step "send 1.5 STRK with the session, gasless through the devnet relayer"
recipient="$(sesame --json devnet status | sed -E 's/.*"relayer":"([^"]+)".*/\1/')"
s session execute --call "strk:transfer:${recipient},u256:1500000000000000000"
step "status, from the chain"
s session status
step "a call outside the scope is refused before anything is signed"
s session execute --call "strk:approve:${recipient},u256:1" || true
step "revoke"
s session revoke
step "a send after revocation is refused"
s session execute --call "strk:transfer:${recipient},u256:1" || true
printf '\nThe local chain keeps running (sesame devnet down stops it; its state is kept).\n'
