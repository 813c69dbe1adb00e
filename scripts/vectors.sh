#!/usr/bin/env bash
# Re-checks the reference vectors in testdata/vectors against the JavaScript libraries that made
# them: starknet.js 10.8.0 and crypto-es 2.1.0, installed once from npm into
# ${SESAME_CACHE:-~/.cache/sesame}/js (outside the clone).
#   scripts/vectors.sh               # check the committed vectors; non-zero on the first mismatch
#   scripts/vectors.sh DIR           # check the three files in another folder (e.g. an edited copy)
#   scripts/vectors.sh --write [DIR] # recompute the derived values and write them back
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=scripts/js-deps.sh
source "$here/js-deps.sh"
sesame_js_deps
exec node "$root/testdata/vectors/check.mjs" "$@"
