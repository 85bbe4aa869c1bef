import Foundation
import NudgesPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// Conversations in virtual time: who gets a reminder, when, and who never does.
struct NudgesPluginTests {
    let time = ManualTime()

    func chat(enabled: Bool = true, store: (any Store)? = nil, extra: [String: SettingValue] = [:]) async throws -> PluginHarness {
        let harness = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self)],
            configuration: BotConfiguration(plugins: ["nudges": .init(enabled: enabled, values: extra)]), store: store, time: time)
        await harness.connector.setOnline(["alice", "bob", "carol"])
        return harness
    }

    /// bob answers alice's question; alice goes on talking and never thanks bob.
    func unthankedAnswer(_ chat: PluginHarness) async throws {
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "bob", at: time.now)
        try await chat.advance(time, by: .seconds(120))
        try await chat.say("anyone here using kde plasma?", as: "alice", at: time.now)
    }

    @Test func anUnthankedAnswerGetsOneFriendlyReminderAfterTheDelay() async throws {
        let chat = try await chat()
        try await unthankedAnswer(chat)
        #expect(try await chat.advance(time, by: .seconds(10 * 60)).isEmpty)
        let sent = try await chat.advance(time, by: .seconds(10 * 60))
        #expect(sent.count == 1)
        let dm = try #require(sent.first)
        #expect(dm.target == .user(address: "alice"))
        #expect(dm.text.contains("bob answered your question"))
        #expect(dm.text.contains("sudo apt install ntfs-3g"))
        #expect(dm.text.contains("Reply stop"))
        #expect(try await chat.advance(time, by: .seconds(3 * 86400)).isEmpty)
    }

    @Test func aThanksSettlesIt() async throws {
        let chat = try await chat()
        try await unthankedAnswer(chat)
        try await chat.say("thanks bob, that worked", as: "alice", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
    }

    @Test func aThanksSettlesItWhateverTheCaseOfTheHelpersNick() async throws {
        let chat = try await chat()
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "Bob", at: time.now)
        try await chat.advance(time, by: .seconds(120))
        try await chat.say("thanks bob, that worked", as: "alice", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
    }

    @Test func nothingHappensWhereTheChannelHasNotSwitchedNudgesOn() async throws {
        let chat = try await chat(enabled: false)
        try await unthankedAnswer(chat)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
    }

    @Test func someoneWhoNeverSpokeAgainIsNotNudged() async throws {
        let chat = try await chat()
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "bob", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
    }

    @Test func stopAndNudgesOffAreHonoured() async throws {
        let chat = try await chat()
        #expect(try await chat.say("stop", as: "alice", in: nil) == ["Understood: no more reminders from me. Say !nudges on if you change your mind."])
        try await unthankedAnswer(chat)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        #expect(try await chat.say("!nudges status", as: "alice") == ["Your reminders are off."])
        #expect(try await chat.say("!nudges on", as: "alice") == ["Your reminders are on."])
    }

    @Test func quietHoursDeferTheReminderUntilTheyEnd() async throws {
        let chat = try await chat()
        // Virtual time starts at 2027-01-15 08:00 UTC.
        #expect(try await chat.say("!nudges quiet 08:00-12:00 UTC", as: "alice") == ["Your reminders are on; quiet 08:00-12:00 UTC."])
        try await unthankedAnswer(chat)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        #expect(try await chat.advance(time, by: .seconds(3 * 3600)).count == 1)
    }

    @Test func aDirectQuestionLeftUnansweredGetsAReplyReminder() async throws {
        let chat = try await chat()
        try await chat.join("bob", at: time.now)
        try await chat.say("bob: did the driver update fix your wifi?", as: "carol", at: time.now)
        try await chat.advance(time, by: .seconds(60))
        try await chat.say("what a day", as: "bob", in: "#other", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        let sent = try await chat.advance(time, by: .seconds(3600))
        #expect(sent.map(\.target) == [.user(address: "bob")])
        #expect(sent.first?.text.contains("carol asked you something in #test") == true)
        #expect(try await chat.say("!nudges why", as: "bob").first?.hasPrefix("In #test, carol asked you something directly") == true)
    }

    @Test func aRestartBetweenDueAndSentSendsExactlyOne() async throws {
        let store = try SQLiteStore()
        let first = try await chat(store: store)
        try await unthankedAnswer(first)
        await first.stop()
        time.advance(by: .seconds(30 * 60))
        let second = try await chat(store: store)
        let sent = try await second.advance(time, by: .seconds(60)) + (try await second.advance(time, by: .seconds(60)))
        #expect(sent.count == 1)
        await second.stop()
        let third = try await chat(store: store)
        #expect(try await third.advance(time, by: .seconds(3600)).isEmpty)
    }

    @Test func offlinePeopleGetItWhenTheyNextSpeak() async throws {
        let chat = try await chat()
        try await unthankedAnswer(chat)
        await chat.connector.setOnline(["bob"])
        #expect(try await chat.advance(time, by: .seconds(3600)).isEmpty)
        await chat.connector.setOnline(["alice", "bob"])
        try await chat.say("hi again", as: "alice", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(60)).count == 1)
    }
}
