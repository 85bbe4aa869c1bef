#!/usr/bin/env bash
# Usage: deploy/install-deps.sh [irc] [ngircd] [matrix] [postgres] [browser] [build] [all]
#
# Idempotent installer for the local servers used by Rapport's integration tests
# and quick start. With no argument it installs "all".
#   build    - C libraries a Swift build (Foundation, SwiftNIO/NIOSSL, GRDB, libolm) needs
#   irc      - InspIRCd 3 + Atheme services + openssl      (deploy/servers/inspircd.sh)
#   ngircd   - ngIRCd, the "old server without IRCv3"      (deploy/servers/ngircd.sh)
#   matrix   - Synapse in a cached venv at $REPO/.cache/synapse-venv (deploy/servers/synapse.sh),
#              with matrix-nio[e2e] for the end-to-end encrypting test human
#   postgres - PostgreSQL 15                               (deploy/servers/postgres.sh)
#   browser  - Debian's chromium + chromium-driver         (the dashboard's browser test)
# Packages are only installed when `dpkg -s` says they are missing; `apt-get update`
# runs at most once. Debian's packaged services (inspircd, ngircd, postgresql,
# atheme-services) are kept from starting and disabled: the test scripts run their
# own throw-away instances on free loopback ports.
# Env: SYNAPSE_VENV (default $REPO/.cache/synapse-venv), PYTHON (default python3).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
SYNAPSE_VENV="${SYNAPSE_VENV:-$REPO/.cache/synapse-venv}"
PYTHON="${PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-deps: %s\n' "$*" >&2; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  SUDO=(sudo)
fi

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -qq
    APT_UPDATED=1
  fi
}

is_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

# Services whose packages start a daemon on a default port; never left running.
PACKAGED_SERVICES=(inspircd atheme-services ngircd postgresql)

# Install the given packages if any is missing, with a policy-rc.d that keeps
# maintainer scripts from starting services (restored afterwards).
apt_install() {
  local missing=() p
  for p in "$@"; do
    is_installed "$p" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "already installed: $*"
    return 0
  fi
  apt_update_once
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from rapport deploy/install-deps.sh\nexit 101\n' |
      "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 755 "$policy"
    created_policy=1
  fi
  log "apt-get install ${missing[*]}"
  local rc=0
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
  if [[ $created_policy -eq 1 ]]; then
    "${SUDO[@]}" rm -f "$policy"
  fi
  if [[ $rc -ne 0 ]]; then
    log "apt-get install failed (exit $rc)"
    return "$rc"
  fi
}

# Stop and disable Debian's own instances of the servers (harmless when absent).
disable_packaged_services() {
  local s
  for s in "${PACKAGED_SERVICES[@]}"; do
    [[ -e /etc/init.d/$s || -e /lib/systemd/system/$s.service ]] || continue
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
      "${SUDO[@]}" systemctl disable --now "$s" >/dev/null 2>&1 || true
    else
      if [[ -x /etc/init.d/$s ]]; then
        "${SUDO[@]}" /etc/init.d/"$s" stop >/dev/null 2>&1 || true
      fi
      if command -v update-rc.d >/dev/null; then
        "${SUDO[@]}" update-rc.d "$s" disable >/dev/null 2>&1 || true
      fi
    fi
  done
}

install_build() {
  apt_install libcurl4-openssl-dev libssl-dev libsqlite3-dev zlib1g-dev libxml2-dev pkg-config libolm-dev
}

install_irc() {
  apt_install inspircd atheme-services openssl python3
}

install_ngircd() {
  apt_install ngircd python3
}

install_postgres() {
  apt_install postgresql postgresql-client
  if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
    log "PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin"
    return 1
  fi
}

install_browser() {
  apt_install chromium chromium-driver
}

install_matrix() {
  if ! command -v "$PYTHON" >/dev/null; then
    apt_install python3
    PYTHON=python3
  fi
  if [[ -x $SYNAPSE_VENV/bin/python ]] &&
    "$SYNAPSE_VENV/bin/python" -c 'import synapse.app.homeserver' >/dev/null 2>&1; then
    log "synapse already in $SYNAPSE_VENV ($("$SYNAPSE_VENV/bin/python" -c 'import synapse; print(synapse.__version__)'))"
    install_nio
    return 0
  fi
  if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
    log "$PYTHON is older than 3.10; Synapse needs >= 3.10"
    return 1
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
  mkdir -p "$(dirname "$SYNAPSE_VENV")"
  if [[ ! -x $SYNAPSE_VENV/bin/pip ]]; then
    log "creating venv $SYNAPSE_VENV"
    rm -rf "$SYNAPSE_VENV"
    "$PYTHON" -m venv "$SYNAPSE_VENV"
  fi
  log "pip install matrix-synapse into $SYNAPSE_VENV"
  "$SYNAPSE_VENV/bin/pip" install -q --disable-pip-version-check matrix-synapse
  "$SYNAPSE_VENV/bin/python" -c 'import synapse.app.homeserver'
  install_nio
}

# matrix-nio with end-to-end encryption (its vodozemac wheel needs no compiler), for the
# Matrix test human that talks to the bot in encrypted rooms.
install_nio() {
  if "$SYNAPSE_VENV/bin/python" -c 'from nio.crypto import ENCRYPTION_ENABLED; assert ENCRYPTION_ENABLED' >/dev/null 2>&1; then
    log "matrix-nio with encryption already in $SYNAPSE_VENV"
    return 0
  fi
  log "pip install matrix-nio[e2e] into $SYNAPSE_VENV"
  "$SYNAPSE_VENV/bin/pip" install -q --disable-pip-version-check 'matrix-nio[e2e]'
  "$SYNAPSE_VENV/bin/python" -c 'from nio.crypto import ENCRYPTION_ENABLED; assert ENCRYPTION_ENABLED'
}

main() {
  local groups=("$@") g
  [[ ${#groups[@]} -gt 0 ]] || groups=(all)
  local want_build=0 want_irc=0 want_ngircd=0 want_matrix=0 want_postgres=0 want_browser=0
  for g in "${groups[@]}"; do
    case $g in
      build) want_build=1 ;;
      irc) want_irc=1 ;;
      ngircd) want_ngircd=1 ;;
      matrix) want_matrix=1 ;;
      postgres) want_postgres=1 ;;
      browser) want_browser=1 ;;
      all) want_build=1 want_irc=1 want_ngircd=1 want_matrix=1 want_postgres=1 want_browser=1 ;;
      -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        return 0
        ;;
      *)
        log "unknown group '$g' (expected: irc ngircd matrix postgres browser build all)"
        return 2
        ;;
    esac
  done
  [[ $want_build -eq 0 ]] || install_build
  [[ $want_irc -eq 0 ]] || install_irc
  [[ $want_ngircd -eq 0 ]] || install_ngircd
  [[ $want_postgres -eq 0 ]] || install_postgres
  [[ $want_browser -eq 0 ]] || install_browser
  disable_packaged_services
  [[ $want_matrix -eq 0 ]] || install_matrix
  log "done: ${groups[*]}"
}

main "$@"
