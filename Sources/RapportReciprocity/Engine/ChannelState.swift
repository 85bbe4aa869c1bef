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
    var recentHelper = HashMap64<(nick: String, time: Double)>()
    /// Questions already credited to a helper: by ``pairKey(_:_:)`` of the question's sequence
    /// number and the helper's nick hash, the question's sequence number.
    var answered = HashMap64<Int>()
    /// Folded nicks seen marked as bots.
    var botNicks: Set<String> = []
    var caps = PairCaps()
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
            answered.filter { $0 >= horizon }
            if recentHelper.count > 4 * keep { recentHelper = HashMap64() }
        }
    }

    /// Records that `helper` (a nick hash) answered the question `question`; returns whether
    /// that is new.
    mutating func markAnswered(question: Int, helper: UInt64) -> Bool {
        let key = Self.pairKey(UInt64(bitPattern: Int64(question)), helper)
        guard !answered.contains(key) else { return false }
        answered[key] = question
        return true
    }

    /// One 64-bit key for an ordered pair of hashes (`(a, b)` and `(b, a)` differ); two pairs
    /// whose keys collide are taken for one.
    static func pairKey(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F)
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

/// Per-pair daily caps in one channel: at most `cap` events of one kind from one person to
/// another per UTC day.
///
/// People are told apart by their nick hash (``TextAnalysis/nickHash(_:casemapping:)``), as the
/// linker tells them apart, and a pair of them by ``ChannelState/pairKey(_:_:)`` and the kind.
/// Folding the nicks into strings and keeping them in a `Dictionary` cost ≈ 3,300 instructions
/// an event.
struct PairCaps: Sendable {
    var day = Int.min
    var counts = HashMap64<Int>()

    /// Counts an event of `kind` from `from` to `to` at `time` (seconds since 1970); returns
    /// whether it is within `cap` (`Int.max`: no cap, nothing counted).
    mutating func allow(_ kind: HelpEvent.Kind, from: UInt64, to: UInt64, at time: Double, cap: Int) -> Bool {
        guard cap < .max else { return true }
        let today = Int((time / 86400).rounded(.down))
        if today != day {
            day = today
            counts = HashMap64()
        }
        let key = ChannelState.pairKey(from, to) ^ (kind == .answered ? 0x5555 : 0xAAAA)
        return counts.update(key, default: 0) { count in
            guard count < cap else { return false }
            count += 1
            return true
        }
    }
}
