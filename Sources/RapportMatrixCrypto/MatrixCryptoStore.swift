public import RapportCore

/// Where the crypto state of one Matrix network lives: tables of namespace `matrix-crypto` in
/// the bot's store (SQLite or PostgreSQL). Every row holds a libolm pickle, encrypted under the
/// ``PickleKey`` from the configuration; the key itself is never written here.
///
/// | table                            | one row per                                        |
/// |----------------------------------|----------------------------------------------------|
/// | `matrix_crypto_account`          | network: user, device, account pickle              |
/// | `matrix_crypto_olm_session`      | Olm session with another device (by its Curve25519 key) |
/// | `matrix_crypto_inbound_group`    | Megolm room key received (room, session ID, sender key) |
/// | `matrix_crypto_megolm_index`     | Megolm message index used, with its event (replay check) |
/// | `matrix_crypto_outbound_group`   | room: the bot's current Megolm session and its age |
public struct MatrixCryptoStore: Sendable {
    let store: any Store
    let network: String

    static let namespace = "matrix-crypto"
    static let migrations = [
        Migration(1, "Matrix end-to-end encryption: account, Olm and Megolm sessions", [
            """
            CREATE TABLE matrix_crypto_account (network TEXT PRIMARY KEY, user_id TEXT NOT NULL,
                device_id TEXT NOT NULL, pickle TEXT NOT NULL)
            """,
            """
            CREATE TABLE matrix_crypto_olm_session (network TEXT NOT NULL, sender_key TEXT NOT NULL,
                session_id TEXT NOT NULL, pickle TEXT NOT NULL, last_used BIGINT NOT NULL,
                PRIMARY KEY (network, sender_key, session_id))
            """,
            """
            CREATE TABLE matrix_crypto_inbound_group (network TEXT NOT NULL, room_id TEXT NOT NULL,
                session_id TEXT NOT NULL, sender_key TEXT NOT NULL, sender TEXT NOT NULL, signing_key TEXT NOT NULL, pickle TEXT NOT NULL,
                PRIMARY KEY (network, room_id, session_id, sender_key))
            """,
            """
            CREATE TABLE matrix_crypto_megolm_index (network TEXT NOT NULL, room_id TEXT NOT NULL,
                session_id TEXT NOT NULL, sender_key TEXT NOT NULL, message_index BIGINT NOT NULL,
                event_id TEXT NOT NULL, origin_ts BIGINT NOT NULL,
                PRIMARY KEY (network, room_id, session_id, sender_key, message_index))
            """,
            """
            CREATE TABLE matrix_crypto_outbound_group (network TEXT NOT NULL, room_id TEXT NOT NULL,
                session_id TEXT NOT NULL, pickle TEXT NOT NULL, created_at BIGINT NOT NULL,
                PRIMARY KEY (network, room_id))
            """,
        ])
    ]

    /// The crypto state of `network` in `store`.
    public init(store: any Store, network: String) {
        self.store = store
        self.network = network
    }

    func prepare() async throws {
        try await store.migrate(Self.namespace, Self.migrations)
    }

    // MARK: - Account

    struct AccountRow: Sendable {
        var userID: String
        var deviceID: String
        var pickle: String
    }

    func account() async throws -> AccountRow? {
        guard
            let row = try await store.query(
                "SELECT user_id, device_id, pickle FROM matrix_crypto_account WHERE network = ?", [.text(network)]
            ).first,
            let user = row["user_id"].string, let device = row["device_id"].string, let pickle = row["pickle"].string
        else { return nil }
        return AccountRow(userID: user, deviceID: device, pickle: pickle)
    }

    func saveAccount(_ account: AccountRow) async throws {
        try await store.execute(
            """
            INSERT INTO matrix_crypto_account (network, user_id, device_id, pickle) VALUES (?, ?, ?, ?)
            ON CONFLICT (network) DO UPDATE SET user_id = excluded.user_id, device_id = excluded.device_id, pickle = excluded.pickle
            """, [.text(network), .text(account.userID), .text(account.deviceID), .text(account.pickle)])
    }

    /// Drops every session too: they belong to the old device.
    func replaceAccount(_ account: AccountRow) async throws {
        let network = self.network
        try await store.transaction { sql in
            for table in ["matrix_crypto_olm_session", "matrix_crypto_inbound_group", "matrix_crypto_megolm_index", "matrix_crypto_outbound_group"] {
                try await sql.execute("DELETE FROM \(table) WHERE network = ?", [.text(network)])
            }
            try await sql.execute("DELETE FROM matrix_crypto_account WHERE network = ?", [.text(network)])
        }
        try await saveAccount(account)
    }

    // MARK: - Olm sessions

    /// The Olm sessions with the device whose Curve25519 key is `senderKey`, most recently used first.
    func olmSessions(with senderKey: String) async throws -> [(id: String, pickle: String)] {
        try await store.query(
            """
            SELECT session_id, pickle FROM matrix_crypto_olm_session WHERE network = ? AND sender_key = ?
            ORDER BY last_used DESC, session_id
            """, [.text(network), .text(senderKey)]
        ).compactMap { row in
            guard let id = row["session_id"].string, let pickle = row["pickle"].string else { return nil }
            return (id, pickle)
        }
    }

    func saveOlmSession(id: String, senderKey: String, pickle: String, usedAt: Int64) async throws {
        try await store.execute(
            """
            INSERT INTO matrix_crypto_olm_session (network, sender_key, session_id, pickle, last_used) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (network, sender_key, session_id) DO UPDATE SET pickle = excluded.pickle, last_used = excluded.last_used
            """, [.text(network), .text(senderKey), .text(id), .text(pickle), .integer(usedAt)])
    }

    // MARK: - Megolm, receiving

    struct InboundGroupRow: Sendable {
        var senderKey: String
        /// The user whose device sent the key (the to-device event's sender).
        var sender: String
        var signingKey: String
        var pickle: String
    }

    /// The room keys of `sessionID` in `room` (from the device with `senderKey`, or from any
    /// device when `nil`: newer clients leave `sender_key` out of room events).
    func inboundGroupSessions(room: String, sessionID: String, senderKey: String?) async throws -> [InboundGroupRow] {
        var sql = "SELECT sender_key, sender, signing_key, pickle FROM matrix_crypto_inbound_group WHERE network = ? AND room_id = ? AND session_id = ?"
        var arguments: [SQLValue] = [.text(network), .text(room), .text(sessionID)]
        if let senderKey {
            sql += " AND sender_key = ?"
            arguments.append(.text(senderKey))
        }
        return try await store.query(sql, arguments).compactMap { row in
            guard let key = row["sender_key"].string, let sender = row["sender"].string, let signing = row["signing_key"].string,
                let pickle = row["pickle"].string
            else { return nil }
            return InboundGroupRow(senderKey: key, sender: sender, signingKey: signing, pickle: pickle)
        }
    }

    func saveInboundGroupSession(room: String, sessionID: String, senderKey: String, _ row: InboundGroupRow) async throws {
        try await store.execute(
            """
            INSERT INTO matrix_crypto_inbound_group (network, room_id, session_id, sender_key, sender, signing_key, pickle)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (network, room_id, session_id, sender_key) DO UPDATE SET pickle = excluded.pickle
            """, [.text(network), .text(room), .text(sessionID), .text(senderKey), .text(row.sender), .text(row.signingKey), .text(row.pickle)])
    }

    /// Records that `index` of the session decrypted event `eventID` (sent at `originTS`); returns
    /// the event that used the index before, if another one did (a replay).
    func useMessageIndex(
        room: String, sessionID: String, senderKey: String, index: UInt32, eventID: String, originTS: Int64
    ) async throws -> (eventID: String, originTS: Int64)? {
        let key: [SQLValue] = [.text(network), .text(room), .text(sessionID), .text(senderKey), .integer(Int64(index))]
        return try await store.transaction { sql in
            let earlier = try await sql.query(
                """
                SELECT event_id, origin_ts FROM matrix_crypto_megolm_index
                WHERE network = ? AND room_id = ? AND session_id = ? AND sender_key = ? AND message_index = ?
                """, key
            ).first
            if let earlier, let id = earlier["event_id"].string, let ts = earlier["origin_ts"].int {
                return (id, Int64(ts))
            }
            try await sql.execute(
                """
                INSERT INTO matrix_crypto_megolm_index (network, room_id, session_id, sender_key, message_index, event_id, origin_ts)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, key + [.text(eventID), .integer(originTS)])
            return nil
        }
    }

    // MARK: - Megolm, sending

    struct OutboundGroupRow: Sendable {
        var sessionID: String
        var pickle: String
        var createdAt: Int64
    }

    func outboundGroupSession(room: String) async throws -> OutboundGroupRow? {
        guard
            let row = try await store.query(
                "SELECT session_id, pickle, created_at FROM matrix_crypto_outbound_group WHERE network = ? AND room_id = ?",
                [.text(network), .text(room)]
            ).first,
            let id = row["session_id"].string, let pickle = row["pickle"].string, let created = row["created_at"].int
        else { return nil }
        return OutboundGroupRow(sessionID: id, pickle: pickle, createdAt: Int64(created))
    }

    func saveOutboundGroupSession(room: String, _ row: OutboundGroupRow) async throws {
        try await store.execute(
            """
            INSERT INTO matrix_crypto_outbound_group (network, room_id, session_id, pickle, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (network, room_id) DO UPDATE SET session_id = excluded.session_id, pickle = excluded.pickle,
                created_at = excluded.created_at
            """, [.text(network), .text(room), .text(row.sessionID), .text(row.pickle), .integer(row.createdAt)])
    }

    func discardOutboundGroupSession(room: String) async throws {
        try await store.execute("DELETE FROM matrix_crypto_outbound_group WHERE network = ? AND room_id = ?", [.text(network), .text(room)])
    }
}
