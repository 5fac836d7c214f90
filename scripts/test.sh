#!/usr/bin/env bash
# Runs every test of sangkien: formatting and lints, the Rust suite on SQLite and again
# on PostgreSQL, and the browser tests (Debian's Chromium driven by playwright-core) on
# both. Installs or starts what the tests need; stops loudly when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${SANGKIEN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_ADMIN_URL=${PG_URL%/*}/postgres
export SANGKIEN_TEST_POSTGRES_URL=$PG_URL

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "'$*' needs root: run it once as root, then run this script again."
  fi
}

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    command -v pg_ctlcluster >/dev/null || { step "installing PostgreSQL"; apt_install postgresql postgresql-client; }
    step "starting PostgreSQL"
    for version in $(ls /etc/postgresql 2>/dev/null); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL does not answer on 127.0.0.1:5432."
  fi
  local db=${PG_URL##*/}; db=${db%%\?*}
  if ! psql "$PG_ADMIN_URL" -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    psql "$PG_ADMIN_URL" -qc "create database $db" || die "cannot create database $db (is trust auth for user postgres set up?)"
  fi
  # Schemas and databases left by earlier interrupted runs.
  psql "$PG_URL" -tAc "select nspname from pg_namespace where nspname like 't\\_%'" |
    while read -r schema; do psql "$PG_URL" -qc "drop schema if exists $schema cascade" >/dev/null; done
  psql "$PG_ADMIN_URL" -tAc "select datname from pg_database where datname like 'e2e\\_%' or datname like 't\\_%'" |
    while read -r old; do psql "$PG_ADMIN_URL" -qc "drop database if exists $old" >/dev/null; done
}

ensure_browser() {
  command -v chromium >/dev/null || { step "installing Chromium"; apt_install chromium; }
  # Its Vietnamese resources: date fields read dd/mm/yyyy, as in our users' browsers.
  [ -f /usr/lib/chromium/locales/vi.pak ] || { step "installing chromium-l10n"; apt_install chromium-l10n; }
  command -v node >/dev/null || { step "installing Node.js"; apt_install nodejs npm; }
  if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/axe-core ]; then
    step "installing playwright-core"
    (cd e2e && npm ci --no-audit --no-fund)
  fi
}

ensure_document_tools() {
  # PDFs embed a Times New Roman–compatible font; tests read PDFs back with poppler.
  [ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || [ -n "${SANGKIEN_FONT_DIR:-}" ] ||
    { step "installing fonts-liberation2"; apt_install fonts-liberation2; }
  command -v pdftotext >/dev/null || { step "installing poppler-utils"; apt_install poppler-utils; }
  command -v pdftotext >/dev/null || die "pdftotext (poppler-utils) is missing."
}

ensure_smtp_sink() {
  # The reminder tests deliver mail to Python's aiosmtpd and read it back.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { step "installing aiosmtpd"; apt_install python3-aiosmtpd; }
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || die "python3-aiosmtpd is not importable by /usr/bin/python3."
}

ensure_api_fuzzer() {
  # schemathesis (PyPI) runs in a virtual environment under target/.
  /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || { step "installing python3-venv"; apt_install python3-venv; }
  /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || die "python3-venv is not usable."
  command -v curl >/dev/null || { step "installing curl"; apt_install curl; }
}

run_rust_tests() {
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast
  else
    cargo test --workspace --no-fail-fast
  fi
}

command -v psql >/dev/null || { step "installing the PostgreSQL client"; apt_install postgresql-client; }
ensure_postgres
ensure_browser
ensure_smtp_sink
ensure_document_tools
ensure_api_fuzzer

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests on SQLite"
SANGKIEN_TEST_DB=sqlite run_rust_tests
step "Rust tests on PostgreSQL"
SANGKIEN_TEST_DB=postgres run_rust_tests

step "browser tests (Chromium) on SQLite"
cargo build -p sangkien
(cd e2e && SANGKIEN_TEST_DB=sqlite npm test)
step "browser tests (Chromium) on PostgreSQL"
(cd e2e && SANGKIEN_TEST_DB=postgres npm test)

step "benchmark scripts: syntax, and a small deadline rush on the debug build (times nothing)"
for script in bench/*.mjs; do node --check "$script"; done
SANGKIEN_BIN=target/debug/sangkien node bench/rush.mjs --entries 20 --clients 4 --mb 1

step "fuzzing (cargo fuzz: unit import, upload type, Vietnamese text, search query)"
./scripts/fuzz.sh "${SANGKIEN_FUZZ_SECONDS:-45}"

step "API fuzzing (schemathesis) on SQLite"
./scripts/schemathesis.sh sqlite
step "API fuzzing (schemathesis) on PostgreSQL"
./scripts/schemathesis.sh postgres

step "all tests passed"
