public import Foundation
public import RapportCore
import RapportReciprocity
import Synchronization

/// Kind, rare, well-timed private reminders: to thank someone whose answer you used, and to
/// answer someone who asked you directly. Off in every channel until an admin switches it on.
public struct NudgesPlugin: BuiltInPlugin, PersonalDataPlugin {
    public static let descriptor = PluginDescriptor(
        id: "nudges",
        summary: "Private, friendly reminders to thank people who helped you and to answer people who asked you something.",
        version: RapportVersion.current,
        commands: [
            .init(
                "nudges", usage: "nudges on|off|status|why|snooze DURATION|quiet HH:MM-HH:MM [ZONE]|quiet off|digest on|off|daily|weekly",
                help: "Your reminders: turn them off or on, pause them (snooze 1d), set quiet hours in your time zone (quiet 22:00-08:00 Europe/Berlin), see your settings (status) or why you got the last one (why). digest on (weekly, or daily) sends you a private summary of how often you helped and were helped, with up to three questions in your channels still waiting for an answer."),
            .init("stop", help: "Reply stop to a reminder and you get no more (same as nudges off)."),
        ],
        settings: [
            SettingSpec("thank_after", .duration, default: .int(20 * 60), help: "How long after an answer a thanks may still come on its own.", minimum: 1, maximum: 7 * 86400),
            SettingSpec("reply_after", .duration, default: .int(2 * 3600), help: "How long after a direct question an answer may still come on its own.", minimum: 1, maximum: 7 * 86400),
            SettingSpec("expiry", .duration, default: .int(3 * 86400), help: "A reminder not delivered by then (person away or offline) is dropped.", minimum: 3600, maximum: 30 * 86400),
            SettingSpec("min_gap", .duration, default: .int(12 * 3600), help: "At most one reminder per person within this time.", minimum: 0, maximum: 30 * 86400, role: .admin),
            SettingSpec("weekly_limit", .int, default: .int(3), help: "At most this many reminders per person in any 7 days.", minimum: 0, maximum: 50, role: .admin),
            SettingSpec("delivery_interval", .duration, default: .int(60), help: "How often due reminders are looked for (everywhere; read at start). A failed or premature delivery is retried five intervals later.", minimum: 1, maximum: 3600, reach: .global, role: .admin),
            SettingSpec("language", .choice, default: .string("en"), help: "The language of the built-in texts.", choices: NudgeTemplates.languages.keys.sorted()),
            SettingSpec("thank_text", .string, default: .string(""), help: "Your own thank-reminder text ({helper} {channel} {excerpt}); empty for the built-in one.", role: .admin),
            SettingSpec("reply_text", .string, default: .string(""), help: "Your own reply-reminder text ({asker} {channel} {excerpt}); empty for the built-in one.", role: .admin),
        ],
        enabledByDefault: false)

    let store: NudgeStore
    let state: TrackerState

    public init(context: PluginContext) async throws {
        store = NudgeStore(context.store)
        try await store.migrate()
        state = TrackerState()
        let interval = await context.settings(network: nil, channel: nil).duration("delivery_interval")
        let delivery = NudgeDelivery(store: store, context: context, retryDelay: NudgeDelivery.retryDelay(every: interval.timeInterval))
        try await delivery.recoverClaimed()
        await context.schedule(every: interval, name: "deliver due nudges") {
            try await delivery.deliverDue()
        }
    }

    /// Every message writes (who was active where): a busy channel's queued messages are
    /// handled in one transaction.
    public var eventBatchSize: Int { 256 }

    /// Writes may wait a little, up to 20 ms for a batch of 256. A command sees every message
    /// before it, so it waits for the events held when it came: at most 20 ms of them (with
    /// 200 ms, a command under 500 messages a second waited for about 50 events' writes).
    public var eventBatchDelay: Duration { .milliseconds(20) }

    public func handle(_ event: ChatEvent, context: PluginContext) async throws {
        let casemapping = await context.casemapping(of: event.network)
        let nick = casemapping.fold(event.sender.nick)
        if !event.isOwn, !event.isHistory {
            try await store.notePerson(network: event.network, nick: nick, user: event.sender, at: event.time, away: event.awayState)
        }
        if let channel = event.channel, await event.isBotLeaving(botNick: await context.botNick(on: event.network), casemapping: casemapping) {
            return state.forget(channel: channel, network: event.network)
        }
        guard let observation = Observation(event), !event.isHistory else { return }
        let changes = state.observe(observation, casemapping: casemapping)
        for change in changes {
            switch change {
            case .owe(let owed):
                let settings = await context.settings(network: event.network, channel: event.channel)
                let botNick = await context.botNick(on: event.network).map { casemapping.fold($0) }
                let recipient = casemapping.fold(owed.recipient)
                guard recipient != botNick else { continue }
                let delay = settings.duration(owed.kind == .thank ? "thank_after" : "reply_after").timeInterval
                var nudge = NudgeStore.Nudge(owed, recipient: recipient, delay: delay, expiry: settings.duration("expiry").timeInterval)
                if context.textRetention == .zero { nudge.excerpt = "" }
                try await store.add(nudge, otherKey: casemapping.fold(owed.other))
            case .settle(let kind, let network, let channel, let recipient, let other):
                try await store.resolve(network: network, channel: channel, recipient: recipient, other: other, kind: kind)
            case .active(let network, let nick, let time):
                try await store.noteMember(network: network, nick: nick, channel: observation.channel, at: time)
            case .answered(let network, let channel, let asker, let helper, let question, let time, let source):
                try await store.recordHelp(network: network, channel: channel, helper: helper, asker: asker, at: time, source: source)
                try await store.markAnswered(network: network, channel: channel, question: question)
            case .asked(let network, let channel, let nick, let question, let excerpt, let time):
                guard context.textRetention != .zero else { continue }
                try await store.recordQuestion(network: network, channel: channel, question: question, asker: nick, excerpt: excerpt, at: time)
            }
        }
    }

    public func personalData(about person: Person, context: PluginContext) async throws -> JSONValue {
        try await store.personalData(about: person)
    }

    public func forget(_ person: Person, context: PluginContext) async throws { try await store.forget(person) }

    public func deleteText(olderThan date: Date, context: PluginContext) async throws { try await store.deleteText(olderThan: date) }

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        let commands = NudgeCommands(store: store, context: context)
        try await context.reply(to: command, try await commands.run(command))
    }
}

/// One tracker per network, fed by the plugin's events (which arrive one at a time; a lock, not
/// an actor, so that a message costs no hop).
final class TrackerState: Sendable {
    private let trackers = Mutex<[String: NudgeTracker]>([:])

    func observe(_ observation: Observation, casemapping: Casemapping) -> [NudgeTracker.Change] {
        trackers.withLock { trackers in
            var tracker = trackers.removeValue(forKey: observation.network) ?? {
                var configuration = NudgeTracker.Configuration()
                configuration.engine.casemapping = casemapping
                return NudgeTracker(configuration: configuration)
            }()
            let changes = tracker.observe(observation).changes
            trackers[observation.network] = tracker
            return changes
        }
    }

    /// Drops the state of a channel the bot left.
    func forget(channel: String, network: String) {
        trackers.withLock { $0[network]?.forget(channel: channel, network: network) }
    }

    /// How many channels the trackers keep state for.
    var channelCount: Int { trackers.withLock { $0.values.reduce(0) { $0 + $1.channelCount } } }
}

extension ChatEvent {
    /// `true`/`false` for away/back events, `nil` for anything else.
    var awayState: Bool? {
        if case .away(let message) = kind { return message != nil }
        return nil
    }
}
