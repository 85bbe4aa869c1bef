public import Foundation
public import RapportCore

/// How well thanks are credited on messages a person labelled: who each message thanks (nobody
/// for a look-alike), and the kind of message it is.
///
/// Per kind: how many messages, how many credits the engine gave on them, how many went to a
/// person the label names, and how many went to someone else (on a real thanks) or to anyone (on
/// a look-alike, a false credit). Precision is the share of all credits that went to a labelled
/// person; recall the share of real thanks on which at least one did.
public struct ThanksScore: Sendable, CustomStringConvertible {
    /// The counts of one kind of message.
    public struct Tally: Sendable, Hashable {
        public var messages = 0
        /// Messages labelled as thanking someone.
        public var thanks = 0
        /// Of those, the ones on which a labelled person was credited.
        public var found = 0
        public var credits = 0
        /// Credits to a person the label names.
        public var right = 0
        /// Credits to someone else on a real thanks.
        public var wrongPerson = 0
        /// Credits on a message that thanks no one.
        public var falseCredits = 0

        mutating func add(_ other: Tally) {
            messages += other.messages
            thanks += other.thanks
            found += other.found
            credits += other.credits
            right += other.right
            wrongPerson += other.wrongPerson
            falseCredits += other.falseCredits
        }
    }

    /// One labelled message and what the engine credited on it.
    public struct Judgement: Sendable {
        public var source: String
        public var kind: String
        public var expected: [String]
        public var credited: [String]
        public var text: String
        /// Whether the credits match the label: nobody on a look-alike, only labelled people and
        /// at least one of them on a real thanks.
        public var isRight: Bool
    }

    public var byKind: [String: Tally] = [:]
    /// Every judgement, in the order scored (for `--show`).
    public var judgements: [Judgement] = []
    let casemapping: Casemapping

    public init(casemapping: Casemapping = .rfc1459) {
        self.casemapping = casemapping
    }

    /// Scores one message labelled `kind`, thanking `expected` (empty: nobody), on which the
    /// engine credited `credited`.
    public mutating func add(source: String, kind: String, expected: [String], credited: [String], text: String) {
        var tally = Tally()
        tally.messages = 1
        tally.credits = credited.count
        if expected.isEmpty {
            tally.falseCredits = credited.count
        } else {
            tally.thanks = 1
            let labelled = Set(expected.map(casemapping.fold))
            tally.right = credited.filter { labelled.contains(casemapping.fold($0)) }.count
            tally.wrongPerson = credited.count - tally.right
            tally.found = tally.right > 0 ? 1 : 0
        }
        byKind[kind, default: Tally()].add(tally)
        let isRight = expected.isEmpty ? credited.isEmpty : tally.found == 1 && tally.wrongPerson == 0
        judgements.append(Judgement(source: source, kind: kind, expected: expected, credited: credited, text: text, isRight: isRight))
    }

    /// All kinds together.
    public var total: Tally {
        var all = Tally()
        for tally in byKind.values { all.add(tally) }
        return all
    }

    /// The share of credits that went to a labelled person (1 with no credits).
    public var precision: Double { Self.share(total.right, of: total.credits) }

    /// The share of real thanks on which a labelled person was credited.
    public var recall: Double { Self.share(total.found, of: total.thanks) }

    /// Kinds of look-alike (no message of theirs thanks anyone) with more than `perFifty` false
    /// credits in some 50 of their messages: more than `perFifty` for every 50 begun (a kind of
    /// 66 messages may have 2, one of 14 at most 1).
    public func lookAlikeKinds(exceeding perFifty: Int) -> [String] {
        byKind.filter { kind, tally in
            tally.thanks == 0 && tally.falseCredits > perFifty * ((tally.messages + 49) / 50)
        }.map(\.key).sorted()
    }

    static func share(_ part: Int, of whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }

    public var description: String {
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
        }
        var lines = ["kind                 messages  credits  right  wrong person  false  recall   false per 50"]
        let rows = byKind.sorted { ($0.value.thanks == 0 ? 1 : 0, $0.key) < ($1.value.thanks == 0 ? 1 : 0, $1.key) }
        for (kind, t) in rows + [("all", total)] {
            let perFifty = t.thanks == 0 && t.messages > 0 ? String(format: "%.1f", 50 * Double(t.falseCredits) / Double(t.messages)) : "-"
            lines.append(
                kind.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(format: " %8d %8d %6d %13d %6d", t.messages, t.credits, t.right, t.wrongPerson, t.falseCredits)
                    + "  " + percent(t.found, t.thanks).padding(toLength: 7, withPad: " ", startingAt: 0) + "  " + perFifty)
        }
        lines.append(
            "precision \(percent(total.right, total.credits)) (\(total.right) of \(total.credits) credits to the right person), "
                + "recall \(percent(total.found, total.thanks)) (\(total.found) of \(total.thanks) real thanks), "
                + "\(total.falseCredits) false credits on \(total.messages - total.thanks) look-alikes")
        return lines.joined(separator: "\n")
    }
}

/// The thanks set (`Training/thanks-set/`): lines of real #ubuntu logs, each with the log lines
/// before it and a person's label, replayed through the engine one by one.
public struct ThanksSet: Sendable {
    /// One labelled message.
    public struct Item: Sendable, Decodable {
        /// `NAME:LINE` in the corpus.
        public var source: String
        public var kind: String
        /// Who the message thanks; empty when it thanks no one.
        public var credit: [String]
        /// The raw log lines before it.
        public var context: [String]
        /// The raw log line of the message.
        public var line: String
    }

    public var items: [Item]

    /// Reads the set: one JSON object a line.
    ///
    /// - Throws: `DecodingError` naming the line for a line that is not an item.
    public init(contentsOf url: URL) throws {
        let decoder = JSONDecoder()
        var items: [Item] = []
        for (number, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
            do {
                items.append(try decoder.decode(Item.self, from: Data(line.utf8)))
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(url.lastPathComponent) line \(number + 1): \(error)"))
            }
        }
        self.items = items
    }

    /// Replays each item, its context then its message, through a fresh engine, and scores what
    /// the engine credited on the message.
    public func score(configuration: ReciprocityEngine.Configuration = Replay.Options().engine) -> ThanksScore {
        var score = ThanksScore(casemapping: configuration.casemapping)
        for item in items {
            var engine = ReciprocityEngine(configuration: configuration)
            var credited: [String] = []
            let target = item.context.count
            Replay.forEachObservation(lines: item.context + [item.line], channel: item.source) { number, observation, _ in
                let events = engine.observe(observation).events
                if number == target { credited = events.filter { $0.kind == .thanked }.map(\.to) }
            }
            score.add(source: item.source, kind: item.kind, expected: item.credit, credited: credited, text: item.line)
        }
        return score
    }
}

/// Labels of messages in whole logs, one a line: `NAME LINE KIND CREDIT # text`, where CREDIT is
/// the nicks the message thanks, separated by commas, or `-` for nobody (`Training/thanks-set/`).
public struct ThanksLabels: Sendable {
    /// A person's reading of one message.
    public struct Label: Sendable, Hashable {
        public var kind: String
        public var credit: [String]
    }

    /// By log name, then line number.
    public var labels: [String: [Int: Label]] = [:]

    /// Reads labels; blank lines and lines starting with `#` are skipped.
    ///
    /// - Throws: ``LabelError`` naming the first line not in the format.
    public init(text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: " ", maxSplits: 4)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            guard fields.count >= 4, let lineNumber = Int(fields[1]) else { throw LabelError(line: number + 1) }
            let credit = fields[3] == "-" ? [] : fields[3].split(separator: ",").map(String.init)
            labels[String(fields[0]), default: [:]][lineNumber] = Label(kind: String(fields[2]), credit: credit)
        }
    }

    /// A line of a labels file that is not `NAME LINE KIND CREDIT`.
    public struct LabelError: Error, CustomStringConvertible {
        public var line: Int
        public var description: String { "line \(line) is not NAME LINE KIND CREDIT [# text]" }
    }

    /// The kind under which credits on messages nobody labelled are counted (as false credits:
    /// a person should read them and label them).
    public static let unlabelled = "unlabelled"

    /// Replays `logs` (the corpus format, each its own channel) and scores every labelled
    /// message, and every credit on an unlabelled message from line `fromLine` on.
    ///
    /// - Throws: when a log cannot be read.
    public func score(
        logs: [URL], fromLine: Int = 1000, configuration: ReciprocityEngine.Configuration = Replay.Options().engine
    ) throws -> ThanksScore {
        var score = ThanksScore(casemapping: configuration.casemapping)
        for log in logs {
            let name = Replay.logName(log)
            let labelled = labels[name] ?? [:]
            var engine = ReciprocityEngine(configuration: configuration)
            try Replay.forEachObservation(in: log) { number, observation, _ in
                let credited = engine.observe(observation).events.filter { $0.kind == .thanked }.map(\.to)
                let source = "\(name):\(number)"
                if let label = labelled[number] {
                    score.add(source: source, kind: label.kind, expected: label.credit, credited: credited, text: observation.text)
                } else if number >= fromLine, !credited.isEmpty {
                    score.add(source: source, kind: Self.unlabelled, expected: [], credited: credited, text: observation.text)
                }
            }
        }
        return score
    }
}
