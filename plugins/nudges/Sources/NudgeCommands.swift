import Foundation
import Logging
import RapportCore

/// `!nudges …` and `stop`: each person's own controls.
struct NudgeCommands: Sendable {
    let store: NudgeStore
    let context: PluginContext

    func run(_ command: CommandInvocation) async throws -> String {
        let casemapping = await context.casemapping(of: command.network)
        let nick = casemapping.fold(command.sender.nick)
        let key = NudgeStore.personKey(command.sender, network: command.network, foldedNick: nick)
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
        case "digest":
            let periods: [String: TimeInterval?] = ["on": 7 * 86400, "weekly": 7 * 86400, "daily": 86400, "off": nil]
            guard let period = periods[rest.lowercased()] else { throw CommandError.usage("nudges digest on|off|daily|weekly") }
            // Someone who never spoke yet has no address to send to: note them now.
            try await store.notePerson(network: command.network, nick: nick, user: command.sender, at: context.time.now, away: nil)
            try await store.setDigest(network: command.network, nick: nick, period: period, now: context.time.now)
        case "status":
            break
        case "why":
            return try await why(command, casemapping: casemapping)
        default:
            throw CommandError.usage(NudgesPlugin.descriptor.commands[0].usage)
        }
        if sub != "status" { try await store.setPreferences(preferences, for: key) }
        return status(preferences, digest: try await store.digestPeriod(network: command.network, nick: nick))
    }

    private func status(_ preferences: NudgePreferences, digest: TimeInterval?) -> String {
        if preferences.off { return "Your reminders are off." }
        var parts = ["Your reminders are on"]
        if let until = preferences.snoozedUntil, until > context.time.now {
            parts.append("snoozed until \(until.formatted(.iso8601))")
        }
        if let quiet = preferences.quiet { parts.append("quiet \(quiet)") }
        if let digest { parts.append(digest < 7 * 86400 ? "daily digest" : "weekly digest") }
        return parts.joined(separator: "; ") + "."
    }

    private func why(_ command: CommandInvocation, casemapping: Casemapping) async throws -> String {
        guard let last = try await store.lastSent(network: command.network, recipient: casemapping.fold(command.sender.nick)) else {
            return "I have not sent you any reminder."
        }
        if last.kind == .digest { return "That was the give-back digest you asked for; say nudges digest off to stop it." }
        let settings = await context.settings(network: last.network, channel: last.channel)
        let waited = Duration.seconds(Int64(last.dueAt.timeIntervalSince(last.createdAt))).chatText
        switch last.kind {
        case .thank:
            return "In \(last.channel), \(last.other) answered your question, you were active afterwards, and I saw no thanks or reply to \(last.other) within \(waited). Reminders come at most once per \(settings.duration("min_gap").chatText) and \(settings.int("weekly_limit")) a week."
        case .reply, .digest:
            return "In \(last.channel), \(last.other) asked you something directly, you were active afterwards, and I saw no answer to \(last.other) within \(waited). Reminders come at most once per \(settings.duration("min_gap").chatText) and \(settings.int("weekly_limit")) a week."
        }
    }

    /// The words of a nudge or digest, in the configured language or text; `nil` for a digest
    /// with nothing to report.
    static func text(for nudge: NudgeStore.Nudge, settings: PluginSettings, store: NudgeStore, context: PluginContext) async throws -> String? {
        let templates = NudgeTemplates.languages[settings.string("language")] ?? NudgeTemplates.english
        let prefix = await context.administration.commandPrefix(network: nudge.network, channel: nil)
        let values = [
            "helper": nudge.other, "asker": nudge.other, "channel": nudge.channel, "excerpt": nudge.excerpt, "prefix": prefix,
        ]
        let body: String
        switch nudge.kind {
        case .thank, .reply:
            let custom = settings.string(nudge.kind == .thank ? "thank_text" : "reply_text")
            body = NudgeTemplates.render(custom.isEmpty ? (nudge.kind == .thank ? templates.thank : templates.reply) : custom, values)
        case .digest:
            let now = context.time.now
            let figures = try await store.digestFigures(network: nudge.network, nick: nudge.recipient, since: nudge.createdAt)
            if figures.helped == 0, figures.helpedBy == 0, figures.open.isEmpty { return nil }
            body = templates.digestText(figures, days: Int((now.timeIntervalSince(figures.since) / 86400).rounded()), now: now)
        }
        return body + " " + NudgeTemplates.render(templates.footer, values)
    }
}
