import Foundation
import Logging

extension Bot {
    func pluginStatuses(network: String?, channel: String?) async -> [Administration.PluginStatus] {
        var statuses: [Administration.PluginStatus] = []
        for registration in registrations {
            let id = registration.descriptor.id
            let process = runners[id]?.plugin as? any ProcessBackedPlugin
            statuses.append(
                .init(
                    descriptor: registration.descriptor, enabled: isEnabled(id, network: network, channel: channel), failure: failures[id],
                    process: await process?.processState()))
        }
        return statuses
    }

    func registration(_ plugin: String) throws -> PluginRegistration {
        guard let registration = registrations.first(where: { $0.descriptor.id == plugin.lowercased() }) else {
            let known = registrations.map(\.descriptor.id).joined(separator: ", ")
            throw CommandError(.notFound, "There is no plugin '\(plugin)'. Plugins: \(known).")
        }
        return registration
    }

    func setEnabled(_ plugin: String, _ enabled: Bool, in scope: Scope, by actor: AdminActor) async throws {
        let id = try registration(plugin).descriptor.id
        let key = RuntimeState.enabledKey(id, scope)
        try await RuntimeState.save(enabled, key, in: store)
        state.enabled[key] = enabled
        try await audit(actor, enabled ? "plugin.enable" : "plugin.disable", "\(id) \(scope)")
    }

    func reload(_ plugin: String, by actor: AdminActor) async throws {
        let registration = try registration(plugin)
        let id = registration.descriptor.id
        if let runner = runners.removeValue(forKey: id) { await runner.stop() }
        await startPlugin(registration)
        try await audit(actor, "plugin.reload", id)
        if let failure = failures[id] { throw CommandError(.unavailable, "\(id) failed to start again: \(failure)") }
    }

    func spec(_ plugin: String, _ key: String) throws -> (PluginDescriptor, SettingSpec) {
        let descriptor = try registration(plugin).descriptor
        guard let spec = descriptor.setting(key) else {
            let known = descriptor.settings.map(\.key).joined(separator: ", ")
            throw CommandError(
                .notFound, "\(descriptor.id) has no setting '\(key)'." + (known.isEmpty ? "" : " Settings: \(known)."))
        }
        return (descriptor, spec)
    }

    func settingText(_ plugin: String, _ key: String, network: String?, channel: String?) throws -> String {
        let (descriptor, spec) = try spec(plugin, key)
        let value = settings(descriptor.id, network: network, channel: channel).values[key] ?? spec.defaultValue
        return spec.display(value)
    }

    func settingTexts(_ plugin: String, network: String?, channel: String?) throws -> [(key: String, value: String)] {
        try settingStates(plugin, network: network, channel: channel).map { ($0.spec.key, $0.value) }
    }

    func setSetting(_ plugin: String, _ key: String, to text: String, in scope: Scope, by actor: AdminActor) async throws -> String {
        let (descriptor, spec) = try spec(plugin, key)
        do { try spec.checkChange(descriptor.id, in: scope, by: actor.role) } catch { throw CommandError(.notPermitted, error.description) }
        let value: SettingValue
        do { value = try spec.parse(text) } catch { throw CommandError(.badArguments, error.description) }
        let storeKey = RuntimeState.overrideKey(descriptor.id, key, scope)
        try await RuntimeState.save(value, storeKey, in: store)
        state.overrides[storeKey] = value
        let shown = spec.display(value)
        try await audit(actor, "config.set", "\(descriptor.id).\(key) = \(shown) \(scope)")
        return shown
    }

    func unsetSetting(_ plugin: String, _ key: String, in scope: Scope, by actor: AdminActor) async throws {
        let (descriptor, spec) = try spec(plugin, key)
        // Any override may be removed, even one from before the setting became global (it is
        // ignored anyway); the role still counts.
        do { try spec.checkChange(descriptor.id, in: .everywhere, by: actor.role) } catch { throw CommandError(.notPermitted, error.description) }
        let storeKey = RuntimeState.overrideKey(descriptor.id, key, scope)
        try await RuntimeState.save(SettingValue?.none, storeKey, in: store)
        state.overrides[storeKey] = nil
        try await audit(actor, "config.unset", "\(descriptor.id).\(key) \(scope)")
    }

    func adminList() -> (owners: [Identity], admins: [Identity]) {
        (configuration.owners.sorted(), state.admins.keys.sorted())
    }

    func setAdmin(_ identity: Identity, _ admin: Bool, by actor: AdminActor) async throws {
        let key = "admin/\(identity.rawValue)"
        let grant = admin ? RuntimeState.AdminGrant(grantedBy: actor.user.identity?.rawValue ?? actor.user.nick, at: time.now) : nil
        try await RuntimeState.save(grant, key, in: store)
        state.admins[identity] = grant
        try await audit(actor, admin ? "admin.add" : "admin.remove", identity.rawValue)
    }

    func setJoined(_ channel: String, _ joined: Bool, on network: String, by actor: AdminActor) async throws {
        guard let connector = connectors[network] else {
            throw CommandError(.notFound, "I am not connected to a network called \(network).")
        }
        if joined { try await connector.join(channel) } else { try await connector.part(channel, reason: nil) }
        let key = "channel/\(network)/\(channel.lowercased())"
        try await RuntimeState.save(joined, key, in: store)
        state.channels["\(network)/\(channel.lowercased())"] = joined
        try await audit(actor, joined ? "channel.join" : "channel.part", "\(network) \(channel)")
    }

    func setIgnored(_ mask: String, _ ignored: Bool, by actor: AdminActor) async throws {
        let by = actor.user.identity?.rawValue ?? actor.user.nick
        try await RuntimeState.save(ignored ? by : nil, "ignore/\(mask)", in: store)
        state.ignores[mask] = ignored ? by : nil
        try await audit(actor, ignored ? "ignore.add" : "ignore.remove", mask)
    }

    func audit(_ actor: AdminActor, _ action: String, _ detail: String) async throws {
        let who = actor.user.identity?.rawValue ?? "nick:\(actor.user.nick)"
        try await store.execute(
            "INSERT INTO rapport_audit (at, actor, action, detail, origin) VALUES (?, ?, ?, ?, ?)",
            [.text(time.now.formatted(.iso8601)), .text(who), .text(action), .text(detail), .text(actor.origin.rawValue)])
        logger.notice(
            "admin change", metadata: ["actor": "\(who)", "action": "\(action)", "detail": "\(detail)", "origin": "\(actor.origin.rawValue)"])
    }

    func reportProblem(plugin: String, action: String, detail: String) async {
        logger.error("plugin problem", metadata: ["plugin": "\(plugin)", "action": "\(action)", "detail": "\(detail)"])
        do {
            try await store.execute(
                "INSERT INTO rapport_audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                [.text(time.now.formatted(.iso8601)), .text("plugin:\(plugin)"), .text(action), .text(detail)])
        } catch {
            logger.error("cannot write the audit log", metadata: ["error": "\(error)"])
        }
    }

    /// The newest entries matching `filter`, newest first: at most `limit`, from among the newest
    /// ``AuditFilter/scanned`` (filtering happens here, the same on every store backend).
    func auditEntries(limit: Int, matching filter: AuditFilter) async throws -> [Administration.AuditEntry] {
        let scanned = filter.isEmpty ? limit : AuditFilter.scanned
        let entries: [Administration.AuditEntry] = try await store.query(
            "SELECT at, actor, action, detail, origin FROM rapport_audit ORDER BY at DESC LIMIT ?", [.integer(Int64(scanned))]
        ).map {
            .init(
                at: (try? Date($0["at"].string ?? "", strategy: .iso8601)) ?? .distantPast,
                actor: $0["actor"].string ?? "", action: $0["action"].string ?? "", detail: $0["detail"].string ?? "",
                origin: $0["origin"].string.flatMap(AdminActor.Origin.init(rawValue:)) ?? .chat)
        }
        return Array(entries.lazy.filter(filter.matches).prefix(limit))
    }
}
