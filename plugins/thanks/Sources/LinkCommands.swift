import RapportCore

/// `!link`, `!link CODE`, `!link list` and `!unlink`: a person joins their IRC account and their
/// Matrix ID (or two of either) by proving they hold both. Answers always go by DM.
struct LinkCommands {
    let links: IdentityLinks
    let context: PluginContext

    static let usage = "link [CODE|list] | unlink"

    func run(_ command: CommandInvocation) async throws {
        guard let identity = command.sender.identity, IdentityLinks.isVerified(identity) else {
            throw CommandError(
                .notPermitted,
                "Linking needs a verified identity: log in to your IRC network's services (NickServ) or use Matrix, then try again.")
        }
        let prefix = await context.administration.commandPrefix(network: command.network, channel: nil)
        let answer: String
        switch (command.name, command.arguments.first) {
        case ("unlink", nil):
            answer = try await links.unlink(identity)
                ? "Done: \(identity) is no longer linked to your other identities."
                : "\(identity) was not linked to anything."
        case ("link", nil):
            let code = try await links.issueCode(for: identity, now: context.time.now)
            answer = "Your link code is \(code). Within 10 minutes, send \(prefix)link \(code) to me in a private message from your other identity (your IRC account or Matrix ID). Use it once; never post it in a channel."
        case ("link", let word?) where word.lowercased() == "list":
            let linked = try await links.linked(to: identity)
            answer = linked.isEmpty
                ? "\(identity) is not linked to any other identity. Say \(prefix)link to start."
                : "Linked as one person: " + linked.map(\.rawValue).joined(separator: ", ") + "."
        case ("link", let code?) where command.arguments.count == 1:
            guard command.channel == nil else {
                try await links.discard(code)
                throw CommandError(.badArguments, "That code was shown in a channel, so I voided it. Ask for a new one and send it privately.")
            }
            let maker = try await links.redeem(code, by: identity, now: context.time.now)
            answer = "Linked: \(maker) and \(identity) now count as one person. \(prefix)link list shows them, \(prefix)unlink undoes it."
        default:
            throw CommandError.usage(Self.usage)
        }
        try await context.replyPrivately(to: command, answer)
        if command.channel != nil { try await context.reply(to: command, "I answered you privately.") }
    }
}
