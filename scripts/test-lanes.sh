#!/usr/bin/env bash
# Runs every test binary of the workspace in two lanes at once (what scripts/test.sh calls,
# inside the virtual display and the private keychain). Cargo runs test binaries one after the
# other; many of ours mostly wait (the real app in WebKit, the keychain over D-Bus, child
# processes, a devnet's HTTP round trips), so two lanes finish far sooner on two cores.
# Each lane logs to a file (a pipe inside the D-Bus session can hang, see docs/DESIGN.md) that
# is printed when both are done. Extra arguments go to every `cargo test`.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
logs="$CARGO_TARGET_DIR/test-lanes"
rm -rf "$logs" && mkdir -p "$logs"

# Lane A: the binaries that mostly wait, plus the argon2-bound envelope tests to balance.
lane_a_names=" desktop desktop_settings bundle ipc keychain envelope "
lane_a=() lane_b=()
while read -r name; do
  if [[ "$lane_a_names" == *" $name "* ]]; then lane_a+=(--test "$name"); else lane_b+=(--test "$name"); fi
done < <(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
m = json.load(sys.stdin)
print("\n".join(sorted({t["name"] for p in m["packages"] for t in p["targets"] if "test" in t["kind"]})))')

cargo test --quiet "${SESAME_CARGO[@]}" "${lane_a[@]}" "$@" >"$logs/a.log" 2>&1 &
a=$!
{
  cargo test --quiet "${SESAME_CARGO[@]}" --lib --bins "${lane_b[@]}" "$@" &&
    cargo test --quiet "${SESAME_CARGO[@]}" --doc "$@"
} >"$logs/b.log" 2>&1 &
b=$!
wait "$a"; ra=$?
wait "$b"; rb=$?
echo "---- lane A:${lane_a[*]}"
cat "$logs/a.log"
echo "---- lane B: unit tests, doc tests,${lane_b[*]}"
cat "$logs/b.log"
exit $(( ra != 0 || rb != 0 ))
