public import RapportMatrix
import RapportTesting

/// The bot's account on a ``TestHomeserver``: `@rapport` with a fixed password.
extension TestHomeserver {
    public static let botPassword = "rapport-password"

    /// Registers the bot's account (or logs it in again); returns a ``Human`` holding its token.
    @discardableResult
    public func registerBot() async throws -> Human { try await register("rapport", password: Self.botPassword) }

    /// The bot's `m.direct` rooms with `user`, read with a fresh login of the bot's account.
    public func botDirectRooms(with user: String) async throws -> [String] {
        let bot = try await registerBot()
        let direct = try await bot.run("account_data", bot.userID, "m.direct")
        return (direct[user]?.array ?? []).compactMap(\.string)
    }
}

/// A connector configuration for the bot's account on `server`, accepting invites from `allow`.
public func matrixConfiguration(_ server: TestHomeserver, allow: [String] = [], rooms: [String] = []) -> MatrixConfiguration {
    MatrixConfiguration(
        homeserver: server.url, userID: server.userID("rapport"), password: TestHomeserver.botPassword, rooms: rooms,
        allowInvitesFrom: allow, syncTimeout: 10)
}

/// Starts a throw-away Synapse with the bot's account registered, runs `body`, and always stops it.
public func withHomeserver<T: Sendable>(_ body: (TestHomeserver) async throws -> T) async throws -> T {
    try await withStarted({ try await TestHomeserver.start() }, stop: { await $0.stop() }) { server in
        try await server.registerBot()
        return try await body(server)
    }
}
