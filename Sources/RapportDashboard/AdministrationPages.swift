import DashboardPlugin
import Foundation
import RapportCore

/// The HTML of the administration pages: plain forms that work without JavaScript, one column
/// that fits a phone. Everything that came from chat or a form is escaped (``HTML/escape(_:)``).
enum AdministrationPages {
    typealias Notice = DashboardRoutes.Notice
    typealias Place = (network: String?, channel: String?)

    /// The navigation of a signed-in page and the sign-out button (operators see their pages only).
    static func header(_ session: WebSession) -> String {
        let pages = session.role >= .admin
            ? [("/dashboard", "Help activity"), ("/dashboard/plugins", "Plugins"), ("/dashboard/settings", "Settings"),
               ("/dashboard/people", "People"), ("/dashboard/channels", "Channels"), ("/dashboard/audit", "Audit"),
               ("/dashboard/health", "Health")]
            : [("/dashboard/plugins", "Plugins"), ("/dashboard/settings", "Settings")]
        let links = pages.map { "<a href=\"\($0.0)\">\($0.1)</a>" }.joined(separator: " ")
        let who = HTML.escape(session.grant.identity.rawValue)
            + (session.operatorChannel.map { " (operator of \(HTML.escape($0.channel)))" } ?? "")
        return """
            <header><nav aria-label="Pages">\(links)</nav>\
            <form method="post" action="/signout" class="signout"><span class="muted">\(who)</span> \(csrf(session))\
            <button type="submit" id="sign-out">Sign out</button></form></header>

            """
    }

    static let signedOut = HTML.page(
        title: "Signed out", body: "<h1>Signed out</h1>\n<p>This browser is signed out. Type <code>!dashboard</code> to the bot to sign in again.</p>")

    // MARK: - Plugins

    static func plugins(
        _ session: WebSession, notice: Notice?, networks: [String], place: Place,
        everywhere: [Administration.PluginStatus], here: [Administration.PluginStatus]?
    ) -> String {
        let cards = everywhere.map { status in
            let id = status.descriptor.id
            let local = here?.first { $0.descriptor.id == id }
            var state = session.role >= .admin ? "Everywhere: <strong>\(status.enabled ? "on" : "off")</strong>" : ""
            if let local, let channel = place.channel {
                state += "\(state.isEmpty ? "" : " · ")In \(HTML.escape(channel)): <strong class=\"here\">\(local.enabled ? "on" : "off")</strong>"
            }
            if let failure = status.failure { state += " · <strong class=\"error\">failed: \(HTML.escape(failure))</strong>" }
            var buttons: [String] = []
            if let channel = place.channel, let network = place.network {
                let scope = ["scope": "channel", "network": network, "channel": channel, "plugin": id]
                buttons.append(button(session, "/dashboard/plugins", scope.merging(["action": "enable"]) { $1 }, "On in \(channel)", id: "enable-\(id)-here"))
                buttons.append(button(session, "/dashboard/plugins", scope.merging(["action": "disable"]) { $1 }, "Off in \(channel)", id: "disable-\(id)-here"))
            }
            if session.role >= .admin {
                buttons.append(button(session, "/dashboard/plugins", ["scope": "everywhere", "plugin": id, "action": "enable"], "On everywhere", id: "enable-\(id)"))
                buttons.append(button(session, "/dashboard/plugins", ["scope": "everywhere", "plugin": id, "action": "disable"], "Off everywhere", id: "disable-\(id)"))
                buttons.append(button(session, "/dashboard/plugins", ["plugin": id, "action": "reload"], "Reload", id: "reload-\(id)"))
            }
            return """
                <section class="card" id="plugin-\(HTML.escape(id))"><h2>\(HTML.escape(id)) <span class="muted">\(HTML.escape(status.descriptor.version))</span></h2>
                <p>\(HTML.escape(status.descriptor.summary))</p><p>\(state)</p>\(status.process.map(process) ?? "")<div class="buttons">\(buttons.joined())</div></section>
                """
        }.joined(separator: "\n")
        return page(session, "Plugins", notice: notice, body: placeChooser(session, "/dashboard/plugins", networks: networks, place: place) + cards)
    }

    /// An external plugin's program: its phase, restarts, last error and the tail of its standard error.
    private static func process(_ state: PluginProcessState) -> String {
        let facts = ["Program: <strong class=\"phase\">\(state.phase.rawValue)</strong>", "\(state.restarts) restart\(state.restarts == 1 ? "" : "s")"]
            + (state.lastError.map { ["last error: \(HTML.escape($0))"] } ?? [])
        let tail = state.standardErrorTail.isEmpty ? "" : """
            <details><summary>Standard error, last \(state.standardErrorTail.count) lines</summary>\
            <pre>\(HTML.escape(state.standardErrorTail.joined(separator: "\n")))</pre></details>
            """
        return "<p class=\"process\">\(facts.joined(separator: " · "))</p>\(tail)"
    }

    // MARK: - Settings

    static func settings(
        _ session: WebSession, notice: Notice?, networks: [String], place: Place, plugins: [String], chosen: String?,
        states: [Administration.SettingState]
    ) -> String {
        let tabs = plugins.map { id in
            id == chosen ? "<strong aria-current=\"page\">\(HTML.escape(id))</strong>"
                : "<a href=\"/dashboard/settings?\(query(["plugin": id, "network": place.network ?? "", "channel": place.channel ?? ""]))\">\(HTML.escape(id))</a>"
        }.joined(separator: " ")
        let extra = chosen.map { ["plugin": $0] } ?? [:]
        let cards = states.map { state in settingCard(session, plugin: chosen ?? "", state: state, place: place) }.joined(separator: "\n")
        let body = "<nav aria-label=\"Plugins\" class=\"tabs\">\(tabs)</nav>\n"
            + placeChooser(session, "/dashboard/settings", networks: networks, place: place, extra: extra) + cards
        return page(session, "Settings", notice: notice, body: body)
    }

    private static func settingCard(_ session: WebSession, plugin: String, state: Administration.SettingState, place: Place) -> String {
        let spec = state.spec
        let key = spec.key
        let field = "value-\(key)"
        var scopes: [(String, String)] = session.role >= .admin ? [("everywhere", "everywhere")] : []
        if let channel = place.channel { scopes.insert(("channel", "in \(channel)"), at: 0) }
        let scopeSelect = "<select name=\"scope\" aria-label=\"Where\">"
            + scopes.map { "<option value=\"\($0.0)\">\(HTML.escape($0.1))</option>" }.joined() + "</select>"
        let common = csrf(session) + hidden(["plugin": plugin, "key": key, "network": place.network ?? "", "channel": place.channel ?? ""])
        let rules = [
            spec.minimum.map { "at least \(spec.display(.int($0)))" }, spec.maximum.map { "at most \(spec.display(.int($0)))" },
            spec.reach == .global ? "everywhere only" : nil, "changed by \(spec.role.phrase) or more",
        ].compactMap { $0 }.joined(separator: ", ")
        return """
            <section class="card" id="setting-\(HTML.escape(key))"><h2>\(HTML.escape(plugin)).\(HTML.escape(key))</h2>
            <p>\(HTML.escape(spec.help))</p>
            <p>In force\(place.channel.map { " in \(HTML.escape($0))" } ?? ""): <strong class="value">\(HTML.escape(state.value))</strong> \
            <span class="muted source">(\(HTML.escape(state.source.description)))</span></p>
            <p class="muted">\(HTML.escape(spec.kind.rawValue)); \(HTML.escape(rules)).</p>
            <form method="post" action="/dashboard/settings">\(common)<input type="hidden" name="action" value="set">\
            <label for="\(HTML.escape(field))">New value</label> \(input(spec, id: field, current: state.value)) \(scopeSelect) \
            <button type="submit" id="save-\(HTML.escape(key))">Save</button></form>
            <form method="post" action="/dashboard/settings">\(common)<input type="hidden" name="action" value="reset">\(scopeSelect) \
            <button type="submit" id="reset-\(HTML.escape(key))">Reset to default</button></form></section>
            """
    }

    /// A typed input for a setting: on/off and choices as lists, numbers with their limits.
    private static func input(_ spec: SettingSpec, id: String, current: String) -> String {
        let attributes = "id=\"\(HTML.escape(id))\" name=\"value\""
        switch spec.kind {
        case .bool:
            return "<select \(attributes)>" + ["on", "off"].map { option($0, selected: ($0 == "on") == (current == "true" || current == "on")) }.joined() + "</select>"
        case .choice:
            return "<select \(attributes)>" + (spec.choices ?? []).map { option($0, selected: $0 == current) }.joined() + "</select>"
        case .int:
            // No min/max attributes: an out-of-range value reaches the server and gets the same refusal as `!config set`.
            return "<input type=\"number\" \(attributes) value=\"\(HTML.escape(current))\" inputmode=\"numeric\">"
        case .duration:
            return "<input type=\"text\" \(attributes) value=\"\(HTML.escape(current))\" placeholder=\"90s, 20m, 2h, 1d\">"
        case .list:
            return "<input type=\"text\" \(attributes) value=\"\(HTML.escape(current))\" placeholder=\"comma, separated\">"
        case .string:
            return "<input type=\"text\" \(attributes) value=\"\(HTML.escape(current))\">"
        }
    }

    private static func option(_ value: String, selected: Bool) -> String {
        "<option\(selected ? " selected" : "")>\(HTML.escape(value))</option>"
    }

    // MARK: - People, channels

    static func people(_ session: WebSession, notice: Notice?, owners: [Identity], admins: [Identity], ignores: [String]) -> String {
        let ownerList = list(owners.map { HTML.escape($0.rawValue) }, empty: "No owners in the file.")
        let adminList = list(
            admins.map { "\(HTML.escape($0.rawValue)) " + button(session, "/dashboard/people", ["action": "remove-admin", "identity": $0.rawValue], "Remove", id: nil) },
            empty: "No admins yet.")
        let ignoreList = list(
            ignores.map { "\(HTML.escape($0)) " + button(session, "/dashboard/people", ["action": "unignore", "mask": $0], "Stop ignoring", id: nil) },
            empty: "Nobody is ignored.")
        let body = """
            <h2>Owners</h2><p class="muted">From the configuration file; change them there.</p>\(ownerList)
            <h2>Admins</h2>\(adminList)
            \(textForm(session, "/dashboard/people", action: "add-admin", name: "identity", label: "Identity (irc:NETWORK:ACCOUNT or matrix:@user:server)", button: "Add admin", id: "add-admin"))
            <h2>Ignored</h2>\(ignoreList)
            \(textForm(session, "/dashboard/people", action: "ignore", name: "mask", label: "Nick mask (spam*) or identity", button: "Ignore", id: "add-ignore"))
            """
        return page(session, "People and roles", notice: notice, body: body)
    }

    static func channels(_ session: WebSession, notice: Notice?, networks: [Administration.NetworkState]) -> String {
        let sections = networks.map { network in
            let health = network.health
            let inNow = health.channels.keys.sorted().map { channel in
                let members = (health.channels[channel] ?? nil).map { "\($0) member\($0 == 1 ? "" : "s")" } ?? "members unknown"
                return "\(HTML.escape(channel)): in, \(members) "
                    + button(session, "/dashboard/channels", ["action": "part", "network": network.network, "channel": channel], "Part", id: nil)
            }
            // Left at run time (kept lower-cased) and not in it again.
            let left = network.channels.filter { entry in !entry.value && !health.channels.keys.contains { $0.lowercased() == entry.key } }
                .keys.sorted().map { channel in
                "\(HTML.escape(channel)): left "
                    + button(session, "/dashboard/channels", ["action": "join", "network": network.network, "channel": channel], "Join", id: nil)
            }
            let served = health.status == .standby
                ? "Served by another instance sharing the store (this one holds no lease for it)." : "Served by this instance."
            return """
                <section class="card"><h2>\(HTML.escape(network.network)) <span class="muted">\(health.status.rawValue)</span></h2>
                <p class="muted">\(served)</p>
                \(list(inNow + left, empty: "In no channels right now."))
                <form method="post" action="/dashboard/channels">\(csrf(session))\(hidden(["network": network.network, "action": "join"]))\
                <label>Channel <input type="text" name="channel" placeholder="#channel"></label> <button type="submit">Join</button></form></section>
                """
        }.joined(separator: "\n")
        return page(session, "Channels", notice: notice, body: sections.isEmpty ? "<p>No networks are configured.</p>" : sections)
    }

    // MARK: - Audit, health

    static func audit(_ session: WebSession, filter: AuditFilter, entries: [Administration.AuditEntry]) -> String {
        let form = """
            <form method="get" action="/dashboard/audit" class="filter">\
            <label>Person <input type="text" name="person" value="\(HTML.escape(filter.person))"></label> \
            <label>Plugin <input type="text" name="plugin" value="\(HTML.escape(filter.plugin))"></label> \
            <label>Channel <input type="text" name="channel" value="\(HTML.escape(filter.channel))"></label> \
            <button type="submit" id="filter">Filter</button></form>
            """
        let rows = entries.map { entry in
            "<li><span class=\"muted\">\(entry.at.formatted(.iso8601))</span> \(HTML.escape(entry.actor)) <strong>\(HTML.escape(entry.action))</strong> "
                + "\(HTML.escape(entry.detail))\(entry.origin == .web ? " <span class=\"tag\">on the web</span>" : "")</li>"
        }
        let list = rows.isEmpty ? "<p>No entries.</p>" : "<ol class=\"audit\" reversed>\n\(rows.joined(separator: "\n"))\n</ol>"
        return page(session, "Audit log", notice: nil, body: form + list)
    }

    static func health(_ session: WebSession, networks: [Administration.NetworkState], uptime: TimeInterval?, store: String, migration: String?) -> String {
        let cards = networks.map { network in
            let health = network.health
            return """
                <section class="card"><h2>\(HTML.escape(network.network)) <span class="status-\(health.status.rawValue)">\(health.status.rawValue)</span></h2>
                <p>Connected since: \(health.since.map { $0.formatted(.iso8601) } ?? "—") · Reconnects: \(health.reconnects)
                · Lag: \(health.lag.map { "\(Int(($0 / .milliseconds(1)).rounded())) ms" } ?? "not measured")</p>
                <p>Last error: \(health.lastError.map(HTML.escape) ?? "none")</p></section>
                """
        }
        let body = """
            <h2>Networks</h2>
            \(cards.isEmpty ? "<p>No networks are configured.</p>" : cards.joined(separator: "\n"))
            <h2>Bot</h2>
            <ul><li>Version: <strong id="version">\(HTML.escape(RapportVersion.current))</strong></li>
            <li>Up for: <strong id="uptime">\(uptime.map { DashboardPages.age($0) } ?? "not started")</strong></li>
            <li>Store: <strong id="store">\(HTML.escape(store))</strong>\(migration.map { ", last migration \(HTML.escape($0))" } ?? "")</li></ul>
            """
        return page(session, "Health", notice: nil, body: body)
    }

    // MARK: - Pieces

    private static func page(_ session: WebSession, _ title: String, notice: Notice?, body: String) -> String {
        let shown = notice.map {
            "<p id=\"notice\" role=\"\($0.refused ? "alert" : "status")\" class=\"notice\($0.refused ? " error" : "")\">\(HTML.escape($0.text))</p>\n"
        } ?? ""
        return HTML.page(title: title, body: header(session) + "<h1>\(HTML.escape(title))</h1>\n" + shown + body)
    }

    /// A GET form choosing the network and channel a page is about (fixed for an operator).
    private static func placeChooser(_ session: WebSession, _ path: String, networks: [String], place: Place, extra: [String: String] = [:]) -> String {
        if let mine = session.operatorChannel { return "<p>Channel: <strong>\(HTML.escape(mine.channel))</strong> on \(HTML.escape(mine.network))</p>\n" }
        let options = networks.map { option($0, selected: $0 == place.network) }.joined()
        return """
            <form method="get" action="\(path)" class="filter">\(hidden(extra))\
            <label>Network <select name="network"><option value="">(everywhere)</option>\(options)</select></label> \
            <label>Channel <input type="text" name="channel" id="place-channel" value="\(HTML.escape(place.channel ?? ""))" placeholder="#channel"></label> \
            <button type="submit" id="choose-place">Show</button></form>

            """
    }

    private static func button(_ session: WebSession, _ path: String, _ fields: [String: String], _ label: String, id: String?) -> String {
        "<form method=\"post\" action=\"\(path)\" class=\"inline\">\(csrf(session))\(hidden(fields))"
            + "<button type=\"submit\"\(id.map { " id=\"\(HTML.escape($0))\"" } ?? "")>\(HTML.escape(label))</button></form>"
    }

    private static func textForm(_ session: WebSession, _ path: String, action: String, name: String, label: String, button: String, id: String) -> String {
        "<form method=\"post\" action=\"\(path)\">\(csrf(session))\(hidden(["action": action]))"
            + "<label>\(HTML.escape(label)) <input type=\"text\" name=\"\(name)\" id=\"\(id)-\(name)\"></label> "
            + "<button type=\"submit\" id=\"\(id)\">\(HTML.escape(button))</button></form>"
    }

    private static func csrf(_ session: WebSession) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(session.formToken))\">"
    }

    private static func hidden(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "<input type=\"hidden\" name=\"\(HTML.escape($0.key))\" value=\"\(HTML.escape($0.value))\">" }.joined()
    }

    private static func list(_ items: [String], empty: String) -> String {
        items.isEmpty ? "<p>\(HTML.escape(empty))</p>" : "<ul>\n" + items.map { "<li>\($0)</li>" }.joined(separator: "\n") + "\n</ul>"
    }

    private static func query(_ fields: [String: String]) -> String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(DashboardPages.queryEscape($0.value))" }.joined(separator: "&")
    }
}
