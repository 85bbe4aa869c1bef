/// Where the value of a setting in force comes from, most general first.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    /// The plugin's declared default.
    case defaultValue
    /// `plugins.<id>` in the configuration file.
    case file
    /// `networks[].plugins.<id>` in the configuration file.
    case networkFile
    /// A run-time override (`!config set`, the dashboard) for a scope.
    case override(Scope)

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file: "file"
        case .networkFile: "file, for this network"
        case .override(.everywhere): "set everywhere"
        case .override(let scope): "set \(scope)"
        }
    }
}
