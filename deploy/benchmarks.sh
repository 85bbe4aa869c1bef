#!/usr/bin/env bash
# Runs the microbenchmarks (Benchmarks/, ordo-one's package-benchmark) and checks each metric's
# p90 against the thresholds checked in under Benchmarks/Thresholds/, within the tolerances set
# in Benchmarks/Sources/BenchmarkConfiguration (10 % more mallocs, 1.5x the CPU time, 5x the
# wall clock). A regression fails the run.
#
#   deploy/benchmarks.sh                # build (release, in Benchmarks/.build) and check
#   deploy/benchmarks.sh --filter NAME  # extra arguments go to `swift package benchmark`
#
# The release build of the benchmarks and of the bot's modules they use takes about
# 15 minutes from scratch on 2 cores; the runs themselves about a minute (at most a second
# per benchmark). After a deliberate change, record new thresholds with
#   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark thresholds update
# and commit Benchmarks/Thresholds/.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

log=$(mktemp /tmp/rapport-benchmarks.XXXXXX)
trap 'rm -f "$log"' EXIT
status=0
swift package benchmark thresholds check --no-progress "$@" 2>&1 | tee "$log" || status=$?
# `swift package` exits 1 for every error the plugin reports; the plugin names it.
if ((status == 0)); then
  echo "benchmarks: within the thresholds"
elif grep -q 'error: benchmarkThresholdImprovement' "$log"; then
  echo "benchmarks: better than the thresholds (update them if the gain is real: see deploy/benchmarks.sh)"
elif grep -q 'error: benchmarkThresholdRegression' "$log"; then
  echo "benchmarks: REGRESSION against Benchmarks/Thresholds (above)" >&2
  exit 1
else
  echo "benchmarks: failed (exit $status)" >&2
  exit 1
fi
