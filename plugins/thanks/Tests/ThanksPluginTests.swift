import Foundation
import PrivacyPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import ThanksPlugin

/// Transcripts: what people say, and what the bot answers.
struct ThanksPluginTests {
    let time = ManualTime()

    func chat() async throws -> PluginHarness {
        try await PluginHarness([PluginRegistration(ThanksPlugin.self)], time: time)
    }

    @Test func thanksRightAfterAnAnswerCreditsTheHelper() async throws {
        let chat = try await chat()
        try await chat.say("how do I mount a usb stick?", as: "alice", at: time.now)
        try await chat.say("alice: plug it in, Files mounts it for you", as: "bob", at: time.now)
        try await chat.say("thanks bob", as: "alice", at: time.now)
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 1 thanks and 1 answer in #test."])
        #expect(try await chat.say("!top", as: "carol", at: time.now) == ["Most thanked in #test, this week: bob (1)"])
        #expect(try await chat.say("!helped alice", as: "carol", at: time.now) == ["alice was helped by bob (2); alice helped nobody yet."])
    }

    @Test func unthankedAnswersShowInOwe() async throws {
        let chat = try await chat()
        try await chat.say("how do I mount a usb stick?", as: "alice", at: time.now)
        try await chat.say("alice: plug it in, Files mounts it for you", as: "bob", at: time.now)
        #expect(try await chat.say("!owe", as: "alice", at: time.now) == ["Answered you and not thanked yet: bob (in #test)"])
        #expect(try await chat.say("!thanks bob for the tip", as: "alice", at: time.now) == ["Noted: alice thanked bob (for the tip)."])
        #expect(try await chat.say("!owe", as: "alice", at: time.now) == ["You're all square: everyone who answered you lately has been thanked."])
    }

    @Test func noSelfCreditAndADailyCap() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!thanks alice", as: "alice", at: time.now) == ["Nice try, but you can't thank yourself."])
        for _ in 0..<3 { try await chat.say("!thanks bob", as: "alice", at: time.now) }
        #expect(try await chat.say("!thanks bob", as: "alice", at: time.now) == ["You've already thanked bob a lot today; it's noted, though!"])
        try await chat.say("bob++", as: "alice", at: time.now)
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 3 thanks and 0 answers in #test."])
    }

    @Test func reactionsCount() async throws {
        let chat = try await chat()
        try await chat.say("use lsblk to see the disks", as: "bob", id: MessageID("m1"), at: time.now)
        _ = try await chat.send(ChatEvent(
            network: "test", channel: "#test", sender: PluginHarness.user("alice"), time: time.now,
            kind: .reaction(target: MessageID("m1"), key: "🙏")))
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 1 thanks and 0 answers in #test."])
    }

    @Test func topByPeriod() async throws {
        let chat = try await chat()
        #expect(try await chat.say("!top all", as: "carol", at: time.now) == ["Nobody has been thanked in #test all time yet."])
        #expect(try await chat.say("!top year", as: "carol", at: time.now).first?.contains("top [week|month|all]") == true)
    }
}

extension ThanksPluginTests {
    @Test func forgetMeErasesTheirKarmaAndKeepsTheirCreditsToOthersAnonymously() async throws {
        let store = try SQLiteStore()
        let chat = try await PluginHarness(
            [PluginRegistration(ThanksPlugin.self), PluginRegistration(PrivacyPlugin.self)], store: store, time: time)
        try await chat.say("!thanks bob for the alice-proof tip", as: "alice", account: "alice", at: time.now)
        try await chat.say("!thanks alice", as: "bob", at: time.now)
        try await chat.say("!forget me", as: "alice", account: "alice", at: time.now)
        try await chat.say("!forget me confirm", as: "alice", account: "alice", at: time.now)
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 1 thanks and 0 answers in #test."])
        #expect(try await chat.say("!karma alice", as: "carol", at: time.now) == ["alice: 0 thanks and 0 answers in #test."])
        let rows = try await store.query("SELECT giver, giver_nick, receiver, receiver_nick, reason FROM thanks_event")
        #expect(!rows.contains { $0.columns.values.contains { $0.string?.contains("alice") == true } })
    }
}

extension ThanksPluginTests {
    /// Two `bob++` handed over in one batch count; after a restart on the same database, one
    /// more does, and then the cap (3 a day) holds.
    @Test func dailyCapHoldsAcrossBatchesAndARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rapport.sqlite").path
        func plusPlus(_ times: Int, on chat: PluginHarness) async {
            for _ in 0..<times {
                await chat.bot.receive(ChatEvent(
                    network: "test", channel: "#test", sender: PluginHarness.user("alice"), time: time.now, kind: .message(ChatMessage("bob++"))))
            }
            await chat.bot.settle()
        }
        let first = try SQLiteStore(path: path)
        var chat = try await PluginHarness([PluginRegistration(ThanksPlugin.self)], store: first, time: time)
        try await chat.say("hi all", as: "bob", at: time.now)
        await plusPlus(2, on: chat)
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 2 thanks and 0 answers in #test."])
        await chat.stop()
        await first.close()

        chat = try await PluginHarness([PluginRegistration(ThanksPlugin.self)], store: try SQLiteStore(path: path), time: time)
        try await chat.say("hi again", as: "bob", at: time.now)
        await plusPlus(3, on: chat)
        #expect(try await chat.say("!karma bob", as: "carol", at: time.now) == ["bob: 3 thanks and 0 answers in #test."])
        #expect(try await chat.say("!thanks bob", as: "alice", at: time.now) == ["You've already thanked bob a lot today; it's noted, though!"])
    }
}
