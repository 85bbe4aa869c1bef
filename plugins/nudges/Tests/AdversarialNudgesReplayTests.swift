import Foundation
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import NudgesPlugin
@testable import RapportCore

/// A crash after the plugins committed a Matrix `/sync` batch but before the connector saved
/// its position: the restarted bot reads the batch again, with the same event IDs, but without
/// what came before it. No message may become a second reminder or count as help twice.
@Suite(.timeLimit(.minutes(2)))
struct AdversarialNudgesReplayTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func event(_ id: String, _ nick: String, _ text: String, replyTo: String? = nil, after seconds: Double) -> ChatEvent {
        ChatEvent(
            network: "test", channel: "#test", sender: PluginHarness.user(nick, account: nick), time: start + seconds,
            id: MessageID(id), kind: .message(.init(text, replyTo: replyTo.map { MessageID($0) })))
    }

    /// Handled, and its position saved, before the crash.
    static let earlier = [event("$q1", "alice", "how do I mount an ntfs usb drive on ubuntu?", after: 0)]

    /// Handled and committed, but its position not saved: read again after the restart. bob's
    /// answer replies to alice's question from the earlier batch, which the restarted bot has
    /// not seen, so it takes it for an answer to carol's.
    static let batch = [
        event("$q2", "carol", "how do I mount an ntfs drive on my ubuntu laptop?", after: 10),
        event("$a", "bob", "sudo apt install ntfs-3g, then plug the drive in again", replyTo: "$q1", after: 20),
        event("$d", "dave", "bob: how do I check that the ntfs-3g package is installed?", after: 30),
    ]

    /// The reminders (kind, recipient) and help rows the store holds.
    struct Effects: Equatable {
        var nudges: [String] = []
        var help: [String] = []
    }

    static func effects(_ store: any Store) async throws -> Effects {
        Effects(
            nudges: try await store.query("SELECT kind, recipient FROM nudges_nudge ORDER BY kind, recipient", []).map {
                "\($0["kind"].string ?? "?") \($0["recipient"].string ?? "?")"
            },
            help: try await store.query("SELECT helper, asker FROM nudges_help ORDER BY helper, asker", []).map {
                "\($0["helper"].string ?? "?") helped \($0["asker"].string ?? "?")"
            })
    }

    /// The earlier batch and the batch on a bot, then the batch again on a restarted bot on the
    /// same store; returns the effects after each run.
    static func replay(on store: any Store) async throws -> (first: Effects, again: Effects) {
        var effects: [Effects] = []
        for events in [earlier + batch, batch] {
            let chat = try await PluginHarness(
                [PluginRegistration(NudgesPlugin.self)], configuration: BotConfiguration(plugins: ["nudges": .init(enabled: true)]),
                store: store)
            await chat.bot.receive(events)
            await chat.bot.settle()
            await chat.stop()
            effects.append(try await Self.effects(store))
        }
        return (effects[0], effects[1])
    }

    func check(_ store: any Store) async throws {
        let (first, again) = try await Self.replay(on: store)
        #expect(first == Effects(nudges: ["reply bob", "thank alice"], help: ["bob helped alice"]))
        #expect(again == first, "the replayed batch made another reminder or counted help again")
    }

    @Test("a batch replayed after a crash makes no second reminder and counts no help twice (SQLite)")
    func replayActsOnceOnSQLite() async throws {
        try await check(try SQLiteStore())
    }

    @Test("a batch replayed after a crash makes no second reminder and counts no help twice (PostgreSQL)")
    func replayActsOnceOnPostgres() async throws {
        try await TestPostgres.withStore { try await check($0) }
    }
}
