public import Foundation
public import RapportCore

/// Sign-in links and sessions of the web dashboard, kept in the store so that every instance
/// sharing it honours them.
///
/// Only SHA-256 hashes of tokens and session ids are stored: someone who reads the database
/// cannot sign in with what they find there. A sign-in token is used once (its row is deleted
/// in the transaction that accepts it) and expires after ``linkLifetime``; a session expires
/// after ``sessionLifetime``. Whether the person is still an admin is for the caller to check
/// on every request.
///
/// Opening a link only shows a form (``check(_:now:)`` reads, never uses, the token): link
/// previews and bouncers fetch links too. The form carries ``formCode(for:)``, an HMAC of the
/// token under a random key kept in the store (so every instance accepts every instance's
/// forms), and posting it is what uses the token.
public struct DashboardAccess: Sendable {
    /// How long a `!dashboard` link can be opened.
    public static let linkLifetime: TimeInterval = 10 * 60
    /// How long a signed-in browser stays signed in.
    public static let sessionLifetime: TimeInterval = 8 * 3600

    /// Who a sign-in link or session is for: a verified identity and, for a channel operator,
    /// the one channel they may administer (admins and owners act everywhere).
    public struct Grant: Sendable, Hashable {
        public var identity: Identity
        /// The network and channel of an operator's link; `nil` for an admin's.
        public var channel: (network: String, channel: String)? {
            guard let network, let name = channelName else { return nil }
            return (network, name)
        }
        var network: String?
        var channelName: String?

        public init(_ identity: Identity, operatorOf channel: (network: String, channel: String)? = nil) {
            self.identity = identity
            network = channel?.network
            channelName = channel?.channel
        }
    }

    /// Why a sign-in link was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// It was never issued, or it was used already.
        case unknownOrUsed
        case expired
    }

    let sql: any Store
    let store: PluginStore

    /// - Parameter store: The dashboard plugin's store (namespace `dashboard`).
    public init(_ store: PluginStore) {
        self.store = store
        sql = store.database
    }

    static let migrations = [
        Migration(1, "Dashboard sign-in links and sessions", [
            "CREATE TABLE dashboard_signin (token_hash TEXT PRIMARY KEY, identity TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE dashboard_session (id_hash TEXT PRIMARY KEY, identity TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
        ]),
        Migration(2, "An operator's sign-in link and session are for one channel", [
            "ALTER TABLE dashboard_signin ADD COLUMN network TEXT",
            "ALTER TABLE dashboard_signin ADD COLUMN channel TEXT",
            "ALTER TABLE dashboard_session ADD COLUMN network TEXT",
            "ALTER TABLE dashboard_session ADD COLUMN channel TEXT",
        ]),
    ]

    static let formKeyName = "form_key"

    /// Creates the tables and the key that signs sign-in forms, if they are not there yet.
    public func migrate() async throws {
        try await store.migrate(Self.migrations)
        if try await store.get(String.self, Self.formKeyName) == nil { try await store.set(Self.randomSecret(), Self.formKeyName) }
    }

    /// The value the sign-in form for `token` must post back: nobody can make it without the
    /// key in the store, and it is good for that token only.
    public func formCode(for token: String) async throws -> String {
        try await code("signin:" + Self.hash(token))
    }

    /// Whether `form` is ``formCode(for:)`` of `token`, compared in constant time.
    public func isFormCode(_ form: String, for token: String) async throws -> Bool {
        Self.same(form, try await formCode(for: token))
    }

    /// The token every form of a signed-in session posts back (`csrf`): made from the session
    /// id with the key in the store, so another site can neither read nor make it.
    public func formToken(forSession session: String) async throws -> String {
        try await code("session:" + Self.hash(session))
    }

    /// Whether `form` is ``formToken(forSession:)`` of `session`, compared in constant time.
    public func isFormToken(_ form: String, forSession session: String) async throws -> Bool {
        Self.same(form, try await formToken(forSession: session))
    }

    private func code(_ purpose: String) async throws -> String {
        guard let key = try await store.get(String.self, Self.formKeyName) else {
            throw CommandError(.unavailable, "The dashboard's tables are not set up.")
        }
        return SHA256Digest.hmacHex(key: key, purpose)
    }

    private static func same(_ form: String, _ expectedText: String) -> Bool {
        let expected = Array(expectedText.utf8)
        let given = Array(form.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether `token` would sign in now, without using it: the identity it was issued to, or
    /// why it is refused.
    public func check(_ token: String, now: Date) async throws -> Result<Grant, Refusal> {
        let rows = try await sql.query("SELECT identity, network, channel, expires_at FROM dashboard_signin WHERE token_hash = ?", [.text(Self.hash(token))])
        return Self.verdict(rows.first, now: now)
    }

    /// A new single-use sign-in token for `grant`, valid for ``linkLifetime``.
    public func issueToken(for grant: Grant, now: Date) async throws -> String {
        try await insert(into: "dashboard_signin", key: "token_hash", grant, expires: now.addingTimeInterval(Self.linkLifetime), now: now)
    }

    /// Takes a sign-in token: the identity it was issued to, or why it is refused. A token is
    /// accepted at most once, even by several instances at the same moment.
    public func redeem(_ token: String, now: Date) async throws -> Result<Grant, Refusal> {
        // The one caller whose delete returns the row has it.
        let rows = try await sql.query(
            "DELETE FROM dashboard_signin WHERE token_hash = ? RETURNING identity, network, channel, expires_at", [.text(Self.hash(token))])
        return Self.verdict(rows.first, now: now)
    }

    private static func verdict(_ row: SQLRow?, now: Date) -> Result<Grant, Refusal> {
        guard let row, let grant = grant(row) else { return .failure(.unknownOrUsed) }
        guard (row["expires_at"].double ?? 0) > now.timeIntervalSince1970 else { return .failure(.expired) }
        return .success(grant)
    }

    private static func grant(_ row: SQLRow) -> Grant? {
        guard let identity = row["identity"].string.flatMap(Identity.init) else { return nil }
        var grant = Grant(identity)
        grant.network = row["network"].string
        grant.channelName = row["channel"].string
        return grant
    }

    /// Opens a session for `grant`; returns the id for the browser's cookie.
    public func openSession(for grant: Grant, now: Date) async throws -> String {
        try await insert(into: "dashboard_session", key: "id_hash", grant, expires: now.addingTimeInterval(Self.sessionLifetime), now: now)
    }

    /// Who is signed in with session `id`, unless the session is unknown, ended or expired.
    public func session(_ id: String, now: Date) async throws -> Grant? {
        let rows = try await sql.query(
            "SELECT identity, network, channel FROM dashboard_session WHERE id_hash = ? AND expires_at > ?",
            [.text(Self.hash(id)), .real(now.timeIntervalSince1970)])
        return rows.first.flatMap(Self.grant)
    }

    /// Ends session `id` (signing out): the cookie no longer signs anyone in, on any instance.
    public func closeSession(_ id: String) async throws {
        try await sql.execute("DELETE FROM dashboard_session WHERE id_hash = ?", [.text(Self.hash(id))])
    }

    /// Stores the hash of a fresh random secret in `table`, after clearing rows that expired
    /// over a day ago (kept that long so that an expired link is told apart from a used one).
    private func insert(into table: String, key: String, _ grant: Grant, expires: Date, now: Date) async throws -> String {
        let secret = Self.randomSecret()
        try await sql.transaction { db in
            try await db.execute("DELETE FROM \(table) WHERE expires_at <= ?", [.real(now.timeIntervalSince1970 - 86400)])
            try await db.execute(
                "INSERT INTO \(table) (\(key), identity, network, channel, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.text(Self.hash(secret)), .text(grant.identity.rawValue), grant.network.map(SQLValue.text) ?? .null,
                 grant.channelName.map(SQLValue.text) ?? .null, .real(expires.timeIntervalSince1970)])
        }
        return secret
    }

    /// 256 random bits from the system's secure generator, URL-safe.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ secret: String) -> String {
        SHA256Digest.hex(secret)
    }
}
