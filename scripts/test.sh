#!/usr/bin/env bash
# The one command that sets up a machine and runs every Sesame test.
#   scripts/test.sh            # everything
#   scripts/test.sh -p sesame-core   # extra args go to `cargo test`
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
source "$here/env.sh"
t0=$(date +%s)

"$here/setup.sh"

echo "== contract: the committed Sierra matches the source"
"$here/compile-contract.sh" --check

echo "== format"
cargo fmt --all -- --check

echo "== build"
cargo build --workspace --tests --examples --bins --quiet

echo "== tests (inside a D-Bus session with an unlocked gnome-keyring, for the keychain tests)"
"$here/with-keyring.sh" cargo test --workspace --quiet "$@"

echo "== all tests passed in $(( $(date +%s) - t0 )) s"
