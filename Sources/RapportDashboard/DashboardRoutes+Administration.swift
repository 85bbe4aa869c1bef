import DashboardPlugin
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RapportCore
import RapportHTTP

/// The administration pages: plugins, settings, people, channels, audit, health, and signing out.
///
/// Every change is a POST carrying the session's form token (`csrf`); it goes through
/// ``Administration`` with the signed-in person as an ``AdminActor`` (origin `web`), so the
/// role checks, the value checks and the audit log are those of the chat commands. The answer
/// is the page again, with what happened or why it was refused.
extension DashboardRoutes {
    /// What a POST did: shown at the top of the page it answers with.
    struct Notice {
        var text: String
        var refused: Bool
    }

    /// The fields of a GET query or a POSTed form.
    typealias Fields = [String: String]

    func addAdministration(to router: Router<HTTPRequestContext>) {
        page(router, "plugins", needs: .channelOperator, change: changePlugin, render: pluginsPage)
        page(router, "settings", needs: .channelOperator, change: changeSetting, render: settingsPage)
        page(router, "people", needs: .admin, change: changePeople, render: peoplePage)
        page(router, "channels", needs: .admin, change: changeChannel, render: channelsPage)
        router.get("dashboard/audit") { request, context in
            await respond {
                let session = try await signedIn(request, context)
                return Self.html(try await auditPage(session, Self.fields(of: request), nil))
            }
        }
        router.get("dashboard/health") { request, context in
            await respond { Self.html(try await healthPage(try await signedIn(request, context))) }
        }
        router.post("signout") { request, context in
            await respond {
                let (session, _) = try await checkedForm(request, context, needs: .channelOperator)
                try await access.closeSession(session.id)
                logger.info("dashboard sign-out", metadata: ["identity": "\(session.grant.identity)"])
                var response = Self.html(AdministrationPages.signedOut)
                response.setCookie(Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
                return response
            }
        }
    }

    /// `GET /dashboard/NAME` renders the page; `POST /dashboard/NAME` makes a change, then renders it.
    private func page(
        _ router: Router<HTTPRequestContext>, _ name: String, needs: Role,
        change: @escaping @Sendable (WebSession, Fields) async throws -> String,
        render: @escaping @Sendable (WebSession, Fields, Notice?) async throws -> String
    ) {
        router.get("dashboard/\(name)") { request, context in
            await respond {
                let session = try await signedIn(request, context, needs: needs)
                return Self.html(try await render(session, Self.fields(of: request), nil))
            }
        }
        router.post("dashboard/\(name)") { request, context in
            await respond {
                let (session, form) = try await checkedForm(request, context, needs: needs)
                do {
                    let done = try await change(session, form)
                    return Self.html(try await render(session, form, Notice(text: done, refused: false)))
                } catch let refusal as CommandError {
                    let status: HTTPResponse.Status = refusal.code == .notPermitted ? .forbidden : .badRequest
                    return Self.html(try await render(session, form, Notice(text: refusal.reply, refused: true)), status: status)
                }
            }
        }
    }

    /// The session of a POST and its form, once the form's token is the session's own: a form
    /// posted from another site, or without the token, changes nothing.
    private func checkedForm(_ request: Request, _ context: HTTPRequestContext, needs: Role) async throws -> (WebSession, Fields) {
        var request = request
        if let fetchSite = Self.fetchSite, request.headers[fetchSite] == "cross-site" {
            throw Refused(.forbidden, "Changes can only be made from the dashboard's own pages.")
        }
        let session = try await signedIn(request, context, needs: needs)
        let body = try? await request.collectBody(upTo: 16 << 10)
        let form = body.map { Self.formFields(String(buffer: $0)) } ?? [:]
        guard let token = form["csrf"], try await access.isFormToken(token, forSession: session.id) else {
            throw Refused(.forbidden, "This form is not valid: reload the page and try again.")
        }
        return (session, form)
    }

    static func fields(of request: Request) -> Fields {
        var fields: Fields = [:]
        for (name, value) in request.uri.queryParameters where fields[String(name)] == nil { fields[String(name)] = String(value) }
        return fields
    }

    /// The place a page or form is about: the operator's channel, or the network and channel chosen.
    static func place(_ session: WebSession, _ fields: Fields) -> (network: String?, channel: String?) {
        if let mine = session.operatorChannel { return (mine.network, mine.channel) }
        let network = fields["network"].flatMap { $0.isEmpty ? nil : $0 }
        let channel = fields["channel"].flatMap { $0.isEmpty ? nil : $0 }
        return (network, network == nil ? nil : channel)
    }

    /// The scope a form asks for: `scope=channel` with its network and channel, else everywhere.
    /// An operator's form may name any channel: ``Administration`` refuses the ones not theirs.
    static func scope(_ fields: Fields) throws -> Scope {
        guard fields["scope"] == "channel" else { return .everywhere }
        guard let network = fields["network"], !network.isEmpty, let channel = fields["channel"], !channel.isEmpty else {
            throw CommandError(.badArguments, "Choose a network and a channel first.")
        }
        return .channel(network: network, channel: channel)
    }

    private static func required(_ name: String, _ fields: Fields) throws -> String {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw CommandError(.badArguments, "Fill in the \(name) field.")
        }
        return value
    }

    // MARK: - Changes

    private func changePlugin(_ session: WebSession, _ form: Fields) async throws -> String {
        let plugin = try Self.required("plugin", form)
        let actor = session.actor(network: form["network"])
        switch form["action"] {
        case "reload":
            try await administration.reload(plugin, by: actor)
            return "\(plugin) reloaded."
        case let action where action == "enable" || action == "disable":
            let scope = try Self.scope(form)
            try await administration.setEnabled(plugin, action == "enable", in: scope, by: actor)
            return "\(plugin) is now \(action == "enable" ? "on" : "off") \(scope)."
        default: throw CommandError(.badArguments, "Choose enable, disable or reload.")
        }
    }

    private func changeSetting(_ session: WebSession, _ form: Fields) async throws -> String {
        let plugin = try Self.required("plugin", form)
        let key = try Self.required("key", form)
        let scope = try Self.scope(form)
        let actor = session.actor(network: form["network"])
        if form["action"] == "reset" {
            try await administration.unset(plugin, key, in: scope, by: actor)
            return "\(plugin).\(key) is back to its default \(scope)."
        }
        let shown = try await administration.set(plugin, key, to: form["value"] ?? "", in: scope, by: actor)
        return "\(plugin).\(key) = \(shown) \(scope)."
    }

    private func changePeople(_ session: WebSession, _ form: Fields) async throws -> String {
        let actor = session.actor(network: nil)
        switch form["action"] {
        case let action where action == "add-admin" || action == "remove-admin":
            let text = try Self.required("identity", form)
            guard let identity = Identity(text) else {
                throw CommandError(.badArguments, "Give an identity such as irc:NETWORK:ACCOUNT or matrix:@user:server — never a bare nick.")
            }
            if action == "add-admin" {
                try await administration.addAdmin(identity, by: actor)
                return "\(identity) is now a bot admin."
            }
            try await administration.removeAdmin(identity, by: actor)
            return "\(identity) is no longer a bot admin."
        case let action where action == "ignore" || action == "unignore":
            let mask = try await administration.ignore(try Self.required("mask", form), action == "ignore", by: actor)
            return action == "ignore" ? "Ignoring commands from \(mask)." : "No longer ignoring \(mask)."
        default: throw CommandError(.badArguments, "Choose what to change.")
        }
    }

    private func changeChannel(_ session: WebSession, _ form: Fields) async throws -> String {
        let network = try Self.required("network", form)
        let channel = try Self.required("channel", form)
        let actor = session.actor(network: network)
        if form["action"] == "part" {
            try await administration.part(channel, on: network, by: actor)
            return "Leaving \(channel) on \(network)."
        }
        try await administration.join(channel, on: network, by: actor)
        return "Joining \(channel) on \(network)."
    }

    // MARK: - Pages

    private func pluginsPage(_ session: WebSession, _ fields: Fields, _ notice: Notice?) async throws -> String {
        let place = Self.place(session, fields)
        let everywhere = await administration.plugins(network: nil, channel: nil)
        let here = place.channel == nil ? nil : await administration.plugins(network: place.network, channel: place.channel)
        let networks = await administration.networks().map(\.network)
        return AdministrationPages.plugins(
            session, notice: notice, networks: networks, place: place, everywhere: everywhere, here: here)
    }

    private func settingsPage(_ session: WebSession, _ fields: Fields, _ notice: Notice?) async throws -> String {
        let place = Self.place(session, fields)
        let plugins = await administration.plugins(network: nil, channel: nil).map(\.descriptor).filter { !$0.settings.isEmpty }
        let chosen = fields["plugin"].flatMap { id in plugins.first { $0.id == id } } ?? plugins.first
        var states: [Administration.SettingState] = []
        if let chosen { states = try await administration.settingStates(chosen.id, network: place.network, channel: place.channel) }
        let networks = await administration.networks().map(\.network)
        return AdministrationPages.settings(
            session, notice: notice, networks: networks, place: place, plugins: plugins.map(\.id), chosen: chosen?.id, states: states)
    }

    private func peoplePage(_ session: WebSession, _ fields: Fields, _ notice: Notice?) async throws -> String {
        let (owners, admins) = await administration.admins()
        return AdministrationPages.people(session, notice: notice, owners: owners, admins: admins, ignores: await administration.ignores())
    }

    private func channelsPage(_ session: WebSession, _ fields: Fields, _ notice: Notice?) async throws -> String {
        AdministrationPages.channels(session, notice: notice, networks: await administration.networks())
    }

    private func auditPage(_ session: WebSession, _ fields: Fields, _ notice: Notice?) async throws -> String {
        let filter = AuditFilter(person: fields["person"] ?? "", plugin: fields["plugin"] ?? "", channel: fields["channel"] ?? "")
        return AdministrationPages.audit(session, filter: filter, entries: try await administration.audit(limit: 200, matching: filter))
    }

    private func healthPage(_ session: WebSession) async throws -> String {
        let uptime = await administration.startedAt().map { time.now.timeIntervalSince($0) }
        return AdministrationPages.health(
            session, networks: await administration.networks(), uptime: uptime, store: administration.storeBackend,
            migration: try await administration.lastMigration())
    }
}
