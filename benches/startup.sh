#!/usr/bin/env bash
# Start-up and memory of PinDesk against the bare Tauri window, for scripts/bench.sh. Run it
# inside one X server and one D-Bus session (xvfb-run, dbus-run-session) with a private home
# (scripts/isolated.sh), as scripts/bench.sh does.
#
# Three apps: `pindesk` (`--demo`, first run: demo sandbox and profiles), `pindesk-stored` (no
# `--demo`; its config folder is seeded with a profiles file holding one production-like Vault
# profile, so it starts as an operator's desk does, with no demo sandbox) and `bare` (the bare
# Tauri window). Starts each RUNS times, alternating the order (ABC, CBA), after one uncounted
# warm-up start of each (it loads the binaries and libraries into the page cache for all
# alike). Every start gets fresh config, data and cache folders, empty but for that seed.
# Prints one line per counted start:
#
#   <name> <ready_ms> <rss_kib> <processes>
#
# and, after each PinDesk start, its phases (see `phases` below).
#
#   ready_ms   from just before the process is spawned until the app handles the page's `ui_ready`
#              IPC call (the wall-clock time of the `ui ready` line it logs then: PinDesk to
#              its log file, the bare window to standard error)
#   rss_kib    VmRSS of the app and every process under it (WebKit's web and network
#              processes), summed from /proc, SETTLE_SECS after the spawn
#   processes  how many processes that sum covers
#
# Usage: benches/startup.sh RUNS PINDESK_BIN BARE_BIN   (environment: SETTLE_SECS, default 5)
set -euo pipefail
(($# == 3)) || { echo "usage: $0 RUNS PINDESK_BIN BARE_BIN" >&2; exit 2; }
runs=$1
pindesk=$2
bare=$3
settle=${SETTLE_SECS:-5}

work=$(mktemp -d "${TMPDIR:-/tmp}/pindesk-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

micros() { local t=${1/[.,]/}; echo $((10#$t)); }

# The process and all its descendants, one PID a line.
tree() {
  grep -H '^PPid:' /proc/[0-9]*/status 2>/dev/null |
    sed -E 's#^/proc/([0-9]+)/status:PPid:[[:space:]]*([0-9]+)$#\1 \2#' |
    awk -v root="$1" '
      { kids[$2] = kids[$2] " " $1 }
      END {
        queue = root
        while (queue != "") {
          n = split(queue, q, " ")
          queue = ""
          for (i = 1; i <= n; i++) {
            print q[i]
            if (q[i] in kids) queue = queue kids[q[i]]
          }
        }
      }'
}

rss_kib() { # pids...
  local pid total=0 kib
  for pid in "$@"; do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

stop() { # pid, then the PIDs under it
  local pid=$1 i
  shift
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # WebKit's processes leave when their parent's socket closes; make sure of it.
  for i in "$@"; do kill -KILL "$i" 2>/dev/null || true; done
}

# Sleeps without starting a process (a read that times out on a FIFO nobody writes to).
mkfifo "$work/idle"
exec 4<>"$work/idle"
nap() { read -r -t "$1" -u 4 _ || true; }

# When the `ui ready` line in FILE was written, in microseconds since the epoch: from its
# `unix_us=` field (the bare window) or from the log line's RFC 3339 timestamp (PinDesk).
# Prints nothing while there is no such line.
ready_at() { # file
  [[ -f $1 ]] || return 0
  local lines line
  mapfile -t lines <"$1"
  for line in "${lines[@]}"; do
    [[ $line == *"ui ready"* ]] || continue
    if [[ $line =~ unix_us=([0-9]+) ]]; then
      echo "${BASH_REMATCH[1]}"
    else
      date -d "${line%% *}" +%s%6N
    fi
    return 0
  done
}

# One production-like Vault profile, active. Its host is under `.invalid` (it can never
# resolve) and nothing contacts it at start; its token is not in the keyring, which start-up
# does not need.
seed_stored() { # folder
  cat >"$1/pindesk-config/profiles.toml" <<'TOML'
active = "branch-prod"

[[profiles]]
id = "branch-prod"
display_name = "Branch (production)"
provider = "vault"
environment = "https://vault.pindesk-bench.invalid"

[profiles.vault]
merchant_id = "0b7f4e4a-3f2c-4d8e-9a2b-1c2d3e4f5a6b"
rsa_padding = "pkcs1"
auth = "token"
TOML
}

# Where a PinDesk start spent its time, from its log: one line per phase,
#   phase <name> <phase> <ms>
# the app's start-up phases in ms since its `main` began, and the page's own marks (`page_*`,
# in ms since the page's navigation began; `page_app_info` is the first `app_info` round trip).
phases() { # name, log file
  awk -v app="$1" '
    /start-up phase/ && match($0, /phase="[^"]+"/) {
      p = substr($0, RSTART + 7, RLENGTH - 8); gsub(/ /, "_", p)
      if (match($0, / ms=[0-9.]+/)) print "phase", app, p, substr($0, RSTART + 4, RLENGTH - 4)
    }
    /ui ready/ {
      n = split($0, f, " ")
      for (i = 1; i <= n; i++)
        if (f[i] ~ /^(elapsed|page_[a-z_]+)_ms=[0-9.]+$/) {
          split(f[i], kv, "="); k = kv[1]; sub(/_ms$/, "", k)
          if (k == "elapsed") k = "ui_ready"
          print "phase", app, k, kv[2]
        }
    }' "$2"
}

# One start: prints "<name> <ready_ms> <rss_kib> <processes>".
one() { # name, file its `ui ready` line goes to (relative to its folder), seed (a function or -), command...
  local name=$1 ready_file=$2 seed=$3
  shift 3
  local dir
  dir=$(mktemp -d "$work/$name.XXXXXX")
  mkdir -p "$dir"/{config,data,cache,state,runtime,pindesk-config,pindesk-data}
  chmod 700 "$dir/runtime"
  [[ $seed == - ]] || "$seed" "$dir"

  local t0 t1="" pid i
  t0=$(micros "$EPOCHREALTIME")
  (
    export XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/data" XDG_CACHE_HOME="$dir/cache"
    export XDG_STATE_HOME="$dir/state" XDG_RUNTIME_DIR="$dir/runtime"
    export PINDESK_CONFIG_DIR="$dir/pindesk-config" PINDESK_DATA_DIR="$dir/pindesk-data"
    exec "$@"
  ) >"$dir/output" 2>&1 &
  pid=$!
  # The time comes from the line itself, so how often it is looked for does not matter.
  for ((i = 0; i < 3000; i++)); do
    t1=$(ready_at "$dir/$ready_file")
    [[ -z $t1 ]] || break
    kill -0 "$pid" 2>/dev/null || break
    nap 0.02
  done
  if [[ -z $t1 ]]; then
    stop "$pid"
    echo "startup: $name never reported 'ui ready'; its output:" >&2
    cat "$dir/output" "$dir/$ready_file" >&2 2>/dev/null || true
    return 1
  fi

  local left=$((t0 + settle * 1000000 - $(micros "$EPOCHREALTIME")))
  if ((left > 0)); then nap "$(printf '%d.%06d' $((left / 1000000)) $((left % 1000000)))"; fi
  local pids
  mapfile -t pids < <(tree "$pid")
  local rss
  rss=$(rss_kib "${pids[@]}")
  stop "$pid" "${pids[@]:1}"

  local us=$((t1 - t0))
  printf '%s %d.%03d %d %d\n' "$name" $((us / 1000)) $((us % 1000)) "$rss" "${#pids[@]}"
  [[ $name == bare ]] || phases "$name" "$dir/$ready_file"
  rm -rf "$dir"
}

pindesk_once() { one pindesk pindesk-data/logs/pindesk.log - "$pindesk" --demo; }
stored_once() { one pindesk-stored pindesk-data/logs/pindesk.log seed_stored "$pindesk"; }
bare_once() { one bare output - "$bare"; }

# Warm-up: one start of each, not counted.
pindesk_once >/dev/null
stored_once >/dev/null
bare_once >/dev/null

for ((i = 0; i < runs; i++)); do
  if ((i % 2 == 0)); then
    pindesk_once
    stored_once
    bare_once
  else
    bare_once
    stored_once
    pindesk_once
  fi
done
