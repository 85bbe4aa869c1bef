import Foundation
public import RapportMatrixCrypto

/// The checks the end-to-end encryption module of the spec asks for on decrypted payloads,
/// as pure functions (the connector does the decrypting and the I/O).
///
/// An Olm payload (to-device) looks like
/// ```json
/// {"type": "m.room_key", "content": {…}, "sender": "@alice:hs", "recipient": "@bot:hs",
///  "recipient_keys": {"ed25519": "<bot's key>"}, "keys": {"ed25519": "<alice's device key>"}}
/// ```
/// and a Megolm payload (room event) `{"type": "m.room.message", "content": {…}, "room_id": "!r:hs"}`.
public enum MatrixEncryptedPayload {
    static let olmAlgorithm = "m.olm.v1.curve25519-aes-sha2"
    static let megolmAlgorithm = "m.megolm.v1.aes-sha2"

    /// The Olm ciphertext for the device with `ownKey` in a to-device `m.room.encrypted`, and
    /// the sender's Curve25519 key; `nil` when the event holds none for this device.
    public static func olmMessage(in content: MatrixJSON, for ownKey: String) -> (message: OlmMessage, senderKey: String)? {
        guard content["algorithm"]?.string == olmAlgorithm, let senderKey = content["sender_key"]?.string,
            let mine = content["ciphertext"]?[ownKey], let type = mine["type"]?.int, let body = mine["body"]?.string
        else { return nil }
        return (OlmMessage(type: type, body: body), senderKey)
    }

    /// A decrypted Olm payload, checked: it was sent by `sender` (the to-device event's sender)
    /// to this bot (`ownUserID`, `ownSigningKey`), and names the sending device's Ed25519 key.
    public struct OlmPayload: Sendable, Hashable {
        public var type: String
        public var content: MatrixJSON
        /// The Ed25519 key the sending device claims.
        public var signingKey: String
    }

    public static func olmPayload(_ plaintext: String, sender: String, ownUserID: String, ownSigningKey: String) throws -> OlmPayload {
        guard let json = try? JSONDecoder().decode(MatrixJSON.self, from: Data(plaintext.utf8)), let type = json["type"]?.string,
            let content = json["content"], content.object != nil
        else { throw MatrixCryptoError(.invalidMessage, "the Olm payload is not an event") }
        guard json["sender"]?.string == sender else {
            throw MatrixCryptoError(.unverifiedKey, "the Olm payload names another sender than the event from \(sender)")
        }
        guard json["recipient"]?.string == ownUserID, json["recipient_keys"]?["ed25519"]?.string == ownSigningKey else {
            throw MatrixCryptoError(.unverifiedKey, "the Olm payload from \(sender) was meant for another user or device")
        }
        guard let signingKey = json["keys"]?["ed25519"]?.string else {
            throw MatrixCryptoError(.unverifiedKey, "the Olm payload from \(sender) names no signing key")
        }
        return OlmPayload(type: type, content: content, signingKey: signingKey)
    }

    /// The room key an `m.room_key` payload carries.
    public static func roomKey(in payload: OlmPayload) -> RoomKey? {
        guard payload.type == "m.room_key", payload.content["algorithm"]?.string == megolmAlgorithm,
            let room = payload.content["room_id"]?.string, let session = payload.content["session_id"]?.string,
            let key = payload.content["session_key"]?.string
        else { return nil }
        return RoomKey(roomID: room, sessionID: session, sessionKey: key)
    }

    /// The Megolm fields of a room `m.room.encrypted` event.
    public struct MegolmFields: Sendable, Hashable {
        public var ciphertext: String
        public var sessionID: String
        /// Deprecated in the spec; newer clients leave it out.
        public var senderKey: String?
    }

    public static func megolmFields(in content: MatrixJSON) -> MegolmFields? {
        guard content["algorithm"]?.string == megolmAlgorithm, let ciphertext = content["ciphertext"]?.string,
            let session = content["session_id"]?.string
        else { return nil }
        return MegolmFields(ciphertext: ciphertext, sessionID: session, senderKey: content["sender_key"]?.string)
    }

    /// `event` with the type and content it decrypted to, checked: the payload names this room,
    /// and the session belongs to the event's sender. `m.relates_to` stays outside the
    /// encryption in the spec, so it is kept from the outer content.
    public static func decryptedEvent(_ event: ClientEvent, roomID: String, plaintext: MegolmPlaintext) throws -> ClientEvent {
        guard let json = try? JSONDecoder().decode(MatrixJSON.self, from: Data(plaintext.json.utf8)), let type = json["type"]?.string,
            case .object(var content) = json["content"]
        else { throw MatrixCryptoError(.invalidMessage, "the Megolm payload is not an event") }
        guard json["room_id"]?.string == roomID else {
            throw MatrixCryptoError(.unverifiedKey, "the Megolm payload names another room than \(roomID)")
        }
        guard plaintext.sender == event.sender else {
            throw MatrixCryptoError(.unverifiedKey, "the room key belongs to \(plaintext.sender), not to the event's sender \(event.sender)")
        }
        guard type != "m.room.encrypted" else { throw MatrixCryptoError(.invalidMessage, "the Megolm payload is encrypted again") }
        if content["m.relates_to"] == nil, let relation = event.content["m.relates_to"] { content["m.relates_to"] = relation }
        var decrypted = event
        decrypted.type = type
        decrypted.content = .object(content)
        return decrypted
    }
}
