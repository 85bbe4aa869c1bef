# Shared helpers for deploy/servers/*.sh (sourced, not run).
# Each script sets SCRIPT_NAME before sourcing; DIR is the absolute work dir.
# shellcheck shell=bash

# A python3 for the small stdlib helpers: Debian's own starts in ~40 ms, while a
# pyenv shim costs ~300 ms per call (it matters in readiness loops).
if [[ -z ${PY3:-} ]]; then
  if [[ -x /usr/bin/python3 ]]; then
    PY3=/usr/bin/python3
  else
    PY3=python3
  fi
fi

die() {
  printf '%s: error: %s\n' "${SCRIPT_NAME:-server}" "$*" >&2
  exit 1
}
log() { printf '%s: %s\n' "${SCRIPT_NAME:-server}" "$*" >&2; }

# Prints the usage comment at the top of the calling script and exits 2.
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '/^# shellcheck/d; $d; s/^# \{0,1\}//' >&2
  exit 2
}

# free_ports N: N distinct free TCP ports on 127.0.0.1, space separated.
free_ports() {
  "$PY3" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# proc_alive PID: true while PID exists and is not a zombie waiting to be reaped.
proc_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# live_pid FILE PATTERN: prints the pid from FILE if that process is alive and its
# command line contains PATTERN (guards against a recycled pid).
live_pid() {
  local file=$1 name=$2 pid
  [[ -s $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$name" || return 1
  printf '%s\n' "$pid"
}

# stop_pid FILE PATTERN WHAT: SIGTERM the process from FILE, SIGKILL after 5 s.
stop_pid() {
  local file=$1 name=$2 what=$3 pid i
  if ! pid=$(live_pid "$file" "$name"); then
    rm -f "$file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    proc_alive "$pid" || break
    sleep 0.05
  done
  if proc_alive "$pid"; then
    log "$what (pid $pid) ignored SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.1
  fi
  rm -f "$file"
}

# tcp_open PORT: true if something accepts connections on 127.0.0.1:PORT.
tcp_open() {
  "$PY3" - "$1" <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

# tail_logs FILE...: the last lines of each non-empty file, to stderr.
tail_logs() {
  local f
  for f in "$@"; do
    if [[ -s $f ]]; then
      printf -- '--- tail %s ---\n' "$f" >&2
      tail -n 25 "$f" >&2
    fi
  done
}
