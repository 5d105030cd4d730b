#!/usr/bin/env bash
# Builds PinDesk's Linux installers (.deb and .rpm, in one bundler run) with the Tauri CLI from
# npm (@tauri-apps/cli ships a prebuilt binary). They land in target/release/bundle/{deb,rpm}/.
set -euo pipefail
cd "$(dirname "$0")/.."

TAURI_CLI_VERSION=2.12.5

scripts/setup.sh
(cd ui && npm run --silent build)
# The CLI finds src-tauri/tauri.conf.json from here, builds the release binary with the
# custom-protocol feature and bundles it with the icons and metadata in tauri.conf.json.
npx --yes "@tauri-apps/cli@${TAURI_CLI_VERSION}" build --bundles deb,rpm "$@"
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
