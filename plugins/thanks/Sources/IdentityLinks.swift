public import Foundation
public import RapportCore

/// One person across networks: verified identities (IRC accounts, Matrix IDs) that their owner
/// joined with `!link`, by proving they hold both, never by matching names.
///
/// `thanks_link` maps each linked identity to a person id; a chain of links joins them all under
/// one id. `thanks_link_code` keeps the codes `!link` hands out, hashed (SHA-256), single use,
/// for ``codeLifetime``.
public struct IdentityLinks: Sendable {
    let sql: any Store

    public init(database: any Store) { sql = database }

    /// How long a code from `!link` can be used.
    static let codeLifetime: TimeInterval = 600
    /// No 0/O, 1/I/L: easy to copy by hand.
    static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    static let codeLength = 10

    /// Why a code was refused; the text is the chat answer.
    enum Refusal: String, UserFacingError {
        case unknown = "That code is wrong, was already used or has expired. Ask for a new one with link."
        case sameIdentity = "That code was made by this same identity. Send it from your other account (IRC or Matrix)."

        var reply: String { rawValue }
    }

    /// Only these can be linked: identities the network verified.
    static func isVerified(_ identity: Identity) -> Bool {
        identity.rawValue.hasPrefix("irc:") || identity.rawValue.hasPrefix("matrix:")
    }

    /// A new code for `identity`, replacing any it had.
    func issueCode(for identity: Identity, now: Date) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let code = String((0..<Self.codeLength).map { _ in Self.alphabet.randomElement(using: &generator) ?? "A" })
        try await sql.transaction { db in
            try await db.execute(
                "DELETE FROM thanks_link_code WHERE identity = ? OR expires_at < ?",
                [.text(identity.rawValue), .real(now.timeIntervalSince1970)])
            try await db.execute(
                "INSERT INTO thanks_link_code (hash, identity, expires_at) VALUES (?, ?, ?)",
                [.text(Self.hash(code)), .text(identity.rawValue), .real(now.timeIntervalSince1970 + Self.codeLifetime)])
        }
        return code
    }

    /// Uses up `code` (whatever the outcome) and joins its maker with `identity`; returns the maker.
    func redeem(_ code: String, by identity: Identity, now: Date) async throws -> Identity {
        let result: Result<Identity, Refusal> = try await sql.transaction { db in
            // Single use even with several instances: the one delete that returns the row has it.
            let row = try await db.query(
                "DELETE FROM thanks_link_code WHERE hash = ? RETURNING identity, expires_at", [.text(Self.hash(code))]
            ).first
            guard let row, let maker = row["identity"].string.flatMap(Identity.init), (row["expires_at"].double ?? 0) >= now.timeIntervalSince1970
            else { return .failure(.unknown) }
            guard maker != identity else { return .failure(.sameIdentity) }
            try await Self.join(maker, identity, in: db, now: now)
            return .success(maker)
        }
        return try result.get()
    }

    /// Voids `code` without linking (it was shown where others could read it).
    func discard(_ code: String) async throws {
        try await sql.execute("DELETE FROM thanks_link_code WHERE hash = ?", [.text(Self.hash(code))])
    }

    /// Held while links are read and changed: joining and detaching read who belongs to which
    /// person before they write, and must not interleave.
    static let lock = "thanks-links"

    private static func join(_ a: Identity, _ b: Identity, in db: any SQLExecutor, now: Date) async throws {
        try await db.lock(lock)
        func person(_ identity: Identity) async throws -> String? {
            try await db.query("SELECT person FROM thanks_link WHERE identity = ?", [.text(identity.rawValue)]).first?["person"].string
        }
        let first = try await person(a), second = try await person(b)
        let id = first ?? second ?? UUID().uuidString
        if let second, second != id {
            try await db.execute("UPDATE thanks_link SET person = ? WHERE person = ?", [.text(id), .text(second)])
        }
        for (identity, existing) in [(a, first), (b, second)] where existing == nil {
            try await db.execute(
                "INSERT INTO thanks_link (identity, person, linked_at) VALUES (?, ?, ?)",
                [.text(identity.rawValue), .text(id), .real(now.timeIntervalSince1970)])
        }
    }

    private static let linkedQuery = """
        SELECT l.identity AS identity, l.linked_at AS linked_at FROM thanks_link l JOIN thanks_link m ON l.person = m.person
        WHERE m.identity = ? ORDER BY l.identity
        """

    /// Every identity joined with `identity`, itself included, sorted; empty if it has no link.
    public func linked(to identity: Identity) async throws -> [Identity] {
        try await sql.query(Self.linkedQuery, [.text(identity.rawValue)]).compactMap { $0["identity"].string.flatMap(Identity.init) }
    }

    /// Detaches `identity` from its person, and forgets its codes; returns whether it had links.
    @discardableResult
    func unlink(_ identity: Identity) async throws -> Bool {
        try await sql.transaction { db in
            try await db.lock(Self.lock)
            try await db.execute("DELETE FROM thanks_link_code WHERE identity = ?", [.text(identity.rawValue)])
            guard let person = try await db.query("SELECT person FROM thanks_link WHERE identity = ?", [.text(identity.rawValue)]).first?["person"].string
            else { return false }
            try await db.execute("DELETE FROM thanks_link WHERE identity = ?", [.text(identity.rawValue)])
            // A person left with one identity is no longer a link.
            let left = try await db.query("SELECT COUNT(*) AS n FROM thanks_link WHERE person = ?", [.text(person)]).first?["n"].int ?? 0
            if left < 2 { try await db.execute("DELETE FROM thanks_link WHERE person = ?", [.text(person)]) }
            return true
        }
    }

    /// What `!export me` shows: the identities linked to theirs and any code they have pending.
    func personalData(about identity: Identity?) async throws -> JSONValue {
        let key = SQLValue.text(identity?.rawValue ?? "")
        let codes = try await sql.query("SELECT expires_at FROM thanks_link_code WHERE identity = ?", [key])
        let linked = try await sql.query(Self.linkedQuery, [key])
        return .object([
            "linked_identities": JSONValue(rows: linked),
            "pending_codes_expire_at": JSONValue(rows: codes),
        ])
    }

    static func hash(_ code: String) -> String {
        SHA256Digest.hex(Array(code.uppercased().filter { !" -".contains($0) }.utf8))
    }
}
