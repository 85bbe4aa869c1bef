public import Foundation
import RapportCore
public import RapportReciprocity

/// Replays a log in the Ubuntu IRC corpus format through the live ``NudgeTracker`` and
/// ``NudgePolicy`` in virtual time (the log's own timestamps), and says which nudges would
/// have been sent and when.
///
/// Delivery follows ``NudgeDelivery``: a nudge falls due `thank_after`/`reply_after` after it
/// became owed; it goes out at the first due moment when it is still unsettled, its recipient
/// spoke after it became owed, and the policy (default preferences, rate limits) lets it.
/// Everyone counts as online. Nudges still waiting when the log ends are counted as undecided.
public struct NudgeReplay: Sendable {
    /// The delays and limits of the plugin's settings.
    public struct Settings: Sendable {
        public var thankAfter: TimeInterval = 20 * 60
        public var replyAfter: TimeInterval = 2 * 3600
        public var expiry: TimeInterval = 3 * 86400
        public var deliveryInterval: TimeInterval = 60
        public var policy = NudgePolicy()
        public var tracker: NudgeTracker.Configuration = {
            var configuration = NudgeTracker.Configuration()
            configuration.engine = ReciprocityEngine.Configuration(botNicks: Replay.corpusBots)
            return configuration
        }()

        public init() {}
    }

    /// A nudge that would have been sent.
    public struct Sent: Sendable, Hashable {
        public var kind: NudgeStore.Kind
        /// Who gets it and the other person, as they wrote their nicks.
        public var recipient: String
        public var other: String
        /// The line of the answer (thank) or of the question put to the recipient (reply).
        public var line: Int
        /// Seconds since the log's first midnight.
        public var sentAt: TimeInterval
    }

    /// One replayed log.
    public struct Log: Sendable {
        public var name: String
        /// Each line's author and text (empty for system lines), by line number.
        public var lines: [(nick: String, text: String)] = []
        public var messages = 0
        public var sent: [Sent] = []
        /// Owed and unsettled when the log ended: no one can say whether they would have gone out.
        public var undecided = 0
    }

    public var settings: Settings

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Replays one log from its start, with nothing owed and nothing sent before it.
    public func run(_ file: URL) throws -> Log {
        var simulation = Simulation(settings: settings, log: Log(name: Replay.logName(file)))
        try Replay.forEachObservation(in: file) { line, observation, _ in
            simulation.deliver(before: observation.time)
            simulation.observe(observation, line: line)
        }
        return simulation.finish()
    }
}

/// The state of one replay: what is owed, who spoke last, what went out.
private struct Simulation {
    struct Pending {
        var owed: NudgeTracker.Owed
        var recipient: String
        var other: String
        var due: TimeInterval
    }

    let settings: NudgeReplay.Settings
    var log: NudgeReplay.Log
    var tracker: NudgeTracker
    var pending: [Pending] = []
    var owedKeys: Set<String> = []
    var lastSpoke: [String: Int] = [:]
    var sentTimes: [String: [Date]] = [:]
    var now: TimeInterval = 0

    init(settings: NudgeReplay.Settings, log: NudgeReplay.Log) {
        self.settings = settings
        self.log = log
        tracker = NudgeTracker(configuration: settings.tracker)
    }

    private var fold: (String) -> String { settings.tracker.engine.casemapping.fold }

    mutating func observe(_ observation: Observation, line: Int) {
        now = observation.time
        log.lines.append((observation.nick, observation.text))
        if observation.kind == .message || observation.kind == .action { log.messages += 1 }
        for change in tracker.observe(observation).changes {
            switch change {
            case .owe(let owed):
                // As the store does: the same nudge is never owed twice.
                guard owedKeys.insert(owed.key).inserted else { continue }
                let delay = owed.kind == .thank ? settings.thankAfter : settings.replyAfter
                pending.append(
                    Pending(owed: owed, recipient: fold(owed.recipient), other: fold(owed.other), due: owed.created.timeIntervalSince1970 + delay))
            case .settle(let kind, _, _, let recipient, let other):
                pending.removeAll { $0.owed.kind == kind && $0.recipient == recipient && $0.other == other }
            case .active(_, let nick, _):
                lastSpoke[nick] = line
            case .answered, .asked:
                break
            }
        }
    }

    /// What the once-a-minute delivery job would do before a line stamped `time`.
    mutating func deliver(before time: TimeInterval) {
        guard pending.contains(where: { $0.due < time }) else { return }
        var kept = pending.filter { $0.due >= time }
        for var nudge in pending.filter({ $0.due < time }).sorted(by: { $0.due < $1.due }) where !consider(&nudge, at: time) {
            kept.append(nudge)
        }
        pending = kept
    }

    /// Sends, drops or defers one due nudge at `time`; `true` when it is done (sent or dropped).
    private mutating func consider(_ nudge: inout Pending, at time: TimeInterval) -> Bool {
        let expires = nudge.owed.created.timeIntervalSince1970 + settings.expiry
        if time >= expires || settings.tracker.engine.botNicks.contains(nudge.recipient) { return true }
        guard lastSpoke[nudge.recipient, default: -1] > nudge.owed.sequence else {
            nudge.due = time + NudgeDelivery.retryDelay(every: settings.deliveryInterval)
            return false
        }
        let date = Date(timeIntervalSince1970: time)
        switch settings.policy.decide(
            now: date, preferences: NudgePreferences(), sent: sentTimes[nudge.recipient, default: []],
            expires: Date(timeIntervalSince1970: expires))
        {
        case .drop: return true
        case .wait(let until, _):
            nudge.due = until.timeIntervalSince1970
            return false
        case .send:
            sentTimes[nudge.recipient, default: []].append(date)
            log.sent.append(
                NudgeReplay.Sent(kind: nudge.owed.kind, recipient: nudge.owed.recipient, other: nudge.owed.other, line: nudge.owed.sequence, sentAt: time))
            return true
        }
    }

    /// Delivers what fell due by the last line, and counts the rest as undecided.
    mutating func finish() -> NudgeReplay.Log {
        deliver(before: now.nextUp)
        log.undecided = pending.count
        return log
    }
}
