#!/usr/bin/env bash
# Compile contracts/session_account.cairo to contracts/session_account.sierra.json.
#
#   scripts/compile-contract.sh           compile and overwrite the committed Sierra JSON
#   scripts/compile-contract.sh --check   compile to a temp file; exit 1 if the committed
#                                         JSON is stale (CI freshness check)
#   scripts/compile-contract.sh --ensure-compiler   only fetch the compiler if it is missing
#
# The compiler is Cairo 2.1.0 as shipped inside the PyPI sdist cairo-lang==0.12.3 (newer
# cairo-lang releases carry an incomplete corelib). It is fetched once into
# ${SESAME_CACHE:-$HOME/.cache/sesame}/cairo-lang-0.12.3/.
set -euo pipefail

CAIRO_LANG_VERSION=0.12.3
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${SESAME_CACHE:-$HOME/.cache/sesame}"
CAIRO_LANG_DIR="$CACHE_DIR/cairo-lang-$CAIRO_LANG_VERSION"
COMPILER_DIR="$CAIRO_LANG_DIR/starkware/starknet/compiler/v1/sierra-compiler-major-1"
STARKNET_COMPILE="$COMPILER_DIR/bin/starknet-compile"
SRC="$REPO_ROOT/contracts/session_account.cairo"
OUT="$REPO_ROOT/contracts/session_account.sierra.json"

usage() {
    echo "usage: $0 [--check | --ensure-compiler]" >&2
    exit 2
}

CHECK=0
case "${1:-}" in
    "") ;;
    --check) CHECK=1 ;;
    --ensure-compiler) CHECK=2 ;;
    -h | --help) usage ;;
    *) usage ;;
esac
[[ $# -le 1 ]] || usage

pip_cmd() {
    if command -v pip >/dev/null 2>&1; then
        pip "$@"
    else
        python3 -m pip "$@"
    fi
}

ensure_compiler() {
    if [[ -x "$STARKNET_COMPILE" ]]; then
        return
    fi
    echo "Fetching cairo-lang==$CAIRO_LANG_VERSION (Cairo 2.1.0 compiler) into $CACHE_DIR ..." >&2
    mkdir -p "$CACHE_DIR"
    local tmp
    tmp="$(mktemp -d "$CACHE_DIR/.cairo-lang-download.XXXXXX")"
    # shellcheck disable=SC2064 # expand $tmp now: it is local to this function
    trap "rm -rf '$tmp'" EXIT
    pip_cmd download --quiet --no-deps "cairo-lang==$CAIRO_LANG_VERSION" -d "$tmp/dl"
    local archive
    archive="$(find "$tmp/dl" -maxdepth 1 -name "cairo-lang-$CAIRO_LANG_VERSION*.zip" | head -n 1)"
    if [[ -z "$archive" ]]; then
        echo "error: pip did not download a cairo-lang-$CAIRO_LANG_VERSION .zip sdist" >&2
        ls -l "$tmp/dl" >&2 || true
        exit 1
    fi
    # Unpack beside the cache and move into place in one step, so an interrupted run
    # never leaves a half-unpacked compiler that later runs would trust.
    unzip -q "$archive" -d "$tmp/unpacked"
    chmod +x "$tmp/unpacked/cairo-lang-$CAIRO_LANG_VERSION/starkware/starknet/compiler/v1/sierra-compiler-major-1/bin/"*
    if [[ ! -x "$STARKNET_COMPILE" ]]; then
        # Not installed meanwhile by a concurrent run: replace any broken leftover.
        rm -rf "$CAIRO_LANG_DIR"
        mv "$tmp/unpacked/cairo-lang-$CAIRO_LANG_VERSION" "$CAIRO_LANG_DIR"
    fi
    rm -rf "$tmp"
    trap - EXIT
    if [[ ! -x "$STARKNET_COMPILE" ]]; then
        echo "error: $STARKNET_COMPILE missing after unpacking cairo-lang" >&2
        exit 1
    fi
}

# Compile $SRC into $1 and print how long it took.
compile_to() {
    local dest="$1" start end
    start="$(date +%s%N)"
    "$STARKNET_COMPILE" --single-file "$SRC" "$dest"
    end="$(date +%s%N)"
    awk -v ns="$((end - start))" 'BEGIN { printf "compiled %s in %.2f s\n", "contracts/session_account.cairo", ns / 1e9 }'
}

ensure_compiler
if [[ $CHECK -eq 2 ]]; then
    echo "setup: Cairo compiler present ($("$STARKNET_COMPILE" --version))"
    exit 0
fi
"$STARKNET_COMPILE" --version

if [[ $CHECK -eq 1 ]]; then
    tmp_out="$(mktemp "${TMPDIR:-/tmp}/session_account.sierra.XXXXXX")"
    trap 'rm -f "$tmp_out"' EXIT
    compile_to "$tmp_out"
    if [[ ! -f "$OUT" ]]; then
        echo "error: contracts/session_account.sierra.json is missing; run scripts/compile-contract.sh and commit it" >&2
        exit 1
    fi
    if ! cmp -s "$tmp_out" "$OUT"; then
        echo "error: contracts/session_account.sierra.json is stale: it differs from a fresh compile of" >&2
        echo "       contracts/session_account.cairo. Run scripts/compile-contract.sh and commit the result." >&2
        exit 1
    fi
    echo "contracts/session_account.sierra.json is up to date"
else
    # Write next to the target first so a failed compile never truncates the committed file.
    tmp_out="$(mktemp "$REPO_ROOT/contracts/.session_account.sierra.XXXXXX")"
    trap 'rm -f "$tmp_out"' EXIT
    compile_to "$tmp_out"
    mv "$tmp_out" "$OUT"
    chmod 644 "$OUT"
    trap - EXIT
    echo "wrote contracts/session_account.sierra.json"
fi
