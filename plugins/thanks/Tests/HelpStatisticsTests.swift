import Foundation
import RapportCore
import RapportReciprocity
import RapportServerTesting
import RapportStoreSQLite
import RapportTesting
import Testing
@testable import ThanksPlugin

/// One small channel history, asked every question of ``HelpStatistics``, on SQLite and on a
/// real PostgreSQL server (`deploy/servers/postgres.sh`).
@Suite(.timeLimit(.minutes(5)))
struct HelpStatisticsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// `now` is a Friday: the week began 4⅓ days before.
    let week = HelpPeriod.week(containing: now)

    @Test func answersEveryQuestionOnSQLite() async throws {
        try await checkEverything(on: try SQLiteStore())
    }

    @Test func answersEveryQuestionOnPostgreSQL() async throws {
        try await TestPostgres.withStore { store in try await checkEverything(on: store) }
    }

    /// The history: carol has helped for a while; this week bob answers a lot and is never
    /// thanked, erin answers for the first time, and alice, dave and frank only ask.
    func history(_ store: any Store) async throws -> HelpStatistics {
        let ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
        try await ledger.migrate()
        func help(_ kind: HelpEvent.Kind, _ from: String, _ to: String, daysAgo: Double, channel: String = "#test") async throws {
            try await ledger.record(
                HelpEvent(
                    kind: kind, from: from, to: to, detection: .linked, network: "test", channel: channel,
                    time: Self.now.addingTimeInterval(-daysAgo * 86400)), casemapping: .rfc1459)
        }
        func ask(_ id: String, _ nick: String, daysAgo: Double, answered: Bool) async throws {
            let at = Self.now.addingTimeInterval(-daysAgo * 86400)
            try await ledger.recordQuestion(
                id: id, network: "test", channel: "#test", asker: ChatUser(nick: nick), casemapping: .rfc1459, at: at, excerpt: "question \(id)?")
            if answered { try await ledger.markAnswered(questionID: id, at: at.addingTimeInterval(60)) }
        }
        try await help(.answered, "dave", "Carol", daysAgo: 20)
        try await help(.answered, "alice", "carol", daysAgo: 3)
        try await help(.thanked, "alice", "carol", daysAgo: 3)
        try await help(.thanked, "dave", "carol", daysAgo: 2)
        for day in [1.0, 1.1, 2.0, 2.1] { try await help(.answered, day < 2 ? "alice" : "dave", "Bob", daysAgo: day) }
        try await help(.answered, "alice", "erin", daysAgo: 0.5)
        try await help(.answered, "alice", "bob", daysAgo: 0.5, channel: "#other")
        try await ask("q1", "alice", daysAgo: 1.1, answered: true)
        try await ask("q2", "alice", daysAgo: 0.2, answered: false)
        try await ask("q3", "Dave", daysAgo: 2.1, answered: false)
        try await ask("q4", "frank", daysAgo: 0.1, answered: false)
        try await ask("q5", "frank", daysAgo: 10, answered: false)
        return HelpStatistics(database: store)
    }

    func checkEverything(on store: any Store) async throws {
        let stats = try await history(store)
        let helpers = try await stats.helpers(network: "test", channel: "#test", period: week)
        #expect(helpers.map(\.nick) == ["Bob", "carol", "erin"])
        #expect(helpers.first == HelpStatistics.Helper(person: "bob", nick: "Bob", answers: 4, peopleHelped: 2, thanks: 0))
        #expect(helpers.dropFirst().first == HelpStatistics.Helper(person: "carol", nick: "carol", answers: 1, peopleHelped: 2, thanks: 2))
        #expect(try await stats.helpers(network: "test", channel: "#test", period: week, limit: 1).map(\.person) == ["bob"])

        #expect(try await stats.unsungHelpers(network: "test", channel: "#test", period: week).map(\.person) == ["bob"])
        let strict = HelpStatistics.UnsungRule(minimumAnswers: 5)
        #expect(try await stats.unsungHelpers(network: "test", channel: "#test", period: week, rule: strict).isEmpty)

        let newcomers = try await stats.newcomers(network: "test", channel: "#test", period: week)
        #expect(newcomers.map(\.person) == ["bob", "erin"])
        #expect(newcomers.first?.answers == 4)
        let firstAnswer = try #require(newcomers.first?.firstAnswer).timeIntervalSince1970
        #expect(abs(firstAnswer - (Self.now.timeIntervalSince1970 - 2.1 * 86400)) < 0.01)

        let askers = try await stats.onlyAskers(network: "test", channel: "#test", period: week)
        #expect(askers.map(\.person) == ["alice", "dave", "frank"])
        #expect(askers.map(\.questions) == [2, 1, 1])

        let days = try await stats.perDay(network: "test", channel: "#test", from: week.start, through: Self.now)
        #expect(days.map(\.answers).reduce(0, +) == 6)
        #expect(days.map(\.thanks).reduce(0, +) == 2)
        #expect(days.map(\.questions).reduce(0, +) == 4)
        #expect(days.allSatisfy { $0.day.timeIntervalSince1970.truncatingRemainder(dividingBy: 86400) == 0 })
        #expect(days.map(\.day) == days.map(\.day).sorted())

        let edges = try await stats.edges(network: "test", channel: "#test", period: week)
        #expect(edges.first == HelpStatistics.Edge(helper: "bob", helperNick: "Bob", helped: "alice", helpedNick: "alice", weight: 2))
        #expect(edges.map(\.weight).reduce(0, +) == 8)

        let open = try await stats.openQuestions(network: "test", channel: "#test", period: week)
        #expect(open.map(\.id) == ["q3", "q2", "q4"])
        #expect(open.first?.nick == "Dave")
        #expect(open.first?.excerpt == "question q3?")

        let activity = try await stats.activity(network: "test", channel: "#test", period: week)
        #expect(activity == HelpStatistics.Activity(answers: 6, thanks: 2, questions: 4, unanswered: 3, helpers: 3))
        let empty = try await stats.activity(network: "test", channel: "#nobody", period: week)
        #expect(empty == HelpStatistics.Activity(answers: 0, thanks: 0, questions: 0, unanswered: 0, helpers: 0))

        let bob = try await stats.balance(PersonMatch(network: "test", nick: "bob"))
        #expect(bob.answersGiven == 5 && bob.answersReceived == 0 && bob.thanksReceived == 0 && bob.thanksGiven == 0)
        #expect(bob.helped == [.init(person: "alice", nick: "alice", count: 3), .init(person: "dave", nick: "dave", count: 2)])
        let alice = try await stats.balance(PersonMatch(network: "test", nick: "alice"))
        #expect(alice.answersReceived == 5 && alice.thanksGiven == 1 && alice.answersGiven == 0)
        #expect(alice.helpedBy.map(\.person) == ["bob", "carol", "erin"])
        #expect(alice.helpedBy.map(\.count) == [3, 2, 1])

        // The tallies kept event by event are the ones a count from scratch gives.
        let kept = try await tallies(store)
        #expect(kept.count == 20 + 14 + 5)  // pairs, helpers and days of all time, each week and each month
        try await ThanksLedger(PluginStore(namespace: "thanks", database: store)).recount()
        #expect(try await tallies(store) == kept)
    }

    /// Every tally row, as text, sorted.
    func tallies(_ store: any Store) async throws -> [String] {
        let pairs = try await store.query("SELECT * FROM thanks_tally_pair")
        let helpers = try await store.query("SELECT * FROM thanks_tally_helper")
        let days = try await store.query("SELECT * FROM thanks_tally_day")
        return (pairs + helpers + days).map { row in
            row.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }.sorted()
    }

    @Test func forgettingSomeoneCountsTheChannelAgainWithoutThem() async throws {
        let store = try SQLiteStore()
        let stats = try await history(store)
        let ledger = ThanksLedger(PluginStore(namespace: "thanks", database: store))
        try await ledger.forget(Person(network: "test", nick: "bob", identity: nil))
        let helpers = try await stats.helpers(network: "test", channel: "#test", period: week)
        #expect(helpers.map(\.person) == ["carol", "erin"])
        try await ledger.forget(Person(network: "test", nick: "alice", identity: nil))
        #expect(try await stats.helpers(network: "test", channel: "#test", period: week).first
            == HelpStatistics.Helper(person: "carol", nick: "carol", answers: 1, peopleHelped: 2, thanks: 2))
        #expect(try await stats.edges(network: "test", channel: "#test", period: week).map(\.helped) == ["dave"])
        #expect(try await stats.activity(network: "test", channel: "#other", period: week).helpers == 0)
        // Taken out row by row, the tallies are what a count from scratch of what is left gives.
        let kept = try await tallies(store)
        try await ledger.recount()
        #expect(try await tallies(store) == kept)
    }

    @Test func allTimeCountsHelpBeforeTheWeekAndNewcomersNeedNoEarlierAnswer() async throws {
        let stats = try await history(try SQLiteStore())
        let all = HelpPeriod.allTime
        let carol = try await stats.helpers(network: "test", channel: "#test", period: all).first { $0.person == "carol" }
        #expect(carol?.answers == 2)
        #expect(try await stats.newcomers(network: "test", channel: "#test", period: all).map(\.person) == ["carol", "bob", "erin"])
        #expect(try await stats.openQuestions(network: "test", channel: "#test", period: all).map(\.id) == ["q5", "q3", "q2", "q4"])
    }

    @Test func thePluginRecordsQuestionsAndMarksTheAnsweredOnes() async throws {
        let time = ManualTime()
        let chat = try await PluginHarness([PluginRegistration(ThanksPlugin.self)], time: time)
        try await chat.say("how do I mount a usb stick?", as: "alice", at: time.now)
        try await chat.say("alice: plug it in, Files mounts it for you", as: "bob", at: time.now)
        try await chat.say("where is the grub config?", as: "Frank", at: time.now)
        let stats = HelpStatistics(database: chat.store)
        let period = HelpPeriod.week(containing: time.now)
        let open = try await stats.openQuestions(network: "test", channel: "#test", period: period)
        #expect(open.map(\.nick) == ["Frank"])
        #expect(open.map(\.asker) == ["frank"])
        #expect(open.first?.excerpt == "where is the grub config?")
        let activity = try await stats.activity(network: "test", channel: "#test", period: period)
        #expect(activity == HelpStatistics.Activity(answers: 1, thanks: 0, questions: 2, unanswered: 1, helpers: 1))
    }
}
