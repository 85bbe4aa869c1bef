/// What a plugin is and offers: its id, commands and settings.
///
/// Built-in plugins declare it as a static value; out-of-process plugins send the same structure
/// as JSON in their handshake, so `!help` lists both kinds alike.
public struct PluginDescriptor: Sendable, Hashable, Codable {
    /// The plugin's id, also its config key (`plugins.<id>`) and store namespace.
    public var id: String
    /// One sentence saying what the plugin is for.
    public var summary: String
    public var version: String
    public var commands: [CommandSpec]
    public var settings: [SettingSpec]
    /// Whether the plugin runs when the configuration does not mention it.
    public var enabledByDefault: Bool
    /// Whether the plugin wants chat events (``Plugin/handle(_:context:)``); a plugin that only
    /// answers commands says `false`, and the runtime does not queue every message for it.
    public var handlesEvents: Bool

    public init(
        id: String, summary: String, version: String = "1.0.0", commands: [CommandSpec] = [],
        settings: [SettingSpec] = [], enabledByDefault: Bool = true, handlesEvents: Bool = true
    ) {
        self.id = id
        self.summary = summary
        self.version = version
        self.commands = commands
        self.settings = settings
        self.enabledByDefault = enabledByDefault
        self.handlesEvents = handlesEvents
    }

    enum CodingKeys: String, CodingKey {
        case id, summary, version, commands, settings
        case enabledByDefault = "enabled_by_default"
        case handlesEvents = "handles_events"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        summary = try c.decode(String.self, forKey: .summary)
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? "1.0.0"
        commands = try c.decodeIfPresent([CommandSpec].self, forKey: .commands) ?? []
        settings = try c.decodeIfPresent([SettingSpec].self, forKey: .settings) ?? []
        enabledByDefault = try c.decodeIfPresent(Bool.self, forKey: .enabledByDefault) ?? true
        handlesEvents = try c.decodeIfPresent(Bool.self, forKey: .handlesEvents) ?? true
    }

    /// The setting named `key`, if the plugin declares one.
    public func setting(_ key: String) -> SettingSpec? { settings.first { $0.key == key } }
}

/// One command a plugin answers.
public struct CommandSpec: Sendable, Hashable, Codable {
    /// The command word, without prefix: `thanks`.
    public var name: String
    /// The arguments, for help: `thanks <nick> [reason]`.
    public var usage: String
    /// What it does, in one or two sentences.
    public var help: String
    /// The least role allowed to run it.
    public var requires: Role

    public init(_ name: String, usage: String? = nil, help: String, requires: Role = .anyone) {
        self.name = name
        self.usage = usage ?? name
        self.help = help
        self.requires = requires
    }

    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case name, usage, help, requires }
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        usage = try c.decodeIfPresent(String.self, forKey: .usage) ?? name
        help = try c.decode(String.self, forKey: .help)
        requires = try c.decodeIfPresent(Role.self, forKey: .requires) ?? .anyone
    }
}
