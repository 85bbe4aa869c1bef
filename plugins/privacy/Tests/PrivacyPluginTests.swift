import Foundation
import NudgesPlugin
import PrivacyPlugin
import RapportCore
import RapportStoreSQLite
import RapportTesting
import Testing

/// A person's data, seen from their side: export it, erase it, stop being recorded.
struct PrivacyPluginTests {
    let time = ManualTime()

    func chat(store: any Store, retention: Duration = .seconds(30 * 86400)) async throws -> PluginHarness {
        var configuration = BotConfiguration(plugins: ["nudges": .init(enabled: true)])
        configuration.textRetention = retention
        let chat = try await PluginHarness(
            [PluginRegistration(NudgesPlugin.self), PluginRegistration(PrivacyPlugin.self)], configuration: configuration,
            store: store, time: time)
        await chat.connector.setOnline(["alice", "bob"])
        return chat
    }

    /// Every text value in every table of the store that mentions `needle`.
    func mentions(of needle: String, in store: any Store) async throws -> [String] {
        let tables = try await store.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0["name"].string }
        var found: [String] = []
        for table in tables {
            for row in try await store.query("SELECT * FROM \(table)") {
                for (column, value) in row.columns where value.string?.lowercased().contains(needle) == true {
                    found.append("\(table).\(column): \(value.string ?? "")")
                }
            }
        }
        return found
    }

    func conversation(_ chat: PluginHarness) async throws {
        try await chat.say("!nudges quiet 23:00-06:00 Europe/Paris", as: "alice", account: "alice", at: time.now)
        try await chat.say("how do I list usb devices?", as: "alice", account: "alice", at: time.now)
        try await chat.say("alice: run lsusb in a terminal", as: "bob", at: time.now)
        try await chat.say("and how about pci devices?", as: "alice", account: "alice", at: time.now)
    }

    @Test func privacyExplainsWhatIsKept() async throws {
        let chat = try await chat(store: try SQLiteStore())
        let text = try await chat.say("!privacy", as: "alice")
        #expect(text.first?.contains("who answered whose question and who thanked whom") == true)
        #expect(text.first?.contains("for 30d") == true)
    }

    @Test func exportSendsEverythingStoredPrivately() async throws {
        let chat = try await chat(store: try SQLiteStore())
        try await conversation(chat)
        let sent = try await chat.send(ChatEvent(network: "test", channel: "#test", sender: PluginHarness.user("alice", account: "alice"), time: time.now, kind: .message(.init("!export me"))))
        let dm = try #require(sent.first { $0.target == .user(address: "alice") })
        #expect(dm.text.contains(#""quiet":{"end":360,"start":1380,"timeZone":"Europe\/Paris"}"#) || dm.text.contains(#""timeZone":"Europe/Paris""#))
        #expect(dm.text.contains("run lsusb in a terminal"))
        #expect(dm.text.contains(#""identity":"irc:test:alice""#))
        #expect(sent.contains { $0.target == .channel("#test") && $0.text == "I sent you your data privately." })
    }

    @Test func forgetMeLeavesNothingThatNamesThem() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        try await conversation(chat)
        #expect(try await !mentions(of: "alice", in: store).isEmpty)
        let ask = try await chat.say("!forget me", as: "alice", account: "alice", at: time.now)
        #expect(ask.first?.contains("Say !forget me confirm within 10 minutes") == true)
        #expect(try await chat.say("!forget me confirm", as: "alice", account: "alice", at: time.now) == ["Done: Rapport no longer keeps anything that points to you."])
        #expect(try await mentions(of: "alice", in: store) == [])
        #expect(try await chat.say("!forget me confirm", as: "bob", at: time.now).first?.contains("This erases") == true)
    }

    @Test func trackOffRecordsNothingNew() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store)
        #expect(try await chat.say("!track off", as: "carol", at: time.now) == ["From now on I record nothing about you. I still answer your commands."])
        try await chat.say("how do I list usb devices?", as: "carol", at: time.now)
        try await chat.say("carol: run lsusb", as: "bob", at: time.now)
        #expect(try await mentions(of: "carol", in: store).filter { !$0.hasPrefix("rapport_kv") } == [])
        #expect(try await chat.say("!track", as: "carol", at: time.now) == ["I record nothing about you."])
    }

    @Test func retentionBlanksOldExcerptsAndZeroKeepsNone() async throws {
        let store = try SQLiteStore()
        let chat = try await chat(store: store, retention: .seconds(86400))
        try await conversation(chat)
        #expect(try await mentions(of: "lsusb", in: store).count == 1)
        try await chat.advance(time, by: .seconds(2 * 86400))
        #expect(try await mentions(of: "lsusb", in: store) == [])

        let none = try SQLiteStore()
        try await conversation(try await self.chat(store: none, retention: .zero))
        #expect(try await mentions(of: "lsusb", in: none) == [])
    }
}
