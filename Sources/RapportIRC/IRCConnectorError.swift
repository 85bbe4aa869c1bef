/// A failure that stops an ``IRCConnector`` for good: retrying cannot fix it.
public struct IRCConnectorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure, for matching and for log labels.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable { case saslRefused, saslUnavailable, invalidConfiguration }
        private let kind: Kind
        /// The server refused our SASL credentials and the configuration requires a login.
        public static var saslRefused: Self { Self(kind: .saslRefused) }
        /// The configuration requires a login with a mechanism the server does not offer.
        public static var saslUnavailable: Self { Self(kind: .saslUnavailable) }
        /// The `irc:` configuration cannot work (missing password, unreadable certificate, …).
        public static var invalidConfiguration: Self { Self(kind: .invalidConfiguration) }
        public var description: String {
            switch kind {
            case .saslRefused: "sasl_refused"
            case .saslUnavailable: "sasl_unavailable"
            case .invalidConfiguration: "invalid_configuration"
            }
        }
    }

    public var code: Code
    /// What failed and how to fix it, as a sentence.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
