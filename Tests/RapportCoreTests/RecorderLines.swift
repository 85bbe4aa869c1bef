import RapportCore

/// The `recorder_line` table that test plugins write every message's text into.
struct RecorderLines: Sendable {
    let store: PluginStore

    init(_ context: PluginContext) async throws {
        store = context.store
        try await store.migrate([Migration(1, "lines", ["CREATE TABLE recorder_line (text TEXT NOT NULL)"])])
    }

    /// Writes the text of `event` if it is a message; returns the text.
    @discardableResult
    func write(_ event: ChatEvent) async throws -> String? {
        guard case .message(let message) = event.kind else { return nil }
        try await store.database.execute("INSERT INTO recorder_line (text) VALUES (?)", [.text(message.text)])
        return message.text
    }

    /// How many lines were written.
    static func count(_ store: any Store) async throws -> Int {
        try await store.query("SELECT COUNT(*) AS n FROM recorder_line", []).first?["n"].int ?? -1
    }
}
