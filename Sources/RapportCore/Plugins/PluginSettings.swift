/// A plugin's settings as they apply in one place (a channel, a network, or everywhere).
///
/// Every value was validated against the plugin's ``SettingSpec``s before it got here, so a
/// typed read of a declared key falls back to the declared default only if the kinds disagree.
public struct PluginSettings: Sendable, Hashable {
    public let values: [String: SettingValue]
    public init(_ values: [String: SettingValue]) { self.values = values }

    public func bool(_ key: String) -> Bool {
        if case .bool(let b) = values[key] { return b }
        return false
    }

    public func int(_ key: String) -> Int {
        if case .int(let i) = values[key] { return i }
        return 0
    }

    public func string(_ key: String) -> String {
        if case .string(let s) = values[key] { return s }
        return values[key]?.description ?? ""
    }

    public func list(_ key: String) -> [String] {
        if case .list(let l) = values[key] { return l }
        return []
    }

    /// A ``SettingSpec/Kind/duration`` setting.
    public func duration(_ key: String) -> Duration { .seconds(int(key)) }
}
