# Shared environment for Sesame's scripts: caches live outside the clone so CI stays warm.
export SESAME_CACHE="${SESAME_CACHE:-$HOME/.cache/sesame}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$SESAME_CACHE/target}"
mkdir -p "$SESAME_CACHE"
