#!/usr/bin/env bash
# Runs a command against a real, private, unlocked Secret Service.
#
#   scripts/with-secret-service.sh CMD [ARGS...]
#   e.g. scripts/with-secret-service.sh cargo test -p pindesk-core --test keyring
#
# The command runs inside its own D-Bus session (dbus-run-session) with a temporary HOME and
# XDG_* dirs, where gnome-keyring-daemon serves org.freedesktop.secrets with a "login" keyring
# unlocked by a fixed test password. PINDESK_SECRET_SERVICE=1 tells the keyring tests that
# a Secret Service is there. Nothing of the caller's own keyring is touched, and the temporary
# dir (keyring files included) is removed afterwards. The command's exit code is returned.
#
# Needs: dbus (dbus-run-session), gnome-keyring; on Debian/Ubuntu:
#   apt-get install -y dbus gnome-keyring
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is missing; install it with: apt-get install -y dbus gnome-keyring" >&2
        exit 127
    fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pindesk-secret-service.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

# Keep the toolchain where it is: cargo and rustup find it through HOME otherwise.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

export HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/config"
export XDG_DATA_HOME="$tmp/data"
export XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export PINDESK_SECRET_SERVICE=1
# A fixed password for the throwaway "login" keyring; the keyring dies with the temp dir.
export PINDESK_TEST_KEYRING_PASSWORD="${PINDESK_TEST_KEYRING_PASSWORD:-pindesk-test-keyring}"
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

status=0
dbus-run-session -- bash -c '
    set -euo pipefail
    # --unlock reads the password on stdin, creates and unlocks the "login" keyring (the
    # default collection) and prints the variables that point at the daemon.
    eval "$(printf "%s" "$PINDESK_TEST_KEYRING_PASSWORD" \
        | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    unset PINDESK_TEST_KEYRING_PASSWORD
    # The daemon answers on the bus a moment after it forks.
    for _ in $(seq 50); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
            | grep -q "boolean true"; then
            break
        fi
        sleep 0.1
    done
    exec "$@"
' with-secret-service "$@" || status=$?
exit "$status"
