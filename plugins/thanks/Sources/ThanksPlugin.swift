public import Foundation
public import RapportCore
import RapportReciprocity
import Synchronization

/// Notices who helps whom in a channel — answers to questions, and thanks in many languages,
/// `nick++` and 🙏 👍 ❤️ reactions — and keeps the record: `!karma`, `!top`, `!helped`, `!owe`,
/// and `!thanks NICK` for explicit credit.
public struct ThanksPlugin: BuiltInPlugin, PersonalDataPlugin {
    public static let descriptor = PluginDescriptor(
        id: "thanks",
        summary: "Keeps track of who helped whom: answers, thanks and reactions, with karma and a top list.",
        version: RapportVersion.current,
        commands: [
            .init("thanks", usage: "thanks NICK [reason]", help: "Credit NICK for their help, with an optional reason."),
            .init("karma", usage: "karma [NICK]", help: "How many thanks and answers NICK (or you) got in this channel."),
            .init("top", usage: "top [week|month|all]", help: "The most thanked people in this channel (default: week)."),
            .init("helped", usage: "helped [NICK]", help: "Who helped NICK (or you), and whom they helped."),
            .init("owe", help: "People who answered you recently and whom you have not thanked yet."),
            .init(
                "helpers", usage: "helpers [#channel] [week|month|all] | helpers digest on|off [#channel]",
                help: "Top helpers, unsung helpers (3+ answers, at most one thanks per four) and newcomers who started helping (default: this channel, this calendar week; weeks start on Monday, UTC); admins also get, privately, who only asks. Admins: a digest of the past week by DM every Monday with digest on|off.",
                requires: .channelOperator),
            .init("me", help: "Your own give and get (answers and thanks), and whom you helped, sent to you privately; with your linked identities counted as you."),
            .init(
                "link", usage: "link [CODE|list]",
                help: "Count your IRC account and your Matrix ID as one person: link gives you a code by DM; send link CODE privately from your other identity within 10 minutes. link list shows what is linked."),
            .init("unlink", help: "Detach the identity you are using now from your other linked identities."),
        ],
        settings: [
            SettingSpec("daily_cap", .int, default: .int(3), help: "At most this many credits of one kind from one person to another per day.", minimum: 1, maximum: 100),
            SettingSpec("top_size", .int, default: .int(5), help: "How many people !top lists.", minimum: 1, maximum: 20),
            SettingSpec("owe_window", .duration, default: .int(7 * 86400), help: "How far back !owe looks for unthanked answers.", minimum: 3600, maximum: 90 * 86400),
        ])

    let ledger: ThanksLedger
    let statistics: HelpStatistics
    let digest: HelpDigest
    let links: IdentityLinks
    let seen = SeenIdentities()
    let engines = EngineState()
    let questions = QuestionDetector()
    /// Names this run's questions without a message ID: the engine's sequence numbers start
    /// again with each run.
    let run = UUID().uuidString

    public init(context: PluginContext) async throws {
        ledger = ThanksLedger(context.store)
        try await ledger.migrate()
        statistics = HelpStatistics(database: context.store.database)
        links = IdentityLinks(database: context.store.database)
        let digest = HelpDigest(statistics: statistics, seen: seen, context: context)
        self.digest = digest
        await context.schedule(every: .seconds(3600), name: "send weekly help digests") { try await digest.deliverDue() }
    }

    /// Most messages write (a question, a help event): a busy channel's queued messages are
    /// handled in one transaction.
    public var eventBatchSize: Int { 256 }

    /// Writes may wait a little, up to 20 ms for a batch of 256. A command sees every message
    /// before it, so it waits for the events held when it came: at most 20 ms of them (with
    /// 200 ms, a command under 500 messages a second waited for about 50 events' writes).
    public var eventBatchDelay: Duration { .milliseconds(20) }

    public func handle(_ event: ChatEvent, context: PluginContext) async throws {
        let casemapping = await context.casemapping(of: event.network)
        seen.note(event, casemapping: casemapping)
        let botNick = await context.botNick(on: event.network)
        if let channel = event.channel, await event.isBotLeaving(botNick: botNick, casemapping: casemapping) {
            return engines.forget(channel: channel, network: event.network)
        }
        guard !event.isHistory, let observation = Observation(event) else { return }
        let outcome = engines.observe(observation, casemapping: casemapping, botNick: botNick)
        if let sequence = outcome.decision?.sequence, isQuestion(observation, botNick: botNick, casemapping: casemapping) {
            try await ledger.recordQuestion(
                id: questionID(observation, message: observation.id, sequence: sequence), network: observation.network, channel: observation.channel,
                asker: event.sender, casemapping: casemapping, at: event.time,
                excerpt: context.textRetention == .zero ? "" : observation.text)
        }
        guard !outcome.events.isEmpty else { return }
        let settings = await context.settings(network: event.network, channel: event.channel)
        for help in outcome.events {
            context.metrics.helpEvent(network: help.network)
            if help.kind == .answered, let question = help.relatedSequence {
                try await ledger.markAnswered(
                    questionID: questionID(observation, message: help.relatedMessageID, sequence: question), at: help.time)
            }
            try await recordCapped(help, casemapping: casemapping, cap: settings.int("daily_cap"), context: context)
        }
    }

    /// Whether a person (not a bot) asked something.
    private func isQuestion(_ observation: Observation, botNick: String?, casemapping: Casemapping) -> Bool {
        guard observation.kind == .message || observation.kind == .action, !observation.isBot else { return false }
        if let botNick, casemapping.equal(botNick, observation.nick) { return false }
        return questions.isQuestion(observation.text)
    }

    private func questionID(_ observation: Observation, message: MessageID?, sequence: Int) -> String {
        ThanksLedger.questionID(run: run, network: observation.network, channel: observation.channel, message: message, sequence: sequence)
    }

    /// Records `help` unless the pair reached its daily cap; returns whether it was recorded.
    @discardableResult
    func recordCapped(_ help: HelpEvent, casemapping: Casemapping, cap: Int, context: PluginContext, reason: String? = nil) async throws -> Bool {
        let dayAgo = context.time.now.addingTimeInterval(-86400)
        return try await ledger.record(
            help, casemapping: casemapping, reason: reason,
            giver: seen.identity(network: help.network, folded: casemapping.fold(help.from)),
            receiver: seen.identity(network: help.network, folded: casemapping.fold(help.to)),
            cap: ThanksLedger.DailyCap(limit: cap, since: min(dayAgo, help.time.addingTimeInterval(-86400))))
    }

    public func personalData(about person: Person, context: PluginContext) async throws -> JSONValue {
        var data = try await ledger.personalData(about: person)
        data["weekly_digests"] = try await digest.personalData(about: person)
        data["identity_links"] = try await links.personalData(about: person.identity)
        return .object(data)
    }

    public func forget(_ person: Person, context: PluginContext) async throws {
        if let identity = person.identity { try await links.unlink(identity) }
        try await ledger.forget(person)
        try await digest.forget(person)
    }

    public func deleteText(olderThan date: Date, context: PluginContext) async throws {
        try await ledger.deleteText(olderThan: date)
    }

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        // `!thanks` names its sender's identity in the ledger; a digest goes where its admin was seen.
        let casemapping = await context.casemapping(of: command.network)
        seen.saw(command.sender, network: command.network, folded: casemapping.fold(command.sender.nick))
        switch command.name {
        case "helpers", "me":
            return try await HelpersCommands(statistics: statistics, digest: digest, links: links, context: context).run(command)
        case "link", "unlink":
            return try await LinkCommands(links: links, context: context).run(command)
        default:
            break
        }
        let commands = ThanksCommands(plugin: self, context: context)
        try await context.reply(to: command, try await commands.run(command))
    }
}

/// One engine per network, fed by the plugin's events (which arrive one at a time; a lock, not
/// an actor, so that a message costs no hop).
final class EngineState: Sendable {
    private let engines = Mutex<[String: ReciprocityEngine]>([:])

    func observe(_ observation: Observation, casemapping: Casemapping, botNick: String?) -> ReciprocityEngine.Outcome {
        engines.withLock { engines in
            var engine = engines.removeValue(forKey: observation.network) ?? {
                // The plugin enforces the daily cap durably, through the ledger.
                var configuration = ReciprocityEngine.Configuration(casemapping: casemapping, dailyCapPerPair: .max)
                if let botNick { configuration.botNicks.insert(casemapping.fold(botNick)) }
                return ReciprocityEngine(configuration: configuration)
            }()
            let outcome = engine.observe(observation)
            engines[observation.network] = engine
            return outcome
        }
    }

    /// Drops the state of a channel the bot left.
    func forget(channel: String, network: String) {
        engines.withLock { $0[network]?.forget(channel: channel, network: network) }
    }

    /// How many channels the engines keep state for.
    var channelCount: Int { engines.withLock { $0.values.reduce(0) { $0 + $1.channelCount } } }
}
