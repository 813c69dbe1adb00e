#!/usr/bin/env bash
# Compile Sesame's Cairo contracts to their committed Sierra JSON:
#   contracts/session_account.cairo     -> contracts/session_account.sierra.json     (v1 account)
#   contracts/session_account_v2.cairo  -> contracts/session_account_v2.sierra.json  (v2 account)
#   contracts/test_mock_bridge.cairo    -> contracts/test_mock_bridge.sierra.json    (test-only)
#
#   scripts/compile-contract.sh           compile all and overwrite the committed Sierra JSON
#   scripts/compile-contract.sh --check   compile to temp files; exit 1 if any committed
#                                         JSON is stale or missing (CI freshness check)
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
# Each contract compiles from contracts/NAME.cairo to contracts/NAME.sierra.json. The output
# depends on the source file's name (it is the crate name), so keep the names.
CONTRACTS=(session_account session_account_v2 test_mock_bridge)

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

# Compile contracts/$1.cairo into $2 and print how long it took.
compile_to() {
    local name="$1" dest="$2" start end
    start="$(date +%s%N)"
    "$STARKNET_COMPILE" --single-file "$REPO_ROOT/contracts/$name.cairo" "$dest"
    end="$(date +%s%N)"
    awk -v ns="$((end - start))" -v f="contracts/$name.cairo" 'BEGIN { printf "compiled %s in %.2f s\n", f, ns / 1e9 }'
}

ensure_compiler
if [[ $CHECK -eq 2 ]]; then
    echo "setup: Cairo compiler present ($("$STARKNET_COMPILE" --version))"
    exit 0
fi
"$STARKNET_COMPILE" --version

if [[ $CHECK -eq 1 ]]; then
    tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/sesame-contracts.XXXXXX")"
    trap 'rm -rf "$tmp_dir"' EXIT
    stale=0
    for name in "${CONTRACTS[@]}"; do
        compile_to "$name" "$tmp_dir/$name.sierra.json"
        out="$REPO_ROOT/contracts/$name.sierra.json"
        if [[ ! -f "$out" ]]; then
            echo "error: contracts/$name.sierra.json is missing; run scripts/compile-contract.sh and commit it" >&2
            stale=1
        elif ! cmp -s "$tmp_dir/$name.sierra.json" "$out"; then
            echo "error: contracts/$name.sierra.json is stale: it differs from a fresh compile of" >&2
            echo "       contracts/$name.cairo. Run scripts/compile-contract.sh and commit the result." >&2
            stale=1
        else
            echo "contracts/$name.sierra.json is up to date"
        fi
    done
    exit "$stale"
else
    # Compile everything next to the targets first, then move the results into place, so a
    # failed compile never truncates or half-updates the committed files.
    tmp_outs=()
    trap 'rm -f "${tmp_outs[@]}"' EXIT
    for name in "${CONTRACTS[@]}"; do
        tmp_out="$(mktemp "$REPO_ROOT/contracts/.$name.sierra.XXXXXX")"
        tmp_outs+=("$tmp_out")
        compile_to "$name" "$tmp_out"
    done
    index=0
    for name in "${CONTRACTS[@]}"; do
        mv "${tmp_outs[$index]}" "$REPO_ROOT/contracts/$name.sierra.json"
        chmod 644 "$REPO_ROOT/contracts/$name.sierra.json"
        echo "wrote contracts/$name.sierra.json"
        index=$((index + 1))
    done
    trap - EXIT
fi
