/// A failure of end-to-end encryption: a message that does not decrypt, a key that does not
/// verify, a pickle that does not open.
///
/// Callers match on ``code``; ``message`` is for logs (it never holds key material or text).
public struct MatrixCryptoError: Error, Hashable, CustomStringConvertible {
    /// What went wrong, to match on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case olm, badPickleKey, unknownSession, replayedMessage, invalidMessage, unverifiedKey
        }
        private let kind: Kind
        /// libolm refused the operation (``MatrixCryptoError/message`` has its error name).
        public static var olm: Self { Self(kind: .olm) }
        /// A pickle was written with another pickle key (the configured key changed).
        public static var badPickleKey: Self { Self(kind: .badPickleKey) }
        /// No session for that message: its room key has not arrived (yet).
        public static var unknownSession: Self { Self(kind: .unknownSession) }
        /// A Megolm message index already used by another event: a replay.
        public static var replayedMessage: Self { Self(kind: .replayedMessage) }
        /// The message is malformed, or not meant for this device.
        public static var invalidMessage: Self { Self(kind: .invalidMessage) }
        /// A signature or claimed key does not match.
        public static var unverifiedKey: Self { Self(kind: .unverifiedKey) }
        public var description: String { "\(kind)" }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
