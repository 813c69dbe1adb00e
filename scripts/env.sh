# Shared environment for Sesame's scripts: caches live outside the clone so CI stays warm.
export SESAME_CACHE="${SESAME_CACHE:-$HOME/.cache/sesame}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SESAME_CACHE/target}"
mkdir -p "$SESAME_CACHE"

# One build serves the tests, the .deb and `scripts/run.sh`: the same packages, targets and
# features every time, so Cargo's feature unification never differs and nothing compiles twice.
# `custom-protocol` makes the desktop binary serve the embedded UI, as the bundle needs; the e2e
# tests then drive exactly the binary that ships.
SESAME_CARGO=(--workspace --features sesame-desktop/custom-protocol)
# The test command builds our crates from scratch each time (a shared target dir cannot trust
# their fingerprints), so incremental caches are only written to be thrown away; and the run
# command must use the same setting, or it would rebuild our crates after the tests.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
SESAME_BUILD_ARGS=("${SESAME_CARGO[@]}" --tests --examples --bins)
