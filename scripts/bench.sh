#!/usr/bin/env bash
# Side by side: Sesame's SNIP-12 hash + session signature (cargo bench, outside_execution),
# a bare starknet-crypto RFC 6979 sign on the same hashes, and the same cases through
# starknet.js 10.8.0 (installed from npm into ${SESAME_CACHE:-~/.cache/sesame}/js).
# Prints a table and the ratios against the goals: hash + sign <= 1.3x the bare sign, and
# starknet.js >= 10x slower than Sesame.
#   scripts/bench.sh                  # both benches (the Rust one compiles in release: minutes when cold)
#   scripts/bench.sh --rounds N       # rounds of the JS bench (default 200, as the Rust bench)
#   scripts/bench.sh --rust-from FILE # reuse a saved `cargo bench` output instead of running it
#   scripts/bench.sh --strict         # exit 1 when a goal is missed
# The raw outputs are kept in $CARGO_TARGET_DIR/sesame-bench/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
# shellcheck source=scripts/js-deps.sh
source "$here/js-deps.sh"

rounds=200 rust_from="" strict=0
while (($#)); do
  case "$1" in
    --rounds) rounds="${2:?--rounds N}"; shift 2 ;;
    --rust-from) rust_from="${2:?--rust-from FILE}"; shift 2 ;;
    --strict) strict=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

out="$CARGO_TARGET_DIR/sesame-bench"
mkdir -p "$out"
rust_log="$out/rust.txt" js_log="$out/js.txt"

sesame_js_deps

if [ -n "$rust_from" ]; then
  cp "$rust_from" "$rust_log"
  echo "bench: Rust results from $rust_from"
else
  echo "bench: cargo bench -p sesame-core --bench outside_execution (release build; long when cold)"
  cargo bench -p sesame-core --bench outside_execution | tee "$rust_log"
fi

# The JS bench runs after cargo has finished so the two never share the CPU.
echo "bench: starknet.js over the same cases"
node "$root/testdata/vectors/bench.mjs" --rounds "$rounds" | tee "$js_log"

# The value of `key=NUMBER` from a log (the last one if repeated); empty when absent.
value() { sed -n "s/^[[:space:]]*$2=\([0-9][0-9.eE+-]*\)[[:space:]]*\$/\1/p" "$1" | tail -n 1; }

declare -A v
missing=()
for k in rust_hash_us rust_sign_us rust_hash_sign_us rust_bare_sign_us; do
  v[$k]="$(value "$rust_log" "$k")"; [ -n "${v[$k]}" ] || missing+=("$k")
done
for k in js_hash_us js_sign_us js_hash_sign_us; do
  v[$k]="$(value "$js_log" "$k")"; [ -n "${v[$k]}" ] || missing+=("$k")
done
if ((${#missing[@]})); then
  echo "bench: no ${missing[*]} in the output (kept in $out); the benches must print" >&2
  echo "       key=microseconds lines: rust_hash_us rust_sign_us rust_hash_sign_us rust_bare_sign_us" >&2
  echo "       (crates/sesame-core/benches/outside_execution.rs) and js_hash_us js_sign_us js_hash_sign_us" >&2
  exit 1
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
meets() { # meets VALUE <=|>= LIMIT
  awk -v x="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "<=") ? x <= l : x >= l; exit !ok }'
}

echo
echo "median per operation, microseconds (snip9_outside_execution_v2.json cases)"
printf '  %-28s %12s %14s %16s\n' "" "sesame" "starknet.js" "starknet.js/sesame"
row() { printf '  %-28s %12s %14s %16s\n' "$1" "$2" "$3" "$4"; }
row "SNIP-12 message hash" "${v[rust_hash_us]}" "${v[js_hash_us]}" "$(ratio "${v[js_hash_us]}" "${v[rust_hash_us]}")x"
row "session signature" "${v[rust_sign_us]}" "${v[js_sign_us]}" "$(ratio "${v[js_sign_us]}" "${v[rust_sign_us]}")x"
row "hash + session signature" "${v[rust_hash_sign_us]}" "${v[js_hash_sign_us]}" "$(ratio "${v[js_hash_sign_us]}" "${v[rust_hash_sign_us]}")x"
row "bare starknet-crypto sign" "${v[rust_bare_sign_us]}" "" ""

over_bare="$(ratio "${v[rust_hash_sign_us]}" "${v[rust_bare_sign_us]}")"
js_hash="$(ratio "${v[js_hash_us]}" "${v[rust_hash_us]}")"
js_total="$(ratio "${v[js_hash_sign_us]}" "${v[rust_hash_sign_us]}")"

verdict() { if meets "$1" "$2" "$3"; then echo "ok"; else echo "MISSED"; fi; }
echo
echo "ratios"
printf '  %-46s %8sx   goal %s %sx  %s\n' "sesame hash+sign / bare sign" "$over_bare" "<=" 1.3 "$(verdict "$over_bare" "<=" 1.3)"
printf '  %-46s %8sx   goal %s %sx  %s\n' "starknet.js / sesame, hash + sign" "$js_total" ">=" 10 "$(verdict "$js_total" ">=" 10)"
printf '  %-46s %8sx\n' "starknet.js / sesame, hash alone" "$js_hash"
{
  echo "ratio_hash_sign_over_bare=$over_bare"
  echo "ratio_js_over_rust_hash=$js_hash"
  echo "ratio_js_over_rust_hash_sign=$js_total"
} >"$out/ratios.txt"
echo
echo "bench: raw outputs and ratios in $out"
if ((strict)); then
  meets "$over_bare" "<=" 1.3 && meets "$js_total" ">=" 10 || { echo "bench: a goal was missed" >&2; exit 1; }
fi
