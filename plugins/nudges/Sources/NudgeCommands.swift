import Foundation
import Logging
import RapportCore

/// `!nudges …` and `stop`: each person's own controls.
struct NudgeCommands: Sendable {
    let store: NudgeStore
    let context: PluginContext

    func run(_ command: CommandInvocation) async throws -> String {
        let casemapping = await context.casemapping(of: command.network)
        let key = NudgeStore.personKey(command.sender, network: command.network, foldedNick: casemapping.fold(command.sender.nick))
        var preferences = try await store.preferences(key)
        let prefix = await context.administration.commandPrefix(network: command.network, channel: command.channel)
        if command.name == "stop" {
            preferences.off = true
            try await store.setPreferences(preferences, for: key)
            return "Understood: no more reminders from me. Say \(prefix)nudges on if you change your mind."
        }
        var words = command.arguments
        let sub = words.isEmpty ? "status" : words.removeFirst().lowercased()
        let rest = words.joined(separator: " ")
        switch sub {
        case "off":
            preferences.off = true
        case "on":
            preferences.off = false
            preferences.snoozedUntil = nil
        case "snooze":
            guard let duration = Duration(chatText: rest), duration > .zero, duration <= .seconds(90 * 86400) else {
                throw CommandError.usage("nudges snooze DURATION (such as 2h, 1d or 1w, at most 90d)")
            }
            preferences.snoozedUntil = context.time.now.addingTimeInterval(duration.timeInterval)
        case "quiet":
            if rest.lowercased() == "off" {
                preferences.quiet = nil
            } else {
                guard let quiet = QuietHours(rest) else {
                    throw CommandError.usage("nudges quiet HH:MM-HH:MM [TIME ZONE] (such as 22:00-08:00 Europe/Berlin), or nudges quiet off")
                }
                preferences.quiet = quiet
            }
        case "status":
            return status(preferences)
        case "why":
            return try await why(command, casemapping: casemapping)
        default:
            throw CommandError.usage(NudgesPlugin.descriptor.commands[0].usage)
        }
        try await store.setPreferences(preferences, for: key)
        return status(preferences)
    }

    private func status(_ preferences: NudgePreferences) -> String {
        if preferences.off { return "Your reminders are off." }
        var parts = ["Your reminders are on"]
        if let until = preferences.snoozedUntil, until > context.time.now {
            parts.append("snoozed until \(until.formatted(.iso8601))")
        }
        if let quiet = preferences.quiet { parts.append("quiet \(quiet)") }
        return parts.joined(separator: "; ") + "."
    }

    private func why(_ command: CommandInvocation, casemapping: Casemapping) async throws -> String {
        guard let last = try await store.lastSent(network: command.network, recipient: casemapping.fold(command.sender.nick)) else {
            return "I have not sent you any reminder."
        }
        let settings = await context.settings(network: last.network, channel: last.channel)
        let waited = Duration.seconds(Int64(last.dueAt.timeIntervalSince(last.createdAt))).chatText
        switch last.kind {
        case .thank:
            return "In \(last.channel), \(last.other) answered your question, you were active afterwards, and I saw no thanks or reply to \(last.other) within \(waited). Reminders come at most once per \(settings.duration("min_gap").chatText) and \(settings.int("weekly_limit")) a week."
        case .reply:
            return "In \(last.channel), \(last.other) asked you something directly, you were active afterwards, and I saw no answer to \(last.other) within \(waited). Reminders come at most once per \(settings.duration("min_gap").chatText) and \(settings.int("weekly_limit")) a week."
        }
    }

    /// The words of a nudge, in the configured language or text.
    static func text(for nudge: NudgeStore.Nudge, settings: PluginSettings, context: PluginContext) async -> String {
        let templates = NudgeTemplates.languages[settings.string("language")] ?? NudgeTemplates.languages["en"]
        let prefix = await context.administration.commandPrefix(network: nudge.network, channel: nil)
        let custom = settings.string(nudge.kind == .thank ? "thank_text" : "reply_text")
        let body = custom.isEmpty ? (nudge.kind == .thank ? templates?.thank : templates?.reply) ?? "" : custom
        let values = [
            "helper": nudge.other, "asker": nudge.other, "channel": nudge.channel, "excerpt": nudge.excerpt, "prefix": prefix,
        ]
        return NudgeTemplates.render(body, values) + " " + NudgeTemplates.render(templates?.footer ?? "", values)
    }
}
