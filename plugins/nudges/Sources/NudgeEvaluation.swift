public import Foundation
public import RapportCore

/// Judges replayed thank nudges against the corpus's gold reply links.
///
/// A thank nudge to A for B's answer X is **correct** when the gold links say X answers a
/// message of A's (directly) and A never thanked B later in the log — a later message of A's
/// with a thanks word (`thanks`, `thx`, `ty`, `cheers`, …) that is gold-linked to a message of
/// B's or names B. It is judged only when X itself is annotated.
public struct NudgeEvaluation: Sendable {
    /// What the judge says of one nudge.
    public enum Verdict: String, Sendable, Hashable {
        case correct
        /// The gold links do not say X answered the recipient.
        case notAnAnswer = "not an answer to them"
        /// The recipient did thank the helper later.
        case thankedLater = "thanked later"
        /// X is outside the annotated part.
        case notJudged = "not judged"
    }

    /// The figures of one or more logs.
    public struct Report: Sendable, CustomStringConvertible {
        public var logs = 0
        public var messages = 0
        public var thankNudges = 0
        public var replyNudges = 0
        public var undecided = 0
        public var verdicts: [Verdict: Int] = [:]

        public init() {}

        public var judged: Int { verdicts.filter { $0.key != .notJudged }.values.reduce(0, +) }
        public var precision: Double { judged == 0 ? 0 : Double(verdicts[.correct, default: 0]) / Double(judged) }

        func perThousand(_ count: Int) -> String { String(format: "%.2f", messages == 0 ? 0 : Double(count) * 1000 / Double(messages)) }

        public var description: String {
            """
            \(logs) logs, \(messages) messages; \(undecided) nudges still waiting when their log ended
            thank nudges: \(thankNudges) (\(perThousand(thankNudges)) per 1,000 messages)
            reply nudges: \(replyNudges) (\(perThousand(replyNudges)) per 1,000 messages)
            thank precision: \(verdicts[.correct, default: 0])/\(judged) = \(String(format: "%.1f", precision * 100))% \
            (not an answer to them: \(verdicts[.notAnAnswer, default: 0]), thanked later: \(verdicts[.thankedLater, default: 0]), \
            not judged: \(verdicts[.notJudged, default: 0]))
            """
        }
    }

    /// For each annotated line, the earlier lines it responds to (itself excluded).
    public var antecedents: [Int: Set<Int>]
    let casemapping: Casemapping

    /// Reads `NAME.annotation.txt` (`A B -` per line; the later of A and B responds to the other).
    public init(annotations: String, casemapping: Casemapping = .rfc1459) {
        var antecedents: [Int: Set<Int>] = [:]
        for row in annotations.split(whereSeparator: \.isNewline) {
            let numbers = row.split(separator: " ").prefix(2).compactMap { Int($0) }
            guard numbers.count == 2, let first = numbers.min(), let last = numbers.max() else { continue }
            antecedents[last, default: []].formUnion(first == last ? [] : [first])
        }
        self.antecedents = antecedents
        self.casemapping = casemapping
    }

    /// The verdict on one thank nudge of `log`.
    public func judge(_ nudge: NudgeReplay.Sent, in log: NudgeReplay.Log) -> Verdict {
        guard let linked = antecedents[nudge.line] else { return .notJudged }
        let asker = casemapping.fold(nudge.recipient)
        let helper = casemapping.fold(nudge.other)
        func author(_ line: Int) -> String { casemapping.fold(log.lines[line].nick) }
        guard linked.contains(where: { author($0) == asker }) else { return .notAnAnswer }
        let thanked = log.lines.indices.dropFirst(nudge.line + 1).contains { line in
            author(line) == asker && Self.saysThanks(log.lines[line].text)
                && (antecedents[line, default: []].contains { author($0) == helper } || names(helper, in: log.lines[line].text))
        }
        return thanked ? .thankedLater : .correct
    }

    /// Adds a replayed log's nudges and verdicts to `report`.
    public func add(_ log: NudgeReplay.Log, to report: inout Report) {
        report.logs += 1
        report.messages += log.messages
        report.undecided += log.undecided
        for nudge in log.sent {
            switch nudge.kind {
            case .thank:
                report.thankNudges += 1
                report.verdicts[judge(nudge, in: log), default: 0] += 1
            case .reply:
                report.replyNudges += 1
            case .digest:
                break
            }
        }
    }

    private func names(_ nick: String, in text: String) -> Bool {
        text.split { $0.isWhitespace || ",:;!?.()<>\"'".contains($0) }.contains { casemapping.fold(String($0)) == nick }
    }

    /// The judge's own small thanks vocabulary, independent of the engine's detector.
    static func saysThanks(_ text: String) -> Bool {
        let vocabulary: Set<Substring> = ["thanks", "thank", "thx", "thnx", "thanx", "tnx", "ty", "tyvm", "cheers", "appreciated", "merci", "danke"]
        let lower = text.lowercased()
        return lower.split { !$0.isLetter }.contains { vocabulary.contains($0) } || lower.contains("++")
    }
}
