import Foundation
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing

@testable import RapportCore
@testable import ThanksPlugin

/// A crash after the plugins committed a Matrix `/sync` batch but before the connector saved
/// its position: the restarted bot reads the same events, with the same event IDs, again. Each
/// must count once — no second credit, answer or question, and no second `!thanks`.
@Suite(.timeLimit(.minutes(2)))
struct AdversarialThanksReplayTests {
    /// One batch as a homeserver would send it: a question, its answer, thanks in words, a `++`
    /// and a reaction, and a `!thanks` command.
    static let batch: [ChatEvent] = {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        func event(_ id: String, _ nick: String, _ kind: ChatEvent.Kind, after seconds: Double) -> ChatEvent {
            ChatEvent(
                network: "test", channel: "#test", sender: PluginHarness.user(nick, account: nick), time: start + seconds,
                id: MessageID(id), kind: kind)
        }
        return [
            event("$q", "alice", .message(.init("how do I list the usb devices on ubuntu?")), after: 0),
            event("$a", "bob", .message(.init("alice: run lsusb, it lists every one of them", replyTo: MessageID("$q"))), after: 10),
            event("$t", "alice", .message(.init("thanks bob, that worked!")), after: 20),
            event("$p", "carol", .message(.init("bob++")), after: 30),
            event("$r", "dave", .reaction(target: MessageID("$a"), key: "🙏"), after: 40),
            event("$c", "erin", .message(.init("!thanks bob for lsusb")), after: 50),
        ]
    }()

    /// What the ledger holds about the batch: events per kind, bob's tallies, questions.
    struct Counts: Equatable {
        var thanked = 0, answered = 0, tallyThanks = 0, tallyAnswers = 0, questions = 0
    }

    static func counts(_ store: any Store) async throws -> Counts {
        func count(_ sql: String) async throws -> Int { try await store.query(sql, []).first?["n"].int ?? -1 }
        let tally = try await store.query("SELECT thanks, answers FROM thanks_tally_helper WHERE helper = 'bob' AND period = 'all'", []).first
        return Counts(
            thanked: try await count("SELECT COUNT(*) AS n FROM thanks_event WHERE kind = 'thanked'"),
            answered: try await count("SELECT COUNT(*) AS n FROM thanks_event WHERE kind = 'answered'"),
            tallyThanks: tally?["thanks"].int ?? 0, tallyAnswers: tally?["answers"].int ?? 0,
            questions: try await count("SELECT COUNT(*) AS n FROM thanks_question"))
    }

    /// Runs the batch on a bot, then on a restarted bot on the same store; returns what the
    /// ledger held after each, and the `!thanks` replies.
    static func replay(on store: any Store) async throws -> (first: Counts, again: Counts, replies: [[String]]) {
        var counts: [Counts] = []
        var replies: [[String]] = []
        for _ in 0..<2 {
            let chat = try await PluginHarness([PluginRegistration(ThanksPlugin.self)], store: store)
            await chat.bot.receive(batch)
            await chat.bot.settle()
            replies.append(await chat.connector.takeSent().map(\.text))
            await chat.stop()
            counts.append(try await Self.counts(store))
        }
        return (counts[0], counts[1], replies)
    }

    func check(_ store: any Store) async throws {
        let (first, again, replies) = try await Self.replay(on: store)
        #expect(first == Counts(thanked: 4, answered: 1, tallyThanks: 4, tallyAnswers: 1, questions: 1))
        #expect(again == first, "the replayed batch was counted again")
        #expect(replies == [["Noted: erin thanked bob (for lsusb)."], ["Noted: erin thanked bob (for lsusb)."]])
    }

    @Test("a batch replayed after a crash adds no credit, answer or question (SQLite)")
    func replayCountsOnceOnSQLite() async throws {
        try await check(try SQLiteStore())
    }

    @Test("a batch replayed after a crash adds no credit, answer or question (PostgreSQL)")
    func replayCountsOnceOnPostgres() async throws {
        try await TestPostgres.withStore { try await check($0) }
    }
}
