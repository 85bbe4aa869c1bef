import Foundation
public import Logging
public import RapportCore

/// The libolm implementation of ``EndToEndEncryption``: one actor owns the device's account and
/// every session, loads them from ``MatrixCryptoStore`` when needed and saves each change there
/// before it returns. It makes no HTTP calls; the connector does those.
///
/// ```swift
/// let crypto = try await OlmMachine.open(
///     store: MatrixCryptoStore(store: store, network: "example"), userID: "@rapport:example.org",
///     deviceID: "RAPPORTBOT", pickleKey: try PickleKey(configured), logger: logger)
/// ```
///
/// Olm and inbound Megolm sessions are not cached: each use unpickles the stored session and
/// saves it again, so memory stays bounded and a crash loses nothing.
public actor OlmMachine: EndToEndEncryption {
    public nonisolated let identityKeys: IdentityKeys
    public nonisolated let userID: String
    public nonisolated let deviceID: String
    private let account: OlmAccount
    private let pickleKey: PickleKey
    private let utility: OlmUtility
    private let store: MatrixCryptoStore
    private let time: any TimeSource
    private let logger: Logger
    /// Keys handed out by ``keysToUpload(oneTimeKeysOnServer:fallbackKeyUnused:includeDeviceKeys:)`` and not yet marked uploaded.
    private var uploadPending = false
    /// The outbound sessions in use, by room (few: one per encrypted room the bot writes in).
    private var outbound: [String: (session: MegolmOutboundSession, createdAt: Int64)] = [:]

    /// - Parameter pickle: The saved account, or `nil` for a new one.
    private init(
        restoring pickle: String?, userID: String, deviceID: String, pickleKey: consuming sending PickleKey, store: MatrixCryptoStore,
        time: any TimeSource, logger: Logger
    ) throws(MatrixCryptoError) {
        let account: OlmAccount
        if let pickle {
            account = try OlmAccount.restore(pickle, key: pickleKey)
        } else {
            account = try OlmAccount.create()
        }
        self.identityKeys = try account.identityKeys()
        self.account = account
        self.userID = userID
        self.deviceID = deviceID
        self.pickleKey = pickleKey
        self.utility = try OlmUtility()
        self.store = store
        self.time = time
        self.logger = logger
    }

    /// The machine for `deviceID` of `userID`: the stored account if it belongs to that device,
    /// else a new account (the old one's sessions are dropped, and the log says so).
    ///
    /// - Throws: ``MatrixCryptoError/Code/badPickleKey`` when the stored account was pickled
    ///   under another key: the store is left as it is, so the right key still opens it.
    public static func open(
        store: MatrixCryptoStore, userID: String, deviceID: String, pickleKey: consuming sending PickleKey,
        time: any TimeSource = SystemTime(), logger: Logger
    ) async throws -> OlmMachine {
        try await store.prepare()
        let saved = try await store.account()
        if let saved, saved.userID == userID, saved.deviceID == deviceID {
            return try OlmMachine(
                restoring: saved.pickle, userID: userID, deviceID: deviceID, pickleKey: pickleKey, store: store, time: time, logger: logger)
        }
        if let saved {
            logger.warning(
                "the saved encryption keys belong to another device; starting a new device identity (messages encrypted for the old one cannot be read)",
                metadata: ["saved_device": "\(saved.deviceID)", "saved_user": "\(saved.userID)", "device": "\(deviceID)"])
        } else {
            logger.notice("no saved encryption keys; creating a new device identity", metadata: ["device": "\(deviceID)"])
        }
        let machine = try OlmMachine(
            restoring: nil, userID: userID, deviceID: deviceID, pickleKey: pickleKey, store: store, time: time, logger: logger)
        try await machine.replaceStoredAccount()
        return machine
    }

    private var now: Int64 { Int64((time.now.timeIntervalSince1970 * 1000).rounded()) }

    /// Stores this account in place of the one saved before, and drops that one's sessions.
    private func replaceStoredAccount() async throws {
        try await store.replaceAccount(.init(userID: userID, deviceID: deviceID, pickle: try account.pickle(key: pickleKey)))
    }

    private func saveAccount() async throws {
        try await store.saveAccount(.init(userID: userID, deviceID: deviceID, pickle: try account.pickle(key: pickleKey)))
    }

    // MARK: - Keys

    public func keysToUpload(oneTimeKeysOnServer onServer: Int, fallbackKeyUnused: Bool, includeDeviceKeys: Bool) async throws -> KeyUpload {
        let target = account.maxOneTimeKeys / 2
        var changed = false
        var oneTime = try account.unpublishedOneTimeKeys()
        if onServer + oneTime.count < target {
            try account.generateOneTimeKeys(target - onServer - oneTime.count)
            oneTime = try account.unpublishedOneTimeKeys()
            changed = true
        }
        var fallback = try account.unpublishedFallbackKey()
        if !fallbackKeyUnused && fallback.isEmpty {
            try account.generateFallbackKey()
            fallback = try account.unpublishedFallbackKey()
            changed = true
        }
        // Saved before anyone uploads these keys: a crash after the upload must not bring back
        // an account that makes the same key IDs again (the server refuses those).
        if changed { try await saveAccount() }
        uploadPending = true
        return KeyUpload(
            deviceKeys: includeDeviceKeys ? try signedDeviceKeys() : nil,
            oneTimeKeys: try signed(oneTime, fallback: false),
            fallbackKeys: fallbackKeyUnused ? [:] : try signed(fallback, fallback: true))
    }

    public func markKeysUploaded() async throws {
        guard uploadPending else { return }
        account.markKeysAsPublished()
        uploadPending = false
        try await saveAccount()
    }

    private func signedDeviceKeys() throws(MatrixCryptoError) -> DeviceKeys {
        var keys = DeviceKeys(
            userID: userID, deviceID: deviceID, algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            keys: ["curve25519:\(deviceID)": identityKeys.curve25519, "ed25519:\(deviceID)": identityKeys.ed25519])
        keys.signatures = [userID: ["ed25519:\(deviceID)": try account.sign(CanonicalJSON.encode(keys))]]
        return keys
    }

    private func signed(_ keys: [String: String], fallback: Bool) throws(MatrixCryptoError) -> [String: SignedCurveKey] {
        var result: [String: SignedCurveKey] = [:]
        for (id, key) in keys {
            var signed = SignedCurveKey(key: key, fallback: fallback ? true : nil)
            signed.signatures = [userID: ["ed25519:\(deviceID)": try account.sign(CanonicalJSON.encode(signed))]]
            result["signed_curve25519:\(id)"] = signed
        }
        return result
    }

    // MARK: - Olm

    public func hasOlmSession(with identityKey: String) async throws -> Bool {
        try await !store.olmSessions(with: identityKey).isEmpty
    }

    public func startOlmSession(with identityKey: String, oneTimeKey: SignedCurveKey, userID: String, signingKey: String) async throws {
        guard let signature = oneTimeKey.signatures?[userID]?.first(where: { $0.key.hasPrefix("ed25519:") })?.value else {
            throw MatrixCryptoError(.unverifiedKey, "the claimed one-time key of \(userID) is not signed")
        }
        var unsigned = oneTimeKey
        unsigned.signatures = nil
        guard utility.verifyEd25519(key: signingKey, message: try CanonicalJSON.encode(unsigned), signature: signature) else {
            throw MatrixCryptoError(.unverifiedKey, "the claimed one-time key of \(userID) does not carry its device's signature")
        }
        let session = try OlmSession.outbound(from: account, to: identityKey, oneTimeKey: oneTimeKey.key)
        try await store.saveOlmSession(id: try session.id(), senderKey: identityKey, pickle: try session.pickle(key: pickleKey), usedAt: now)
    }

    public func encrypt(olm plaintext: String, to identityKey: String) async throws -> OlmMessage {
        guard let newest = try await store.olmSessions(with: identityKey).first else {
            throw MatrixCryptoError(.unknownSession, "no Olm session with that device")
        }
        let session = try OlmSession.restore(newest.pickle, key: pickleKey)
        let message = try session.encrypt(plaintext)
        try await store.saveOlmSession(id: newest.id, senderKey: identityKey, pickle: try session.pickle(key: pickleKey), usedAt: now)
        return message
    }

    public func decrypt(olm message: OlmMessage, from senderKey: String) async throws -> String {
        guard message.type == 0 || message.type == 1 else {
            throw MatrixCryptoError(.invalidMessage, "unknown Olm message type \(message.type)")
        }
        for stored in try await store.olmSessions(with: senderKey) {
            let session = try OlmSession.restore(stored.pickle, key: pickleKey)
            if message.isPreKey && !session.matches(preKeyMessage: message.body, from: senderKey) { continue }
            do {
                let plaintext = try session.decrypt(message)
                try await store.saveOlmSession(id: stored.id, senderKey: senderKey, pickle: try session.pickle(key: pickleKey), usedAt: now)
                return plaintext
            } catch let error as MatrixCryptoError where !message.isPreKey {
                // A normal message belongs to one session; try the others (libolm checks the MAC).
                logger.debug("Olm session did not decrypt the message", metadata: ["error": "\(error)"])
                continue
            }
        }
        guard message.isPreKey else {
            throw MatrixCryptoError(.unknownSession, "no Olm session with the sender decrypts this message")
        }
        let session = try OlmSession.inbound(to: account, from: senderKey, preKeyMessage: message.body)
        let plaintext = try session.decrypt(message)
        try account.removeOneTimeKeys(usedBy: session)
        // The session first, then the account without the used one-time key: a crash between the
        // two leaves a key that is never offered again, never a session that is lost.
        try await store.saveOlmSession(id: try session.id(), senderKey: senderKey, pickle: try session.pickle(key: pickleKey), usedAt: now)
        try await saveAccount()
        return plaintext
    }

    // MARK: - Megolm, receiving

    public func addRoomKey(_ key: RoomKey, sender: String, senderKey: String, signingKey: String) async throws {
        let session = try MegolmInboundSession.create(sessionKey: key.sessionKey)
        guard try session.id() == key.sessionID else {
            throw MatrixCryptoError(.invalidMessage, "the room key's session_id does not match its session_key")
        }
        if let existing = try await store.inboundGroupSessions(room: key.roomID, sessionID: key.sessionID, senderKey: senderKey).first {
            let old = try MegolmInboundSession.restore(existing.pickle, key: pickleKey)
            // Never let a later share of the same session replace what we have with a key from a
            // later index, nor change whose key it is.
            guard existing.sender == sender, existing.signingKey == signingKey, session.firstKnownIndex < old.firstKnownIndex else { return }
        }
        try await store.saveInboundGroupSession(
            room: key.roomID, sessionID: key.sessionID, senderKey: senderKey, .init(senderKey: senderKey, sender: sender, signingKey: signingKey, pickle: try session.pickle(key: pickleKey)))
    }

    public func decrypt(
        megolm ciphertext: String, room: String, sessionID: String, senderKey: String?, eventID: String, originTS: Int64
    ) async throws -> MegolmPlaintext {
        let rows = try await store.inboundGroupSessions(room: room, sessionID: sessionID, senderKey: senderKey)
        guard let row = rows.first else {
            throw MatrixCryptoError(.unknownSession, "no room key for session \(sessionID) in \(room)")
        }
        guard rows.count == 1 else {
            // Two devices sent keys under one session ID: only a sender key could say which.
            throw MatrixCryptoError(.unverifiedKey, "session \(sessionID) in \(room) was shared by \(rows.count) devices")
        }
        let session = try MegolmInboundSession.restore(row.pickle, key: pickleKey)
        let (plaintext, index) = try session.decrypt(ciphertext)
        if let earlier = try await store.useMessageIndex(
            room: room, sessionID: sessionID, senderKey: row.senderKey, index: index, eventID: eventID, originTS: originTS),
            earlier.eventID != eventID || earlier.originTS != originTS
        {
            throw MatrixCryptoError(.replayedMessage, "message index \(index) of session \(sessionID) was used by \(earlier.eventID) already")
        }
        return MegolmPlaintext(json: plaintext, messageIndex: index, signingKey: row.signingKey, sender: row.sender, senderKey: row.senderKey)
    }

    // MARK: - Megolm, sending

    public func outboundRoomKey(room: String, rotation: MegolmRotation) async throws -> OutboundRoomKey {
        if let current = try await currentOutbound(room: room),
            !rotation.isDue(createdAt: current.createdAt, sent: Int(current.session.messageIndex), now: now)
        {
            return OutboundRoomKey(
                key: RoomKey(roomID: room, sessionID: try current.session.id(), sessionKey: try current.session.sessionKey()), isNew: false)
        }
        let session = try MegolmOutboundSession.create()
        let key = RoomKey(roomID: room, sessionID: try session.id(), sessionKey: try session.sessionKey())
        // Our own copy, so the bot can read its own messages when the server echoes them.
        try await addRoomKey(key, sender: userID, senderKey: identityKeys.curve25519, signingKey: identityKeys.ed25519)
        let created = now
        try await store.saveOutboundGroupSession(
            room: room, .init(sessionID: key.sessionID, pickle: try session.pickle(key: pickleKey), createdAt: created))
        outbound[room] = (session, created)
        logger.info("new outbound room session", metadata: ["room_id": "\(room)", "session_id": "\(key.sessionID)"])
        return OutboundRoomKey(key: key, isNew: true)
    }

    public func encrypt(megolm plaintext: String, room: String) async throws -> MegolmCiphertext {
        guard let current = try await currentOutbound(room: room) else {
            throw MatrixCryptoError(.unknownSession, "no outbound room session in \(room)")
        }
        let ciphertext = try current.session.encrypt(plaintext)
        let id = try current.session.id()
        try await store.saveOutboundGroupSession(
            room: room, .init(sessionID: id, pickle: try current.session.pickle(key: pickleKey), createdAt: current.createdAt))
        return MegolmCiphertext(sessionID: id, ciphertext: ciphertext)
    }

    public func discardOutboundSession(room: String) async throws {
        outbound[room] = nil
        try await store.discardOutboundGroupSession(room: room)
    }

    private func currentOutbound(room: String) async throws -> (session: MegolmOutboundSession, createdAt: Int64)? {
        if let loaded = outbound[room] { return loaded }
        guard let row = try await store.outboundGroupSession(room: room) else { return nil }
        let loaded = (try MegolmOutboundSession.restore(row.pickle, key: pickleKey), row.createdAt)
        outbound[room] = loaded
        return loaded
    }
}
