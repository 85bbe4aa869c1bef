#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Usage: deploy/servers/inspircd.sh COMMAND DIR
#
# A throw-away InspIRCd 3 + Atheme (services: NickServ, SaslServ) on 127.0.0.1,
# all state in the work dir DIR. Install first: deploy/install-deps.sh irc
#
# Commands:
#   start DIR           write configs/certs into DIR, pick free ports, seed accounts,
#                       start both, wait until SASL is offered; prints KEY=VALUE lines
#                       (also written to DIR/env):
#                         IRC_HOST IRC_PORT IRC_TLS_PORT IRC_SERVER_NAME
#                         IRC_CLIENT_CERT IRC_CLIENT_CERT_FP IRC_CERT_ACCOUNT
#                         IRC_SERVICES_NAME IRC_DIR
#   stop DIR            stop both (by pid file)
#   stop-services DIR   stop Atheme only (returns once SASL is no longer offered)
#   start-services DIR  start Atheme again (waits for SASL)
#   stop-ircd DIR       stop InspIRCd only        start-ircd DIR      start it again
#                       (same ports, same config; waits for SASL if Atheme is running)
#   status DIR          print "ircd=running|stopped services=running|stopped sasl=yes|no"
#
# Env:
#   IRC_ACCOUNTS   "name:password ..." seeded into Atheme on start
#                  (default "rapport:rapportpass alice:alicepass bob:bobpass");
#                  DIR/client.pem's SHA-256 fingerprint is registered for the first one.
#   IRC_START_TIMEOUT  seconds to wait for readiness (default 30).
#   IRC_STS        "yes": load ircv3_sts with a policy for SNI host "localhost": plain-text
#                  clients are told to move to IRC_TLS_PORT, TLS clients get
#                  duration=IRC_STS_DURATION (seconds, default 300). Connect to "localhost" so
#                  that TLS clients send that SNI name (clients skip SNI for IP addresses).
# Several instances can run side by side (one DIR each). Exit code != 0 on failure,
# with the reason and the log tails on stderr.
set -euo pipefail

IRC_ACCOUNTS="${IRC_ACCOUNTS:-rapport:rapportpass alice:alicepass bob:bobpass}"
TIMEOUT="${IRC_START_TIMEOUT:-30}"
SERVER_NAME="irc.rapport.test"
SERVICES_NAME="services.rapport.test"
INSPIRCD_BIN=/usr/sbin/inspircd
ATHEME_BIN=/usr/bin/atheme-services
MODULE_DIR=/usr/lib/inspircd/modules
export SCRIPT_NAME=inspircd.sh
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Sends CAP LS 302 to the plain port; prints the capability list, or fails.
cap_ls() {
  "$PY3" - "$1" <<'PY'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    s.sendall(b"CAP LS 302\r\n")
    buf, caps = b"", []
    while True:
        data = s.recv(4096)
        if not data:
            sys.exit(1)
        buf += data
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            parts = line.decode("utf-8", "replace").split(" ")
            if len(parts) >= 4 and parts[1] == "CAP" and parts[3] == "LS":
                more = parts[4] == "*"
                rest = line.decode().split(" :", 1)[1] if " :" in line.decode() else ""
                caps += rest.split()
                if not more:
                    s.sendall(b"QUIT\r\n")
                    s.close()
                    print(" ".join(caps))
                    sys.exit(0)
except OSError:
    sys.exit(1)
PY
}

has_sasl() {
  local caps
  caps=$(cap_ls "$1" 2>/dev/null) || return 1
  [[ " $caps " == *" sasl="* || " $caps " == *" sasl "* ]]
}

fail_with_logs() {
  log "$1"
  tail_logs "$DIR/inspircd.log" "$DIR/inspircd.out" "$DIR/atheme.log"
  exit 1
}

load_state() {
  [[ -s $DIR/state ]] || die "$DIR/state missing: run '$0 start $DIR' first"
  # shellcheck disable=SC1091
  source "$DIR/state"
}

wait_ircd() {
  local deadline=$((SECONDS + TIMEOUT))
  until cap_ls "$IRC_PORT" >/dev/null 2>&1; do
    live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null ||
      fail_with_logs "InspIRCd exited during startup"
    ((SECONDS < deadline)) || fail_with_logs "InspIRCd not accepting on port $IRC_PORT after ${TIMEOUT}s"
    sleep 0.05
  done
}

wait_sasl() {
  local deadline=$((SECONDS + TIMEOUT))
  until has_sasl "$IRC_PORT"; do
    live_pid "$DIR/atheme.pid" "$ATHEME_BIN" >/dev/null ||
      fail_with_logs "Atheme is not running"
    ((SECONDS < deadline)) || fail_with_logs "SASL not offered on port $IRC_PORT after ${TIMEOUT}s (services not linked?)"
    sleep 0.1
  done
}

launch_ircd() {
  if live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null; then
    log "InspIRCd already running"
    return 0
  fi
  local args=(--config "$DIR/inspircd.conf" --nofork)
  [[ $(id -u) -ne 0 ]] || args+=(--runasroot)
  # InspIRCd 3 with TLS may crash on its way out after SIGTERM: no core files.
  (
    ulimit -c 0
    exec setsid "$DIR/bin/inspircd" "${args[@]}" </dev/null >>"$DIR/inspircd.out" 2>&1
  ) &
  echo "$!" >"$DIR/inspircd.pid"
  wait_ircd
}

launch_services() {
  if live_pid "$DIR/atheme.pid" "$ATHEME_BIN" >/dev/null; then
    log "Atheme already running"
    return 0
  fi
  rm -f "$DIR/atheme.pid"
  (
    ulimit -c 0
    exec setsid "$ATHEME_BIN" -n -c "$DIR/atheme.conf" -D "$DIR/data" \
      -l "$DIR/atheme.log" -p "$DIR/atheme.pid.atheme" </dev/null >>"$DIR/atheme.out" 2>&1
  ) &
  echo "$!" >"$DIR/atheme.pid"
}

write_inspircd_conf() {
  cat >"$DIR/inspircd.conf" <<EOF
<config format="xml">
<server name="$SERVER_NAME" description="Rapport test server" id="0RP" network="RapportTest">
<admin name="Rapport tests" nick="admin" email="admin@localhost">
<path configdir="$DIR" datadir="$DIR/data" logdir="$DIR" runtimedir="$DIR" moduledir="$MODULE_DIR">
<pid file="$DIR/inspircd.pid.ircd">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$DIR/inspircd.log">

<bind address="127.0.0.1" port="$IRC_PORT" type="clients">
<bind address="127.0.0.1" port="$IRC_TLS_PORT" type="clients" sslprofile="tls">
<bind address="127.0.0.1" port="$LINK_PORT" type="servers">

<module name="ssl_gnutls">
<sslprofile name="tls" provider="gnutls" certfile="$DIR/server.crt" keyfile="$DIR/server.key"
  dhfile="" hash="sha256" requestclientcert="yes" priority="NORMAL">

<dns server="127.0.0.1" timeout="1">
<connect name="main" allow="*" timeout="30" pingfreq="120" maxchans="1000"
  hardsendq="67108864" softsendq="8388608" recvq="8388608"
  threshold="4294967" commandrate="4294967295" fakelag="yes"
  localmax="100000" globalmax="100000" maxconnwarn="off" limit="100000"
  resolvehostnames="no" useident="no" usednsbl="no" uniqueusernames="no">
<performance somaxconn="1024" softlimit="100000" clonesonconnect="no" nouserdns="yes">
<options serverpingfreq="2s" prefixquit="Quit: " allowzerolimit="no" hostintopic="yes"
  syntaxhints="no" announcets="yes" defaultmodes="not" xlinemessage="Banned">
<security hidesplits="no" hideulines="no" hideserver="" genericoper="no" announceinvites="dynamic"
  maxtargets="100" customversion="" runasuser="" runasgroup="" restrictbannedusers="yes">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="10" maxhost="64" maxquit="255"
  maxtopic="307" maxkick="255" maxreal="128" maxaway="200">
<channels users="1000" opers="1000">
<whowas groupsize="10" maxgroups="100000" maxkeep="3d">

<module name="cap">
<module name="ircv3">
<module name="ircv3_accounttag">
<module name="ircv3_batch">
<module name="ircv3_capnotify">
<module name="ircv3_chghost">
<module name="ircv3_ctctags">
<module name="ircv3_echomessage">
<module name="ircv3_invitenotify">
<module name="ircv3_labeledresponse">
<module name="ircv3_msgid">
<module name="ircv3_servertime">
<module name="monitor">
<module name="namesx">
<module name="uhnames">
<module name="setname">
<module name="chanhistory">
<chanhistory maxlines="1000" notice="no" prefixmsg="no" bots="yes">
<module name="botmode">
<module name="spanningtree">
<module name="services_account">
<module name="sasl">
<module name="chghost">
<module name="cban">
<module name="svshold">
<module name="deaf">
<module name="sslinfo">

<link name="$SERVICES_NAME" ipaddr="127.0.0.1" port="$LINK_PORT" allowmask="127.0.0.0/8"
  sendpass="$LINK_PASS" recvpass="$LINK_PASS" timeout="10">
<uline server="$SERVICES_NAME" silent="yes">
<sasl target="$SERVICES_NAME" requiressl="no">
EOF
  if [[ ${IRC_STS:-no} == yes ]]; then
    cat >>"$DIR/inspircd.conf" <<EOF
<module name="ircv3_sts">
<sts host="localhost" port="$IRC_TLS_PORT" duration="${IRC_STS_DURATION:-300}" preload="no">
EOF
  fi
}

write_atheme_conf() {
  cat >"$DIR/atheme.conf" <<EOF
loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/posix";
loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/cert";
loadmodule "modules/nickserv/drop";
loadmodule "modules/nickserv/ghost";
loadmodule "modules/nickserv/group";
loadmodule "modules/nickserv/help";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/info";
loadmodule "modules/nickserv/logout";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/regnolimit";
loadmodule "modules/nickserv/set_core";
loadmodule "modules/nickserv/set_password";
loadmodule "modules/nickserv/set_pubkey";
loadmodule "modules/nickserv/status";
loadmodule "modules/chanserv/main";
loadmodule "modules/chanserv/register";
loadmodule "modules/chanserv/flags";
loadmodule "modules/chanserv/op";
loadmodule "modules/chanserv/info";
loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";
loadmodule "modules/saslserv/external";
loadmodule "modules/saslserv/ecdsa-nist256p-challenge";

serverinfo {
  name = "$SERVICES_NAME";
  desc = "Rapport test services";
  numeric = "00A";
  recontime = 1;
  netname = "RapportTest";
  hidehostsuffix = "users.rapport.test";
  adminname = "Rapport tests";
  adminemail = "admin@localhost";
  registeremail = "noreply@localhost";
  mta = "/bin/false";
  loglevel = { error; info; admin; network; };
  maxlogins = 100000;
  maxusers = 100000;
  mdlimit = 30;
  emaillimit = 10;
  emailtime = 300;
  auth = none;
  casemapping = rfc1459;
};

uplink "$SERVER_NAME" {
  host = "127.0.0.1";
  send_password = "$LINK_PASS";
  receive_password = "$LINK_PASS";
  port = $LINK_PORT;
};

nickserv {
  nick = "NickServ";
  user = "NickServ";
  host = "$SERVICES_NAME";
  real = "Nickname Services";
  maxnicks = 50;
  expire = 0;
};

chanserv {
  nick = "ChanServ";
  user = "ChanServ";
  host = "$SERVICES_NAME";
  real = "Channel Services";
  maxchans = 1000;
  templates {
    vop = "+AV";
    hop = "+AHehitrv";
    aop = "+AOehiortv";
    sop = "+AOaefhiorstv";
    founder = "+AFORaefhiorstv";
  };
  expire = 0;
  maxchanacs = 0;
  maxfounders = 4;
};

saslserv {
  nick = "SaslServ";
  user = "SaslServ";
  host = "$SERVICES_NAME";
  real = "SASL Authentication Agent";
};

general {
  flood_msgs = 0;
  flood_time = 10;
  ratelimit_uses = 0;
  ratelimit_period = 0;
  kline_time = 7;
  clone_time = 0;
  commit_interval = 1;
  default_clone_allowed = 100000;
  default_clone_warn = 100000;
  uplink_sendq_limit = 67108864;
  language = "en";
  immune_level = immune;
};
EOF
}

# Atheme opensex database with the accounts from IRC_ACCOUNTS (crypt(3) SHA-512
# hashes via openssl passwd) and the client cert fingerprint for the first one.
seed_db() {
  local now entry name pass hash first=1 id=1
  now=$(date +%s)
  mkdir -p "$DIR/data"
  {
    echo "DBV 12"
    echo "CF +AFORVabcefhioqrstv"
    for entry in $IRC_ACCOUNTS; do
      name=${entry%%:*}
      pass=${entry#*:}
      [[ -n $name && -n $pass && $name != "$entry" ]] || die "bad IRC_ACCOUNTS entry '$entry' (want name:password)"
      hash=$(openssl passwd -6 -salt "$(openssl rand -hex 8)" "$pass")
      printf 'MU AAAAAAA%s %s %s %s@localhost %s %s +C default\n' \
        "$(printf '%02d' "$id")" "$name" "$hash" "$name" "$now" "$now"
      printf 'MN %s %s %s %s\n' "$name" "$name" "$now" "$now"
      if [[ $first -eq 1 ]]; then
        printf 'MCFP %s %s\n' "$name" "$CLIENT_FP"
        CERT_ACCOUNT=$name
        first=0
      fi
      id=$((id + 1))
    done
    echo "DE 0 0 0 0"
  } >"$DIR/data/services.db"
}

make_certs() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=$SERVER_NAME" \
    -keyout "$DIR/server.key" -out "$DIR/server.crt" >/dev/null 2>&1 ||
    die "openssl failed to create the server certificate"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=rapport-client" \
    -keyout "$DIR/client.key" -out "$DIR/client.crt" >/dev/null 2>&1 ||
    die "openssl failed to create the client certificate"
  cat "$DIR/client.key" "$DIR/client.crt" >"$DIR/client.pem"
  chmod 600 "$DIR/server.key" "$DIR/client.key" "$DIR/client.pem"
  CLIENT_FP=$(openssl x509 -in "$DIR/client.crt" -noout -fingerprint -sha256 |
    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
}

print_env() {
  {
    echo "IRC_HOST=127.0.0.1"
    echo "IRC_PORT=$IRC_PORT"
    echo "IRC_TLS_PORT=$IRC_TLS_PORT"
    echo "IRC_SERVER_NAME=$SERVER_NAME"
    echo "IRC_SERVICES_NAME=$SERVICES_NAME"
    echo "IRC_CLIENT_CERT=$DIR/client.pem"
    echo "IRC_CLIENT_CERT_FP=$CLIENT_FP"
    echo "IRC_CERT_ACCOUNT=$CERT_ACCOUNT"
    echo "IRC_DIR=$DIR"
  } >"$DIR/env"
  cat "$DIR/env"
}

cmd_start() {
  command -v "$INSPIRCD_BIN" >/dev/null || die "$INSPIRCD_BIN missing: run deploy/install-deps.sh irc"
  command -v "$ATHEME_BIN" >/dev/null || die "$ATHEME_BIN missing: run deploy/install-deps.sh irc"
  if live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null ||
    live_pid "$DIR/atheme.pid" "$ATHEME_BIN" >/dev/null; then
    die "already running in $DIR (run '$0 stop $DIR' first)"
  fi
  mkdir -p "$DIR/bin" "$DIR/data"
  rm -f "$DIR"/inspircd.log "$DIR"/inspircd.out "$DIR"/atheme.log "$DIR"/atheme.out "$DIR/env"
  # Copy of the binary: Debian's AppArmor profile confines /usr/sbin/inspircd to /etc/inspircd.
  cp -f "$INSPIRCD_BIN" "$DIR/bin/inspircd"

  local ports
  ports=$(free_ports 3)
  read -r IRC_PORT IRC_TLS_PORT LINK_PORT <<<"$ports"
  LINK_PASS=$(openssl rand -hex 16)
  make_certs
  CERT_ACCOUNT=""
  seed_db
  {
    echo "IRC_PORT=$IRC_PORT"
    echo "IRC_TLS_PORT=$IRC_TLS_PORT"
    echo "LINK_PORT=$LINK_PORT"
    echo "LINK_PASS=$LINK_PASS"
    echo "CLIENT_FP=$CLIENT_FP"
    echo "CERT_ACCOUNT=$CERT_ACCOUNT"
  } >"$DIR/state"
  write_inspircd_conf
  write_atheme_conf

  launch_ircd
  launch_services
  wait_sasl
  print_env
}

cmd_stop() {
  stop_pid "$DIR/atheme.pid" "$ATHEME_BIN" Atheme
  stop_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" InspIRCd
  rm -f "$DIR/atheme.pid.atheme" "$DIR/inspircd.pid.ircd"
}

cmd_status() {
  local ircd=stopped services=stopped sasl=no
  if live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null; then
    ircd=running
  fi
  if live_pid "$DIR/atheme.pid" "$ATHEME_BIN" >/dev/null; then
    services=running
  fi
  if [[ $ircd == running ]] && [[ -s $DIR/state ]]; then
    load_state
    if has_sasl "$IRC_PORT"; then
      sasl=yes
    fi
  fi
  echo "ircd=$ircd services=$services sasl=$sasl"
}

main() {
  [[ $# -eq 2 ]] || usage
  local cmd=$1
  mkdir -p "$2"
  DIR=$(cd "$2" && pwd)
  case $cmd in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    stop-services)
      stop_pid "$DIR/atheme.pid" "$ATHEME_BIN" Atheme
      # return only once InspIRCd has noticed (SASL no longer offered)
      if [[ -s $DIR/state ]] && live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null; then
        load_state
        local deadline=$((SECONDS + TIMEOUT))
        while has_sasl "$IRC_PORT"; do
          ((SECONDS < deadline)) || die "SASL still offered ${TIMEOUT}s after stopping Atheme"
          sleep 0.05
        done
      fi
      ;;
    start-services)
      load_state
      live_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" >/dev/null || die "InspIRCd is not running in $DIR"
      launch_services
      wait_sasl
      ;;
    stop-ircd) stop_pid "$DIR/inspircd.pid" "$DIR/bin/inspircd" InspIRCd ;;
    start-ircd)
      load_state
      launch_ircd
      if live_pid "$DIR/atheme.pid" "$ATHEME_BIN" >/dev/null; then
        wait_sasl
      fi
      ;;
    *) usage ;;
  esac
}

main "$@"
