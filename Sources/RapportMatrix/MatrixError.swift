/// A failed call to the homeserver, or a problem with the Matrix configuration.
public struct MatrixError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is; use it to decide, never the message.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String {
            case http, transport, decoding, rateLimited, unknownToken, configuration, invalidTarget, queueFull, encryptedRoom
        }
        private let base: Base

        /// The homeserver answered with an error status.
        public static let http = Code(base: .http)
        /// The request never got an answer (connection refused, timeout, …).
        public static let transport = Code(base: .transport)
        /// The answer was not the JSON the API promises.
        public static let decoding = Code(base: .decoding)
        /// 429 `M_LIMIT_EXCEEDED`, still after retrying.
        public static let rateLimited = Code(base: .rateLimited)
        /// The access token is not (or no longer) valid.
        public static let unknownToken = Code(base: .unknownToken)
        /// The configuration cannot work (bad credentials, wrong user); retrying will not help.
        public static let configuration = Code(base: .configuration)
        /// A room or user address that cannot be used.
        public static let invalidTarget = Code(base: .invalidTarget)
        /// The outgoing queue is full: the homeserver takes messages slower than the bot sends them.
        public static let queueFull = Code(base: .queueFull)
        /// The room is end-to-end encrypted and the message could not be encrypted: nothing was sent.
        public static let encryptedRoom = Code(base: .encryptedRoom)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The Matrix `errcode`, such as `M_FORBIDDEN`.
    public var errcode: String?
    /// What failed, in a sentence.
    public var message: String
    /// How long the server asked to wait (429 `retry_after_ms`).
    var retryAfter: Duration?

    init(_ code: Code, _ message: String, status: Int? = nil, errcode: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.errcode = errcode
        self.retryAfter = retryAfter
    }

    public var description: String {
        var text = "Matrix \(code): \(message)"
        if let status { text += " (HTTP \(status)\(errcode.map { " \($0)" } ?? ""))" }
        return text
    }

    /// Whether the same request may succeed later: rate limits, server errors, lost connections.
    var isTransient: Bool {
        switch code {
        case .transport, .rateLimited: true
        case .http: (status ?? 0) >= 500
        default: false
        }
    }
}
