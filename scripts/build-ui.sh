#!/usr/bin/env bash
# Builds the desktop UI into ui/dist (npm packages are installed once and then reused).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui"
if [ ! -f package.json ]; then
  echo "build-ui: no ui/package.json yet; keeping a placeholder page"
  mkdir -p dist && [ -f dist/index.html ] || echo '<!doctype html><title>Sesame</title>' > dist/index.html
  exit 0
fi
# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.sesame-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run --silent build
