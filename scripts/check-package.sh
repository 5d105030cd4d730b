#!/usr/bin/env bash
# Checks the .deb that scripts/package.sh built: its metadata (dpkg-deb -I) and file list
# (dpkg-deb -c: the binary at /usr/bin/pindesk, the desktop entry, the icons at every size),
# then installs it on this machine (dpkg -i; apt-get install -f for missing dependencies),
# runs the installed `pindesk --version`, and removes it again (dpkg -r). Needs root or sudo.
#
#   scripts/check-package.sh [PATH.deb]   (default: the newest in target/release/bundle/deb/)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'check-package: %s\n' "$*"; }
die() { printf 'check-package: FAIL: %s\n' "$*" >&2; exit 1; }

deb=${1:-$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)}
[[ -n $deb && -f $deb ]] || die "no .deb found: run scripts/package.sh first"
version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="pindesk"))')
say "checking $deb (expecting version $version)"

# Metadata.
info=$(dpkg-deb -I "$deb")
echo "$info"
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == pindesk ]] || die "Package is '$(field Package)', not pindesk"
[[ $(field Version) == "$version" ]] || die "Version is '$(field Version)', not $version"
for name in Maintainer Description Architecture Depends; do
  [[ -n $(field "$name") ]] || die "the $name field is empty"
done
field Depends | grep -q webkit2gtk || die "Depends does not name WebKitGTK: $(field Depends)"

# File list.
# Members are listed as `./usr/…` or `usr/…` depending on the tool that built the archive.
files=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed -E 's|^\./||; s|^|/|')
has() { grep -qxF "$1" <<<"$files" || die "$deb lacks $1"; }
has /usr/bin/pindesk
desktop=$(grep -E '^/usr/share/applications/.*\.desktop$' <<<"$files" | head -n1)
[[ -n $desktop ]] || die "no desktop entry under /usr/share/applications"
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  has "/usr/share/icons/hicolor/$size/apps/pindesk.png"
done
entry=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "*${desktop#/}")
echo "$entry"
grep -qx 'Exec=pindesk' <<<"$entry" || die "the desktop entry does not run pindesk"
grep -qx 'Icon=pindesk' <<<"$entry" || die "the desktop entry has no pindesk icon"
say "metadata and file list are right"

# Install, run, remove.
sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || die "installing needs root or sudo"
  sudo=(sudo)
fi
if dpkg-query -W -f='${Status}' pindesk 2>/dev/null | grep -q 'install ok installed'; then
  die "pindesk is already installed on this machine: not touching it"
fi
removed=0
cleanup() { ((removed)) || "${sudo[@]}" dpkg -r pindesk >/dev/null 2>&1 || true; }
trap cleanup EXIT
apt_opts=(-o DPkg::Lock::Timeout=900)
if ! "${sudo[@]}" dpkg -i "$deb"; then
  say "installing missing dependencies"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -f -y -q --no-install-recommends
fi
dpkg-query -W -f='${Status}\n' pindesk | grep -q 'install ok installed' || die "dpkg -i did not install it"
out=$(/usr/bin/pindesk --version)
say "installed /usr/bin/pindesk --version: $out"
[[ $out == "pindesk $version" ]] || die "expected 'pindesk $version'"
"${sudo[@]}" dpkg -r pindesk
removed=1
[[ ! -e /usr/bin/pindesk ]] || die "/usr/bin/pindesk is still there after dpkg -r"
say "installed, ran and removed: ok"
