#!/usr/bin/env bash
# What each setting of the release profile saves on PinDesk's .deb: builds the .deb once per
# step, each step adding one setting to the one before, from the old profile (opt-level 3,
# thin LTO, 4 codegen units, debug info stripped) to the profile in Cargo.toml, and prints
#
#   <step> <deb_bytes>
#
# one line a step. The steps override the profile through cargo's CARGO_PROFILE_RELEASE_*
# variables, so they build the code as it is (features included: the HTTP/2 step is a feature
# of reqwest in Cargo.toml and is measured by building the commit before it). Each step is a
# full release build (minutes each); `make bench` does not run this.
#
# Usage: benches/deb-size.sh [STEP...]   (default: every step, in order; environment:
# DEB_SIZE_TARGET, the cargo target folder, default target/deb-size, kept apart from target/)
set -euo pipefail
cd "$(dirname "$0")/.."

target=${DEB_SIZE_TARGET:-target/deb-size}
tauri=$PWD/ui/node_modules/.bin/tauri
(cd ui && npm run --silent build) >&2

# name and the profile it builds with, as variables; later steps keep what earlier ones set.
steps=(
  "old-profile OPT_LEVEL=3 LTO=thin CODEGEN_UNITS=4 STRIP=debuginfo"
  "+strip-symbols OPT_LEVEL=3 LTO=thin CODEGEN_UNITS=4 STRIP=symbols"
  "+opt-level-s LTO=thin CODEGEN_UNITS=4 STRIP=symbols"
  "+fat-lto-1-cgu"
)

wanted=" $* "
for step in "${steps[@]}"; do
  read -r name settings <<<"$step"
  [[ $# -eq 0 || $wanted == *" $name "* ]] || continue
  vars=()
  for setting in $settings; do vars+=("CARGO_PROFILE_RELEASE_$setting"); done
  env CARGO_TARGET_DIR="$target" "${vars[@]}" "$tauri" build --ci --bundles deb >&2
  deb=$(ls -t "$target"/release/bundle/deb/pindesk_*.deb | head -n 1)
  echo "$name $(stat -c %s "$deb")"
done
