import Logging
public import RapportCore

/// `!dashboard`: sends an admin (or a channel operator, typed in their channel) a single-use link
/// that signs them in to the web dashboard. An operator's link is for that channel only.
///
/// The pages themselves are served by the HTTP endpoint (`RapportDashboard`); this plugin only
/// issues the links, so the chat side stays behind the plugin API like every other command.
public struct DashboardPlugin: BuiltInPlugin {
    public static let descriptor = PluginDescriptor(
        id: "dashboard",
        summary: "Sign-in links to the web dashboard: administer the bot and see help activity (admins; operators for their channel).",
        version: RapportVersion.current,
        commands: [
            .init(
                "dashboard",
                help: "Send you, privately, a link that signs you in to the web dashboard (single use, valid 10 minutes). Operators: type it in your channel, for that channel's settings and plugins.",
                requires: .channelOperator)
        ],
        settings: [
            SettingSpec(
                "public_url", .string, default: .string(""),
                help: "The address browsers reach the HTTP endpoint at; set from http.public_url (or http.listen) in the file. Empty: no web endpoint, so no dashboard.",
                // Sign-in links go there: only an owner may point them elsewhere, for the whole bot.
                reach: .global, role: .owner)
        ],
        handlesEvents: false)

    let access: DashboardAccess

    public init(context: PluginContext) async throws {
        access = DashboardAccess(context.store)
        try await access.migrate()
    }

    public func execute(_ command: CommandInvocation, context: PluginContext) async throws {
        guard let identity = command.sender.identity else {
            throw CommandError(.notPermitted, "Identify to services first: the dashboard is for a verified account.")
        }
        let base = await context.settings(network: command.network, channel: command.channel).string("public_url")
        guard !base.isEmpty else {
            throw CommandError(.unavailable, "The dashboard is not served: the configuration file needs an http: section (see the README).")
        }
        // An operator's role holds in the channel they typed in (the runtime gives operators
        // their role only there), so their link is for that channel.
        let grant = command.role >= .admin
            ? DashboardAccess.Grant(identity) : DashboardAccess.Grant(identity, operatorOf: command.channel.map { (command.network, $0) })
        let token = try await access.issueToken(for: grant, now: context.time.now)
        let link = Self.link(base: base, token: token)
        try await context.replyPrivately(to: command, "Your dashboard sign-in link (single use, valid 10 minutes): \(link)")
        if command.channel != nil { try await context.reply(to: command, "I sent you a sign-in link privately.") }
        context.logger.info("dashboard link issued", metadata: ["identity": "\(identity)"])
    }

    /// `<base>/signin/<token>`, whether or not `base` ends with a slash.
    static func link(base: String, token: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/signin/" + token
    }
}
