import Foundation
import NIOCore
import RapportCore
import Testing

@testable import RapportIRC

/// Drives the state machine with wire lines, like a transcript.
struct SessionHarness {
    var session: IRCSessionStateMachine
    var now = Date(timeIntervalSince1970: 1_700_000_000)

    init(_ config: IRCConfiguration = IRCConfiguration(host: "h", nick: "rapport"), channels: [String] = []) {
        session = IRCSessionStateMachine(network: "test", configuration: config, channels: channels, now: now)
    }

    mutating func start() -> [String] { Self.lines(session.start()) }

    /// Feeds `line` the way the connector does (as an ``IRCLineView``).
    @discardableResult
    mutating func receive(_ line: String) throws -> [IRCSessionStateMachine.Action] {
        session.receive(try IRCLineView.parse(ByteBuffer(string: line)).get(), now: now)
    }

    /// The wire lines among `actions` (sent or queued).
    static func lines(_ actions: [IRCSessionStateMachine.Action]) -> [String] {
        actions.compactMap {
            switch $0 {
            case .send(let m), .queue(let m): m.serialized()
            default: nil
            }
        }
    }

    static func events(_ actions: [IRCSessionStateMachine.Action]) -> [ChatEvent] {
        actions.compactMap { if case .emit(let e) = $0 { e } else { nil } }
    }

    /// Registers with a typical InspIRCd welcome (caps enabled, 005 with WHOX and MONITOR).
    mutating func register(caps: String = "message-tags server-time account-tag account-notify extended-join away-notify multi-prefix userhost-in-names batch echo-message") throws {
        _ = start()
        try receive(":irc.test CAP * LS :\(caps)")
        try receive(":irc.test CAP * ACK :\(caps)")
        try receive(":irc.test 001 rapport :Welcome")
        try receive(":irc.test 005 rapport CASEMAPPING=rfc1459 CHANTYPES=# PREFIX=(qaohv)~&@%+ NICKLEN=30 LINELEN=512 MONITOR=30 WHOX BOT=B :are supported")
    }
}

struct IRCSessionStateMachineTests {
    @Test func registrationStartsWithCapLS302() {
        var h = SessionHarness()
        #expect(h.start() == ["CAP LS 302", "NICK rapport", "USER rapport 0 * Rapport"])
    }

    @Test func requestsOnlyCapsWeUseNeverPoison() throws {
        var h = SessionHarness()
        _ = h.start()
        try h.receive(":irc.test CAP * LS * :account-notify inspircd.org/poison away-notify")
        let actions = try h.receive(":irc.test CAP * LS :server-time inspircd.org/standard-replies message-tags sasl=PLAIN,EXTERNAL")
        #expect(SessionHarness.lines(actions) == ["CAP REQ :message-tags server-time account-notify away-notify"])
        #expect(SessionHarness.lines(try h.receive(":irc.test CAP * ACK :server-time message-tags account-notify away-notify")) == ["CAP END"])
    }

    @Test func saslPlainSendsBase64CredentialsThenEndsCap() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", sasl: .init(password: "rapportpass")))
        _ = h.start()
        #expect(SessionHarness.lines(try h.receive(":s CAP * LS :sasl=PLAIN,EXTERNAL")) == ["CAP REQ sasl"])
        #expect(SessionHarness.lines(try h.receive(":s CAP rapport ACK :sasl")) == ["AUTHENTICATE PLAIN"])
        #expect(SessionHarness.lines(try h.receive("AUTHENTICATE :+")) == ["AUTHENTICATE cmFwcG9ydAByYXBwb3J0AHJhcHBvcnRwYXNz"])
        try h.receive(":s 900 rapport rapport!r@h rapport :You are now logged in as rapport")
        #expect(SessionHarness.lines(try h.receive(":s 903 rapport :SASL authentication successful")) == ["CAP END"])
        #expect(h.session.account == "rapport")
    }

    @Test func refusedSaslFailsClearlyWhenRequired() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", sasl: .init(password: "wrong")))
        _ = h.start()
        try h.receive(":s CAP * LS :sasl")
        try h.receive(":s CAP * ACK :sasl")
        try h.receive("AUTHENTICATE +")
        let actions = try h.receive(":s 904 rapport :SASL authentication failed")
        let failure = actions.compactMap { if case .fail(let e) = $0 { e } else { nil } }.first
        #expect(failure?.code == .saslRefused)
        #expect(failure?.message.contains("refused") == true)
    }

    @Test func refusedSaslContinuesWhenNotRequired() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", sasl: .init(password: "wrong", required: false)))
        _ = h.start()
        try h.receive(":s CAP * LS :sasl")
        try h.receive(":s CAP * ACK :sasl")
        try h.receive("AUTHENTICATE +")
        #expect(SessionHarness.lines(try h.receive(":s 904 rapport :SASL authentication failed")) == ["CAP END"])
    }

    @Test func requiredSaslMissingFromCapLSDisconnectsToRetry() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", sasl: .init(password: "p")))
        _ = h.start()
        let actions = try h.receive(":s CAP * LS :message-tags")
        #expect(actions.contains { if case .disconnect = $0 { true } else { false } })
    }

    @Test func saslExternalSendsPlus() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", sasl: .init(mechanism: .external)))
        _ = h.start()
        try h.receive(":s CAP * LS :sasl=PLAIN,EXTERNAL")
        #expect(SessionHarness.lines(try h.receive(":s CAP * ACK :sasl")) == ["AUTHENTICATE EXTERNAL"])
        #expect(SessionHarness.lines(try h.receive("AUTHENTICATE +")) == ["AUTHENTICATE +"])
    }

    @Test func nakedGroupIsRetriedOneByOne() throws {
        var h = SessionHarness()
        _ = h.start()
        try h.receive(":s CAP * LS :server-time batch")
        #expect(SessionHarness.lines(try h.receive(":s CAP * NAK :server-time batch")) == ["CAP REQ server-time"])
        #expect(SessionHarness.lines(try h.receive(":s CAP * ACK :server-time")) == ["CAP REQ batch"])
        #expect(SessionHarness.lines(try h.receive(":s CAP * NAK :batch")) == ["CAP END"])
        #expect(h.session.enabledCaps == ["server-time"])
    }

    @Test func serverWithoutCapStillRegistersAndJoins() throws {
        var h = SessionHarness(channels: ["#rapport"])
        _ = h.start()
        try h.receive(":ngircd.test 421 * CAP :Unknown command")
        let actions = try h.receive(":ngircd.test 001 rapport :Welcome")
        #expect(h.session.isRegistered)
        #expect(SessionHarness.lines(actions) == ["JOIN #rapport"])
    }

    @Test func nickInUseTriesAlternatesThenRegainsOnQuit() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", altNicks: ["rapport2"]))
        _ = h.start()
        #expect(SessionHarness.lines(try h.receive(":s 433 * rapport :Nickname is already in use")) == ["NICK rapport2"])
        #expect(SessionHarness.lines(try h.receive(":s 433 * rapport2 :Nickname is already in use")) == ["NICK rapport_"])
        try h.receive(":s 001 rapport_ :Welcome")
        try h.receive(":s 005 rapport_ MONITOR=30 :are supported")
        #expect(h.session.nick == "rapport_")
        #expect(SessionHarness.lines(try h.receive(":rapport!x@y QUIT :bye")) == ["NICK rapport"])
        #expect(SessionHarness.lines(try h.receive(":s 731 rapport_ :rapport")) == ["NICK rapport"])
        try h.receive(":rapport_!r@h NICK rapport")
        #expect(h.session.nick == "rapport")
    }

    @Test func isupportIsParsed() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":s 005 rapport TARGMAX=PRIVMSG:4,JOIN: CHANMODES=beI,k,l,imnpst :are supported")
        let support = h.session.support
        #expect(support.casemapping == .rfc1459)
        #expect(support.prefixes.map(\.symbol) == ["~", "&", "@", "%", "+"])
        #expect(support.nickLength == 30 && support.lineLength == 512)
        #expect(support.targetMax["PRIVMSG"] == 4)
        #expect(support.monitor == 30 && support.whox && support.botMode == "B")
    }

    @Test func channelMessageBecomesEventWithAccountTimeAndOperator() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":rapport!r@h JOIN #Rapport * :Rapport")
        try h.receive(":s 353 rapport = #rapport :@Alice!a@h rapport!r@h")
        let whox = SessionHarness.lines(try h.receive(":s 366 rapport #rapport :End of /NAMES list."))
        #expect(whox == ["WHO #rapport %tcuhnfar,42"])
        let actions = try h.receive("@time=2024-05-01T12:00:00.500Z;msgid=m1;account=alice;+draft/reply=m0 :ALICE!a@h PRIVMSG #rapport :!ping")
        let event = try #require(SessionHarness.events(actions).first)
        #expect(event.channel == "#Rapport")
        #expect(event.sender.identity == .irc(network: "test", account: "alice"))
        #expect(event.id == MessageID("m1"))
        #expect(event.message?.replyTo == MessageID("m0"))
        #expect(event.time == Date(timeIntervalSince1970: 1_714_564_800.5))
        #expect(event.senderIsOperator)
        #expect(!event.isHistory && !event.isOwn && !event.sender.isBot)
    }

    @Test func accountTrackingFollowsExtendedJoinAccountNotifyAndWhox() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":rapport!r@h JOIN #c * :Rapport")
        try h.receive(":bob!b@h JOIN #c bob :Bob")
        #expect(h.session.account(of: "bob") == "bob")
        try h.receive(":bob!b@h ACCOUNT *")
        #expect(h.session.account(of: "bob") == nil)
        try h.receive(":s 354 rapport 42 #c c host carol H@B carol :Carol")
        #expect(h.session.account(of: "carol") == "carol")
        #expect(h.session.isOperator("carol", in: "#c"))
        try h.receive(":carol!c@host AWAY :lunch")
        #expect(h.session.isAway("carol"))
        let events = SessionHarness.events(try h.receive(":carol!c@host PRIVMSG #c :!ping"))
        #expect(events.first?.sender.isBot == true)  // B flag in WHOX
        try h.receive(":s MODE #c -o carol")
        #expect(!h.session.isOperator("carol", in: "#c"))
        try h.receive(":carol!c@host NICK Caro[l]")
        #expect(h.session.account(of: "caro{l}") == "carol")
    }

    @Test func historyBatchLinesAreMarkedHistory() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":rapport!r@h JOIN #c")
        try h.receive(":s BATCH +hist chathistory #c")
        let replayed = SessionHarness.events(try h.receive("@batch=hist;time=2020-01-01T00:00:00Z :bob!b@h PRIVMSG #c :!ping"))
        try h.receive(":s BATCH -hist")
        let live = SessionHarness.events(try h.receive(":bob!b@h PRIVMSG #c :!ping"))
        #expect(replayed.first?.isHistory == true)
        #expect(live.first?.isHistory == false)
    }

    @Test func botTagAndEchoAreMarked() throws {
        var h = SessionHarness()
        try h.register()
        let bot = SessionHarness.events(try h.receive("@bot :otherbot!b@h PRIVMSG #c :!ping"))
        #expect(bot.first?.sender.isBot == true)
        let own = SessionHarness.events(try h.receive(":rapport!r@h PRIVMSG #c :pong"))
        #expect(own.first?.isOwn == true)
    }

    @Test func directMessageHasNoChannel() throws {
        var h = SessionHarness()
        try h.register()
        let event = SessionHarness.events(try h.receive(":alice!a@h PRIVMSG rapport :hello")).first
        #expect(event?.channel == nil)
        #expect(event?.isDirect == true)
    }

    @Test func ctcpQueriesAreAnsweredButNotForBotsOrNotices() throws {
        var h = SessionHarness()
        try h.register()
        #expect(SessionHarness.lines(try h.receive(":alice!a@h PRIVMSG rapport :\u{01}VERSION\u{01}")).first?.hasPrefix("NOTICE alice :\u{01}VERSION Rapport") == true)
        #expect(SessionHarness.lines(try h.receive(":alice!a@h PRIVMSG rapport :\u{01}PING 123\u{01}")) == ["NOTICE alice :\u{01}PING 123\u{01}"])
        #expect(SessionHarness.lines(try h.receive(":alice!a@h PRIVMSG rapport :\u{01}TIME\u{01}")).count == 1)
        #expect(SessionHarness.lines(try h.receive(":alice!a@h PRIVMSG rapport :\u{01}DCC SEND x\u{01}")).isEmpty)
        #expect(SessionHarness.lines(try h.receive("@bot :b!b@h PRIVMSG rapport :\u{01}VERSION\u{01}")).isEmpty)
        #expect(SessionHarness.lines(try h.receive(":alice!a@h NOTICE rapport :\u{01}VERSION x\u{01}")).isEmpty)
        let action = SessionHarness.events(try h.receive(":alice!a@h PRIVMSG #c :\u{01}ACTION waves\u{01}")).first
        #expect(action?.kind == .action(ChatMessage("waves")))
    }

    @Test func pingIsAnsweredAndLagDisconnects() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", pingInterval: 10, pingTimeout: 5))
        try h.register()
        #expect(SessionHarness.lines(try h.receive("PING :abc")) == ["PONG abc"])
        h.now += 11
        #expect(SessionHarness.lines(h.session.tick(now: h.now)) == ["PING rapport-1"])
        h.now += 6
        #expect(h.session.tick(now: h.now).contains { if case .disconnect = $0 { true } else { false } })
    }

    @Test("lag is the round trip of the keepalive PING; a PONG to another token does not count")
    func lagIsTheKeepaliveRoundTrip() throws {
        var h = SessionHarness(IRCConfiguration(host: "h", nick: "rapport", pingInterval: 10, pingTimeout: 5))
        try h.register()
        #expect(h.session.lag == nil)
        h.now += 11
        #expect(SessionHarness.lines(h.session.tick(now: h.now)) == ["PING rapport-1"])
        h.now += 0.25
        try h.receive(":irc.example PONG irc.example :someone-else")
        #expect(h.session.lag == nil)
        h.now += 0.25
        try h.receive(":irc.example PONG irc.example :rapport-1")
        #expect(h.session.lag == .milliseconds(500))
        h.now += 1
        try h.receive(":irc.example PONG irc.example :rapport-1")
        #expect(h.session.lag == .milliseconds(500), "a repeated PONG is not a new round trip")
    }

    @Test func runtimeJoinsArePartOfTheNextRegistration() throws {
        var h = SessionHarness(channels: ["#a"])
        _ = h.session.join("#b")
        _ = h.start()
        try h.receive(":s 421 * CAP :Unknown")
        #expect(SessionHarness.lines(try h.receive(":s 001 rapport :Welcome")) == ["JOIN #a,#b"])
    }

    @Test func membersLeaveOnPartKickQuit() throws {
        var h = SessionHarness()
        try h.register()
        try h.receive(":rapport!r@h JOIN #c")
        try h.receive(":s 353 rapport = #c :rapport a b c")
        try h.receive(":a!a@h PART #c")
        try h.receive(":rapport!r@h KICK #c b :bye")
        try h.receive(":c!c@h QUIT :gone")
        #expect(h.session.members(of: "#c") == ["rapport"])
        try h.receive(":rapport!r@h PART #c")
        #expect(h.session.joinedChannels.isEmpty)
    }

    @Test func monitorAndIsonReportOnlineStatus() throws {
        var h = SessionHarness()
        try h.register()
        let (known, actions) = h.session.checkOnline("dave")
        #expect(known == nil && SessionHarness.lines(actions) == ["MONITOR + dave"])
        #expect(try h.receive(":s 730 rapport :dave!d@h").contains(.onlineStatus(nick: "dave", online: true)))
        var old = SessionHarness()
        _ = old.start()
        try old.receive(":s 001 rapport :Welcome")
        #expect(SessionHarness.lines(old.session.checkOnline("erin").actions) == ["ISON erin"])
        #expect(try old.receive(":s 303 rapport :").contains(.onlineStatus(nick: "erin", online: false)))
    }
}
