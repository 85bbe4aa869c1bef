public import RapportCore
import Foundation

/// Each person's control over what Rapport keeps about them: see it, export it, erase it, or
/// stop being recorded at all.
public struct PrivacyPlugin: BuiltInPlugin {
    public static let descriptor = PluginDescriptor(
        id: "privacy",
        summary: "What Rapport keeps about you, and your controls: export, erase, stop recording.",
        version: RapportVersion.current,
        commands: [
            .init("privacy", help: "Say in plain words what Rapport stores about people and why."),
            .init("export", usage: "export me", help: "Send you, privately, everything Rapport stores about you, as JSON."),
            .init(
                "forget", usage: "forget me|NICK|IDENTITY [confirm]",
                help: "Erase your preferences and message excerpts and detach your name from the help ledger (asks for confirmation). Admins: forget NICK (what was recorded for NICK here without a verified identity) or forget IDENTITY, for requests made by other means."),
            .init("track", usage: "track off|on|status", help: "Stop (or resume) recording anything about you; the bot still answers your commands."),
        ],
        handlesEvents: false)

    private let confirmations = Confirmations()

    public init(context: PluginContext) async throws {
        await context.schedule(every: .seconds(3600), name: "delete expired message text") {
            await context.administration.applyTextRetention()
        }
    }

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        let admin = context.administration
        let person = await admin.person(command.sender, on: command.network)
        let about = command.arguments.first?.lowercased()
        switch command.name {
        case "privacy":
            try await context.reply(to: command, Self.statement(retention: context.textRetention))
        case "export":
            guard about == "me" else { throw CommandError.usage("export me") }
            let data = await admin.personalData(about: person)
            let json = String(decoding: try JSONEncoder.sorted.encode(data), as: UTF8.self)
            if let note = Self.unverifiedNote(person) { try await context.replyPrivately(to: command, note) }
            try await context.replyPrivately(to: command, "Everything Rapport stores about you: \(json)")
            if command.channel != nil { try await context.reply(to: command, "I sent you your data privately.") }
        case "forget":
            guard let about, let target = command.arguments.first else { throw CommandError.usage("forget me|NICK|IDENTITY") }
            let isSelf = about == "me"
            let subject = try await isSelf ? person : Self.person(named: target, asked: command, context: context)
            // One confirmation per asker and subject: an admin's pending request is not someone's own.
            let request = "\(person.key) \(subject.key)"
            guard command.arguments.dropFirst().first?.lowercased() == "confirm",
                await confirmations.take(request, now: context.time.now)
            else {
                await confirmations.ask(request, now: context.time.now)
                let prefix = await admin.commandPrefix(network: command.network, channel: command.channel)
                let whose = isSelf ? "your" : "the"
                let ask = [
                    isSelf ? Self.unverifiedNote(person) : nil,
                    isSelf ? nil : "For \(Self.describe(subject)):",
                    "This erases \(whose) preferences and message excerpts and removes \(whose) name from the help ledger (others' counts stay). It cannot be undone. Say \(prefix)forget \(target) confirm within 10 minutes to go ahead.",
                ]
                try await context.reply(to: command, ask.compactMap { $0 }.joined(separator: " "))
                return
            }
            if isSelf {
                try await admin.forget(person)
                try await context.reply(to: command, "Done: Rapport no longer keeps anything that points to you.")
            } else {
                try await admin.forget(subject, by: AdminActor(command))
                try await context.reply(to: command, "Done: Rapport no longer keeps anything recorded for \(Self.describe(subject)).")
            }
        case "track":
            switch about {
            case "off":
                try await admin.setTracked(person, false)
                try await context.reply(to: command, "From now on I record nothing about you. I still answer your commands.")
            case "on":
                try await admin.setTracked(person, true)
                try await context.reply(to: command, "I record your help and thanks again.")
            case "status", nil:
                let tracked = await admin.isTracked(person)
                try await context.reply(to: command, tracked ? "I record your help and thanks (say track off to stop)." : "I record nothing about you.")
            default:
                throw CommandError.usage("track off|on|status")
            }
        default:
            throw CommandError.unknownCommand(command.name)
        }
    }

    /// Whom an admin's `forget NICK|IDENTITY` erases: a verified identity, or what was recorded
    /// for a nick on this network without one.
    private static func person(named target: String, asked command: CommandInvocation, context: PluginContext) async throws -> Person {
        guard command.role >= .admin else { throw CommandError.notPermitted(.admin) }
        if let identity = Identity(target) { return Person(network: command.network, nick: "", identity: identity) }
        guard !target.contains(":") else {
            throw CommandError.usage("forget me|NICK|IDENTITY (an identity is irc:NETWORK:ACCOUNT, matrix:@user:server or console:NAME)")
        }
        return Person(network: command.network, nick: await context.casemapping(of: command.network).fold(target), identity: nil)
    }

    private static func describe(_ person: Person) -> String {
        person.identity?.rawValue ?? "the nick \(person.nick) on \(person.network) without a verified identity"
    }

    /// What someone without a verified identity is told before their data is exported or erased.
    static func unverifiedNote(_ person: Person) -> String? {
        guard person.identity == nil else { return nil }
        return "You are not logged in, so this covers only what was recorded for the nick \(person.nick) on \(person.network) while no account was logged in with it. What was recorded for an account is reachable from that account only: log in to services (SASL, or /msg NickServ IDENTIFY) and ask again."
    }

    static func statement(retention: Duration) -> String {
        let text = retention == .zero
            ? "no message text at all"
            : "short excerpts of messages (for reminders) for \(retention.chatText)"
        return """
            Rapport keeps: who answered whose question and who thanked whom in each channel (to show helpers and \
            send reminders), your reminder preferences, the identities you joined with link (only by your own code), and \(text). It keeps no full logs. \
            It is bound to your verified identity (IRC services account, Matrix user ID); what is recorded for an IRC user who is not logged in is bound \
            to that nick on that network only, and anyone using the nick without an account reaches it. Say export me to get everything it has about you, \
            forget me to erase it, track off to stop being recorded.
            """
    }
}

/// Pending `forget me` confirmations, valid for ten minutes.
actor Confirmations {
    private var asked: [String: Date] = [:]

    func ask(_ key: String, now: Date) { asked[key] = now }

    func take(_ key: String, now: Date) -> Bool {
        guard let when = asked.removeValue(forKey: key) else { return false }
        return now.timeIntervalSince(when) <= 600
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
