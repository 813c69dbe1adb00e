#!/usr/bin/env bash
# Builds the signed .deb with Tauri's updater signing.
#   - `--debug`: `tauri bundle` packages the debug binary that scripts/test.sh built (nothing
#     compiles again); otherwise `tauri build` makes a release build first.
#   - Release: set TAURI_SIGNING_PRIVATE_KEY (+ _PASSWORD) and TAURI_SIGNING_PUBLIC_KEY.
#   - Otherwise (CI, development): a throwaway test key, generated once into the cache.
# AppImage is not built: its bundler downloads tools from GitHub, which this network cannot reach.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"
source "$here/env.sh"
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  keydir="$SESAME_CACHE/signing"
  if [ ! -f "$keydir/test.key" ]; then
    mkdir -p "$keydir"
    npx --no-install tauri signer generate --ci -p "" -w "$keydir/test.key" >/dev/null
  fi
  export TAURI_SIGNING_PRIVATE_KEY="$(cat "$keydir/test.key")"
  export TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
  export TAURI_SIGNING_PUBLIC_KEY="$(cat "$keydir/test.key.pub")"
  echo "bundle: signing with the test key in $keydir (not for release)"
fi
: "${TAURI_SIGNING_PUBLIC_KEY:?set TAURI_SIGNING_PUBLIC_KEY with the release private key}"
config="{\"plugins\":{\"updater\":{\"pubkey\":\"$TAURI_SIGNING_PUBLIC_KEY\",\"endpoints\":[]}}}"
if [ "${1:-}" = "--debug" ]; then
  [ -x "$CARGO_TARGET_DIR/debug/sesame-desktop" ] || cargo build --quiet "${SESAME_BUILD_ARGS[@]}"
  npx --no-install tauri bundle --bundles deb --config "$config" "$@"
else
  npx --no-install tauri build --bundles deb --config "$config" "$@"
fi
