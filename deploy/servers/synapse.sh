#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Usage: deploy/servers/synapse.sh COMMAND DIR [ARGS]
#
# A throw-away Synapse (Matrix homeserver) on 127.0.0.1 with SQLite, no federation,
# rate limits lifted; all state in the work dir DIR.
# Install first: deploy/install-deps.sh matrix   (venv at $REPO/.cache/synapse-venv)
#
#   start DIR      write DIR/homeserver.yaml, pick a free port (a restart in the
#                  same DIR reuses the previous one), start, wait until
#                  GET /health answers OK; prints KEY=VALUE lines (also in DIR/env):
#                    MATRIX_URL MATRIX_SERVER_NAME MATRIX_REGISTRATION_SECRET MATRIX_DIR
#   stop DIR       stop it (SIGTERM by pid file)
#   status DIR     print "synapse=running|stopped health=ok|no"
#   register DIR USER PASSWORD [admin]
#                  create USER via the shared-secret admin API; prints
#                    MATRIX_USER_ID=@USER:SERVER_NAME
#                    MATRIX_TOKEN=ACCESS_TOKEN
#                  If USER exists already it says so on stderr and logs in with
#                  PASSWORD instead (same output; exit 1 if that login fails).
# Env: SYNAPSE_VENV (default $REPO/.cache/synapse-venv), MATRIX_SERVER_NAME
#      (default localhost), MATRIX_START_TIMEOUT seconds (default 60).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
SYNAPSE_VENV="${SYNAPSE_VENV:-$REPO/.cache/synapse-venv}"
SERVER_NAME="${MATRIX_SERVER_NAME:-localhost}"
TIMEOUT="${MATRIX_START_TIMEOUT:-60}"
export SCRIPT_NAME=synapse.sh
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

health_ok() {
  "$PY3" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1] + "/health", timeout=2) as r:
        sys.exit(0 if r.read().strip() == b"OK" else 1)
except Exception:
    sys.exit(1)
PY
}

write_config() {
  local rc_keys=(rc_message rc_registration rc_login rc_admin_redaction rc_joins
    rc_joins_per_room rc_3pid_validation rc_invites rc_third_party_invite
    rc_media_create rc_presence rc_delayed_event_mgmt rc_reports rc_room_creation
    rc_key_requests rc_registration_token_validity rc_send_to_device)
  local fast="{per_second: 100000, burst_count: 1000000}" k
  {
    cat <<YAML
server_name: "$SERVER_NAME"
public_baseurl: "http://127.0.0.1:$PORT/"
pid_file: "$DIR/homeserver.pid.synapse"
listeners:
  - port: $PORT
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "$DIR/homeserver.db"
media_store_path: "$DIR/media_store"
signing_key_path: "$DIR/signing.key"
registration_shared_secret: "$SECRET"
macaroon_secret_key: "$(openssl rand -hex 32)"
form_secret: "$(openssl rand -hex 32)"
report_stats: false
enable_metrics: false
enable_registration: false
bcrypt_rounds: 4
presence:
  enabled: false
federation_domain_whitelist: []
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
allow_public_rooms_over_federation: false
update_user_directory_from_worker: null
user_directory:
  enabled: true
  search_all_users: true
# Tests poll /sync (human.py invites): a cached answer would hide what happened since.
caches:
  sync_response_cache_duration: 0
YAML
    for k in "${rc_keys[@]}"; do
      case $k in
        rc_login) echo "rc_login: {address: $fast, account: $fast, failed_attempts: $fast}" ;;
        rc_joins) echo "rc_joins: {local: $fast, remote: $fast}" ;;
        rc_invites) echo "rc_invites: {per_room: $fast, per_user: $fast, per_issuer: $fast}" ;;
        rc_presence) echo "rc_presence: {per_user: $fast}" ;;
        *) echo "$k: $fast" ;;
      esac
    done
    echo "rc_federation: {window_size: 1000, sleep_limit: 100000, sleep_delay: 0, reject_limit: 100000, concurrent: 1000}"
  } >"$DIR/homeserver.yaml"
}

cmd_start() {
  [[ -x $SYNAPSE_VENV/bin/python ]] || die "no venv at $SYNAPSE_VENV: run deploy/install-deps.sh matrix"
  if live_pid "$DIR/synapse.pid" "$DIR/homeserver.yaml" >/dev/null; then
    die "already running in $DIR (run '$0 stop $DIR' first)"
  fi
  rm -f "$DIR/synapse.out" "$DIR/env" "$DIR/homeserver.pid.synapse"
  mkdir -p "$DIR/media_store"
  # A restart in the same DIR keeps its port, so clients configured with MATRIX_URL reconnect.
  if [[ -s $DIR/port ]] && ! tcp_open "$(cat "$DIR/port")"; then
    PORT=$(cat "$DIR/port")
  else
    PORT=$(free_ports 1)
    echo "$PORT" >"$DIR/port"
  fi
  if [[ -s $DIR/secret ]]; then
    SECRET=$(cat "$DIR/secret")
  else
    SECRET=$(openssl rand -hex 24)
    echo "$SECRET" >"$DIR/secret"
  fi
  write_config
  if [[ ! -s $DIR/signing.key ]]; then
    # the format Synapse's --generate-keys writes: "ed25519 KEYID BASE64(seed), unpadded"
    "$PY3" -c 'import base64, os, secrets
print("ed25519 a_" + secrets.token_hex(2) + " " + base64.b64encode(os.urandom(32)).decode().rstrip("="))' \
      >"$DIR/signing.key"
  fi
  setsid "$SYNAPSE_VENV/bin/python" -m synapse.app.homeserver \
    -c "$DIR/homeserver.yaml" </dev/null >>"$DIR/synapse.out" 2>&1 &
  echo "$!" >"$DIR/synapse.pid"
  local url="http://127.0.0.1:$PORT" deadline=$((SECONDS + TIMEOUT))
  until health_ok "$url"; do
    if ! live_pid "$DIR/synapse.pid" "$DIR/homeserver.yaml" >/dev/null; then
      tail_logs "$DIR/synapse.out"
      die "Synapse exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      tail_logs "$DIR/synapse.out"
      die "Synapse /health not OK at $url after ${TIMEOUT}s"
    fi
    sleep 0.1
  done
  {
    echo "MATRIX_URL=$url"
    echo "MATRIX_SERVER_NAME=$SERVER_NAME"
    echo "MATRIX_REGISTRATION_SECRET=$SECRET"
    echo "MATRIX_DIR=$DIR"
  } >"$DIR/env"
  cat "$DIR/env"
}

cmd_register() {
  [[ -s $DIR/env ]] || die "$DIR/env missing: run '$0 start $DIR' first"
  local user=$1 password=$2 admin=${3:-}
  [[ -z $admin || $admin == admin ]] || die "4th argument must be 'admin' or nothing"
  local url secret
  url=$(sed -n 's/^MATRIX_URL=//p' "$DIR/env")
  secret=$(sed -n 's/^MATRIX_REGISTRATION_SECRET=//p' "$DIR/env")
  "$PY3" - "$url" "$secret" "$user" "$password" "$admin" <<'PY'
import hashlib, hmac, json, sys, urllib.error, urllib.request

url, secret, user, password, admin = sys.argv[1:6]

def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.load(e)
        except Exception:
            return e.code, {}

def out(res):
    print("MATRIX_USER_ID=" + res["user_id"])
    print("MATRIX_TOKEN=" + res["access_token"])

status, res = call("GET", "/_synapse/admin/v1/register")
if status != 200:
    sys.exit(f"synapse.sh: error: GET nonce failed: {status} {res}")
nonce = res["nonce"]
mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
mac.update(b"\x00".join([nonce.encode(), user.encode(), password.encode(),
                         b"admin" if admin else b"notadmin"]))
status, res = call("POST", "/_synapse/admin/v1/register", {
    "nonce": nonce, "username": user, "password": password,
    "admin": bool(admin), "mac": mac.hexdigest()})
if status == 200:
    out(res)
    sys.exit(0)
if res.get("errcode") != "M_USER_IN_USE":
    sys.exit(f"synapse.sh: error: register {user} failed: {status} {res}")
print(f"synapse.sh: user {user} already exists; logging in with the given password",
      file=sys.stderr)
status, res = call("POST", "/_matrix/client/v3/login", {
    "type": "m.login.password",
    "identifier": {"type": "m.id.user", "user": user}, "password": password})
if status != 200:
    sys.exit(f"synapse.sh: error: user {user} exists and login failed: {status} {res}")
out(res)
PY
}

main() {
  [[ $# -ge 2 ]] || usage
  local cmd=$1
  mkdir -p "$2"
  DIR=$(cd "$2" && pwd)
  shift 2
  case $cmd in
    start) [[ $# -eq 0 ]] || usage; cmd_start ;;
    stop) stop_pid "$DIR/synapse.pid" "$DIR/homeserver.yaml" Synapse ;;
    status)
      local state=stopped health=no url
      if live_pid "$DIR/synapse.pid" "$DIR/homeserver.yaml" >/dev/null; then
        state=running
        url=$(sed -n 's/^MATRIX_URL=//p' "$DIR/env" 2>/dev/null || true)
        if [[ -n $url ]] && health_ok "$url"; then
          health=ok
        fi
      fi
      echo "synapse=$state health=$health"
      ;;
    register)
      [[ $# -ge 2 && $# -le 3 ]] || usage
      cmd_register "$@"
      ;;
    *) usage ;;
  esac
}

main "$@"
