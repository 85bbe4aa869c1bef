import Foundation
import RapportCore

/// `!helpers` (channel operators for their channel, admins for any), `!helpers digest` (admins)
/// and `!me` (anyone): the community side of the ledger, through ``HelpStatistics``.
struct HelpersCommands {
    let statistics: HelpStatistics
    let digest: HelpDigest
    let links: IdentityLinks
    let context: PluginContext

    static let usage = "helpers [#channel] [week|month|all]"
    static let digestUsage = "helpers digest on|off [#channel]"

    func run(_ command: CommandInvocation) async throws {
        if command.name == "me" { return try await me(command) }
        if command.arguments.first?.lowercased() == "digest" { return try await subscription(command) }
        try await helpers(command)
    }

    /// Top, unsung and new helpers where everyone may read them; who only asks, to admins privately.
    private func helpers(_ command: CommandInvocation) async throws {
        var period = HelpPeriod.week(containing: context.time.now)
        var channel = command.channel
        for argument in command.arguments {
            if let named = HelpPeriod(named: argument, containing: context.time.now) {
                period = named
            } else if let first = argument.first, "#&!+".contains(first) {
                channel = argument
            } else {
                throw CommandError.usage(Self.usage)
            }
        }
        guard let channel else { throw CommandError.usage(Self.usage) }
        try await checkAllowed(command, for: channel)
        let network = command.network
        let size = await context.settings(network: network, channel: channel).int("top_size")
        let helpers = try await statistics.helpers(network: network, channel: channel, period: period, limit: size)
        let unsung = try await statistics.unsungHelpers(network: network, channel: channel, period: period, limit: size)
        let newcomers = try await statistics.newcomers(network: network, channel: channel, period: period, limit: size)
        for line in [
            HelpReport.helpers(helpers, channel: channel, period: period), HelpReport.unsung(unsung),
            HelpReport.newcomers(newcomers, period: period),
        ] {
            try await context.reply(to: command, line)
        }
        guard command.role >= .admin else { return }
        let askers = try await statistics.onlyAskers(network: network, channel: channel, period: period, limit: size)
        try await context.replyPrivately(to: command, HelpReport.onlyAskers(askers, channel: channel, period: period))
    }

    /// A channel operator's role holds in the channel where they typed the command only.
    private func checkAllowed(_ command: CommandInvocation, for channel: String) async throws {
        guard command.role < .admin else { return }
        let casemapping = await context.casemapping(of: command.network)
        guard let here = command.channel, casemapping.equal(here, channel) else {
            throw CommandError(.notPermitted, "Channel operators see their own channel only; a bot admin can ask about \(channel).")
        }
    }

    private func subscription(_ command: CommandInvocation) async throws {
        guard command.role >= .admin else { throw CommandError.notPermitted(.admin) }
        let words = command.arguments.dropFirst()
        guard let channel = words.dropFirst().first ?? command.channel, let choice = words.first?.lowercased(), ["on", "off"].contains(choice)
        else { throw CommandError.usage(Self.digestUsage) }
        let admin = await context.administration.person(command.sender, on: command.network).key
        if choice == "on" {
            try await digest.subscribe(network: command.network, channel: channel, admin: admin, address: command.sender.address)
            let prefix = await context.administration.commandPrefix(network: command.network, channel: command.channel)
            try await context.reply(
                to: command, "Every Monday I'll send you, privately, how people helped each other in \(channel) the week before. \(prefix)helpers digest off \(channel) stops it.")
        } else if try await digest.unsubscribe(network: command.network, channel: channel, admin: admin) {
            try await context.reply(to: command, "No more weekly digest of \(channel) for you.")
        } else {
            try await context.reply(to: command, "You had no weekly digest of \(channel).")
        }
    }

    /// Your own balance, privately, with the help of every identity linked to yours: by your
    /// verified identity, never by a nick someone else may be using (``PersonMatch/own(_:linked:)``).
    private func me(_ command: CommandInvocation) async throws {
        let person = await context.administration.person(command.sender, on: command.network)
        var linked: [Identity] = []
        if let identity = person.identity { linked = try await links.linked(to: identity) }
        let balance = try await statistics.balance(.own(person, linked: linked))
        let whose = linked.count > 1 ? "\(command.network) and your linked identities" : command.network
        try await context.replyPrivately(to: command, HelpReport.balance(balance, network: whose))
        if command.channel != nil { try await context.reply(to: command, "I sent you your help balance privately.") }
    }
}
