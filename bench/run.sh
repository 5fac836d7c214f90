#!/usr/bin/env bash
# The benchmark suite in one command (issue 7; each run goes to bench/results/runs.csv, the
# latest figure per target to docs/PERFORMANCE.md):
#   bench/run.sh            release build, then the HTTP load table (bench/http.mjs)
#   bench/run.sh --all      also the deadline rush, the logins and the criterion benches
#   bench/run.sh --seconds 5   shorter wrk runs
# The HTTP table is appended to bench/results/runs.csv (bench/record.mjs; the note says when
# the tree was dirty); the rush, logins and criterion figures are appended by hand.
# Needs wrk (Debian package) and Node.js; installs neither. Timing is never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

all=
seconds=15
while [ $# -gt 0 ]; do
  case "$1" in
    --all) all=1 ;;
    --seconds) shift; seconds=$1 ;;
    *) echo "usage: bench/run.sh [--all] [--seconds N]" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v node >/dev/null || { echo "node is missing: apt-get install nodejs" >&2; exit 1; }

echo "==> release build"
cargo build --release -p sangkien
echo "==> HTTP load (wrk, ${seconds} s per target)"
started=$(date -u +%Y-%m-%dT%H:%M)
out=$(mktemp)
node bench/http.mjs --seconds "$seconds" | tee "$out"
dirty=
git diff --quiet HEAD 2>/dev/null || dirty="tree not committed"
node bench/record.mjs --date "${started%T*}" --time "${started#*T}" \
  --command "bench/run.sh --seconds $seconds" --note "$dirty" < "$out" >> bench/results/runs.csv
rm -f "$out"
echo "==> appended to bench/results/runs.csv"
if [ -n "$all" ]; then
  echo "==> deadline rush"
  node bench/rush.mjs
  echo "==> password logins"
  node bench/login.mjs
  echo "==> the domain at scale (criterion)"
  cargo bench -p sangkien-domain --bench scale 2>&1 | grep -E '^(rank|balanced|duplicate)|time:'
  echo "==> library search at 100,000 initiatives (criterion)"
  cargo bench -p sangkien-storage --bench library 2>&1 | grep -E '^library|time:'
fi
