public import Foundation
import RapportCore

extension NudgeStore {
    /// How many nudges of one channel, created since `since`, stand in each state (counts
    /// only: the dashboard never shows what a nudge says).
    public func counts(network: String, channel: String, since: Date) async throws -> [State: Int] {
        var counts: [State: Int] = [:]
        let rows = try await sql.query(
            "SELECT state, COUNT(*) AS n FROM nudges_nudge WHERE network = ? AND channel = ? AND created_at >= ? GROUP BY state",
            [.text(network), .text(channel), .real(since.timeIntervalSince1970)])
        for row in rows {
            if let state = row["state"].string.flatMap(State.init(rawValue:)) { counts[state] = row["n"].int ?? 0 }
        }
        return counts
    }
}
