#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for SECONDS each (default 20), starting from the
# seeds in fuzz/seeds/ and keeping what it learns in fuzz/corpus/ (not committed). Stops at
# the first crash; libFuzzer then prints the input and cargo-fuzz saves it under
# fuzz/artifacts/<target>/ with the command that replays it.
#
#   scripts/fuzz.sh            # 20 s per target (the short run)
#   scripts/fuzz.sh 5          # 5 s per target
#   scripts/fuzz.sh 3600       # the long run: an hour per target (overnight: 28800)
#   PINDESK_FUZZ_TARGETS="vault_key base_url" scripts/fuzz.sh 600
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz passes nightly-only
# flags to rustc (-Z sanitizer, coverage instrumentation); with a stable toolchain this
# script sets RUSTC_BOOTSTRAP=1 so rustc accepts them. The sanitizer is AddressSanitizer
# unless PINDESK_FUZZ_SANITIZER says otherwise (`none` where ASan is unavailable).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${1:-20}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: scripts/fuzz.sh [SECONDS per target, default 20]" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: run 'cargo install cargo-fuzz --locked'" >&2
  exit 1
fi
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
sanitizer=${PINDESK_FUZZ_SANITIZER:-address}
read -r -a targets <<<"${PINDESK_FUZZ_TARGETS:-$(cargo fuzz list | tr '\n' ' ')}"

echo "fuzz: building ${#targets[@]} target(s) (sanitizer: $sanitizer)"
cargo fuzz build -O -s "$sanitizer"

for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  if [[ -d "seeds/$target" ]]; then
    cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true
  fi
  echo "fuzz: $target for ${seconds}s"
  log=$(mktemp)
  status=0
  cargo fuzz run -O -s "$sanitizer" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    # From the first sign of the failure (a panic, a sanitizer or libFuzzer error) on: the
    # message, the stack, the input and the command that replays it. (The progress lines
    # before it can run to thousands.)
    first=$(grep -a -n -m1 -E "panicked at|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$log" \
      | cut -d: -f1 || true)
    tail -n "+${first:-1}" "$log" | grep -a -v -E '^ +#[0-9]+ 0x' | tail -n 120 >&2
    rm -f "$log"
    echo "fuzz: $target FAILED (exit $status); the input is under fuzz/artifacts/$target/" >&2
    exit "$status"
  fi
  grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | sed 's/^/  /' || true
  rm -f "$log"
done
echo "fuzz: all ${#targets[@]} target(s) ran ${seconds}s without a crash"
