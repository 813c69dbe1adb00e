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

echo "== ui (the desktop shell embeds ui/dist at compile time)"
"$here/build-ui.sh"

echo "== build"
# The target dir is shared across checkouts (CI clones, worktrees) to keep dependencies warm,
# and Cargo's fingerprints for path crates do not include the checkout path: without this a
# clone could reuse another checkout's build of our own crates. They are small to rebuild.
own_crates=(sesame-core sesame-vault sesame-chain sesame-devnet sesame-app sesame-cli sesame-tests sesame-desktop)
cargo clean --quiet $(printf -- '-p %s ' "${own_crates[@]}")
cargo build --workspace --tests --examples --bins --quiet

echo "== tests (inside a D-Bus session with an unlocked gnome-keyring, for the keychain tests)"
"$here/with-keyring.sh" cargo test --workspace --quiet "$@"

echo "== all tests passed in $(( $(date +%s) - t0 )) s"
