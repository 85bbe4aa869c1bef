/// A command failure whose text is safe to show to the person who issued the command.
public struct CommandError: UserFacingError, Hashable, CustomStringConvertible {
    /// What kind of failure; match on it, log it, never show it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case unknownCommand, badArguments, notPermitted, rateLimited, notFound, unavailable
        }
        private let kind: Kind
        public static var unknownCommand: Self { Self(kind: .unknownCommand) }
        public static var badArguments: Self { Self(kind: .badArguments) }
        public static var notPermitted: Self { Self(kind: .notPermitted) }
        public static var rateLimited: Self { Self(kind: .rateLimited) }
        public static var notFound: Self { Self(kind: .notFound) }
        public static var unavailable: Self { Self(kind: .unavailable) }
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var reply: String

    public init(_ code: Code, _ reply: String) {
        self.code = code
        self.reply = reply
    }

    public var description: String { "\(code): \(reply)" }

    /// Arguments that do not fit the command; `usage` is shown to the user.
    public static func usage(_ usage: String) -> CommandError {
        CommandError(.badArguments, "Usage: \(usage)")
    }

    public static func unknownCommand(_ name: String) -> CommandError {
        CommandError(.unknownCommand, "I don't know the command '\(name)'. Try help.")
    }

    public static func notPermitted(_ needed: Role) -> CommandError {
        CommandError(.notPermitted, "You need to be \(needed.phrase) for that.")
    }
}
