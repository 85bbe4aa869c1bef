package import Foundation
public import RapportCore

/// A line a plugin writes to its standard output (protocol version 1).
///
/// ```
/// {"type":"manifest","protocol":1,"id":"echo","summary":"…","commands":[…],"events":["message"]}
/// {"type":"reply","to":8,"text":"You rolled 7."}
/// {"type":"done","id":8}
/// {"type":"store.get","id":"s1","key":"count"}
/// ```
///
/// Only these typed actions exist: a plugin never writes chat-protocol lines, and every text it
/// sends goes through the connectors, which strip CR, LF and NUL.
public enum PluginMessage: Sendable, Hashable, Codable {
    /// The answer to `hello`: the plugin's descriptor, its protocol version and the event kinds it wants.
    case manifest(protocol: Int, descriptor: PluginDescriptor, events: [String])
    /// The plugin has finished with the bot's request `id` (an event, command or job);
    /// `error`, if set, is shown to the person who issued the command.
    case done(id: Int, error: String?)
    /// Answers the event or command `to` where it happened, or privately.
    case reply(id: RequestID?, to: Int, text: String, privately: Bool)
    /// Sends a message to a channel or a person on a network.
    case send(id: RequestID?, network: String, target: OutgoingMessage.Target, text: String, style: OutgoingMessage.Style)
    /// Reacts to a message (not supported by protocol 1's bot: answered with an error).
    case react(id: RequestID?, to: Int, key: String)
    case storeGet(id: RequestID, key: String)
    case storeSet(id: RequestID?, key: String, value: JSONValue)
    case storeList(id: RequestID, prefix: String)
    /// The plugin's settings as they apply in a place.
    case settingsGet(id: RequestID, network: String?, channel: String?)
    /// Asks for a `job` line named `name` every `every` seconds.
    case schedule(id: RequestID?, name: String, every: Int)
    /// A line for the bot's log.
    case log(level: String, message: String)

    /// Why a line could not be read; the text goes back to the plugin in an `error` line.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    enum Keys: String, CodingKey {
        case type, id, `protocol`, events, error, to, text, `private`, network, channel, user, style, key, value
        case prefix, name, every, level, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        func id() throws -> RequestID { try c.decode(RequestID.self, forKey: .id) }
        func optionalID() throws -> RequestID? { try c.decodeIfPresent(RequestID.self, forKey: .id) }
        switch type {
        case "manifest":
            self = .manifest(
                protocol: try c.decode(Int.self, forKey: .protocol), descriptor: try PluginDescriptor(from: decoder),
                events: try c.decodeIfPresent([String].self, forKey: .events) ?? [])
        case "done":
            self = .done(id: try c.decode(Int.self, forKey: .id), error: try c.decodeIfPresent(String.self, forKey: .error))
        case "reply":
            self = .reply(
                id: try optionalID(), to: try c.decode(Int.self, forKey: .to), text: try c.decode(String.self, forKey: .text),
                privately: try c.decodeIfPresent(Bool.self, forKey: .private) ?? false)
        case "send":
            let target: OutgoingMessage.Target
            if let channel = try c.decodeIfPresent(String.self, forKey: .channel) {
                target = .channel(channel)
            } else if let user = try c.decodeIfPresent(String.self, forKey: .user) {
                target = .user(address: user)
            } else {
                throw Problem(description: "send needs a channel or a user.")
            }
            let styleName = try c.decodeIfPresent(String.self, forKey: .style) ?? "message"
            guard let style = Self.styles.first(where: { $0.name == styleName })?.style else {
                throw Problem(description: "send: unknown style '\(styleName)' (message, action or reply).")
            }
            self = .send(
                id: try optionalID(), network: try c.decode(String.self, forKey: .network), target: target,
                text: try c.decode(String.self, forKey: .text), style: style)
        case "react":
            self = .react(id: try optionalID(), to: try c.decode(Int.self, forKey: .to), key: try c.decode(String.self, forKey: .key))
        case "store.get": self = .storeGet(id: try id(), key: try c.decode(String.self, forKey: .key))
        case "store.set":
            self = .storeSet(
                id: try optionalID(), key: try c.decode(String.self, forKey: .key),
                value: try c.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null)
        case "store.list": self = .storeList(id: try id(), prefix: try c.decodeIfPresent(String.self, forKey: .prefix) ?? "")
        case "settings.get":
            self = .settingsGet(
                id: try id(), network: try c.decodeIfPresent(String.self, forKey: .network),
                channel: try c.decodeIfPresent(String.self, forKey: .channel))
        case "schedule":
            self = .schedule(id: try optionalID(), name: try c.decode(String.self, forKey: .name), every: try c.decode(Int.self, forKey: .every))
        case "log":
            self = .log(level: try c.decodeIfPresent(String.self, forKey: .level) ?? "info", message: try c.decode(String.self, forKey: .message))
        default:
            throw Problem(description: "unknown message type '\(type)'.")
        }
    }

    /// The `style` names of a `send` line.
    private static let styles: [(name: String, style: OutgoingMessage.Style)] = [("message", .message), ("action", .action), ("reply", .reply)]

    /// Writes the line as a plugin would, so that decoding it gives this message again.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .manifest(let version, let descriptor, let events):
            try c.encode("manifest", forKey: .type)
            try c.encode(version, forKey: .protocol)
            try c.encode(events, forKey: .events)
            try descriptor.encode(to: encoder)
        case .done(let id, let error):
            try c.encode("done", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encodeIfPresent(error, forKey: .error)
        case .reply(let id, let to, let text, let privately):
            try c.encode("reply", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(to, forKey: .to)
            try c.encode(text, forKey: .text)
            try c.encode(privately, forKey: .private)
        case .send(let id, let network, let target, let text, let style):
            try c.encode("send", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(network, forKey: .network)
            switch target {
            case .channel(let channel): try c.encode(channel, forKey: .channel)
            case .user(let address): try c.encode(address, forKey: .user)
            }
            try c.encode(text, forKey: .text)
            try c.encodeIfPresent(Self.styles.first { $0.style == style }?.name, forKey: .style)
        case .react(let id, let to, let key):
            try c.encode("react", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(to, forKey: .to)
            try c.encode(key, forKey: .key)
        case .storeGet(let id, let key):
            try c.encode("store.get", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(key, forKey: .key)
        case .storeSet(let id, let key, let value):
            try c.encode("store.set", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(key, forKey: .key)
            try c.encode(value, forKey: .value)
        case .storeList(let id, let prefix):
            try c.encode("store.list", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(prefix, forKey: .prefix)
        case .settingsGet(let id, let network, let channel):
            try c.encode("settings.get", forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encodeIfPresent(network, forKey: .network)
            try c.encodeIfPresent(channel, forKey: .channel)
        case .schedule(let id, let name, let every):
            try c.encode("schedule", forKey: .type)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(every, forKey: .every)
        case .log(let level, let message):
            try c.encode("log", forKey: .type)
            try c.encode(level, forKey: .level)
            try c.encode(message, forKey: .message)
        }
    }

    /// Reads one line a plugin wrote (without its newline).
    ///
    /// - Throws: ``Problem`` saying in one sentence what is wrong; it goes back to the plugin
    ///   in an `error` line.
    package static func read(_ line: [UInt8], with decoder: JSONDecoder) throws(Problem) -> PluginMessage {
        do {
            return try decoder.decode(PluginMessage.self, from: Data(line))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(description: describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "the key '\(key.stringValue)' is missing."
        case DecodingError.typeMismatch(_, let context): "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type."
        case DecodingError.valueNotFound(_, let context): "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is null."
        case DecodingError.dataCorrupted: "this is not a JSON object."
        default: "this line cannot be read."
        }
    }
}
