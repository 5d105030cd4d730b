#!/usr/bin/env bash
# Builds PinDesk's Linux installers (.deb and .rpm, in one bundler run) with the Tauri CLI from
# the UI's npm dev dependencies (@tauri-apps/cli ships a prebuilt binary; nothing is compiled or
# downloaded for it). They land in target/release/bundle/{deb,rpm}/. Extra arguments go to
# `tauri build`. AppImage is not built: its bundler downloads tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
(cd ui && npm run --silent build)
# The CLI finds src-tauri/tauri.conf.json from here, builds the release binary with the
# custom-protocol feature and bundles it with the icons and metadata in tauri.conf.json.
ui/node_modules/.bin/tauri build --ci --bundles deb,rpm "$@"
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
