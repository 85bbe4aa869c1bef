import PostgresNIO
import RapportCore

/// A failed PostgreSQL statement or connection, described without the bound values or secrets.
///
/// postgres-nio's own error prints a deliberately vague text; this one keeps what helps an
/// operator: the SQLSTATE code (`23505` for a unique violation) and the server's message.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    /// The SQLSTATE, or a short label (`connection`, `timeout`) for failures outside the server.
    public var code: String
    public var message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Wraps `error`, keeping an existing ``ServerError`` as it is.
    init(_ error: any Error) {
        switch error {
        case let error as ServerError:
            self = error
        case let error as PSQLError:
            if let info = error.serverInfo {
                var message = info[.message] ?? "the server refused the statement"
                if let detail = info[.detail] { message += " (\(detail))" }
                self.init(code: info[.sqlState] ?? "server", message: message)
            } else {
                let cause = error.underlying.map { String(describing: $0) } ?? "\(error.code)"
                self.init(code: "connection", message: "\(error.code): \(cause)")
            }
        case let error as PostgresStore.TimeoutError:
            self.init(code: "timeout", message: error.description)
        default:
            self.init(code: "client", message: String(describing: error))
        }
    }

    public var description: String { "PostgreSQL \(code): \(message)" }

    /// A serialization failure or a deadlock: the statement lost a race with another
    /// transaction, and running it again can succeed.
    var isLostRace: Bool { code == "40001" || code == "40P01" }

    /// Which of the session's limits (``PostgresLimits``) ended the statement, if one did.
    var timeout: RapportMetrics.StoreTimeout? {
        switch code {
        case "57014": .statement
        case "55P03": .lock
        case "25P03": .idleTransaction
        default: nil
        }
    }
}
