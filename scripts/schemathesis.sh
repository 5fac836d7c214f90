#!/usr/bin/env bash
# Fuzzes the running server from its OpenAPI document with schemathesis (PyPI): no 5xx,
# every answer matches the documented schema and content type, and operations that
# need a token refuse requests without one. Bounded: a fixed seed and 20 examples per
# operation, for an organizer's token and a focal user's. Usage:
#   scripts/schemathesis.sh sqlite|postgres
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${1:-sqlite}
VERSION=4.32.5
VENV=${SANGKIEN_SCHEMATHESIS_VENV:-target/schemathesis-$VERSION}
BIN=target/debug/sangkien
PORT=${SANGKIEN_SCHEMATHESIS_PORT:-18391}
URL=http://127.0.0.1:$PORT

die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

[ -x "$BIN" ] || die "$BIN is missing: run cargo build -p sangkien first."
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV" || die "python3 -m venv failed (install python3-venv)."
  "$VENV/bin/pip" install -q "schemathesis==$VERSION" || die "pip could not install schemathesis $VERSION."
fi

DATA=$(mktemp -d)
DB_ARGS=()
DROP_DB=
if [ "$DB" = postgres ]; then
  PG_URL=${SANGKIEN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
  NAME=e2e_st_$$
  psql "${PG_URL%/*}/postgres" -qc "create database $NAME" >/dev/null
  DB_ARGS=(--database-url "${PG_URL%/*}/$NAME")
  DROP_DB=$NAME
fi

cleanup() {
  set +e
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  if [ -n "$DROP_DB" ]; then psql "${PG_URL%/*}/postgres" -qc "drop database if exists $DROP_DB" >/dev/null; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

"$BIN" --data-dir "$DATA" "${DB_ARGS[@]}" serve --demo --listen "127.0.0.1:$PORT" --jobs-interval 3600 \
  >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do curl -sf "$URL/health" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/health" >/dev/null || { cat "$DATA/server.log"; die "the server did not start."; }

token() {
  curl -sf -X POST -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"CaoBang@2021\"}" "$URL/api/v1/auth/login" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}

status=0
for user in snv.tochuc stp.daumoi; do
  printf '\n--- schemathesis as %s (%s)\n' "$user" "$DB"
  "$VENV/bin/schemathesis" run "$URL/api/v1/openapi.json" \
    -H "Authorization: Bearer $(token "$user")" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance,ignored_auth \
    --max-examples 20 --seed 2021 --no-color --generation-database none \
    --phases examples,coverage,fuzzing \
    --exclude-path /auth/logout --exclude-path /auth/login \
    --request-timeout 30 || status=1
done
if grep -q "panicked" "$DATA/server.log"; then
  grep -B2 -A5 "panicked" "$DATA/server.log" >&2
  status=1
fi
exit $status
