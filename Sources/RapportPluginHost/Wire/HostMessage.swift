public import RapportCore

/// A line the bot writes to a plugin's standard input (protocol version 1).
///
/// ```
/// {"type":"hello","protocol":1,"bot":"rapport","bot_version":"0.1.0","plugin_id":"echo"}
/// {"type":"event","id":7,"event":{…}}
/// {"type":"command","id":8,"command":{"name":"roll","arguments":["2d6"],"argument_text":"2d6","role":"anyone","event":{…}}}
/// {"type":"job","id":9,"name":"tick"}
/// {"type":"result","id":"s1","value":{"count":3}}
/// {"type":"error","id":"s2","code":"rate_limited","message":"…"}
/// {"type":"shutdown"}
/// ```
///
/// See `docs/plugin-protocol.md` for the whole protocol.
public enum HostMessage: Sendable, Hashable, Encodable {
    /// The first line: the bot's protocol version; the plugin answers with its manifest.
    case hello(pluginID: String)
    /// A chat event the plugin subscribed to; answer with `done`.
    case event(id: Int, WireEvent)
    /// One of the plugin's commands; answer with `done` (after any `reply`).
    case command(id: Int, WireCommand)
    /// A scheduled job is due; answer with `done`.
    case job(id: Int, name: String)
    /// The answer to a plugin's request that went well.
    case result(id: RequestID, value: JSONValue)
    /// The answer to a plugin's request that failed, or (without id) a complaint about a line.
    case error(id: RequestID?, code: String, message: String)
    /// The plugin should exit now; it is killed if it has not within two seconds.
    case shutdown

    /// The command part of a `command` line.
    public struct WireCommand: Sendable, Hashable, Encodable {
        public var name: String
        public var arguments: [String]
        public var argumentText: String
        public var role: String
        public var event: WireEvent

        enum CodingKeys: String, CodingKey { case name, arguments, argumentText = "argument_text", role, event }

        public init(_ command: CommandInvocation) {
            name = command.name
            arguments = command.arguments
            argumentText = command.argumentText
            role = command.role.rawValue
            event = WireEvent(command.event)
        }
    }

    enum Keys: String, CodingKey {
        case type, id, `protocol`, bot, botVersion = "bot_version", pluginID = "plugin_id", event, command, name, value
        case code, message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .hello(let pluginID):
            try c.encode("hello", forKey: .type)
            try c.encode(PluginProtocol.version, forKey: .protocol)
            try c.encode("rapport", forKey: .bot)
            try c.encode(RapportVersion.current, forKey: .botVersion)
            try c.encode(pluginID, forKey: .pluginID)
        case .event(let id, let event):
            try c.encode("event", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(event, forKey: .event)
        case .command(let id, let command):
            try c.encode("command", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(command, forKey: .command)
        case .job(let id, let name):
            try c.encode("job", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
        case .result(let id, let value):
            try c.encode("result", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(value, forKey: .value)
        case .error(let id, let code, let message):
            try c.encode("error", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
        case .shutdown:
            try c.encode("shutdown", forKey: .type)
        }
    }
}

/// Constants of the plugin protocol.
public enum PluginProtocol {
    /// The protocol version this bot speaks; a manifest must name the same.
    public static let version = 1
}
