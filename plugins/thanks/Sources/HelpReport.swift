import Foundation
import RapportCore

/// The chat lines of `!helpers`, `!me` and the admin digest, made from ``HelpStatistics``.
///
/// Nicks in these lines never ping: ``quiet(_:)`` puts a zero-width space after the first
/// character, so chat clients do not see the nick as a word and do not highlight its owner.
enum HelpReport {
    static func quiet(_ nick: String) -> String {
        guard let first = nick.first else { return nick }
        return String(first) + "\u{200B}" + nick.dropFirst()
    }

    static func plural(_ n: Int, _ word: String, _ words: String? = nil) -> String { "\(n) \(n == 1 ? word : words ?? word + "s")" }

    static func list<T>(_ items: [T], _ describe: (T) -> String) -> String { items.map(describe).joined(separator: ", ") }

    static func helpers(_ helpers: [HelpStatistics.Helper], channel: String, period: HelpPeriod) -> String {
        guard !helpers.isEmpty else { return "Nobody helped in \(channel) \(period.label) yet." }
        return "Top helpers in \(channel), \(period.label): "
            + list(helpers) { "\(quiet($0.nick)) (\(plural($0.answers, "answer")) to \(plural($0.peopleHelped, "person", "people")), \(thanks($0.thanks)))" }
    }

    static func unsung(_ helpers: [HelpStatistics.Helper]) -> String {
        guard !helpers.isEmpty else { return "Unsung helpers: none — everyone who answered a lot was thanked." }
        return "Unsung helpers (many answers, few thanks): " + list(helpers) { "\(quiet($0.nick)) (\(plural($0.answers, "answer")), \(thanks($0.thanks)))" }
    }

    static func newcomers(_ newcomers: [HelpStatistics.Newcomer], period: HelpPeriod) -> String {
        guard !newcomers.isEmpty else { return "Nobody new started helping \(period.label)." }
        return "Started helping \(period.label): " + list(newcomers) { "\(quiet($0.nick)) (\(plural($0.answers, "answer")))" }
    }

    static func onlyAskers(_ askers: [HelpStatistics.Asker], channel: String, period: HelpPeriod) -> String {
        guard !askers.isEmpty else { return "In \(channel), everyone who asked \(period.label) has answered someone too." }
        return "Asked in \(channel) \(period.label) and never answered anyone there yet: "
            + list(askers) { "\(quiet($0.nick)) (\(plural($0.questions, "question")))" }
    }

    static func activity(_ activity: HelpStatistics.Activity, channel: String, period: HelpPeriod) -> String {
        "Help in \(channel), \(period.label): \(plural(activity.answers, "answer")), \(thanks(activity.thanks)), "
            + "\(plural(activity.questions, "question")) (\(activity.unanswered) still unanswered), \(plural(activity.helpers, "helper"))."
    }

    static func openQuestions(_ questions: [HelpStatistics.OpenQuestion], now: Date) -> String {
        guard !questions.isEmpty else { return "No question is left unanswered." }
        return "Left unanswered: " + list(questions) { question in
            let age = Self.age(now.timeIntervalSince(question.askedAt))
            let excerpt = question.excerpt.isEmpty ? "" : ": “\(question.excerpt.prefix(80))”"
            return "\(quiet(question.nick)), \(age) ago\(excerpt)"
        }
    }

    static func balance(_ balance: HelpStatistics.Balance, network: String) -> String {
        let helped = balance.helped.isEmpty ? "nobody yet" : list(balance.helped) { "\(quiet($0.nick)) (\($0.count))" }
        let helpedBy = balance.helpedBy.isEmpty ? "nobody yet" : list(balance.helpedBy) { "\(quiet($0.nick)) (\($0.count))" }
        return "Your help on \(network): you gave \(plural(balance.answersGiven, "answer")) and got \(thanks(balance.thanksReceived)); "
            + "you got \(plural(balance.answersReceived, "answer")) and gave \(thanks(balance.thanksGiven)). "
            + "You helped \(helped). You were helped by \(helpedBy)."
    }

    private static func thanks(_ n: Int) -> String { "\(n) thanks" }

    /// A rough age, in its largest unit: `3d`, `5h`, `12m`.
    static func age(_ seconds: TimeInterval) -> String {
        let seconds = max(Int64(seconds), 60)
        let unit: Int64 = seconds >= 86400 ? 86400 : seconds >= 3600 ? 3600 : 60
        return Duration.seconds(seconds / unit * unit).chatText
    }
}
