import Foundation
import NudgesPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// The opt-in give-back digest, in virtual time.
struct NudgeDigestTests {
    let time = ManualTime()

    func chat(store: (any Store)? = nil) async throws -> PluginHarness {
        let harness = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self)], configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]),
            store: store, time: time)
        await harness.connector.setOnline(["alice", "bob", "carol"])
        return harness
    }

    /// bob answers alice, who thanks him; then carol asks something nobody answers.
    func aWeekInTheChannel(_ chat: PluginHarness) async throws {
        try await chat.say("how do I mount an ntfs usb drive on ubuntu?", as: "alice", at: time.now)
        try await chat.say("alice: sudo apt install ntfs-3g, then plug it in again", as: "bob", at: time.now)
        try await chat.say("thanks bob, that worked", as: "alice", at: time.now)
        try await chat.advance(time, by: .seconds(3600))
        try await chat.say("why does my laptop not wake up from suspend?", as: "carol", at: time.now)
        try await chat.advance(time, by: .seconds(2 * 3600))
    }

    @Test func aWeeklyDigestCountsHelpAndListsOpenQuestionsInYourChannels() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!nudges digest on", as: "alice") == ["Your reminders are on; weekly digest."])
        #expect(try await chat.say("!nudges digest on", as: "bob") == ["Your reminders are on; weekly digest."])
        #expect(try await chat.advance(time, by: .seconds(6 * 86400)).isEmpty)
        try await aWeekInTheChannel(chat)
        let sent = try await chat.advance(time, by: .seconds(86400))
        #expect(Set(sent.map(\.target)) == [.user(address: "alice"), .user(address: "bob")])
        let alice = try #require(sent.first { $0.target == .user(address: "alice") }).text
        #expect(alice.contains("in the last 7 day(s) you answered 0 question(s) and got 1 answer(s)"))
        #expect(alice.contains("\"why does my laptop not wake up from suspend?\" (#test, 1d ago)"))
        #expect(alice.contains("Reply stop"))
        let bob = try #require(sent.first { $0.target == .user(address: "bob") }).text
        #expect(bob.contains("you answered 1 question(s) and got 0 answer(s)"))
        // Carol's own question is not listed to her, and a period with nothing to say sends nothing.
        #expect(try await chat.advance(time, by: .seconds(7 * 86400)).isEmpty)
        #expect(try await chat.say("!nudges why", as: "alice") == ["That was the give-back digest you asked for; say nudges digest off to stop it."])
    }

    @Test func noDigestUnlessAskedForAndNoneAfterDigestOffOrNudgesOff() async throws {
        let chat = try await chat()
        _ = try await chat.say("!nudges digest daily", as: "alice")
        _ = try await chat.say("!nudges digest daily", as: "bob")
        #expect(try await chat.say("!nudges digest off", as: "alice") == ["Your reminders are on."])
        #expect(try await chat.say("!nudges off", as: "bob") == ["Your reminders are off."])
        try await aWeekInTheChannel(chat)
        #expect(try await chat.advance(time, by: .seconds(2 * 86400)).isEmpty)
        #expect(try await chat.say("!nudges digest sometimes", as: "alice") == ["Usage: nudges digest on|off|daily|weekly"])
    }

    @Test func quietHoursAndSnoozeDeferTheDigestWithoutLosingIt() async throws {
        let chat = try await chat()
        // Virtual time starts at 2027-01-15 08:00 UTC; the daily digest falls due at 08:00 the next day.
        _ = try await chat.say("!nudges digest daily", as: "alice")
        _ = try await chat.say("!nudges quiet 07:00-12:00 UTC", as: "alice")
        try await aWeekInTheChannel(chat)
        #expect(try await chat.advance(time, by: .seconds(21 * 3600 + 60)).isEmpty)
        #expect(try await chat.advance(time, by: .seconds(4 * 3600)).map(\.target) == [.user(address: "alice")])
        _ = try await chat.say("!nudges snooze 2d", as: "alice")
        try await chat.advance(time, by: .seconds(60))
        try await chat.say("what is the difference between apt and snap?", as: "dave", at: time.now)
        #expect(try await chat.advance(time, by: .seconds(86400)).isEmpty)
        #expect(try await chat.advance(time, by: .seconds(86400)).map(\.target) == [.user(address: "alice")])
    }

    @Test func aRestartBetweenDueAndSentSendsTheDigestExactlyOnce() async throws {
        let store = try SQLiteStore()
        let first = try await chat(store: store)
        _ = try await first.say("!nudges digest daily", as: "alice")
        try await aWeekInTheChannel(first)
        await first.stop()
        time.advance(by: .seconds(86400))
        let second = try await chat(store: store)
        let sent = try await second.advance(time, by: .seconds(60)) + (try await second.advance(time, by: .seconds(60)))
        #expect(sent.map(\.target) == [.user(address: "alice")])
        await second.stop()
        let third = try await chat(store: store)
        #expect(try await third.advance(time, by: .seconds(3600)).isEmpty)
    }
}
