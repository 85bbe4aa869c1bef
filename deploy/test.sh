#!/usr/bin/env bash
# Runs Rapport's whole test suite on a fresh Debian machine: installs what the tests need
# (build libraries, InspIRCd + Atheme, ngIRCd, Synapse, PostgreSQL, chromium), builds, and runs every
# test. Integration tests start their own servers on 127.0.0.1 and fail (never skip) if one
# cannot start.
#
#   deploy/test.sh                 # everything
#   deploy/test.sh --filter NAME   # extra arguments go to `swift test` (and no fuzzing)
#
# One PostgreSQL server is started for the whole run (deploy/servers/postgres.sh) and its URL
# exported as RAPPORT_TEST_POSTGRES_URL, so the store suite runs on SQLite and PostgreSQL; it
# is stopped on exit. Set RAPPORT_TEST_POSTGRES_URL yourself to use another server instead.
#
# `swift test` runs under deploy/test-guard.py: past RAPPORT_TEST_TIMEOUT seconds (default 1800)
# it prints the tests still running and every process they started, ends them and fails; when the
# tests end, it fails the run if any process they started is still running.
#
# After the whole suite, deploy/fuzz.sh builds the libFuzzer targets (their own build: about
# 7 minutes the first time) and runs each for RAPPORT_FUZZ_SECONDS seconds (default 20;
# 0 skips fuzzing); a crash fails the run.
#
# Last, deploy/benchmarks.sh builds the microbenchmarks (Benchmarks/, release: about 15 minutes
# the first time) and checks them against the thresholds in Benchmarks/Thresholds; a regression
# fails the run. RAPPORT_BENCHMARKS=0 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

deploy/install-deps.sh build irc ngircd matrix postgres browser

echo "== building (debug, with tests)"
swift build --build-tests

if [[ -z ${RAPPORT_TEST_POSTGRES_URL:-} ]]; then
  echo "== starting PostgreSQL for the store tests"
  PG_DIR=$(mktemp -d /tmp/rapport-test-pg.XXXXXX)
  chmod 755 "$PG_DIR" # the postgres user runs the server
  stop_postgres() {
    deploy/servers/postgres.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  }
  trap stop_postgres EXIT
  deploy/servers/postgres.sh start "$PG_DIR" >/dev/null
  RAPPORT_TEST_POSTGRES_URL=$(sed -n 's/^POSTGRES_URL=//p' "$PG_DIR/env")
  [[ -n $RAPPORT_TEST_POSTGRES_URL ]] || { echo "postgres.sh printed no POSTGRES_URL" >&2; exit 1; }
  export RAPPORT_TEST_POSTGRES_URL
fi

echo "== testing"
# stdbuf: the test binary's output would be block-buffered in the pipe, and the guard would not
# know which tests are running when it has to say.
deploy/test-guard.py --timeout "${RAPPORT_TEST_TIMEOUT:-1800}" -- stdbuf -oL -eL swift test --skip-build "$@"

fuzz_seconds=${RAPPORT_FUZZ_SECONDS:-20}
if (($# == 0 && fuzz_seconds > 0)); then
  echo "== fuzzing (deploy/fuzz.sh, ${fuzz_seconds}s per target)"
  deploy/fuzz.sh "$fuzz_seconds"
fi

if (($# == 0)) && [[ ${RAPPORT_BENCHMARKS:-1} != 0 ]]; then
  echo "== benchmarks (deploy/benchmarks.sh)"
  deploy/benchmarks.sh
fi
