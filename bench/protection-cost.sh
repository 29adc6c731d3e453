#!/usr/bin/env bash
# The cost of issue 13's data protection, before and after in one run (issue 13, point 9):
# the same 1,000,000-person demo loaded by the build before protection (BEFORE, the last
# commit before issue 13) and by this checkout's build, each timed, then `web_load` against
# each register served by its own build, twice (the first pass follows the loads at once).
#
#   bash bench/protection-cost.sh            # OUT=/root/bench/cost, PERSONS=1000000
#   REUSE=1 bash bench/protection-cost.sh    # the web passes again on the last run's registers
#
# Needs the git history (a clone, not an archive). Each register is made fresh.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:-108b770}
OUT=${OUT:-/root/bench/cost}
PERSONS=${PERSONS:-1000000}
USERS=${USERS:-20}
SECONDS_RUN=${SECONDS_RUN:-30}
mkdir -p "$OUT"
if [ ! -d "$OUT/before-src" ]; then
  git worktree add --detach "$OUT/before-src" "$BEFORE" >/dev/null
fi
echo "== building the build before ($BEFORE) and this one"
(cd "$OUT/before-src" && CARGO_TARGET_DIR="$OUT/before-target" cargo build --release -q -p tabara)
cargo build --release -q -p tabara
before_bin="$OUT/before-target/release/tabara"
after_bin="${CARGO_TARGET_DIR:-target}/release/tabara"

load() { # side binary
  rm -f "$OUT/$1.db"*
  local start end
  start=$(date +%s.%N)
  "$2" --database "$OUT/$1.db" demo --persons "$PERSONS" >/dev/null 2>"$OUT/$1.load.log"
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 1))"
}
if [ -n "${REUSE:-}" ] && [ -f "$OUT/before.db" ] && [ -f "$OUT/after.db" ]; then
  echo "== REUSE: the registers of the last run, not loaded again (no demo load figure)"
else
  echo "== loading $PERSONS persons with each build"
  t_before=$(load before "$before_bin")
  t_after=$(load after "$after_bin")
  echo "demo load: before ${t_before} s, after ${t_after} s, ratio $(python3 -c "print(round($t_after / $t_before, 2))")"
fi
echo "== web_load, $USERS users, $SECONDS_RUN s, each register served by its own build (twice)"
for pass in 1 2; do
  cargo bench -q -p tabara --bench web_load -- --database "$OUT/before.db" --tabara "$before_bin" \
    --users "$USERS" --seconds "$SECONDS_RUN" | tee "$OUT/web_load.before.$pass.txt"
  cargo bench -q -p tabara --bench web_load -- --database "$OUT/after.db" \
    --users "$USERS" --seconds "$SECONDS_RUN" | tee "$OUT/web_load.after.$pass.txt"
done
git worktree remove --force "$OUT/before-src"
