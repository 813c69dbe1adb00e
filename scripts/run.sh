#!/usr/bin/env bash
# The one command that sets up and runs Sesame on an embedded local devnet.
#   - with a display: the desktop app (it starts the local chain itself, from sesame-devnet);
#   - headless (no DISPLAY/WAYLAND_DISPLAY), or with --cli: the same lifecycle through the CLI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"
source "$here/env.sh"
"$here/setup.sh"
"$here/build-ui.sh"
# The test command's build: after `scripts/test.sh` nothing compiles again.
cargo build --quiet "${SESAME_BUILD_ARGS[@]}"
export PATH="$CARGO_TARGET_DIR/debug:$PATH"

if [ "${1:-}" != "--cli" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  echo "Starting Sesame (local devnet; first start takes a second or two)…"
  exec "$CARGO_TARGET_DIR/debug/sesame-desktop"
fi
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$here/demo.sh"
else
  # A headless machine has no keychain of its own: run inside a private, unlocked one.
  exec "$here/with-keyring.sh" "$here/demo.sh"
fi
