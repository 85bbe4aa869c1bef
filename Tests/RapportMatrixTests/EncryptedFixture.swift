import Foundation
import Logging
import RapportCore
import RapportMatrixCrypto
import RapportServerTesting
import RapportStoreSQLite
import Testing
@testable import RapportMatrix

/// A bot connector with encryption on, and a human device (an ``OlmMachine`` of its own) that
/// shares a room key with it and writes encrypted events, the way Element would.
struct EncryptedFixture {
    static let pickleKey = "the fixture's pickle key, long enough"
    static let botDevice = "BOTDEVICE"

    let connector: MatrixConnector
    let bot: any EndToEndEncryption
    let human: OlmMachine
    let sink = RecordingSink()

    init(human userID: String = Fixture.alice) async throws {
        let configuration = MatrixConfiguration(
            homeserver: URL(string: "http://127.0.0.1:9")!, userID: Fixture.bot, password: "secret",
            encryption: .init(enabled: true, pickleKey: Self.pickleKey))
        connector = MatrixConnector(network: "mx", configuration: configuration, store: try SQLiteStore(), logger: testLogger("e2ee"))
        try await connector.restoreState(for: .init(userID: Fixture.bot, deviceID: Self.botDevice))
        try await connector.openEncryption(userID: Fixture.bot, deviceID: Self.botDevice)
        bot = try #require(await connector.crypto)
        human = try await OlmMachine.open(
            store: MatrixCryptoStore(store: try SQLiteStore(), network: "human"), userID: userID, deviceID: "HUMAN",
            pickleKey: try PickleKey(Self.pickleKey), logger: testLogger("human"))
    }

    /// The to-device event that gives the bot the human's room key for `room` (an Olm pre-key
    /// message made with one of the bot's one-time keys), with `payload` changes for attacks.
    func roomKeyEvent(room: String = Fixture.room, sender: String = Fixture.alice, payload change: (inout [String: MatrixJSON]) -> Void = { _ in })
        async throws -> ToDeviceEvent
    {
        let upload = try await bot.keysToUpload(oneTimeKeysOnServer: 0, fallbackKeyUnused: false, includeDeviceKeys: false)
        try await bot.markKeysUploaded()
        let oneTimeKey = try #require(upload.oneTimeKeys.values.first)
        let botKeys = bot.identityKeys
        if try await !human.hasOlmSession(with: botKeys.curve25519) {
            try await human.startOlmSession(with: botKeys.curve25519, oneTimeKey: oneTimeKey, userID: Fixture.bot, signingKey: botKeys.ed25519)
        }
        let key = try await human.outboundRoomKey(room: room, rotation: .default).key
        var payload: [String: MatrixJSON] = [
            "type": "m.room_key", "sender": .string(sender), "recipient": .string(Fixture.bot),
            "recipient_keys": ["ed25519": .string(botKeys.ed25519)], "keys": ["ed25519": .string(human.identityKeys.ed25519)],
            "content": [
                "algorithm": "m.megolm.v1.aes-sha2", "room_id": .string(room), "session_id": .string(key.sessionID),
                "session_key": .string(key.sessionKey),
            ],
        ]
        change(&payload)
        let message = try await human.encrypt(olm: try Self.json(.object(payload)), to: botKeys.curve25519)
        return ToDeviceEvent(
            type: "m.room.encrypted", sender: sender,
            content: [
                "algorithm": "m.olm.v1.curve25519-aes-sha2", "sender_key": .string(human.identityKeys.curve25519),
                "ciphertext": .object([botKeys.curve25519: ["type": .number(Double(message.type)), "body": .string(message.body)]]),
            ])
    }

    /// An `m.room.encrypted` timeline event holding `text` as an `m.text` message.
    func encryptedMessage(_ id: String, _ text: String, from sender: String = Fixture.alice, room: String = Fixture.room, payloadRoom: String? = nil)
        async throws -> ClientEvent
    {
        let payload: MatrixJSON = [
            "type": "m.room.message", "room_id": .string(payloadRoom ?? room), "content": ["msgtype": "m.text", "body": .string(text)],
        ]
        let sealed = try await human.encrypt(megolm: try Self.json(payload), room: room)
        return ClientEvent(
            type: "m.room.encrypted", eventID: id, sender: sender, originServerTS: 1_700_000_000_000,
            content: [
                "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": .string(sealed.ciphertext), "session_id": .string(sealed.sessionID),
                "device_id": "HUMAN",
            ])
    }

    /// A batch of the encrypted room (both members joined) with `toDevice` and `timeline`.
    static func batch(_ timeline: [ClientEvent], toDevice: [ToDeviceEvent] = [], next: String = "s1") -> SyncResponse {
        var batch = Fixture.batch(
            timeline,
            state: [
                Fixture.member(Fixture.bot, "join"), Fixture.member(Fixture.alice, "join"),
                ClientEvent(type: "m.room.encryption", eventID: "$enc", sender: Fixture.alice, stateKey: "", content: ["algorithm": "m.megolm.v1.aes-sha2"]),
            ], next: next)
        batch.toDevice = LossyList(toDevice)
        return batch
    }

    /// The texts the runtime received.
    var texts: [String] { sink.all.compactMap(\.message?.text) }

    static func json(_ value: MatrixJSON) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
}
