import RapportServerTesting
import Foundation
import Logging
import RapportCore
import RapportIRC
import Testing

/// Against real InspIRCd 3 + Atheme (and ngIRCd) started by `deploy/servers/*.sh`. Each test
/// owns its server, so the tests run in parallel; a server that cannot start fails the test.
@Suite(.timeLimit(.minutes(5)))
struct IRCIntegrationTests {
    static func config(_ server: TestIRCServer, nick: String, tls: Bool = false, channels: [String] = ["#rapport"]) -> IRCConfiguration {
        var config = IRCConfiguration(
            host: server.host, port: tls ? server.tlsPort : server.port, tls: tls, tlsVerify: false, nick: nick,
            channels: channels)
        config.flood = .init(burst: 50, perSecond: 50)
        config.reconnect = .init(min: 0.3, max: 1)
        config.connectTimeout = 5
        return config
    }

    @Test(.timeLimit(.minutes(2)))
    func tlsWithSaslPlainJoinsAndAnswersPing() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = Self.config(server, nick: "rapport", tls: true)
            config.tlsVerify = true
            config.tlsPinSHA256 = try await server.serverCertificateSHA256()  // pinned self-signed cert
            config.sasl = .init(mechanism: .plain, username: "rapport", password: "rapportpass")
            try await withBot(config) { bot in
                async let aliceConnect = TestIRCClient.connect(port: server.port, nick: "alice")
                try await bot.waitUntilJoined(["#rapport"])
                #expect(await bot.connector.loggedInAccount() == "rapport")
                let alice = try await aliceConnect
                try await alice.send("JOIN #rapport")
                _ = try await alice.waitFor { $0.command == "366" }
                try await alice.send("PRIVMSG #rapport :!ping")
                let reply = try await alice.waitFor { $0.isText(from: "rapport", to: "#rapport") }
                #expect(reply.parameters.last == "pong")
                #expect(reply.tag("account") == "rapport")
                #expect(reply.tag("+draft/reply") != nil)  // linked to alice's msgid
                // MONITOR-based presence for a nick that shares no channel.
                #expect(await bot.connector.isOnline("nobody-here") == false)
                let bob = try await TestIRCClient.connect(port: server.port, nick: "bob")
                #expect(await bot.connector.isOnline("bob") == true)
                await bob.close()
                await alice.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func saslExternalWithClientCertificate() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = Self.config(server, nick: "certbot", tls: true)
            config.clientCert = server.clientCert
            config.sasl = .init(mechanism: .external)
            // Verification on (the default) rejects the self-signed certificate, as does a wrong pin.
            var strict = Self.config(server, nick: "strict", tls: true)
            strict.tlsVerify = true
            var pinned = strict
            pinned.nick = "pinned"
            pinned.tlsPinSHA256 = String(repeating: "ab", count: 32)
            let strictBot = IRCConnector(network: "strict", configuration: strict, logger: Logger(label: "test"))
            let pinnedBot = IRCConnector(network: "pinned", configuration: pinned, logger: Logger(label: "test"))
            let untrusted = [
                Task { try await strictBot.run(events: RecordingSink()) }, Task { try await pinnedBot.run(events: RecordingSink()) },
            ]
            try await withBot(config) { bot in
                try await bot.waitUntilJoined(["#rapport"])
                #expect(await bot.connector.loggedInAccount() == server.env["IRC_CERT_ACCOUNT"])
            }
            #expect(await strictBot.registrations == 0)
            #expect(await pinnedBot.registrations == 0)
            for task in untrusted { task.cancel() }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func wrongPasswordFailsClearly() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = Self.config(server, nick: "rapport")
            config.sasl = .init(mechanism: .plain, username: "rapport", password: "not-the-password")
            let connector = IRCConnector(network: "wrongpw", configuration: config, logger: Logger(label: "test"))
            let error = await #expect(throws: IRCConnectorError.self) {
                try await connector.run(events: RecordingSink())
            }
            #expect(error?.code == .saslRefused)
            #expect(error?.message.contains("SASL PLAIN login as rapport was refused") == true)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func nickCollisionUsesAlternateThenRegainsMainNick() async throws {
        try await withIRCServer(.inspircd) { server in
            let squatter = try await TestIRCClient.connect(port: server.port, nick: "rapport")
            var config = Self.config(server, nick: "rapport")
            config.altNicks = ["rapport-alt"]
            try await withBot(config) { bot in
                try await bot.waitUntilJoined(["#rapport"])
                #expect(bot.connector.currentNick() == "rapport-alt")
                await squatter.close()
                try await eventually("main nick regained") { bot.connector.currentNick() == "rapport" }
            }
        }
    }

    @Test("health shows the lag once InspIRCd answered a keepalive PING", .timeLimit(.minutes(2)))
    func keepaliveRoundTripIsTheLag() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = Self.config(server, nick: "rapport")
            config.pingInterval = 1
            config.pingTimeout = 10
            try await withBot(config) { bot in
                try await bot.waitUntilJoined(["#rapport"])
                try await eventually("a keepalive round trip measured") { await bot.connector.health().lag != nil }
                let lag = try #require(await bot.connector.health().lag)
                #expect(lag > .zero && lag < .seconds(5), "a local server answers quickly: \(lag)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func serverRestartReconnectsRejoinsAndKeepsQueuedOutput() async throws {
        try await withIRCServer(.inspircd) { server in
            try await withBot(Self.config(server, nick: "rapport")) { bot in
                try await bot.waitUntilJoined(["#rapport"])
                try await bot.connector.join("#runtime")
                try await bot.waitUntilJoined(["#rapport", "#runtime"])
                try await server.command("stop-ircd")
                try await eventually("connection lost") { await !bot.connector.isConnected() }
                #expect(await bot.connector.status() == .connecting, "/readyz: reconnecting")
                try await bot.connector.send(OutgoingMessage(to: .channel("#rapport"), text: "queued while offline", style: .message))
                try await server.command("start-ircd")
                try await bot.waitUntilJoined(["#rapport", "#runtime"], timeout: 30)
                #expect(await bot.connector.registrations >= 2)
                #expect(await bot.connector.status() == .connected)
                let health = await bot.connector.health()
                #expect(health.status == .connected && health.since != nil && health.reconnects >= 1)
                #expect(health.lastError != nil, "why the connection ended")
                #expect(health.channels["#rapport"] == .some(1) && health.channels["#runtime"] == .some(1), "the bot alone in each")
                try await eventually("queued line delivered (echo-message)") {
                    await EventLog.shared.events(on: bot.network).contains { $0.isOwn && $0.message?.text == "queued while offline" }
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func servicesOutageKeepsServingAndReauthenticatesOnNextConnect() async throws {
        try await withIRCServer(.inspircd) { server in
            var config = Self.config(server, nick: "rapport")
            config.sasl = .init(mechanism: .plain, username: "rapport", password: "rapportpass")
            try await withBot(config) { bot in
                let alice = try await aliceInRapport(server, bot)
                try await server.command("stop-services")
                try await Task.sleep(for: .seconds(3))  // serverpingfreq=2s: the ircd notices the loss
                try await alice.send("PRIVMSG #rapport :!ping")
                let reply = try await alice.waitFor { $0.isText(from: "rapport", to: "#rapport") }
                #expect(reply.parameters.last == "pong")
                #expect(await bot.connector.isConnected())
                try await server.command("start-services")
                await bot.connector.dropConnection()
                try await eventually("re-registered with SASL", timeout: 30) {
                    let count = await bot.connector.registrations
                    let account = await bot.connector.loggedInAccount()
                    return count >= 2 && account == "rapport"
                }
                await alice.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func accountTrackingWithExtendedJoinAccountNotifyAndWhox() async throws {
        try await withIRCServer(.inspircd) { server in
            let aliceConnect = Task { try await TestIRCClient.connect(port: server.port, nick: "alice", sasl: ("alice", "alicepass")) }
            let bobConnect = Task { try await TestIRCClient.connect(port: server.port, nick: "bob") }
            try await withBot(Self.config(server, nick: "rapport", channels: [])) { bot in
                let alice = try await aliceConnect.value
                let bob = try await bobConnect.value
                try await alice.send("JOIN #acct")
                _ = try await alice.waitFor { $0.command == "366" }
                try await eventually("bot registered") { await bot.connector.isConnected() }
                try await bot.connector.join("#acct")  // alice is already there: WHOX tells her account
                try await bot.waitUntilJoined(["#acct"])
                try await eventually("WHOX account for alice") { await bot.connector.account(of: "alice") == "alice" }
                // She made the channel, so she is its operator; a dashboard session of hers asks this on every request.
                let aliceIdentity = Identity.irc(network: bot.network, account: "alice")
                #expect(await bot.connector.isOperator(aliceIdentity, in: "#acct") == true)
                #expect(await bot.connector.isOperator(.irc(network: "elsewhere", account: "alice"), in: "#acct") == false)
                try await bob.send("JOIN #acct")
                try await eventually("bob seen") { await bot.connector.joinedChannels().isEmpty == false }
                try await Task.sleep(for: .milliseconds(300))
                #expect(await bot.connector.account(of: "bob") == nil)  // extended-join: not logged in
                try await bob.send("PRIVMSG NickServ :IDENTIFY bob bobpass")
                try await eventually("account-notify for bob") { await bot.connector.account(of: "bob") == "bob" }
                try await bob.send("PRIVMSG #acct :!whoami")
                let reply = try await bob.waitFor { $0.isText(from: "rapport", to: "#acct") }
                #expect(reply.parameters.last == "irc:\(bot.network):bob")  // account-tag on the message
                #expect(await bot.connector.isOperator(.irc(network: bot.network, account: "bob"), in: "#acct") == false)
                try await alice.send("MODE #acct -o alice")
                try await eventually("alice deopped") { await bot.connector.isOperator(aliceIdentity, in: "#acct") == false }
                await alice.close()
                await bob.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func crLfNulInEchoedTextNeverInjectsALine() async throws {
        try await withIRCServer(.inspircd) { server in
            try await withBot(Self.config(server, nick: "rapport")) { bot in
                let alice = try await aliceInRapport(server, bot)
                try await alice.send(#"PRIVMSG #rapport :!echo one\rtwo\0three"#)
                let lines = try await alice.collect(1) { $0.sourceNick == "rapport" }
                #expect(lines.map { IRCMessage(command: $0.command, parameters: $0.parameters).serialized() }
                    == ["PRIVMSG #rapport :one twothree"])
                // LF separates messages by contract: the injected "command" arrives as chat text.
                try await alice.send(#"PRIVMSG #rapport :!echo hi\r\nQUIT :pwned\nJOIN #evil"#)
                let more = try await alice.collect(3) { $0.sourceNick == "rapport" }
                #expect(more.map(\.command) == ["PRIVMSG", "PRIVMSG", "PRIVMSG"])
                #expect(more.map { $0.parameters.last ?? "" } == ["hi", "QUIT :pwned", "JOIN #evil"])
                #expect(await bot.connector.joinedChannels() == ["#rapport"])
                #expect(await bot.connector.isConnected())
                await alice.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func longReplyIsSplitWithinTheLineLimit() async throws {
        try await withIRCServer(.inspircd) { server in
            try await withBot(Self.config(server, nick: "rapport")) { bot in
                let alice = try await aliceInRapport(server, bot, caps: [])
                try await alice.send("PRIVMSG #rapport :!long 400")
                let lines = try await alice.collect(until: { $0.last?.parameters.last?.hasSuffix("w400") == true }) {
                    $0.isText(from: "rapport", to: "#rapport")
                }
                #expect(lines.count >= 4)
                #expect(lines.allSatisfy { $0.serialized().utf8.count + 2 <= 512 })
                let words = lines.flatMap { ($0.parameters.last ?? "").split(separator: " ").map(String.init) }
                #expect(words == (1...400).map { "w\($0)" })
                await alice.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func chanhistoryReplayIsNeverAnswered() async throws {
        try await withIRCServer(.inspircd) { server in
            let aliceConnect = Task { try await TestIRCClient.connect(port: server.port, nick: "alice") }
            try await withBot(Self.config(server, nick: "rapport", channels: [])) { bot in
                let alice = try await aliceConnect.value
                try await alice.send("JOIN #hist")
                _ = try await alice.waitFor { $0.command == "366" }
                try await alice.send("MODE #hist +H 50:1h")
                _ = try await alice.waitFor { $0.command == "MODE" && $0.parameter(1)?.contains("H") == true }
                try await alice.send("PRIVMSG #hist :!ping")
                try await alice.send("PRIVMSG #hist :!echo replayed")
                try await eventually("bot registered") { await bot.connector.isConnected() }
                try await bot.connector.join("#hist")
                try await bot.waitUntilJoined(["#hist"])
                // Plugins see the replay, marked as history; once it has arrived, nothing answers it.
                try await eventually("the replay reached the plugins") {
                    await EventLog.shared.events(on: bot.network).filter(\.isHistory).count >= 2
                }
                let replayed = try await alice.collect(for: 2) { $0.isText(from: "rapport") }
                #expect(replayed.isEmpty)
                try await alice.send("PRIVMSG #hist :!ping")
                let live = try await alice.collect(1) { $0.isText(from: "rapport") }
                #expect(live.map { $0.parameters.last } == ["pong"])
                await alice.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func basicFlowOnNgircdWithoutIRCv3() async throws {
        try await withIRCServer(.ngircd) { server in
            try await withBot(Self.config(server, nick: "rapport")) { bot in
                let alice = try await aliceInRapport(server, bot, caps: [])
                try await alice.send("PRIVMSG #rapport :!ping")
                let reply = try await alice.waitFor { $0.isText(from: "rapport", to: "#rapport") }
                #expect(reply.parameters.last == "pong")
                #expect(reply.tags.isEmpty)
                #expect(await bot.connector.isOnline("nobody-here") == false)  // ISON fallback
                #expect(await bot.connector.isOnline("alice") == true)
                await alice.close()
            }
        }
    }
}

/// alice, connecting while the bot joins #rapport, then in #rapport herself.
func aliceInRapport(_ server: TestIRCServer, _ bot: RunningBot, caps: [String]? = nil) async throws -> TestIRCClient {
    async let connect = caps == nil
        ? TestIRCClient.connect(port: server.port, nick: "alice")
        : TestIRCClient.connect(port: server.port, nick: "alice", caps: caps ?? [])
    try await bot.waitUntilJoined(["#rapport"])
    let alice = try await connect
    try await alice.send("JOIN #rapport")
    _ = try await alice.waitFor { $0.command == "366" }
    return alice
}
