#!/usr/bin/env bash
# tabara-mrz against an independent implementation: Python's `mrz` package, installed from
# PyPI into a virtual environment beside the build, reads the same corpus (the golden vectors,
# zones composed in every format, each with characters changed). Prints the agreement per
# format and every group of differences with its reason; fails on a difference it cannot
# explain. Run by .ci/run; by hand: bash crates/mrz/compare/run.sh [ZONES_PER_FORMAT]
set -euo pipefail
cd "$(dirname "$0")/../../.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/mrz-compare-venv"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check "mrz==0.6.2"
cargo run -q -p tabara-mrz --example corpus -- "${1:-300}" 2 > "$target/mrz-corpus.jsonl"
"$venv/bin/python" crates/mrz/compare/compare.py "$target/mrz-corpus.jsonl"
