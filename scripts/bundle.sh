#!/usr/bin/env bash
# Builds the signed .deb: `tauri build --bundles deb` with Tauri's updater signing.
#   - Release: set TAURI_SIGNING_PRIVATE_KEY (+ _PASSWORD) and TAURI_SIGNING_PUBLIC_KEY.
#   - Otherwise (CI, development): a throwaway test key, generated once into the cache.
# AppImage is not built: its bundler downloads tools from GitHub, which this network cannot reach.
# Extra args go to `tauri build` (e.g. --debug to reuse the dev build).
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
npx --no-install tauri build --bundles deb --config "$config" "$@"
