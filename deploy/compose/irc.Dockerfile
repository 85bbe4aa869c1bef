# InspIRCd 3 with Atheme services, from Debian's packages, for deploy/compose.yaml.
FROM debian:12.8-slim AS irc
RUN apt-get update \
    && apt-get install -y --no-install-recommends inspircd atheme-services tini \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o irc -g irc /var/lib/irc
COPY inspircd.conf.in atheme.conf.in /etc/rapport-irc/
COPY irc-entrypoint.sh /usr/local/bin/irc-entrypoint
USER irc
VOLUME ["/var/lib/irc"]
EXPOSE 6667
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/irc-entrypoint"]
