/// The runtime's own tables, in the `rapport` namespace.
enum CoreMigrations {
    static let all: [Migration] = [
        Migration(1, "Audit log of administrative changes", [
            """
            CREATE TABLE rapport_audit (
                at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)
            """,
            "CREATE INDEX rapport_audit_at ON rapport_audit (at)",
        ]),
        Migration(2, "Audit log: where each change was made (chat or web)", [
            "ALTER TABLE rapport_audit ADD COLUMN origin TEXT NOT NULL DEFAULT 'chat'"
        ]),
    ]
}
