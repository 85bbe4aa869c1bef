#!/bin/sh
# Renders the InspIRCd and Atheme configurations with the link password, then runs both in
# the foreground; when either ends, the other is stopped and the container exits.
set -eu
: "${IRC_LINK_PASSWORD:?set IRC_LINK_PASSWORD}"
mkdir -p /var/lib/irc/inspircd /var/lib/irc/atheme
for name in inspircd atheme; do
  sed "s|@LINK_PASSWORD@|${IRC_LINK_PASSWORD}|g" "/etc/rapport-irc/$name.conf.in" >"/var/lib/irc/$name/$name.conf"
  chmod 600 "/var/lib/irc/$name/$name.conf"
done
[ -f /var/lib/irc/atheme/services.db ] || : >/var/lib/irc/atheme/services.db

/usr/sbin/inspircd --config /var/lib/irc/inspircd/inspircd.conf --nofork &
ircd=$!
/usr/bin/atheme-services -n -c /var/lib/irc/atheme/atheme.conf -D /var/lib/irc/atheme -l /dev/stdout &
services=$!
trap 'kill -TERM "$ircd" "$services" 2>/dev/null' TERM INT
# POSIX sh has no "wait -n": poll until one of them is gone.
while kill -0 "$ircd" 2>/dev/null && kill -0 "$services" 2>/dev/null; do sleep 1; done
kill -TERM "$ircd" "$services" 2>/dev/null || true
wait
