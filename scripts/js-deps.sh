#!/usr/bin/env bash
# The reference JavaScript stack for cross-checks and side-by-side benchmarks, installed once
# from npm into the cache (outside the clone) at exact versions. Source it, then call
#   sesame_js_deps        # installs if missing; sets SESAME_JS (the npm prefix) and NODE_PATH
# Used by scripts/vectors.sh and scripts/bench.sh. Run directly, it just installs.
SESAME_JS_PACKAGES=(starknet@10.8.0 crypto-es@2.1.0)

sesame_js_deps() {
  local cache="${SESAME_CACHE:-$HOME/.cache/sesame}"
  SESAME_JS="$cache/js"
  command -v node >/dev/null && command -v npm >/dev/null || {
    echo "js-deps: node and npm are needed: apt-get install -y nodejs npm" >&2
    return 1
  }
  local spec name want have missing=()
  for spec in "${SESAME_JS_PACKAGES[@]}"; do
    name="${spec%@*}" want="${spec##*@}"
    have="$(node -p "require(process.argv[1]).version" \
      "$SESAME_JS/node_modules/$name/package.json" 2>/dev/null || true)"
    [ "$have" = "$want" ] || missing+=("$spec")
  done
  if ((${#missing[@]})); then
    echo "js-deps: installing ${SESAME_JS_PACKAGES[*]} into $SESAME_JS" >&2
    mkdir -p "$SESAME_JS"
    npm install --prefix "$SESAME_JS" --no-audit --no-fund --loglevel=error \
      --save-exact "${SESAME_JS_PACKAGES[@]}" >&2
  fi
  export SESAME_JS
  export NODE_PATH="$SESAME_JS/node_modules${NODE_PATH:+:$NODE_PATH}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  sesame_js_deps
  echo "$SESAME_JS"
fi
