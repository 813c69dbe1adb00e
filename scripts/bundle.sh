#!/usr/bin/env bash
# Builds the signed .deb with Tauri's updater signing.
#   - `--debug`: `tauri bundle` packages the debug binary that scripts/test.sh built (nothing
#     compiles again); otherwise `tauri build` makes a release build first.
#   - Release: set TAURI_SIGNING_PRIVATE_KEY (+ _PASSWORD) and TAURI_SIGNING_PUBLIC_KEY.
#   - Otherwise (CI, development): a throwaway test key, generated once into the cache.
#   - The local chain ships as a sidecar (`bundle.externalBin`): `sesame-devnet` is installed
#     beside `sesame-desktop` (/usr/bin), where the app looks for it first. It is named only
#     here, not in tauri.conf.json, because tauri-build checks externalBin files when the app
#     compiles, and the devnet binary is built in that same cargo invocation.
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
# Tauri wants the sidecar as `<path>-<target triple>`; a copy under the target dir (outside
# the repository) keeps the built binary where cargo and `scripts/run.sh` expect it.
triple="$(rustc -vV | sed -n 's/^host: //p')"
sidecar="$CARGO_TARGET_DIR/sidecar/sesame-devnet"
stage_sidecar() {
  mkdir -p "$(dirname "$sidecar")"
  cp "$CARGO_TARGET_DIR/$1/sesame-devnet" "$sidecar-$triple"
  # Symbols and debug info are half a debug build's size and no use to an installed app.
  strip --strip-all "$sidecar-$triple"
}
config="{\"bundle\":{\"externalBin\":[\"$sidecar\"]},\"plugins\":{\"updater\":{\"pubkey\":\"$TAURI_SIGNING_PUBLIC_KEY\",\"endpoints\":[]}}}"
if [ "${1:-}" = "--debug" ]; then
  [ -x "$CARGO_TARGET_DIR/debug/sesame-desktop" ] && [ -x "$CARGO_TARGET_DIR/debug/sesame-devnet" ] ||
    cargo build --quiet "${SESAME_BUILD_ARGS[@]}"
  stage_sidecar debug
  npx --no-install tauri bundle --bundles deb --config "$config" "$@"
else
  # `tauri build` compiles only the app; the sidecar must exist before it does.
  cargo build --quiet --release --package sesame-devnet --bin sesame-devnet
  stage_sidecar release
  npx --no-install tauri build --bundles deb --config "$config" "$@"
fi
