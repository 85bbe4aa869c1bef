/// A storage failure, for callers across module boundaries.
public struct StoreError: Error, CustomStringConvertible {
    /// What kind of failure; match on it, and use it as a log label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable { case unavailable, migrationFailed, corrupt }
        private let kind: Kind
        public static var unavailable: Self { Self(kind: .unavailable) }
        public static var migrationFailed: Self { Self(kind: .migrationFailed) }
        public static var corrupt: Self { Self(kind: .corrupt) }
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// What failed and, where it helps, how to fix it.
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message + (cause.map { " (\($0))" } ?? "") }
}
