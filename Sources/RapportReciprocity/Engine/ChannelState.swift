import Foundation
import RapportCore

/// What the engine remembers about one channel; bounded by the linker's window.
struct ChannelState: Sendable {
    struct Message: Sendable {
        var sequence: Int
        var nick: String
        /// Nick hash under the casemapping (``TextAnalysis/nickHash(_:casemapping:)``).
        var user: UInt64
        var id: MessageID?
        var isQuestion: Bool
        var isBot: Bool
    }

    var linker: ReplyLinker
    /// Recent messages, oldest first (by sequence number): an array, pruned in batches, and
    /// searched by halves (a `Dictionary` by sequence number cost ≈ 450 instructions a line).
    var recent: [Message] = []
    /// Sequence numbers of recent messages by protocol id.
    var messages: [MessageID: Int] = [:]
    /// Nick hash → who last answered them, and when.
    var recentHelper: [UInt64: (nick: String, time: Double)] = [:]
    /// Questions already credited to a helper.
    var answered: Set<AnsweredKey> = []
    /// Folded nicks seen marked as bots.
    var botNicks: Set<String> = []
    let casemapping: Casemapping

    init(configuration: ReciprocityEngine.Configuration) {
        linker = ReplyLinker(casemapping: configuration.casemapping, windowSize: configuration.windowSize)
        casemapping = configuration.casemapping
    }

    mutating func remember(sequence: Int, nick: String, user: UInt64, id: MessageID?, isQuestion: Bool, isBot: Bool, windowSize: Int) {
        recent.append(Message(sequence: sequence, nick: nick, user: user, id: id, isQuestion: isQuestion, isBot: isBot))
        if let id { messages[id] = sequence }
        if isBot { botNicks.insert(casemapping.fold(nick)) }
        // Keep reactions and replies possible for a while longer than the linker's window.
        let keep = max(windowSize * 4, 200)
        if recent.count > keep * 2 {
            let horizon = recent[recent.count - keep].sequence
            for old in recent[..<(recent.count - keep)] {
                if let id = old.id { messages.removeValue(forKey: id) }
            }
            recent.removeFirst(recent.count - keep)
            answered = answered.filter { $0.question >= horizon }
            if recentHelper.count > 4 * keep { recentHelper = [:] }
        }
    }

    /// The recent message with sequence number `sequence`, if it is still remembered.
    func message(_ sequence: Int) -> Message? {
        var lo = 0, hi = recent.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let s = recent[mid].sequence
            if s == sequence { return recent[mid] }
            if s < sequence { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

struct ChannelKey: Hashable, Sendable {
    var network: String
    var channel: String
}

struct AnsweredKey: Hashable, Sendable {
    var question: Int
    var helper: UInt64
}

/// Per-pair daily caps: at most `cap` events of one kind from one person to another per UTC day.
///
/// People are told apart by their nick hash (``TextAnalysis/nickHash(_:casemapping:)``), as the
/// linker tells them apart: folding both nicks into new strings and hashing those cost ≈ 8,500
/// instructions an event.
struct PairCaps: Sendable {
    struct Key: Hashable, Sendable {
        var kind: HelpEvent.Kind
        var channel: String
        var from: UInt64
        var to: UInt64
    }

    var day = Int.min
    var counts: [Key: Int] = [:]

    mutating func allow(_ event: HelpEvent, cap: Int, casemapping: Casemapping) -> Bool {
        let today = Int((event.time.timeIntervalSince1970 / 86400).rounded(.down))
        if today != day {
            day = today
            counts.removeAll(keepingCapacity: true)
        }
        let key = Key(
            kind: event.kind, channel: event.channel, from: TextAnalysis.nickHash(event.from, casemapping: casemapping),
            to: TextAnalysis.nickHash(event.to, casemapping: casemapping))
        let count = counts[key, default: 0]
        guard count < cap else { return false }
        counts[key] = count + 1
        return true
    }
}
