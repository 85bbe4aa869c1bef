import Foundation

/// A parsed `postgres://` connection URL; its ``description`` never shows the password.
///
/// ```
/// postgres://rapport:secret@127.0.0.1:5432/rapport
/// postgresql://rapport@db.example.org/rapport?sslmode=require
/// postgres://rapport:secret@localhost/rapport?host=/run/postgresql   (unix socket folder)
/// ```
/// `sslmode` is `disable`, `prefer` (the default) or `require`; user and password may be
/// percent-encoded.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A folder holding the server's unix socket (`?host=/path`), used instead of TCP.
    public var socketFolder: String?

    /// Parses `text`.
    ///
    /// - Throws: ``ParseError`` saying what is wrong; the message never contains the password.
    public init(_ text: String) throws(ParseError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw ParseError(reason: "expected a URL like postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw ParseError(reason: "the URL names no user (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw ParseError(reason: "the URL names no database (…@HOST:PORT/DATABASE)")
        }
        var tls = TLSMode.prefer
        var socketFolder: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw ParseError(reason: "sslmode must be disable, prefer or require")
                }
            case "host":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw ParseError(reason: "the host parameter must be the absolute path of a socket folder")
                }
                socketFolder = value
            default:
                throw ParseError(reason: "unknown URL parameter '\(item.name)' (known: sslmode, host)")
            }
        }
        let host = components.host ?? ""
        guard !host.isEmpty || socketFolder != nil else {
            throw ParseError(reason: "the URL names no host")
        }
        self.host = host.isEmpty ? "localhost" : host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
        self.socketFolder = socketFolder
    }

    /// The URL with the password replaced by `***`, safe for logs and error messages.
    public var description: String {
        let secret = password == nil ? "" : ":***"
        var text = "postgres://\(user)\(secret)@\(host):\(port)/\(database)"
        var parameters: [String] = []
        if tls != .prefer { parameters.append("sslmode=\(tls.rawValue)") }
        if let socketFolder { parameters.append("host=\(socketFolder)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// A URL that cannot be used; ``reason`` never contains the password.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var description: String { "Invalid PostgreSQL URL: \(reason)." }
    }
}
