#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Usage: deploy/servers/ngircd.sh start|stop|status DIR
#
# A throw-away ngIRCd 26 on 127.0.0.1: the "old server without IRCv3" (it offers
# only the multi-prefix cap: no SASL, no tags). All state in the work dir DIR.
# Install first: deploy/install-deps.sh ngircd
#
#   start DIR   write DIR/ngircd.conf, pick a free port, start, wait until it
#               accepts connections; prints KEY=VALUE lines (also in DIR/env):
#                 IRC_HOST IRC_PORT IRC_SERVER_NAME IRC_DIR
#   stop DIR    stop it (by pid file)
#   status DIR  print "ircd=running|stopped"
# Env: IRC_START_TIMEOUT seconds to wait (default 30).
# As root ngIRCd drops to user nobody: DIR is made world-writable (mode 1777).
set -euo pipefail

TIMEOUT="${IRC_START_TIMEOUT:-30}"
SERVER_NAME="irc.old.rapport.test"
NGIRCD_BIN=/usr/sbin/ngircd
export SCRIPT_NAME=ngircd.sh
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

write_conf() {
  mkdir -p "$DIR/conf.d"
  : >"$DIR/help.txt"
  echo "Rapport test server (ngIRCd)" >"$DIR/motd"
  cat >"$DIR/ngircd.conf" <<CONF
[Global]
	Name = $SERVER_NAME
	Info = Rapport test server without IRCv3
	AdminInfo1 = Rapport tests
	AdminInfo2 = localhost
	AdminEMail = admin@localhost
	Listen = 127.0.0.1
	Ports = $IRC_PORT
	MotdFile = $DIR/motd
	PidFile = $DIR/run/ngircd.pid
	ServerUID = nobody
	ServerGID = nogroup
	HelpFile = $DIR/help.txt
[Limits]
	ConnectRetry = 60
	IdleTimeout = 0
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
	MaxPenaltyTime = 0
	MaxListSize = 1000
	PingTimeout = 120
	PongTimeout = 20
[Options]
	DNS = no
	Ident = no
	PAM = no
	ConnectIPv6 = no
	ConnectIPv4 = yes
	IncludeDir = $DIR/conf.d
	MorePrivacy = no
	NoticeBeforeRegistration = no
	OperCanUseMode = yes
	RequireAuthPing = no
	ScrubCTCP = no
CONF
}

cmd_start() {
  [[ -x $NGIRCD_BIN ]] || die "$NGIRCD_BIN missing: run deploy/install-deps.sh ngircd"
  if live_pid "$DIR/ngircd.pid" "$DIR/ngircd.conf" >/dev/null; then
    die "already running in $DIR (run '$0 stop $DIR' first)"
  fi
  mkdir -p "$DIR/run"
  if [[ $(id -u) -eq 0 ]]; then
    chmod 1777 "$DIR" "$DIR/run"
  fi
  rm -f "$DIR/ngircd.out" "$DIR/env"
  IRC_PORT=$(free_ports 1)
  write_conf
  "$NGIRCD_BIN" --configtest -f "$DIR/ngircd.conf" >"$DIR/configtest.out" 2>&1 ||
    {
      tail_logs "$DIR/configtest.out"
      die "ngircd --configtest failed"
    }
  (
    ulimit -c 0
    exec setsid "$NGIRCD_BIN" -n -f "$DIR/ngircd.conf" </dev/null >>"$DIR/ngircd.out" 2>&1
  ) &
  echo "$!" >"$DIR/ngircd.pid"
  local deadline=$((SECONDS + TIMEOUT))
  until tcp_open "$IRC_PORT"; do
    if ! live_pid "$DIR/ngircd.pid" "$DIR/ngircd.conf" >/dev/null; then
      tail_logs "$DIR/ngircd.out"
      die "ngIRCd exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      tail_logs "$DIR/ngircd.out"
      die "ngIRCd not accepting on port $IRC_PORT after ${TIMEOUT}s"
    fi
    sleep 0.05
  done
  {
    echo "IRC_HOST=127.0.0.1"
    echo "IRC_PORT=$IRC_PORT"
    echo "IRC_SERVER_NAME=$SERVER_NAME"
    echo "IRC_DIR=$DIR"
  } >"$DIR/env"
  cat "$DIR/env"
}

main() {
  [[ $# -eq 2 ]] || usage
  mkdir -p "$2"
  DIR=$(cd "$2" && pwd)
  case $1 in
    start) cmd_start ;;
    stop) stop_pid "$DIR/ngircd.pid" "$DIR/ngircd.conf" ngIRCd ;;
    status)
      if live_pid "$DIR/ngircd.pid" "$DIR/ngircd.conf" >/dev/null; then
        echo "ircd=running"
      else
        echo "ircd=stopped"
      fi
      ;;
    *) usage ;;
  esac
}

main "$@"
