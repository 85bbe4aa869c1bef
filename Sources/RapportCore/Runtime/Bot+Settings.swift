import Synchronization

/// What ``Bot`` answered for a plugin in a place (settings, switched on or off), kept until the
/// file or the run-time state changes: every message asks again, for several plugins.
struct PlaceAnswers {
    struct Place: Hashable {
        var plugin: String
        var network: String?
        var channel: String?
    }

    var settings: [Place: PluginSettings] = [:]
    var enabled: [Place: Bool] = [:]
    /// Places kept per table at most; past that the table starts again (answers are recomputed).
    static let capacity = 10_000

    /// The answer kept in `table` for `place`, computed and kept on first use.
    static func remembered<Answer>(_ table: inout [Place: Answer], _ place: Place, _ compute: () -> Answer) -> Answer {
        if let known = table[place] { return known }
        let answer = compute()
        if table.count >= capacity { table.removeAll() }
        table[place] = answer
        return answer
    }

    /// Drops the answers kept for `channel` of `network`.
    mutating func forget(network: String, channel: String, casemapping: Casemapping) {
        func isThere(_ place: Place) -> Bool {
            place.network == network && place.channel.map { casemapping.equal($0, channel) } == true
        }
        settings = settings.filter { !isThere($0.key) }
        enabled = enabled.filter { !isThere($0.key) }
    }

    /// How many answers are kept, in both tables.
    var count: Int { settings.count + enabled.count }
}

extension Bot {
    /// A plugin's settings in one place: declared defaults, then the file, then run-time
    /// overrides for everywhere, the network and the channel.
    func settings(_ plugin: String, network: String?, channel: String?) -> PluginSettings {
        let place = PlaceAnswers.Place(plugin: plugin, network: network, channel: channel)
        return answers.withLock { answers in
            PlaceAnswers.remembered(&answers.settings, place) { layeredSettings(plugin, network: network, channel: channel) }
        }
    }

    /// The settings ``settings(_:network:channel:)`` last computed for this place, if they still
    /// hold: read without a hop into the actor, so a plugin handling every message (thanks) does
    /// not queue behind the connectors' events for it.
    nonisolated func knownSettings(_ plugin: String, network: String?, channel: String?) -> PluginSettings? {
        let place = PlaceAnswers.Place(plugin: plugin, network: network, channel: channel)
        return answers.withLock { $0.settings[place] }
    }

    /// Drops every kept answer (the file, a descriptor or the run-time state changed).
    func forgetAnswers() {
        answers.withLock { $0 = PlaceAnswers() }
    }

    /// Drops the answers kept for a channel the bot left.
    func forgetAnswers(network: String, channel: String) {
        let casemapping = casemapping(of: network)
        answers.withLock { $0.forget(network: network, channel: channel, casemapping: casemapping) }
    }

    private func layeredSettings(_ plugin: String, network: String?, channel: String?) -> PluginSettings {
        PluginSettings(layeredSettingSources(plugin, network: network, channel: channel).mapValues(\.value))
    }

    /// Each setting of `plugin` in force in a place, and the layer it comes from.
    func layeredSettingSources(_ plugin: String, network: String?, channel: String?) -> [String: (value: SettingValue, source: SettingSource)] {
        guard let descriptor = registrations.first(where: { $0.descriptor.id == plugin })?.descriptor else { return [:] }
        var values: [String: (value: SettingValue, source: SettingSource)] = [:]
        for spec in descriptor.settings { values[spec.key] = (spec.defaultValue, .defaultValue) }
        for (key, value) in configuration.plugins[plugin]?.values ?? [:] { values[key] = (value, .file) }
        if let network {
            for (key, value) in configuration.networkPlugins[network]?[plugin]?.values ?? [:] { values[key] = (value, .networkFile) }
        }
        for scope in Scope.chain(network: network, channel: channel) {
            for spec in descriptor.settings where spec.reaches(scope) {
                if let value = state.overrides[RuntimeState.overrideKey(plugin, spec.key, scope)] { values[spec.key] = (value, .override(scope)) }
            }
        }
        return values
    }

    /// Whether `plugin` runs in `channel` of `network` (`nil` for direct messages).
    func isEnabled(_ plugin: String, network: String?, channel: String?) -> Bool {
        let place = PlaceAnswers.Place(plugin: plugin, network: network, channel: channel)
        return answers.withLock { answers in
            PlaceAnswers.remembered(&answers.enabled, place) { layeredSwitch(plugin, network: network, channel: channel) }
        }
    }

    func layeredSwitch(_ plugin: String, network: String?, channel: String?) -> Bool {
        guard let descriptor = registrations.first(where: { $0.descriptor.id == plugin })?.descriptor else {
            return false
        }
        // A plugin that is off by default still answers in private: someone who wants to
        // change their own preferences (`!nudges off`) must be able to, wherever it is on.
        var enabled = channel == nil ? true : descriptor.enabledByDefault
        if let file = configuration.plugins[plugin]?.enabled { enabled = file }
        if let network, let file = configuration.networkPlugins[network]?[plugin]?.enabled { enabled = file }
        for scope in Scope.chain(network: network, channel: channel) {
            if let value = state.enabled[RuntimeState.enabledKey(plugin, scope)] { enabled = value }
        }
        return enabled
    }

    /// Whether commands from `user` are ignored.
    func isIgnored(_ user: ChatUser, on network: String) -> Bool {
        if state.ignores.isEmpty { return false }
        if let identity = user.identity, state.ignores[identity.rawValue] != nil { return true }
        return state.ignores.keys.contains { mask in
            !mask.contains(":") && NickMask(mask).matches("\(network)/\(user.nick)") || NickMask(mask).matches(user.nick)
        }
    }
}

/// A glob over nicks (`spam*`, `bot?`), case-insensitive.
struct NickMask {
    let pattern: [Character]
    init(_ mask: String) { pattern = Array(mask.lowercased()) }

    func matches(_ text: String) -> Bool {
        let text = Array(text.lowercased())
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
