/// What the Matrix connector needs from an end-to-end encryption implementation: the device's
/// keys, Olm for to-device messages, Megolm for room messages. ``OlmMachine`` (libolm) is the one
/// implementation; a vodozemac one would replace it behind this protocol.
///
/// ## Conforming
/// One instance owns one device's account and sessions, makes no network calls, and saves every
/// change to its state before returning (so a crash never reuses a one-time key or forgets a
/// session). Plaintexts and keys are never logged.
public protocol EndToEndEncryption: Actor {
    /// The device's public identity keys.
    nonisolated var identityKeys: IdentityKeys { get }

    /// What to upload so that the server holds half the most one-time keys the account can keep
    /// (`onServer` now) and an unused fallback key; the state is saved before this returns.
    /// - Parameter includeDeviceKeys: Whether to include the signed device keys (first upload).
    func keysToUpload(oneTimeKeysOnServer onServer: Int, fallbackKeyUnused: Bool, includeDeviceKeys: Bool) async throws -> KeyUpload
    /// Marks what ``keysToUpload(oneTimeKeysOnServer:fallbackKeyUnused:includeDeviceKeys:)`` returned as uploaded.
    func markKeysUploaded() async throws

    /// Whether there is an Olm session with the device whose Curve25519 key is `identityKey`.
    func hasOlmSession(with identityKey: String) async throws -> Bool
    /// Starts an Olm session with a device from a one-time key it published and that its
    /// `signingKey` (Ed25519) signed for `userID`.
    func startOlmSession(with identityKey: String, oneTimeKey: SignedCurveKey, userID: String, signingKey: String) async throws
    /// Encrypts `plaintext` for the device with `identityKey` (a session must exist).
    func encrypt(olm plaintext: String, to identityKey: String) async throws -> OlmMessage
    /// Decrypts a to-device message from the device with `senderKey`, starting a session for a
    /// pre-key message.
    func decrypt(olm message: OlmMessage, from senderKey: String) async throws -> String

    /// Keeps a room key another device sent (`m.room_key`, already Olm-decrypted and checked):
    /// `sender` is the user the to-device event came from, `senderKey` the Curve25519 key of the
    /// Olm session it arrived in, `signingKey` the Ed25519 key that device claims.
    func addRoomKey(_ key: RoomKey, sender: String, senderKey: String, signingKey: String) async throws
    /// Decrypts a room message; refuses an index that another event used already (a replay).
    /// - Parameter senderKey: The event's `sender_key`, or `nil` when it has none (newer clients).
    func decrypt(megolm ciphertext: String, room: String, sessionID: String, senderKey: String?, eventID: String, originTS: Int64) async throws -> MegolmPlaintext

    /// The key of the bot's outbound session in `room`, new when there was none or `rotation`
    /// says the old one is done (then ``OutboundRoomKey/isNew`` is set and it must be shared).
    func outboundRoomKey(room: String, rotation: MegolmRotation) async throws -> OutboundRoomKey
    /// Encrypts a room message with the current outbound session of `room`.
    func encrypt(megolm plaintext: String, room: String) async throws -> MegolmCiphertext
    /// Ends the outbound session of `room` (a member left): the next message starts a new one.
    func discardOutboundSession(room: String) async throws
}

/// A Megolm session key: what an `m.room_key` carries.
public struct RoomKey: Sendable, Hashable {
    public var roomID: String
    public var sessionID: String
    /// Secret: it decrypts the room's messages from its index on.
    public var sessionKey: String

    public init(roomID: String, sessionID: String, sessionKey: String) {
        self.roomID = roomID
        self.sessionID = sessionID
        self.sessionKey = sessionKey
    }
}

/// The bot's current outbound room key, and whether it was just made (and must be shared).
public struct OutboundRoomKey: Sendable, Hashable {
    public var key: RoomKey
    public var isNew: Bool
}

/// A decrypted room message.
public struct MegolmPlaintext: Sendable, Hashable {
    /// The event JSON (`{"type", "content", "room_id"}`) the sender encrypted.
    public var json: String
    public var messageIndex: UInt32
    /// The Ed25519 key of the device that shared the session (who the sender claims to be).
    public var signingKey: String
    /// The user who shared the session: a room event decrypted with it must come from them.
    public var sender: String
    /// The Curve25519 key of the device that shared the session.
    public var senderKey: String

    public init(json: String, messageIndex: UInt32, signingKey: String, sender: String, senderKey: String) {
        self.json = json
        self.messageIndex = messageIndex
        self.signingKey = signingKey
        self.sender = sender
        self.senderKey = senderKey
    }
}

/// An encrypted room message, for an `m.room.encrypted` event.
public struct MegolmCiphertext: Sendable, Hashable {
    public var sessionID: String
    public var ciphertext: String
}
