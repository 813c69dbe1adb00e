#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring (Secret Service),
# so keychain tests use a real OS keychain without touching the user's own:
#
#   scripts/with-keyring.sh cargo test -p sesame-vault
#
# - keyrings live under a temporary XDG_DATA_HOME (HOME is left alone: cargo and rustup live there);
# - SESAME_KEYCHAIN_TESTS=1 is set, so keychain tests run and FAIL if the keychain is unreachable;
# - the command's output goes to a log file that is printed afterwards (a pipe inside the D-Bus
#   session has hung before), and its exit code is returned.
# Needs: dbus (dbus-run-session), gnome-keyring, keyutils (keyctl).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon keyctl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: '$tool' is missing: apt-get install -y dbus gnome-keyring keyutils libsecret-tools" >&2
        exit 127
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/sesame-keyring.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/runtime"
chmod 700 "$work/runtime"
log="$work/command.log"
rc_file="$work/command.rc"

# Quote the command so it survives the inner bash -c.
printf -v cmd '%q ' "$@"

export XDG_DATA_HOME="$work/data"
export XDG_RUNTIME_DIR="$work/runtime"
export SESAME_KEYCHAIN_TESTS=1
export SESAME_KEYRING_LOG="$log" SESAME_KEYRING_RC="$rc_file" SESAME_KEYRING_CMD="$cmd"

set +e
dbus-run-session -- keyctl session - bash -c '
    echo -n ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    eval "$SESAME_KEYRING_CMD" >"$SESAME_KEYRING_LOG" 2>&1
    echo $? >"$SESAME_KEYRING_RC"
' >/dev/null 2>&1
session_rc=$?
set -e

cat "$log" 2>/dev/null || true
if [ -s "$rc_file" ]; then
    exit "$(cat "$rc_file")"
fi
echo "$0: the D-Bus session failed before the command finished (status $session_rc)" >&2
exit "${session_rc:-1}"
