/// One numbered, described change to a namespace's tables (maubot's upgrade table).
public struct Migration: Sendable, Hashable {
    /// Applied in increasing order; never renumber a released migration.
    public var version: Int
    /// What the migration does, for the record and the logs.
    public var summary: String
    /// Statements for SQLite (and for PostgreSQL too unless ``postgres`` is set).
    public var statements: [String]
    /// PostgreSQL statements, where its dialect differs.
    public var postgres: [String]?

    public init(_ version: Int, _ summary: String, _ statements: [String], postgres: [String]? = nil) {
        self.version = version
        self.summary = summary
        self.statements = statements
        self.postgres = postgres
    }
}
