#!/usr/bin/env bash
# Runs Rapport's whole test suite on a fresh Debian machine: installs what the tests need
# (build libraries, InspIRCd + Atheme, ngIRCd, Synapse, PostgreSQL), builds, and runs every
# test. Integration tests start their own servers on 127.0.0.1 and fail (never skip) if one
# cannot start.
#
#   deploy/test.sh                 # everything
#   deploy/test.sh --filter NAME   # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

deploy/install-deps.sh build irc ngircd matrix postgres

echo "== building (debug, with tests)"
swift build --build-tests

echo "== testing"
swift test --skip-build "$@"
