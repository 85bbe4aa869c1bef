/// The runtime's own tables, in the `rapport` namespace.
enum CoreMigrations {
    static let all: [Migration] = [
        Migration(1, "Audit log of administrative changes", [
            """
            CREATE TABLE rapport_audit (
                at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)
            """,
            "CREATE INDEX rapport_audit_at ON rapport_audit (at)",
        ])
    ]
}
