#!/usr/bin/env bash
# Sets up what is missing, builds the UI and the app, and starts PinDesk in demo mode.
# With no display (a server, CI) the app runs under Xvfb; it always gets a D-Bus session bus.
#
#   scripts/run.sh                        start the app, until its window is closed (or Ctrl-C)
#   scripts/run.sh --screenshot FILE      start it, save a PNG of the screen once the UI is
#                                         ready, then quit (used for docs/screenshot.png)
set -euo pipefail
cd "$(dirname "$0")/.."

screenshot=""
if [[ "${1:-}" == "--screenshot" ]]; then
  screenshot=${2:?usage: $0 [--screenshot FILE]}
  screenshot=$(realpath -m "$screenshot")
fi

# Inner part: runs once a display and a session bus are there.
if [[ "${PINDESK_RUN_INNER:-}" == "1" ]]; then
  app=target/debug/pindesk
  if [[ -z $screenshot ]]; then
    exec "$app" --demo
  fi
  log=$(mktemp)
  "$app" --demo 2>"$log" &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
  # Wait (at most 60 s) for the UI to report that its first screen is drawn.
  for _ in $(seq 600); do
    grep -q "ui ready" "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "run: pindesk exited" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "ui ready" "$log" || { cat "$log" >&2; echo "run: the UI never became ready" >&2; exit 1; }
  mkdir -p "$(dirname "$screenshot")"
  # ImageMagick's import grabs the app's X window (found by its title with xwininfo).
  # The web view paints a moment after the UI reports ready: retake the picture (for at most
  # 20 s) until it shows more than the bare background.
  window=$(xwininfo -name PinDesk | awk '/Window id:/ {print $4}')
  for _ in $(seq 100); do
    import -window "$window" "$screenshot"
    (($(identify -format '%k' "$screenshot") > 16)) && break
    sleep 0.2
  done
  echo "run: saved $screenshot"
  exit 0
fi

scripts/setup.sh
if [[ -n $screenshot ]] && ! command -v import >/dev/null; then
  echo "run: --screenshot needs ImageMagick's import (apt-get install imagemagick)" >&2
  exit 1
fi
(cd ui && npm run --silent build)
cargo build -p pindesk --features custom-protocol

export PINDESK_RUN_INNER=1
inner=("$0")
[[ -n $screenshot ]] && inner+=(--screenshot "$screenshot")
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  inner=(dbus-run-session -- "${inner[@]}")
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "run: no display found: running under Xvfb (the window is not visible; Ctrl-C stops it)"
  inner=(xvfb-run -a -s "-screen 0 1280x800x24" "${inner[@]}")
fi
exec "${inner[@]}"
