#!/usr/bin/env bash
# Builds the cargo-fuzz targets (nightly toolchain, AddressSanitizer) and runs each for
# a bounded time on a copy of the seed corpus in fuzz/corpus (the repository keeps only
# the small seeds). A crash fails the run and leaves the input in fuzz/artifacts.
# Usage: scripts/fuzz.sh [seconds per target, default 45]
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-45}
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

rustup toolchain list | grep -q '^nightly' ||
  rustup toolchain install nightly --profile minimal ||
  die "cargo fuzz needs the nightly toolchain: rustup toolchain install nightly"
command -v cargo-fuzz >/dev/null ||
  cargo install cargo-fuzz --locked --version 0.13.2 ||
  die "cargo install cargo-fuzz failed"

cd fuzz
cargo +nightly fuzz build -O
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for target in $(cargo +nightly fuzz list); do
  mkdir -p "$WORK/$target"
  cp -r "corpus/$target/." "$WORK/$target/"
  printf '\n--- fuzzing %s for %ss\n' "$target" "$SECONDS_EACH"
  if ! cargo +nightly fuzz run -O "$target" "$WORK/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    >"$WORK/$target.log" 2>&1; then
    grep -E -A30 'panicked|ERROR' "$WORK/$target.log" | head -60 >&2 || tail -40 "$WORK/$target.log" >&2
    die "fuzz target $target failed: the input is in fuzz/artifacts/$target"
  fi
  grep -E '^(Done|stat::number_of_executed_units)' "$WORK/$target.log"
done
