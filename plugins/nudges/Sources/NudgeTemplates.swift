public import Foundation

/// The words of a nudge: friendly, never shaming, always saying how to stop them.
///
/// Templates use `{helper}`, `{asker}`, `{channel}`, `{excerpt}`, `{prefix}` placeholders (the
/// digest `{days}`, `{helped}`, `{helped_by}`, and `{age}` for each open question). Built-in sets
/// exist per language (`language` setting); the thank and reply texts can also be replaced by a setting.
public struct NudgeTemplates: Sendable, Hashable {
    public var thank: String
    public var reply: String
    public var footer: String
    public var digest: String
    /// Introduces the open questions in a digest.
    public var open: String
    /// One open question.
    public var question: String

    /// The built-in English texts, also the fallback for an unknown language.
    public static let english = NudgeTemplates(
        thank: "Hi! Earlier in {channel}, {helper} answered your question: \"{excerpt}\". If it helped, a quick thanks to {helper} goes a long way.",
        reply: "Hi! {asker} asked you something in {channel}: \"{excerpt}\". They may still be hoping for an answer.",
        footer: "(Reply stop to get no more of these, or say {prefix}nudges snooze 1d.)",
        digest: "Your give-back digest: in the last {days} day(s) you answered {helped} question(s) and got {helped_by} answer(s).",
        open: "Still waiting for an answer in your channels:", question: "\"{excerpt}\" ({channel}, {age} ago)")

    public static let languages: [String: NudgeTemplates] = [
        "en": english,
        "de": NudgeTemplates(
            thank: "Hallo! Vorhin in {channel} hat {helper} deine Frage beantwortet: \"{excerpt}\". Falls es geholfen hat, freut sich {helper} sicher über ein kurzes Danke.",
            reply: "Hallo! {asker} hat dich in {channel} etwas gefragt: \"{excerpt}\". Vielleicht wartet {asker} noch auf eine Antwort.",
            footer: "(Antworte stop, um keine solchen Nachrichten mehr zu bekommen, oder sag {prefix}nudges snooze 1d.)",
            digest: "Dein Rückblick: in den letzten {days} Tag(en) hast du {helped} Frage(n) beantwortet und {helped_by} Antwort(en) bekommen.",
            open: "In deinen Kanälen wartet noch jemand auf eine Antwort:", question: "„{excerpt}“ ({channel}, vor {age})"),
        "fr": NudgeTemplates(
            thank: "Bonjour ! Tout à l'heure dans {channel}, {helper} a répondu à ta question : « {excerpt} ». Si cela t'a aidé, un petit merci à {helper} fait toujours plaisir.",
            reply: "Bonjour ! {asker} t'a posé une question dans {channel} : « {excerpt} ». {asker} attend peut-être encore une réponse.",
            footer: "(Réponds stop pour ne plus recevoir ces messages, ou dis {prefix}nudges snooze 1d.)",
            digest: "Ton bilan : ces {days} derniers jours, tu as répondu à {helped} question(s) et reçu {helped_by} réponse(s).",
            open: "Encore sans réponse dans tes salons :", question: "« {excerpt} » ({channel}, il y a {age})"),
    ]

    /// The digest's words (without the footer): the counts, then up to three open questions.
    public func digestText(_ figures: NudgeStore.DigestFigures, days: Int, now: Date) -> String {
        var text = Self.render(digest, ["days": "\(days)", "helped": "\(figures.helped)", "helped_by": "\(figures.helpedBy)"])
        guard !figures.open.isEmpty else { return text }
        let questions = figures.open.map { question in
            Self.render(self.question, ["excerpt": question.excerpt, "channel": question.channel, "age": Self.age(now.timeIntervalSince(question.askedAt))])
        }
        text += " " + open + " " + questions.joined(separator: "; ") + "."
        return text
    }

    /// `25m`, `3h`, `2d`: an age to the nearest lower unit.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(Int(seconds), 60)
        return s < 3600 ? "\(s / 60)m" : s < 86400 ? "\(s / 3600)h" : "\(s / 86400)d"
    }

    /// Fills in the placeholders; unknown ones are left as they are.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }
}

