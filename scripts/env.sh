# Shared environment for Sesame's scripts: caches live outside the clone so CI stays warm.
export SESAME_CACHE="${SESAME_CACHE:-$HOME/.cache/sesame}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SESAME_CACHE/target}"
mkdir -p "$SESAME_CACHE"

# One build serves the tests, the .deb and `scripts/run.sh`: the same packages, targets and
# features every time, so Cargo's feature unification never differs and nothing compiles twice.
# `custom-protocol` makes the desktop binary serve the embedded UI, as the bundle needs; the e2e
# tests then drive exactly the binary that ships.
SESAME_CARGO=(--workspace --features sesame-desktop/custom-protocol)
SESAME_BUILD_ARGS=("${SESAME_CARGO[@]}" --tests --examples --bins)
