import Foundation
import Logging
import RapportCore
import RapportMatrixCrypto
import RapportTesting
import Testing

@testable import RapportStorePostgres

/// The Matrix crypto state on PostgreSQL: the same migrations and statements as on SQLite.
@Suite(.timeLimit(.minutes(5)))
struct MatrixCryptoStorePostgresTests {
    static let key = "a pickle key for the PostgreSQL test"

    func open(_ store: any Store, _ user: String) async throws -> OlmMachine {
        try await OlmMachine.open(
            store: MatrixCryptoStore(store: store, network: user), userID: user, deviceID: "DEVICE", pickleKey: try PickleKey(Self.key),
            logger: Logger(label: "test"))
    }

    @Test("Olm and Megolm sessions survive a restart on PostgreSQL, and a replay is still refused")
    func sessionsAcrossRestart() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            defer { Task { await store.close() } }
            let alice = try await open(store, "@alice:test")
            var bot = try await open(store, "@bot:test")
            let upload = try await bot.keysToUpload(oneTimeKeysOnServer: 0, fallbackKeyUnused: false, includeDeviceKeys: true)
            try await bot.markKeysUploaded()
            let oneTimeKey = try #require(upload.oneTimeKeys.values.first)
            let botKeys = bot.identityKeys
            try await alice.startOlmSession(with: botKeys.curve25519, oneTimeKey: oneTimeKey, userID: "@bot:test", signingKey: botKeys.ed25519)
            let room = try await alice.outboundRoomKey(room: "!r:test", rotation: .default)
            let sealedKey = try await alice.encrypt(olm: room.key.sessionKey, to: botKeys.curve25519)
            let sessionKey = try await bot.decrypt(olm: sealedKey, from: alice.identityKeys.curve25519)
            try await bot.addRoomKey(
                RoomKey(roomID: "!r:test", sessionID: room.key.sessionID, sessionKey: sessionKey), sender: "@alice:test",
                senderKey: alice.identityKeys.curve25519, signingKey: alice.identityKeys.ed25519)
            let sealed = try await alice.encrypt(megolm: "hello", room: "!r:test")

            bot = try await open(store, "@bot:test")
            #expect(bot.identityKeys == botKeys)
            let opened = try await bot.decrypt(
                megolm: sealed.ciphertext, room: "!r:test", sessionID: sealed.sessionID, senderKey: nil, eventID: "$1", originTS: 1)
            #expect(opened.json == "hello")
            await #expect(throws: MatrixCryptoError.self) {
                try await bot.decrypt(megolm: sealed.ciphertext, room: "!r:test", sessionID: sealed.sessionID, senderKey: nil, eventID: "$2", originTS: 2)
            }
            let answer = try await bot.encrypt(olm: "thanks", to: alice.identityKeys.curve25519)
            #expect(try await alice.decrypt(olm: answer, from: botKeys.curve25519) == "thanks")
        }
    }
}
