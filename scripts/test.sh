#!/usr/bin/env bash
# Runs every check PinDesk has, in order, stopping at the first failure:
# set-up, formatting, the UI (typecheck, unit tests, build), the IPC bindings' freshness,
# clippy, the supply-chain check (cargo deny: licences, bans, sources; deny.toml), the
# workspace tests (under a private Secret Service), a short run of every fuzz target
# (scripts/fuzz.sh, PINDESK_FUZZ_SECONDS each, default 10), the debug app's build and a
# screenshot of it (what `make screenshot` does, checked to be a real picture of the window),
# the end-to-end tests that drive the real app with WebDriver under Xvfb, and last the
# installers (the release .deb and .rpm are built; the .deb is checked, installed, run and
# removed). Prints a header per stage and a summary with each stage's time. `make test` runs
# it; so does CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# One feature set for every cargo command, so nothing is compiled twice for nothing:
# the app embeds the built UI (ui/dist) rather than pointing at a dev server.
FEATURES=(--features pindesk/custom-protocol)
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"
# Incremental artefacts only cost time and disk on a clean CI machine.
if [[ "${CI:-}" == "true" ]]; then export CARGO_INCREMENTAL=0; fi

stage_names=()
stage_times=()
current=""
started_all=$SECONDS

summary() {
  local status=$1
  echo
  echo "==== summary ===="
  local i
  for i in "${!stage_names[@]}"; do
    printf '  ok    %-22s %4ss\n' "${stage_names[$i]}" "${stage_times[$i]}"
  done
  if [[ $status -ne 0 && -n $current ]]; then
    printf '  FAIL  %-22s\n' "$current"
  fi
  printf '  total %-22s %4ss\n' "" "$((SECONDS - started_all))"
  if [[ $status -eq 0 ]]; then echo "all stages passed"; else echo "FAILED at stage: $current"; fi
}
trap 'summary $?' EXIT

stage() { # name, command...
  current=$1
  shift
  echo
  echo "==== [$(date -u +%H:%M:%S)] $current ===="
  local start=$SECONDS
  "$@"
  stage_names+=("$current")
  stage_times+=("$((SECONDS - start))")
  current=""
}

ui() { (cd ui && "$@"); }

ui_checks() {
  ui npm run --silent typecheck
  ui npm test --silent
  ui npm run --silent build
}

workspace_tests() {
  scripts/with-secret-service.sh cargo test --workspace --no-fail-fast "${FEATURES[@]}"
}

# The tests that need an X display (the clipboard's selection), under their own X server. They
# are #[ignore]d elsewhere; here each must have run.
x11_tests() {
  local log
  log=$(mktemp)
  if ! xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test --workspace --lib "${FEATURES[@]}" -- --ignored clipboard 2>&1 | tee "$log"; then
    rm -f "$log"
    return 1
  fi
  local passed
  passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{ n += $1 } END { print n + 0 }')
  rm -f "$log"
  ((passed > 0)) || { echo "x11: no test ran" >&2; return 1; }
}

e2e() {
  local log
  log=$(mktemp)
  # Its own X server, D-Bus session and home: nothing outlives the run or touches the real home.
  # (--workspace: the same feature resolution as the workspace tests, so nothing is rebuilt.)
  if ! PINDESK_E2E=1 scripts/isolated.sh \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- \
    cargo test --workspace "${FEATURES[@]}" --test e2e -- --include-ignored --test-threads=1 2>&1 | tee "$log"; then
    rm -f "$log"
    return 1
  fi
  # Proof that the scenarios really drove the app: the scenarios are #[ignore]d outside this
  # stage (so a plain `cargo test` reports them ignored, never passed); here none may be left.
  local ran ignored
  ran=$(grep -o 'e2e: RUNNING' "$log" | wc -l || true)
  ignored=$(grep -Eo '[0-9]+ ignored' "$log" | awk '{ n += $1 } END { print n + 0 }')
  rm -f "$log"
  echo "e2e: $ran scenario(s) ran against the real app, $ignored ignored"
  ((ran > 0 && ignored == 0)) || { echo "e2e: the scenarios did not run" >&2; return 1; }
  echo "e2e: screenshots in target/e2e-screenshots/"
}

# Licences, banned crates and where crates come from, by deny.toml, for the workspace and for
# fuzz/ (its own workspace). The advisories check is not run: see deny.toml. Its warnings (the
# crates present in several versions) are counted here; `cargo deny check bans` lists them.
supply_chain() {
  local log manifest warnings
  log=$(mktemp)
  for manifest in Cargo.toml fuzz/Cargo.toml; do
    if ! cargo deny --manifest-path "$manifest" check bans licenses sources >"$log" 2>&1; then
      cat "$log"
      rm -f "$log"
      return 1
    fi
    warnings=$(grep -c '^warning' "$log" || true)
    echo "cargo deny ($manifest): $(tail -n 1 "$log"); $warnings warning(s)"
  done
  rm -f "$log"
}

# The screenshot `make screenshot` takes, of the debug app the "build app" stage built, into a
# temporary file (never docs/): its own X server, D-Bus session and home. The picture must be a
# PNG of the app's window (at least its minimum size) showing more than a blank background.
screenshot() (
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pindesk-screenshot-check.XXXXXX")
  trap 'rm -rf "$dir"' EXIT
  png="$dir/pindesk.png"
  env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
    scripts/isolated.sh scripts/run.sh --no-build --screenshot "$png"
  kind=$(file -b "$png")
  [[ $kind == "PNG image data"* ]] || { echo "screenshot: not a PNG: $kind" >&2; exit 1; }
  read -r width height colours spread < <(identify -format '%w %h %k %[fx:int(1000*standard_deviation)]\n' "$png")
  echo "screenshot: $kind; $colours colours, spread $spread/1000"
  ((width >= 720 && height >= 480)) \
    || { echo "screenshot: ${width}x${height} is smaller than the app's window can be" >&2; exit 1; }
  ((colours >= 64 && spread >= 20)) \
    || { echo "screenshot: the picture is (nearly) blank: $colours colours, spread $spread/1000" >&2; exit 1; }
)

# The release build and both installers, then the .deb's metadata, files, install and removal.
package() {
  scripts/package.sh
  scripts/check-package.sh
}

stage "setup" scripts/setup.sh
stage "rustfmt" cargo fmt --all -- --check
stage "ui" ui_checks
stage "bindings" cargo test --workspace --lib "${FEATURES[@]}" export_bindings
stage "clippy" cargo clippy --workspace --all-targets "${FEATURES[@]}" -- -D warnings
stage "cargo deny" supply_chain
stage "workspace tests" workspace_tests
stage "x11 tests" x11_tests
# The short fuzz run: every target for a few seconds, after an optimised ASan build of its own
# (fuzz/ is its own workspace with its own target dir). A crash fails the stage.
stage "fuzz" scripts/fuzz.sh "${PINDESK_FUZZ_SECONDS:-10}"
stage "build app" cargo build -p pindesk "${FEATURES[@]}"
stage "screenshot" screenshot
stage "e2e" e2e
stage "package" package
