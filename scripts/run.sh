#!/usr/bin/env bash
# The one command that sets up and runs Sesame on an embedded local devnet.
# Until the desktop app lands it walks the session lifecycle with the `sesame` CLI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"
source "$here/env.sh"
"$here/setup.sh"
cargo build --quiet -p sesame-cli -p sesame-devnet
export PATH="$CARGO_TARGET_DIR/debug:$PATH"
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$here/demo.sh"
else
  # A headless machine has no keychain of its own: run inside a private, unlocked one.
  exec "$here/with-keyring.sh" "$here/demo.sh"
fi
