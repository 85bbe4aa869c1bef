import Foundation
import NudgesPlugin
import PrivacyPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing
import ThanksPlugin

/// Someone who looks like the victim (a Matrix user who copies the victim's display name, an IRC
/// user who takes a logged-in victim's nick without logging in) asks for, erases or switches off
/// the victim's data: they get, erase and switch off nothing of the victim's.
struct AdversarialIdentityTests {
    /// A victim and an impostor who goes by the same name.
    struct Disguise: Sendable, CustomTestStringConvertible {
        var victim: ChatUser
        var impostor: ChatUser
        var testDescription: String

        static let matrix = Disguise(
            victim: ChatUser(nick: "alice", identity: .matrix(userID: "@alice:example.org"), address: "@alice:example.org"),
            impostor: ChatUser(nick: "alice", identity: .matrix(userID: "@mallory:evil.example"), address: "@mallory:evil.example"),
            testDescription: "a Matrix display name copied")
        static let irc = Disguise(
            victim: PluginHarness.user("alice", account: "alice"), impostor: PluginHarness.user("alice"),
            testDescription: "an IRC nick taken without an account")
        static let all = [matrix, irc]
    }

    let time = ManualTime()
    static let owner = ChatUser(nick: "root", identity: .console("root"))
    static let bob = PluginHarness.user("bob", account: "bob")

    func chat(store: any Store) async throws -> PluginHarness {
        let configuration = BotConfiguration(
            owners: Set([Self.owner.identity].compactMap { $0 }), plugins: ["nudges": .init(enabled: true)], commandBurst: 100)
        let chat = try await PluginHarness(
            [PluginRegistration(ThanksPlugin.self), PluginRegistration(NudgesPlugin.self), PluginRegistration(PrivacyPlugin.self)],
            configuration: configuration, store: store, time: time)
        return chat
    }

    /// Everything the bot sent in answer to `text` from `user`, in one string.
    @discardableResult
    func say(_ chat: PluginHarness, _ text: String, as user: ChatUser, in channel: String? = "#test") async throws -> String {
        try await chat.send(ChatEvent(network: "test", channel: channel, sender: user, time: time.now, kind: .message(.init(text))))
            .map(\.text).joined(separator: "\n")
    }

    /// The victim's week: reminder preferences, a question answered by bob, thanks with a reason.
    func victimsHistory(_ chat: PluginHarness, _ victim: ChatUser) async throws {
        try await say(chat, "!nudges quiet 23:00-06:00 Europe/Paris", as: victim)
        try await say(chat, "how do I list usb devices?", as: victim)
        time.advance(by: .seconds(30))
        try await say(chat, "alice: run lsusb in a terminal", as: Self.bob)
        time.advance(by: .seconds(30))
        try await say(chat, "!thanks bob for the lsusb secret", as: victim)
    }

    /// What the victim's own export shows of their history.
    func expectVictimStillHas(_ chat: PluginHarness, _ victim: ChatUser) async throws {
        let export = try await say(chat, "!export me", as: victim)
        #expect(export.contains("lsusb secret"))
        #expect(export.contains("how do I list usb devices?"))
        #expect(export.contains("Europe\\/Paris") || export.contains("Europe/Paris"))
    }

    @Test("an impostor's export me shows nothing of the victim's", arguments: Disguise.all)
    func exportShowsNothingOfTheVictims(_ disguise: Disguise) async throws {
        let chat = try await chat(store: try SQLiteStore())
        try await victimsHistory(chat, disguise.victim)
        let export = try await say(chat, "!export me", as: disguise.impostor)
        #expect(export.contains("Everything Rapport stores about you"))
        for secret in ["lsusb", "usb devices", "Paris", disguise.victim.identity?.rawValue ?? "?"] {
            #expect(!export.contains(secret), "the impostor's export shows \(secret)")
        }
        #expect(export.contains("log in") == (disguise.impostor.identity == nil))
        try await expectVictimStillHas(chat, disguise.victim)
        await chat.stop()
    }

    @Test("an impostor's forget me erases nothing of the victim's", arguments: Disguise.all)
    func forgetErasesNothingOfTheVictims(_ disguise: Disguise) async throws {
        let chat = try await chat(store: try SQLiteStore())
        try await victimsHistory(chat, disguise.victim)
        try await say(chat, "!forget me", as: disguise.impostor)
        #expect(try await say(chat, "!forget me confirm", as: disguise.impostor).hasPrefix("Done"))
        try await expectVictimStillHas(chat, disguise.victim)
        await chat.stop()
    }

    @Test("an impostor's track off switches nothing off for the victim", arguments: Disguise.all)
    func trackOffSwitchesNothingOfTheVictims(_ disguise: Disguise) async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        try await say(chat, "!track off", as: disguise.impostor)
        try await say(chat, "where is the grub config?", as: disguise.victim)
        #expect(try await say(chat, "!track", as: disguise.victim) == "I record your help and thanks (say track off to stop).")
        let export = try await say(chat, "!export me", as: disguise.victim)
        #expect(export.contains("where is the grub config?"))
        await chat.stop()
    }

    @Test("admins forget an identity or a nick for requests made by other means, audited; others cannot")
    func adminsForgetByIdentity() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        let victim = Disguise.irc.victim
        try await victimsHistory(chat, victim)
        #expect(try await say(chat, "!forget irc:test:alice", as: Self.bob) == "You need to be a bot admin for that.")
        #expect(try await say(chat, "!forget irc:test:alice", as: Self.owner).contains("For irc:test:alice:"))
        #expect(try await say(chat, "!forget irc:test:alice confirm", as: Self.owner) == "Done: Rapport no longer keeps anything recorded for irc:test:alice.")
        let export = try await say(chat, "!export me", as: victim)
        #expect(!export.contains("lsusb") && !export.contains("Paris"))
        let audit = try await store.query("SELECT actor, action, detail FROM rapport_audit WHERE action = 'person.forget'")
        #expect(audit.map { [$0["actor"].string, $0["detail"].string] } == [["console:root", "irc:test:alice"]])

        // Rows of a nick without an account, erased by nick.
        try await say(chat, "how do I mount a disk?", as: PluginHarness.user("carol"))
        try await say(chat, "!forget carol", as: Self.owner)
        try await say(chat, "!forget carol confirm", as: Self.owner)
        #expect(try await store.query("SELECT id FROM thanks_question WHERE asker = 'carol'").isEmpty)
        await chat.stop()
    }
}
