#!/usr/bin/env bash
# The one command that sets up and runs Sesame on an embedded local devnet.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"
source "$here/env.sh"
"$here/setup.sh"
exec cargo run --quiet -p sesame-devnet --example session_demo
