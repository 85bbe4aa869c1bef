import Foundation
import RapportCore
import RapportMatrixCrypto
import RapportServerTesting
import Testing
@testable import RapportMatrix

/// Attacks on encrypted rooms: room keys forged in another's name or meant for someone else,
/// messages moved to another room, another user's room key, replays.
struct AdversarialMatrixEncryptionTests {
    @Test("a room key whose payload names another sender than the to-device event is dropped")
    func payloadSenderMismatch() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent { $0["sender"] = .string(Fixture.bob) }
        let ping = try await fixture.encryptedMessage("$ping", "!ping")
        await fixture.connector.process(EncryptedFixture.batch([ping], toDevice: [key]), initial: false, into: fixture.sink)
        #expect(fixture.texts.isEmpty)
    }

    @Test("a room key meant for another user or device is dropped", arguments: ["recipient", "recipient_keys"])
    func wrongRecipient(field: String) async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent { payload in
            payload[field] = field == "recipient" ? .string(Fixture.bob) : ["ed25519": "someone-elses-key"]
        }
        let ping = try await fixture.encryptedMessage("$ping", "!ping")
        await fixture.connector.process(EncryptedFixture.batch([ping], toDevice: [key]), initial: false, into: fixture.sink)
        #expect(fixture.texts.isEmpty)
    }

    @Test("a message encrypted for one room and replayed into another is dropped")
    func movedToAnotherRoom() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent()
        let moved = try await fixture.encryptedMessage("$moved", "!forget me", payloadRoom: "!other:example.org")
        await fixture.connector.process(EncryptedFixture.batch([moved], toDevice: [key]), initial: false, into: fixture.sink)
        #expect(fixture.texts.isEmpty)
    }

    @Test("a message sent by Bob with Alice's room key is not delivered as Bob's")
    func anotherUsersSession() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent()
        let forged = try await fixture.encryptedMessage("$forged", "!admin add @bob:example.org", from: Fixture.bob)
        await fixture.connector.process(EncryptedFixture.batch([forged], toDevice: [key]), initial: false, into: fixture.sink)
        #expect(fixture.texts.isEmpty)
    }

    @Test("a replayed encrypted message under a new event ID is delivered once")
    func replay() async throws {
        let fixture = try await EncryptedFixture()
        let key = try await fixture.roomKeyEvent()
        let original = try await fixture.encryptedMessage("$original", "!nudges off")
        var replayed = original
        replayed.eventID = "$replayed"
        await fixture.connector.process(EncryptedFixture.batch([original, replayed], toDevice: [key]), initial: false, into: fixture.sink)
        #expect(fixture.texts == ["!nudges off"])
    }

    @Test("a payload that is not an event, or is encrypted again, is refused", arguments: [
        #"not json"#, #"{"type": "m.room.message", "room_id": "!room:example.org"}"#,
        #"{"type": "m.room.encrypted", "room_id": "!room:example.org", "content": {}}"#,
    ])
    func badPayloads(json: String) {
        let event = ClientEvent(type: "m.room.encrypted", eventID: "$x", sender: Fixture.alice)
        let plaintext = MegolmPlaintext(json: json, messageIndex: 0, signingKey: "k", sender: Fixture.alice, senderKey: "c")
        #expect(throws: MatrixCryptoError.self) { try MatrixEncryptedPayload.decryptedEvent(event, roomID: Fixture.room, plaintext: plaintext) }
    }
}
