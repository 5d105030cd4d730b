#!/usr/bin/env bash
# Renders every PNG icon size that the app and its installers use from the one source,
# icons/icon.svg, with rsvg-convert (Debian package librsvg2-bin). Run it after editing the SVG
# and commit the PNGs it writes.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v rsvg-convert >/dev/null || {
  echo "rsvg-convert is missing: install librsvg2-bin (scripts/setup.sh does)" >&2
  exit 1
}

src=icons/icon.svg
render() { # size, output file
  rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio --output "icons/$2" "$src"
}

render 32 32x32.png
render 64 64x64.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png
for size in 16 24 48 256; do
  render "$size" "${size}x${size}.png"
done
echo "icons: rendered PNGs from $src"
