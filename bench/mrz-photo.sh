#!/usr/bin/env bash
# Reading the zone from photos: the share of specimen photos read exactly at each level of
# damage, Tabara's reader beside Tesseract on the same pictures. Installs Debian's OCR-B fonts
# and Tesseract when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || ! command -v tesseract >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ocr-b tesseract-ocr tesseract-ocr-eng >/dev/null
fi
tesseract --version 2>&1 | head -n 1
cargo run --release -q -p tabara-mrzscan --features specimen --example damage -- "$@"
