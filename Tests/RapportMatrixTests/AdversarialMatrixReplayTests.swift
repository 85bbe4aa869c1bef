import Foundation
import NudgesPlugin
import RapportCore
import Testing
import ThanksPlugin
@testable import RapportMatrix

/// `kill -9` after the plugins committed a `/sync` batch but before the connector saved its
/// position (the seen event IDs and `since`): the restarted connector reads the batch again, and
/// the thanks ledger and the reminders must not count it twice.
@Suite(.timeLimit(.minutes(1)))
struct AdversarialMatrixReplayTests {
    static let batch = Fixture.batch([
        Fixture.message("$1", "how do I list the usb devices on ubuntu?"),
        Fixture.message(
            "$2", "run lsusb, it lists every one of them and their ids", from: Fixture.bob,
            extra: ["m.relates_to": ["m.in_reply_to": ["event_id": "$1"]]]),
        Fixture.message("$3", "thanks bob, that worked!"),
        Fixture.message("$4", "bob++", from: "@carol:example.org"),
    ])

    static func instance(path: String) async throws -> SyncProcess {
        try await SyncProcess(
            path: path, plugins: [PluginRegistration(ThanksPlugin.self), PluginRegistration(NudgesPlugin.self)],
            configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]), serving: batch)
    }

    /// Credits and answers in the ledger, bob's thanks tally, and help in the reminders' records.
    static func effects(_ process: SyncProcess) async throws -> [String] {
        var effects: [String] = []
        for table in ["thanks_event", "thanks_question", "nudges_help"] {
            effects.append("\(table): \(try await process.store.query("SELECT COUNT(*) AS n FROM \(table)", []).first?["n"].int ?? -1)")
        }
        let tally = try await process.store.query("SELECT thanks FROM thanks_tally_helper WHERE helper = 'bob' AND period = 'all'", [])
        return effects + tally.map { "bob's thanks: \($0["thanks"].int ?? -1)" }
    }

    @Test("a batch read again after a crash before its position was saved credits each thanks once")
    func replayAfterACrashCountsOnce() async throws {
        let path = SyncProcess.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }

        let first = try await Self.instance(path: path)
        try await first.waitUntilCaughtUp()
        await first.bot.settle()
        first.loop.cancel()
        let before = try await Self.effects(first)
        #expect(before == ["thanks_event: 3", "thanks_question: 1", "nudges_help: 1", "bob's thanks: 2"])
        // The process died after the plugins committed, before the position was saved.
        try await first.connector.saved.set("since", "s0")
        try await first.connector.saved.setSeen([])

        let second = try await Self.instance(path: path)
        try await second.waitUntilCaughtUp()
        await second.bot.settle()
        second.loop.cancel()
        #expect(try await Self.effects(second) == before)
    }
}
