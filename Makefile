# PinDesk's commands. The two that matter:
#   make run    set up what is missing, build, and start the app in demo mode
#   make test   set up what is missing, then run every check and test (as CI does)
.PHONY: run test package bench bindings icons screenshot setup

run:
	scripts/run.sh

test:
	scripts/test.sh

# Installers (.deb and .rpm) under target/release/bundle/.
package:
	scripts/package.sh

# Benchmarks against floors measured in the same run; writes BENCHMARKS.md (not part of test).
bench:
	scripts/bench.sh

# Regenerates ui/src/bindings/ from the Rust IPC types, and ui/src/commands.ts and
# src-tauri/capabilities/ from the list of commands (src-tauri/src/command_list.rs).
bindings:
	PINDESK_WRITE_BINDINGS=1 cargo test -p pindesk --lib export_bindings

# Regenerates the PNG icons from icons/icon.svg.
icons:
	scripts/icons.sh

# Retakes docs/screenshot.png: the app in demo mode on a fresh, temporary config and data dir
# (under Xvfb when there is no X display), once its log says the UI is ready.
screenshot:
	scripts/run.sh --screenshot docs/screenshot.png

setup:
	scripts/setup.sh
