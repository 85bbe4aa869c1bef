#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Usage: deploy/servers/postgres.sh start|stop|status DIR
#
# A throw-away PostgreSQL 15 cluster on 127.0.0.1 (unix socket inside DIR), with
# database "rapport" owned by user "rapport" (password "rapport", scram-sha-256).
# Durability is off (fsync=off): for tests only. Install first:
# deploy/install-deps.sh postgres
#
#   start DIR   initdb into DIR/pg (as OS user postgres when run as root; initdb
#               refuses root), pick a free port, start, create role + database;
#               prints KEY=VALUE lines (also in DIR/env):
#                 POSTGRES_URL=postgres://rapport:rapport@127.0.0.1:PORT/rapport
#                 POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_PASSWORD
#                 POSTGRES_DB POSTGRES_SOCKET_DIR POSTGRES_DIR
#               An existing cluster in DIR/pg is reused (new port, data kept).
#   stop DIR    pg_ctl stop -m fast (by the cluster's postmaster.pid)
#   status DIR  print "postgres=running|stopped"
# Env: PG_BIN (default /usr/lib/postgresql/15/bin), POSTGRES_START_TIMEOUT (default 60).
# When run as root, DIR and its parents must be reachable by the postgres user.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
export SCRIPT_NAME=postgres.sh
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Run a command as the cluster owner.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [[ -s $PGDATA/postmaster.pid ]] && as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

cmd_start() {
  [[ -x $PG_BIN/initdb ]] || die "$PG_BIN/initdb missing: run deploy/install-deps.sh postgres"
  if running; then
    die "already running in $DIR (run '$0 stop $DIR' first)"
  fi
  mkdir -p "$DIR/pg/run"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$DIR/pg" "$DIR/pg/run"
    runuser -u postgres -- test -w "$DIR/pg" ||
      die "user postgres cannot write $DIR/pg (a parent directory is not reachable?)"
  fi
  rm -f "$DIR/env"
  if [[ ! -s $PGDATA/PG_VERSION ]]; then
    local pwfile="$DIR/pg/.pw"
    (umask 077 && openssl rand -hex 16 >"$pwfile")
    [[ $(id -u) -ne 0 ]] || chown postgres "$pwfile"
    as_owner "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" -E UTF8 \
      --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --no-sync \
      >"$DIR/pg/initdb.log" 2>&1 || {
      tail_logs "$DIR/pg/initdb.log"
      die "initdb failed"
    }
    rm -f "$pwfile"
  fi
  PORT=$(free_ports 1)
  # Settings on the command line override postgresql.conf (the port changes per start).
  local opts="-c listen_addresses=127.0.0.1 -c port=$PORT"
  opts+=" -c unix_socket_directories=$DIR/pg/run -c max_connections=200"
  opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$DIR/pg/postgres.log" -o "$opts" \
    -w -t "$TIMEOUT" start >"$DIR/pg/pg_ctl.out" 2>&1 || {
    tail_logs "$DIR/pg/pg_ctl.out" "$DIR/pg/postgres.log"
    die "pg_ctl start failed"
  }
  local psql=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg/run" -p "$PORT" -U postgres -d postgres)
  as_owner "${psql[@]}" <<'SQL' >"$DIR/pg/setup.out" 2>&1 || {
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport') THEN
    CREATE ROLE rapport LOGIN PASSWORD 'rapport' CREATEDB;
  END IF;
END
$$;
SELECT 'CREATE DATABASE rapport OWNER rapport'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'rapport') \gexec
SQL
    tail_logs "$DIR/pg/setup.out"
    die "creating role/database rapport failed"
  }
  {
    echo "POSTGRES_URL=postgres://rapport:rapport@127.0.0.1:$PORT/rapport"
    echo "POSTGRES_HOST=127.0.0.1"
    echo "POSTGRES_PORT=$PORT"
    echo "POSTGRES_USER=rapport"
    echo "POSTGRES_PASSWORD=rapport"
    echo "POSTGRES_DB=rapport"
    echo "POSTGRES_SOCKET_DIR=$DIR/pg/run"
    echo "POSTGRES_DIR=$DIR"
  } >"$DIR/env"
  cat "$DIR/env"
}

cmd_stop() {
  if [[ -s $PGDATA/postmaster.pid ]]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [[ -s $PGDATA/postmaster.pid ]]; then
    # pg_ctl failed: fall back to the postmaster's pid (first line of postmaster.pid)
    local pid
    pid=$(head -n 1 "$PGDATA/postmaster.pid")
    head -n 1 "$PGDATA/postmaster.pid" >"$DIR/pg/postmaster.pid.copy"
    stop_pid "$DIR/pg/postmaster.pid.copy" "postgres" "PostgreSQL postmaster $pid"
  fi
}

main() {
  [[ $# -eq 2 ]] || usage
  mkdir -p "$2"
  DIR=$(cd "$2" && pwd)
  PGDATA="$DIR/pg/data"
  case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status)
      if running; then echo "postgres=running"; else echo "postgres=stopped"; fi
      ;;
    *) usage ;;
  esac
}

main "$@"
