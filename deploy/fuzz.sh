#!/usr/bin/env bash
# Fuzzes the readers of outside input with libFuzzer: a line an external plugin writes
# (Fuzz/FuzzPluginLine), a Matrix /sync body (Fuzz/FuzzSyncBody) and a configuration file
# (Fuzz/FuzzConfiguration). Each target also checks properties (see its source file), and any
# failed check is a crash.
#
#   deploy/fuzz.sh [SECONDS]               # build, then run each target SECONDS (default 20)
#   deploy/fuzz.sh --build-only            # build the targets only
#   deploy/fuzz.sh --skip-build [SECONDS]  # run what was built
#
# The build is `swift build --sanitize fuzzer` (debug) in its own scratch path, .build-fuzz, so
# the ordinary .build is untouched. It compiles every dependency with coverage instrumentation:
# about 7 minutes from scratch on a busy 2-core machine (6 min 43 s measured), seconds once built.
#
# Each target runs on a copy of its seed corpus (Fuzz/<Name>/corpus, never changed here) with
# -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10, and prints the inputs it tried and its
# crashes. A crash, timeout or out-of-memory input is saved to .build-fuzz/crashes/ and the
# script exits 1 once every target has run; replay one with `.build-fuzz/debug/<Name> FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

targets=(FuzzPluginLine FuzzSyncBody FuzzConfiguration)
scratch=.build-fuzz
build=true run=true
case ${1:-} in
  --build-only) run=false; shift ;;
  --skip-build) build=false; shift ;;
esac
seconds=${1:-20}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: deploy/fuzz.sh [--build-only | --skip-build] [SECONDS]" >&2; exit 2; }

if $build; then
  for target in "${targets[@]}"; do
    echo "== building $target (swift build --sanitize fuzzer)"
    swift build --sanitize fuzzer --scratch-path "$scratch" --product "$target"
  done
fi
$run || exit 0

bin=$(swift build --sanitize fuzzer --scratch-path "$scratch" --show-bin-path)
crashes=$PWD/$scratch/crashes
mkdir -p "$crashes"
work=$(mktemp -d /tmp/rapport-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
  cp -r "Fuzz/$target/corpus" "$work/$target"
  log=$work/$target.log
  echo "== fuzzing $target for ${seconds}s"
  status=0
  # The Swift runtime's backtracer would catch a crash before libFuzzer could save the input.
  SWIFT_BACKTRACE=enable=no timeout --kill-after=10 $((seconds + 120)) "$bin/$target" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashes/$target-" "$work/$target" >"$log" 2>&1 || status=$?
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  saved=$(sed -n "s/^.*Test unit written to //p" "$log")
  echo "$target: ${executed:-?} inputs tried (${per_second:-?}/s), $([[ $status == 0 ]] && echo 0 || echo 1) crashes"
  if [[ $status != 0 ]]; then
    failed+=("$target")
    grep -E "Fatal error|ERROR: libFuzzer|SUMMARY|deadly signal|timeout|out-of-memory" "$log" | head -20 >&2 || true
    if [[ -n $saved ]]; then
      echo "$target CRASHED (status $status); the input is saved in $saved" >&2
      echo "  replay it: SWIFT_BACKTRACE=enable=no $bin/$target $saved" >&2
    else
      echo "$target FAILED (status $status) without saving an input; its log:" >&2
      tail -40 "$log" >&2
    fi
  fi
done
if ((${#failed[@]})); then
  echo "fuzzing found crashes in: ${failed[*]}" >&2
  exit 1
fi
