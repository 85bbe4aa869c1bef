/// A verified account on a network, written `irc:<network>:<account>`, `matrix:<user ID>` or
/// `console:<name>`.
///
/// Roles are granted to identities, never to nicks: anyone can take a nick, but an account is
/// proven to services (IRC SASL/NickServ) or to the homeserver (Matrix).
public struct Identity: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The canonical text form, such as `irc:libera:alice` or `matrix:@alice:example.org`.
    public let rawValue: String

    /// Parses the canonical text form; `nil` if `text` is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch parts[0] {
        case "irc" where parts.count == 3: rawValue = "irc:\(parts[1]):\(parts[2].lowercased())"
        case "matrix" where parts[1].hasPrefix("@") && parts.count == 3: rawValue = text
        case "console" where parts.count == 2: rawValue = text
        default: return nil
        }
    }

    /// An IRC services account on the network configured as `network`.
    public static func irc(network: String, account: String) -> Identity {
        Identity(unchecked: "irc:\(network):\(account.lowercased())")
    }

    /// A Matrix user ID such as `@alice:example.org`.
    public static func matrix(userID: String) -> Identity { Identity(unchecked: "matrix:\(userID)") }

    /// A local user of the console connector.
    public static func console(_ name: String) -> Identity { Identity(unchecked: "console:\(name)") }

    private init(unchecked: String) { rawValue = unchecked }

    public var description: String { rawValue }
    public static func < (a: Identity, b: Identity) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let identity = Identity(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not an identity; use irc:NETWORK:ACCOUNT, matrix:@user:server or console:NAME"))
        }
        self = identity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
