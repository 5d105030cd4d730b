#!/usr/bin/env bash
# Runs a command with HOME and the XDG folders in a fresh temporary folder (deleted afterwards),
# so GLib, WebKit, GNOME Keyring and PinDesk itself write nothing into the real home.
# Cargo and rustup keep using the real toolchain and crate cache.
#
#   scripts/isolated.sh COMMAND [ARGS...]
set -euo pipefail
(($#)) || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export PATH="$CARGO_HOME/bin:$PATH"
# Tools the tests look up in the home they were installed in.
if [[ -z "${TAURI_DRIVER:-}" ]] && command -v tauri-driver >/dev/null; then
  TAURI_DRIVER=$(command -v tauri-driver)
  export TAURI_DRIVER
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/pindesk-home.XXXXXX")
# The desktop portal that GTK starts may leave its document store (a FUSE mount) in the runtime
# folder: unmount it first. Nothing here may change the command's exit status.
cleanup() {
  if [[ -d "$home/runtime/doc" ]]; then
    fusermount -u "$home/runtime/doc" 2>/dev/null || umount -l "$home/runtime/doc" 2>/dev/null || true
  fi
  rm -rf "$home" 2>/dev/null || echo "isolated.sh: could not remove $home entirely" >&2
}
trap cleanup EXIT

mkdir -p "$home"/{config,data,cache,state,runtime}
chmod 700 "$home/runtime"
export HOME="$home"
export XDG_CONFIG_HOME="$home/config"
export XDG_DATA_HOME="$home/data"
export XDG_CACHE_HOME="$home/cache"
export XDG_STATE_HOME="$home/state"
export XDG_RUNTIME_DIR="$home/runtime"
unset DBUS_SESSION_BUS_ADDRESS

"$@"
