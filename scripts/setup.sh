#!/usr/bin/env bash
# Installs what Sesame needs on a Debian machine and skips whatever is already there.
# Safe to run again; prints what it did. Used by scripts/test.sh and scripts/run.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$(dirname "$here")"

apt_packages=(
  build-essential pkg-config libssl-dev unzip
  # the linker named in .cargo/config.toml
  mold
  # Tauri 2 / WebKitGTK
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev webkit2gtk-driver xvfb xauth
  # OS keychain (Secret Service), headless
  gnome-keyring dbus dbus-x11 libsecret-tools keyutils libdbus-1-dev
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust from rustup first" >&2; exit 1; }

# tauri-driver (WebDriver for the real app in WebKit), cached outside the clone.
tools="$SESAME_CACHE/tools"
if [ ! -x "$tools/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver 2.1.0 into $tools"
  cargo install --quiet tauri-driver --version 2.1.0 --locked --root "$tools"
else
  echo "setup: tauri-driver present"
fi

# The Tauri CLI (bundling, icons, updater signing) from npm, for the repository root.
if [ ! -x node_modules/.bin/tauri ]; then
  command -v npm >/dev/null || { echo "setup: npm not found: apt-get install -y nodejs npm" >&2; exit 1; }
  npm install --no-audit --no-fund --loglevel=error
fi

# The Cairo compiler (PyPI cairo-lang 0.12.3 carries starknet-compile 2.1.0), cached.
"$here/compile-contract.sh" --ensure-compiler
