import Foundation

/// One setting a plugin reads: its type, default, limits and help.
///
/// Values come from the defaults here, then `plugins.<id>.<key>` in the configuration file,
/// then run-time overrides (`!config set`) for the whole bot, a network or one channel; the most
/// specific wins. Every value is checked against this spec before it is accepted.
///
/// ``reach`` and ``role`` say where a run-time override may apply and who may make it:
/// security-relevant settings (addresses, secrets, anything that names where data goes) are
/// ``Reach/global`` and ``Role/owner``, so a channel operator cannot point a link elsewhere in
/// their channel. ``checkChange(_:in:by:)`` is the one check every way of changing a setting
/// goes through.
public struct SettingSpec: Sendable, Hashable, Codable {
    /// Where a run-time override of a setting may apply.
    public enum Reach: String, Sendable, Hashable, Codable {
        /// Everywhere, on a network, or in one channel.
        case channel
        /// Only everywhere: one value for the whole bot.
        case global
    }

    /// The kinds of value a setting holds.
    public enum Kind: String, Sendable, Hashable, Codable {
        case bool, int, string, list
        /// A length of time, typed as `90s`, `20m`, `2h`, `1d` or `1w`, stored in seconds.
        case duration
        /// One of ``SettingSpec/choices``.
        case choice
    }

    public var key: String
    public var kind: Kind
    public var defaultValue: SettingValue
    public var help: String
    /// For ``Kind/int`` and ``Kind/duration`` (seconds): the smallest and largest allowed value.
    public var minimum: Int?
    public var maximum: Int?
    /// For ``Kind/choice``: the allowed strings.
    public var choices: [String]?
    /// Where a run-time override may apply (JSON `scope`, default `channel`).
    public var reach: Reach
    /// The least role that may change it at run time (JSON `role`, default `operator`; operators
    /// only ever change their own channel).
    public var role: Role

    public init(
        _ key: String, _ kind: Kind, default defaultValue: SettingValue, help: String,
        minimum: Int? = nil, maximum: Int? = nil, choices: [String]? = nil,
        reach: Reach = .channel, role: Role = .channelOperator
    ) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
        self.reach = reach
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case key, kind = "type", defaultValue = "default", help, minimum, maximum, choices, reach = "scope", role
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try c.decode(String.self, forKey: .key), try c.decode(Kind.self, forKey: .kind),
            default: try c.decode(SettingValue.self, forKey: .defaultValue), help: try c.decode(String.self, forKey: .help),
            minimum: try c.decodeIfPresent(Int.self, forKey: .minimum), maximum: try c.decodeIfPresent(Int.self, forKey: .maximum),
            choices: try c.decodeIfPresent([String].self, forKey: .choices),
            reach: try c.decodeIfPresent(Reach.self, forKey: .reach) ?? .channel,
            role: try c.decodeIfPresent(Role.self, forKey: .role) ?? .channelOperator)
    }

    /// Whether a run-time override in `scope` applies (one kept from before the setting became
    /// ``Reach/global`` does not).
    public func reaches(_ scope: Scope) -> Bool { reach == .channel || scope == .everywhere }

    /// Checks that someone with `role` may change `plugin`'s setting in `scope` at run time.
    ///
    /// - Throws: ``SettingError`` saying where and by whom it can be set, e.g.
    ///   "dashboard.public_url can only be set everywhere, by a bot owner."
    public func checkChange(_ plugin: String, in scope: Scope, by role: Role) throws(SettingError) {
        if reaches(scope), role >= self.role { return }
        // Operators only ever change their own channel, so a global setting needs an admin at least.
        let least = max(self.role, reach == .global ? .admin : .channelOperator)
        throw SettingError("\(plugin).\(key) can only be set\(reach == .global ? " everywhere," : "") by \(least.phrase).")
    }

    /// Checks a value from a file or a plugin and returns it in canonical form.
    ///
    /// - Throws: ``SettingError`` saying what is wrong, in one sentence.
    public func validate(_ value: SettingValue) throws(SettingError) -> SettingValue {
        switch (kind, value) {
        case (.bool, .bool), (.list, .list): return value
        case (.string, .string), (.choice, .string): return try parse(value.description)
        case (.string, .int(let i)): return .string(String(i))
        case (.string, .bool(let b)): return .string(String(b))
        case (.int, .int(let i)): return try checkRange(i)
        case (.duration, .int(let i)): return try checkRange(i)
        case (.duration, .string(let s)), (.int, .string(let s)), (.bool, .string(let s)):
            return try parse(s)
        case (.list, .string(let s)): return try parse(s)
        default: throw SettingError("\(key) must be \(kindPhrase), not \(value).")
        }
    }

    /// Parses a value typed in chat (`on`, `20m`, `a,b,c`) and checks it.
    ///
    /// - Throws: ``SettingError`` saying what is wrong, in one sentence.
    public func parse(_ text: String) throws(SettingError) -> SettingValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .bool:
            switch trimmed.lowercased() {
            case "on", "true", "yes", "1", "enabled": return .bool(true)
            case "off", "false", "no", "0", "disabled": return .bool(false)
            default: throw SettingError("\(key) must be on or off, not '\(trimmed)'.")
            }
        case .int:
            guard let i = Int(trimmed) else { throw SettingError("\(key) must be a whole number, not '\(trimmed)'.") }
            return try checkRange(i)
        case .duration:
            guard let d = Duration(chatText: trimmed) else {
                throw SettingError("\(key) must be a duration such as 90s, 20m, 2h or 1d, not '\(trimmed)'.")
            }
            return try checkRange(Int(d.components.seconds))
        case .string:
            return .string(trimmed)
        case .list:
            return .list(trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        case .choice:
            guard let choices, let match = choices.first(where: { $0.lowercased() == trimmed.lowercased() }) else {
                throw SettingError("\(key) must be one of \((choices ?? []).joined(separator: ", ")), not '\(trimmed)'.")
            }
            return .string(match)
        }
    }

    private func checkRange(_ i: Int) throws(SettingError) -> SettingValue {
        let show = { (n: Int) in kind == .duration ? Duration.seconds(n).chatText : String(n) }
        if let minimum, i < minimum { throw SettingError("\(key) must be at least \(show(minimum)).") }
        if let maximum, i > maximum { throw SettingError("\(key) must be at most \(show(maximum)).") }
        return .int(i)
    }

    private var kindPhrase: String {
        switch kind {
        case .bool: "on or off"
        case .int: "a whole number"
        case .string: "text"
        case .list: "a list"
        case .duration: "a duration"
        case .choice: "one of \((choices ?? []).joined(separator: ", "))"
        }
    }

    /// How a value of this setting reads in chat (`20m` for a duration).
    public func display(_ value: SettingValue) -> String {
        if kind == .duration, case .int(let seconds) = value { return Duration.seconds(seconds).chatText }
        return value.description
    }
}

/// A setting value that was refused, with the reason in one sentence.
public struct SettingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
