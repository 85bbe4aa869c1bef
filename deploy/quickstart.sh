#!/usr/bin/env bash
# Rapport quick start on a fresh Debian machine: installs what is needed, builds the bot,
# starts a throw-away IRC server (InspIRCd 3 + Atheme services) on 127.0.0.1 and the bot with
# SQLite, and prints how to connect with any IRC client. Ctrl-C stops both.
#
#   deploy/quickstart.sh            # debug build (quicker to build)
#   deploy/quickstart.sh --release  # optimised build
#
# State (the bot's database, the server's files) lives in .cache/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
configuration=debug
[ "${1:-}" = "--release" ] && configuration=release

deploy/install-deps.sh build irc

echo "== building rapport ($configuration)"
swift build -c "$configuration" --product rapport
binary="$(swift build -c "$configuration" --show-bin-path)/rapport"

state="$PWD/.cache/quickstart"
mkdir -p "$state"
deploy/servers/inspircd.sh stop "$state/irc" >/dev/null 2>&1 || true
rm -rf "$state/irc"
bot_password="$(openssl rand -hex 12)"
echo "== starting InspIRCd + Atheme on 127.0.0.1"
IRC_ACCOUNTS="rapport:$bot_password you:yourpass" deploy/servers/inspircd.sh start "$state/irc" >"$state/irc.env"
IRC_PORT="$(sed -n 's/^IRC_PORT=//p' "$state/irc.env")"

HTTP_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

cleanup() { deploy/servers/inspircd.sh stop "$state/irc" >/dev/null 2>&1 || true; }
trap cleanup EXIT

cat >"$state/rapport.yaml" <<YAML
bot:
  nick: rapport
  owners: ["irc:local:you"]
storage:
  sqlite: $state/rapport.sqlite
networks:
  - name: local
    irc:
      host: 127.0.0.1
      port: $IRC_PORT
      tls: false
      nick: rapport
      sasl: { mechanism: PLAIN, username: rapport, password: "\${RAPPORT_IRC_PASSWORD}" }
      channels: ["#rapport"]
http:
  listen: 127.0.0.1:$HTTP_PORT
plugins:
  nudges: { enabled: true }
YAML
export RAPPORT_IRC_PASSWORD="$bot_password"

cat <<TEXT

Rapport is starting on a local IRC server. Connect with any IRC client, for example:

    irssi -c 127.0.0.1 -p $IRC_PORT -n you -w yourpass      (or: weechat, then /server add local 127.0.0.1/$IRC_PORT)
    /msg NickServ IDENTIFY yourpass      (if your client did not log in; the account "you" is an owner)
    /join #rapport
    !help
    !dashboard                           (sends you a sign-in link to the web dashboard)

Health and metrics: http://127.0.0.1:$HTTP_PORT/readyz and /metrics

The configuration is $state/rapport.yaml. Press Ctrl-C to stop the bot and the server.

TEXT
"$binary" run --config "$state/rapport.yaml"
