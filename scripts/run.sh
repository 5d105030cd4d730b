#!/usr/bin/env bash
# Sets up what is missing, builds the UI and the app, and starts PinDesk in demo mode.
# With no display (a server, CI) the app runs under Xvfb; it always gets a D-Bus session bus.
#
#   scripts/run.sh                        start the app, until its window is closed (or Ctrl-C)
#   scripts/run.sh --screenshot FILE      start it in a fresh temporary config and data dir,
#                                         save a PNG of its window once the UI is ready, then
#                                         quit (`make screenshot` retakes docs/screenshot.png)
#   scripts/run.sh --no-build …           use the debug app as it is built (no set-up, no UI or
#                                         app build): the test command's screenshot stage
#
# The app is ${CARGO_TARGET_DIR:-target}/debug/pindesk, or the binary PINDESK_BIN names.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 [--no-build] [--screenshot FILE]" >&2; exit 2; }
screenshot=""
build=1
while (($#)); do
  case $1 in
    --screenshot)
      [[ -n ${2:-} ]] || usage
      screenshot=$(realpath -m "$2")
      shift 2
      ;;
    --no-build) build=0; shift ;;
    *) usage ;;
  esac
done

app="${PINDESK_BIN:-${CARGO_TARGET_DIR:-target}/debug/pindesk}"

# Inner part: runs once a display and a session bus are there.
if [[ "${PINDESK_RUN_INNER:-}" == "1" ]]; then
  if [[ -z $screenshot ]]; then
    exec "$app" --demo
  fi
  # A fresh config and data dir: the app starts on its first-run demo screen whatever profiles
  # this machine has, and writes its log (where it reports "ui ready") where this script reads it.
  state=$(mktemp -d "${TMPDIR:-/tmp}/pindesk-screenshot.XXXXXX")
  mkdir -p "$state/config" "$state/data"
  log="$state/data/logs/pindesk.log"
  PINDESK_CONFIG_DIR="$state/config" PINDESK_DATA_DIR="$state/data" PINDESK_LOG=info \
    "$app" --demo >"$state/stderr" 2>&1 &
  pid=$!
  stop() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$state"
  }
  trap stop EXIT
  show_output() {
    echo "run: the app's output:" >&2
    cat "$state/stderr" >&2 || true
    echo "run: its log ($log):" >&2
    cat "$log" >&2 2>/dev/null || echo "(no log file)" >&2
  }
  # Wait (at most 60 s) for the UI to report that its first screen is drawn.
  ready=0
  for _ in $(seq 600); do
    if grep -qs "ui ready" "$log"; then ready=1; break; fi
    kill -0 "$pid" 2>/dev/null || { show_output; echo "run: pindesk exited" >&2; exit 1; }
    sleep 0.1
  done
  ((ready)) || { show_output; echo "run: the UI never became ready (no 'ui ready' in $log)" >&2; exit 1; }
  mkdir -p "$(dirname "$screenshot")"
  # ImageMagick's import grabs the app's X window (found by its title with xwininfo).
  # The web view paints a moment after the UI reports ready, and fills in what it loads after
  # that (the profile picker): retake the picture (for at most 20 s) until it shows more than
  # the bare background and two takes half a second apart are the same.
  window=$(xwininfo -name PinDesk | awk '/Window id:/ {print $4}')
  [[ -n $window ]] || { echo "run: no window named PinDesk" >&2; exit 1; }
  previous=""
  for _ in $(seq 40); do
    import -window "$window" "$screenshot"
    signature=$(identify -format '%#' "$screenshot")
    if (($(identify -format '%k' "$screenshot") > 16)) && [[ $signature == "$previous" ]]; then
      break
    fi
    previous=$signature
    sleep 0.5
  done
  echo "run: saved $screenshot"
  exit 0
fi

if [[ -n $screenshot ]]; then
  for tool in import identify xwininfo; do
    command -v "$tool" >/dev/null \
      || { echo "run: --screenshot needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
  done
fi
if ((build)); then
  scripts/setup.sh
  (cd ui && npm run --silent build)
  cargo build -p pindesk --features pindesk/custom-protocol
fi
[[ -x $app ]] || { echo "run: $app is not built (cargo build -p pindesk --features pindesk/custom-protocol)" >&2; exit 1; }

export PINDESK_RUN_INNER=1
inner=("$0")
[[ -n $screenshot ]] && inner+=(--screenshot "$screenshot")
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  inner=(dbus-run-session -- "${inner[@]}")
fi
# (A screenshot needs an X display: under Wayland alone it is taken under Xvfb too.)
if [[ -z "${DISPLAY:-}" ]] && [[ -z "${WAYLAND_DISPLAY:-}" || -n $screenshot ]]; then
  [[ -n $screenshot ]] || echo "run: no display found: running under Xvfb (the window is not visible; Ctrl-C stops it)"
  inner=(xvfb-run -a -s "-screen 0 1280x800x24" "${inner[@]}")
fi
exec "${inner[@]}"
