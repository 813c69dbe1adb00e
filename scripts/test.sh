#!/usr/bin/env bash
# The one command that sets up a machine and runs every Sesame test.
#   scripts/test.sh            # everything
#   scripts/test.sh --no-fail-fast   # extra args go to `cargo test` (see below)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
source "$here/env.sh"
t0=$(date +%s)
# Each stage prints the seconds elapsed so far, so a slow stage shows in CI's log.
stage() { echo "== $* [$(( $(date +%s) - t0 )) s]"; }

"$here/setup.sh"

stage "contract: the committed Sierra matches the source"
"$here/compile-contract.sh" --check
python3 "$here/contract-constants.py" --check

stage "stand-alone: no tracked file reads outside the repository (the CHIPI fixture is optional)"
if git rev-parse --git-dir >/dev/null 2>&1; then
  outside=$(git grep -l '\.\./shared' -- . ':!scripts/test.sh' | xargs -r grep -L 'fixtures/chipi' || true)
  [ -z "$outside" ] || { echo "these tracked files name ../shared: $outside" >&2; exit 1; }
fi

stage "format"
cargo fmt --all -- --check

stage "ui (the desktop shell embeds ui/dist at compile time)"
"$here/build-ui.sh"
npm --prefix ui test --silent

stage "build"
# The target dir is shared across checkouts (CI clones, worktrees) to keep dependencies warm,
# and Cargo's fingerprints for path crates do not include the checkout path: without this a
# clone could reuse another checkout's build of our own crates. They are small to rebuild.
own_crates=(sesame-core sesame-vault sesame-chain sesame-devnet sesame-app sesame-cli sesame-tests sesame-desktop)
cargo clean --quiet $(printf -- '-p %s ' "${own_crates[@]}")
cargo build --quiet "${SESAME_BUILD_ARGS[@]}"

stage "bundle: the signed .deb over the debug binary just built, verified by tests/e2e/tests/bundle.rs"
"$here/bundle.sh" --debug

stage "tests: a virtual display (Xvfb) for the real app in WebKit, and a private D-Bus session"
echo "   with an unlocked gnome-keyring for the keychain; e2e screenshots go to"
echo "   $CARGO_TARGET_DIR/e2e-screenshots/"
rm -rf "$CARGO_TARGET_DIR/e2e-screenshots"
# Property and fuzz tests: a fixed seed and a case budget per property that keeps CI fast.
# A longer run: see "Developing" in the README.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261201}" PROPTEST_CASES="${PROPTEST_CASES:-512}"
export PROPTEST_DISABLE_FAILURE_PERSISTENCE=1
# Extra arguments go to every `cargo test` after the workspace selection (e.g. `--no-fail-fast`,
# or a test name filter), which scripts/test-lanes.sh runs in two lanes at once; with
# `-p`/`--package` they replace the selection and run in one lane (that may rebuild
# dependencies with other features).
case " $* " in
  *" -p "* | *" --package "* | *" --package="*) run=(cargo test --quiet "$@") ;;
  *) run=(bash "$here/test-lanes.sh" "$@") ;;
esac
xvfb-run -a -s "-screen 0 1280x900x24" "$here/with-keyring.sh" env SESAME_E2E=1 SESAME_BUNDLE_TESTS=1 "${run[@]}"

echo "== all tests passed in $(( $(date +%s) - t0 )) s"
