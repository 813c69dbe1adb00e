#!/usr/bin/env bash
# Measures the README's test command from an empty cache (cold), then again (warm), and the run
# command's build step after it. Debian and npm packages already installed are not removed.
#   scripts/measure-setup.sh            # uses a fresh cache dir; the real cache is untouched
#   SESAME_CACHE=DIR scripts/measure-setup.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SESAME_CACHE="${SESAME_CACHE:-$(mktemp -d "${TMPDIR:-/tmp}/sesame-cold.XXXXXX")}"
unset CARGO_TARGET_DIR
[ -z "$(ls -A "$SESAME_CACHE" 2>/dev/null)" ] || { echo "measure: $SESAME_CACHE is not empty" >&2; exit 1; }
echo "measure: cache $SESAME_CACHE"
s=$(date +%s); bash "$here/test.sh" >"$SESAME_CACHE.cold.log" 2>&1; cold=$(( $(date +%s) - s ))
echo "measure: test command, cold: ${cold} s"
s=$(date +%s); bash "$here/test.sh" >"$SESAME_CACHE.warm.log" 2>&1; warm=$(( $(date +%s) - s ))
echo "measure: test command, warm: ${warm} s"
source "$here/env.sh"
s=$(date +%s); cargo build --quiet "${SESAME_BUILD_ARGS[@]}"; run=$(( $(date +%s) - s ))
echo "measure: run command's build after the tests: ${run} s"
