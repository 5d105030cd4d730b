#!/usr/bin/env bash
# Installs what building, running and testing PinDesk needs, and only what is missing, on
# Debian 12 / Ubuntu 22.04 or newer: Debian packages (apt-get; sudo when not root), the rustfmt
# and clippy components, tauri-driver, cargo-fuzz, cargo-deny, and the UI's npm packages. Quick
# when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# What the app links against (WebKitGTK, libxdo, appindicator, librsvg, D-Bus), what the tests
# run under (Xvfb, a private D-Bus session, GNOME Keyring as the Secret Service,
# WebKitWebDriver, xwininfo), what packaging and the icons need (rpm, file, rsvg-convert) and
# what the screenshot takes and checks its picture with (ImageMagick's import and identify).
APT_PACKAGES=(
  build-essential pkg-config file curl ca-certificates
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
  librsvg2-bin rpm
  xvfb xauth x11-utils webkit2gtk-driver imagemagick
  dbus dbus-x11 gnome-keyring libsecret-tools
  # The network tests' real HTTP proxy and SOCKS5 proxy (pindesk-testkit starts them on
  # loopback).
  tinyproxy dante-server
  # The audit-shipping tests' real syslog collector and its TLS (GnuTLS) stream driver
  # (pindesk-testkit starts its own rsyslogd on loopback; the system's logging is untouched).
  rsyslog rsyslog-gnutls
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} as root"
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  # Wait for another apt run (unattended upgrades) rather than fail on its lock.
  apt_opts=(-o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
  "${sudo[@]}" apt-get "${apt_opts[@]}" update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${missing[@]}"
fi

# Rust: the toolchain comes from rustup (https://rustup.rs); Tauri 2 needs 1.90 or newer.
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup, then run this again"
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
((rust_minor >= 90)) || die "Rust $(rustc --version) is too old: Tauri 2 needs 1.90 or newer (rustup update)"
for component in rustfmt clippy; do
  subcommand=${component/rustfmt/fmt}
  if ! cargo "$subcommand" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null || die "$component is missing and rustup is not there to add it"
    say "adding the $component component"
    rustup component add "$component"
  fi
done

# tauri-driver 2.x: the WebDriver front end for the E2E tests (about 30 s to build).
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! { command -v tauri-driver || ls "$cargo_bin/tauri-driver"; } >/dev/null 2>&1; then
  say "installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

# cargo-fuzz: runs the fuzz targets of fuzz/ for the test command's fuzz stage (scripts/fuzz.sh;
# about 70 s to build on two cores).
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# cargo-deny: the test command's supply-chain stage (licences, banned and duplicate crates,
# sources; deny.toml), from crates.io (a few minutes to build on two cores).
if ! cargo deny --version >/dev/null 2>&1; then
  say "installing cargo-deny"
  cargo install cargo-deny --locked
fi

# Node.js 20.19+ and npm, for the UI (Vite 8).
command -v node >/dev/null && command -v npm >/dev/null \
  || die "Node.js 20.19 or newer with npm is needed: install it (e.g. your distribution's nodejs 20+ or the official Node.js binaries), then run this again"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old: the UI needs 20.19 or newer"

# The UI's packages, exactly as locked; reinstalled only when the lock file changed.
lock_hash=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
stamp=ui/node_modules/.pindesk-lock-sha256
if [[ ! -f $stamp || "$(cat "$stamp")" != "$lock_hash" ]]; then
  say "installing the UI's npm packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" >"$stamp"
fi

say "ready"
