import Foundation
import PrivacyPlugin
import RapportCore
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import ThanksPlugin

/// `!helpers` and `!me` as people would use them, and the weekly digest in virtual time.
@Suite(.timeLimit(.minutes(5)))
struct HelpersCommandsTests {
    let time = ManualTime()
    static let boss = Identity.irc(network: "test", account: "boss")

    func chat(store: (any Store)? = nil, privacy: Bool = false) async throws -> PluginHarness {
        try await PluginHarness(
            [PluginRegistration(ThanksPlugin.self)] + (privacy ? [PluginRegistration(PrivacyPlugin.self)] : []),
            configuration: BotConfiguration(owners: [Self.boss]), store: store, time: time)
    }

    /// What the bot sends when `nick` types `text` in #test (or privately, with `channel: nil`).
    func type(
        _ chat: PluginHarness, _ text: String, as nick: String, account: String? = nil, operator: Bool = false, in channel: String? = "#test"
    ) async throws -> [OutgoingMessage] {
        try await chat.send(ChatEvent(
            network: "test", channel: channel, sender: PluginHarness.user(nick, account: account), time: time.now,
            kind: .message(.init(text)), senderIsOperator: `operator`))
    }

    /// bob answers three people and nobody thanks him; frank's second question stays open.
    func busyWeek(_ chat: PluginHarness) async throws {
        for (asker, question) in [("alice", "how do I mount a usb stick?"), ("dave", "how do I resize a partition?"), ("frank", "where is the grub config?")] {
            try await chat.say(question, as: asker, at: time.now)
            time.advance(by: .seconds(30))
            try await chat.say("\(asker): the wiki page for that explains it step by step", as: "bob", at: time.now)
            time.advance(by: .seconds(600))
        }
        try await chat.say("why does my wifi drop every hour?", as: "frank", at: time.now)
        time.advance(by: .seconds(3600))
    }

    @Test func operatorsSeeTheirChannelsHelpersWithoutPingingAnyone() async throws {
        let chat = try await chat()
        try await busyWeek(chat)
        let sent = try await type(chat, "!helpers", as: "carol", operator: true)
        #expect(sent.allSatisfy { $0.target == .channel("#test") })
        #expect(sent.map(\.text) == [
            "Top helpers in #test, this week: b\u{200B}ob (3 answers to 3 people, 0 thanks)",
            "Unsung helpers (many answers, few thanks): b\u{200B}ob (3 answers, 0 thanks)",
            "Started helping this week: b\u{200B}ob (3 answers)",
        ])
        #expect(!sent.contains { $0.text.contains("bob") })
    }

    @Test func onlyAdminsLearnWhoOnlyAsksAndOnlyPrivately() async throws {
        let chat = try await chat()
        try await busyWeek(chat)
        let sent = try await type(chat, "!helpers #test all", as: "boss", account: "boss")
        #expect(sent.filter { $0.target == .channel("#test") }.count == 3)
        let dm = try #require(sent.first { $0.target == .user(address: "boss") })
        #expect(dm.text == "Asked in #test all time and never answered anyone there yet: f\u{200B}rank (2 questions), a\u{200B}lice (1 question), d\u{200B}ave (1 question)")
        #expect(try await type(chat, "!helpers", as: "carol", operator: true).allSatisfy { !$0.text.contains("Asked in") })
    }

    @Test func othersAreRefused() async throws {
        let chat = try await chat()
        #expect(try await type(chat, "!helpers", as: "alice").map(\.text) == ["You need to be a channel operator for that."])
        #expect(try await type(chat, "!helpers #elsewhere", as: "carol", operator: true).map(\.text)
            == ["Channel operators see their own channel only; a bot admin can ask about #elsewhere."])
        #expect(try await type(chat, "!helpers digest on", as: "carol", operator: true).map(\.text) == ["You need to be a bot admin for that."])
        #expect(try await type(chat, "!helpers", as: "boss", account: "boss", in: nil).first?.text.contains(HelpersCommands.usage) == true)
        #expect(try await type(chat, "!helpers year", as: "boss", account: "boss").first?.text.contains(HelpersCommands.usage) == true)
    }

    @Test func meAnswersPrivatelyWithTheBalance() async throws {
        let chat = try await chat()
        try await busyWeek(chat)
        let sent = try await type(chat, "!me", as: "bob")
        #expect(sent.map(\.target) == [.user(address: "bob"), .channel("#test")])
        #expect(sent.first?.text == "Your help on test: you gave 3 answers and got 0 thanks; you got 0 answers and gave 0 thanks. You helped a\u{200B}lice (1), d\u{200B}ave (1), f\u{200B}rank (1). You were helped by nobody yet.")
        #expect(try await type(chat, "!me", as: "frank", in: nil).first?.text.hasPrefix("Your help on test: you gave 0 answers and got 0 thanks; you got 1 answer") == true)
    }
}

extension HelpersCommandsTests {
    @Test func theDigestComesWeeklyAndNeverTwiceAcrossRestarts() async throws {
        try await digestComesWeeklyAndNeverTwice(store: try SQLiteStore())
    }

    @Test func theDigestIsClaimedOnceOnPostgreSQLToo() async throws {
        try await TestPostgres.withStore { store in try await digestComesWeeklyAndNeverTwice(store: store) }
    }

    func digestComesWeeklyAndNeverTwice(store: any Store) async throws {
        let first = try await chat(store: store)
        // The harness's clock starts on a Friday: the first digest comes on Monday, about that week.
        #expect(try await type(first, "!helpers digest on", as: "boss", account: "boss").first?.text.hasPrefix("Every Monday I'll send you") == true)
        try await busyWeek(first)
        #expect(try await first.advance(time, by: .seconds(2 * 86400)).isEmpty)
        let digest = try await first.advance(time, by: .seconds(86400))
        #expect(digest.allSatisfy { $0.target == .user(address: "boss") })
        #expect(digest.map(\.text) == [
            "Weekly digest. Help in #test, last week: 3 answers, 0 thanks, 4 questions (1 still unanswered), 1 helper.",
            "Top helpers in #test, last week: b\u{200B}ob (3 answers to 3 people, 0 thanks)",
            "Unsung helpers (many answers, few thanks): b\u{200B}ob (3 answers, 0 thanks)",
            "Left unanswered: f\u{200B}rank, 3d ago: “why does my wifi drop every hour?”",
        ])
        await first.stop()
        let second = try await chat(store: store)
        // A new run knows where boss is once boss speaks (the digest waits until then).
        #expect(try await type(second, "morning all", as: "boss", account: "boss").isEmpty)
        #expect(try await second.advance(time, by: .seconds(6 * 86400)).isEmpty)
        #expect(try await second.advance(time, by: .seconds(86400)).count == 4)
        #expect(try await type(second, "!helpers digest off", as: "boss", account: "boss").map(\.text) == ["No more weekly digest of #test for you."])
        #expect(try await second.advance(time, by: .seconds(8 * 86400)).isEmpty)
    }

    @Test func questionExcerptsAreExportedExpiredAndForgotten() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store, privacy: true)
        try await chat.say("where is the grub config?", as: "frank", account: "frank", at: time.now)
        let export = try await type(chat, "!export me", as: "frank", account: "frank")
        #expect(export.first { $0.target == .user(address: "frank") }?.text.contains("where is the grub config?") == true)
        try await chat.advance(time, by: .seconds(31 * 86400))
        #expect(try await store.query("SELECT excerpt FROM thanks_question").map { $0["excerpt"].string } == [""])
        _ = try await type(chat, "!forget me", as: "frank", account: "frank")
        _ = try await type(chat, "!forget me confirm", as: "frank", account: "frank")
        #expect(try await store.query("SELECT id FROM thanks_question").isEmpty)
    }
}
