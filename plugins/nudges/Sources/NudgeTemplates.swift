/// The words of a nudge: friendly, never shaming, always saying how to stop them.
///
/// Templates use `{helper}`, `{asker}`, `{channel}`, `{excerpt}`, `{prefix}` placeholders. Built-in
/// sets exist per language (`language` setting); each text can also be replaced by a setting.
public struct NudgeTemplates: Sendable, Hashable {
    public var thank: String
    public var reply: String
    public var footer: String
    public var digest: String

    public static let languages: [String: NudgeTemplates] = [
        "en": NudgeTemplates(
            thank: "Hi! Earlier in {channel}, {helper} answered your question: \"{excerpt}\". If it helped, a quick thanks to {helper} goes a long way.",
            reply: "Hi! {asker} asked you something in {channel}: \"{excerpt}\". They may still be hoping for an answer.",
            footer: "(Reply stop to get no more of these, or say {prefix}nudges snooze 1d.)",
            digest: "Your week: you helped {helped} time(s) and were helped {helped_by} time(s)."),
        "de": NudgeTemplates(
            thank: "Hallo! Vorhin in {channel} hat {helper} deine Frage beantwortet: \"{excerpt}\". Falls es geholfen hat, freut sich {helper} sicher über ein kurzes Danke.",
            reply: "Hallo! {asker} hat dich in {channel} etwas gefragt: \"{excerpt}\". Vielleicht wartet {asker} noch auf eine Antwort.",
            footer: "(Antworte stop, um keine solchen Nachrichten mehr zu bekommen, oder sag {prefix}nudges snooze 1d.)",
            digest: "Deine Woche: du hast {helped}-mal geholfen und {helped_by}-mal Hilfe bekommen."),
        "fr": NudgeTemplates(
            thank: "Bonjour ! Tout à l'heure dans {channel}, {helper} a répondu à ta question : « {excerpt} ». Si cela t'a aidé, un petit merci à {helper} fait toujours plaisir.",
            reply: "Bonjour ! {asker} t'a posé une question dans {channel} : « {excerpt} ». {asker} attend peut-être encore une réponse.",
            footer: "(Réponds stop pour ne plus recevoir ces messages, ou dis {prefix}nudges snooze 1d.)",
            digest: "Ta semaine : tu as aidé {helped} fois et reçu de l'aide {helped_by} fois."),
    ]

    /// Fills in the placeholders; unknown ones are left as they are.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }
}

import Foundation
