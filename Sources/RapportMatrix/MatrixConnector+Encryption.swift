import Foundation
import Logging
import RapportMatrixCrypto

/// End-to-end encryption in the connector (`matrix.encryption.enabled`): the device's keys on
/// the server, room keys from to-device messages, encrypted timeline events decrypted into
/// ordinary ones. ``OlmMachine`` holds the state; this only moves it to and from the homeserver.
extension MatrixConnector {
    /// Opens the crypto state of the session's device and uploads its keys (device keys and
    /// one-time keys up to half the account's maximum).
    func startEncryption(userID: String, deviceID: String?) async throws {
        guard configuration.encryption.enabled else { return }
        try await openEncryption(userID: userID, deviceID: deviceID)
        let onServer = try await client.uploadKeys(KeyUpload())
        try await uploadKeys(oneTimeKeysOnServer: onServer, fallbackKeyUnused: true, includeDeviceKeys: true)
    }

    /// Opens (or creates) the crypto state of `deviceID` in the bot's store.
    func openEncryption(userID: String, deviceID: String?) async throws {
        guard let deviceID else {
            throw MatrixError(.configuration, "end-to-end encryption needs a device ID, and the homeserver named none for this access token")
        }
        let key = configuration.encryption.pickleKey ?? ""
        let machine: OlmMachine
        do {
            machine = try await OlmMachine.open(
                store: MatrixCryptoStore(store: saved.store, network: network), userID: userID, deviceID: deviceID,
                pickleKey: try PickleKey(key), logger: logger)
        } catch let error as MatrixCryptoError where error.code == .badPickleKey {
            throw MatrixError(.configuration, "matrix.encryption.pickle_key does not open the saved encryption keys (\(error.message))")
        }
        crypto = machine
        logger.info("end-to-end encryption ready", metadata: ["device": "\(deviceID)", "curve25519": "\(machine.identityKeys.curve25519)"])
    }

    private func uploadKeys(oneTimeKeysOnServer onServer: Int, fallbackKeyUnused: Bool, includeDeviceKeys: Bool) async throws {
        guard let crypto else { return }
        let upload = try await crypto.keysToUpload(
            oneTimeKeysOnServer: onServer, fallbackKeyUnused: fallbackKeyUnused, includeDeviceKeys: includeDeviceKeys)
        guard !upload.isEmpty else { return }
        let held = try await client.uploadKeys(upload)
        try await crypto.markKeysUploaded()
        logger.info(
            "uploaded encryption keys",
            metadata: [
                "one_time_keys": "\(upload.oneTimeKeys.count)", "fallback": "\(!upload.fallbackKeys.isEmpty)",
                "device_keys": "\(upload.deviceKeys != nil)", "on_server": "\(held)",
            ])
    }

    /// Handles the crypto parts of a batch before its rooms: to-device room keys, then the key
    /// counts; returns the batch with its encrypted timeline events decrypted.
    func decrypting(_ batch: SyncResponse) async -> SyncResponse {
        guard let crypto else { return batch }
        for event in batch.toDevice.elements where event.type == "m.room.encrypted" {
            await receiveToDevice(event, crypto: crypto)
        }
        do {
            let fallbackUnused = batch.unusedFallbackKeyTypes.map { $0.contains("signed_curve25519") } ?? true
            try await uploadKeys(oneTimeKeysOnServer: batch.oneTimeKeysCount ?? Int.max, fallbackKeyUnused: fallbackUnused, includeDeviceKeys: false)
        } catch {
            logger.warning("could not upload new encryption keys", metadata: ["error": "\(error)"])
        }
        var batch = batch
        for roomID in batch.rooms.join.keys {
            guard let events = batch.rooms.join[roomID]?.timeline.events.elements, events.contains(where: { $0.type == "m.room.encrypted" }) else {
                continue
            }
            var decrypted: [ClientEvent] = []
            decrypted.reserveCapacity(events.count)
            for event in events {
                if event.type != "m.room.encrypted" {
                    decrypted.append(event)
                } else if let plain = await decrypt(event, in: roomID, crypto: crypto) {
                    decrypted.append(plain)
                }
            }
            batch.rooms.join[roomID]?.timeline.events.elements = decrypted
        }
        return batch
    }

    private func receiveToDevice(_ event: ToDeviceEvent, crypto: any EndToEndEncryption) async {
        let keys = crypto.identityKeys
        guard let (message, senderKey) = MatrixEncryptedPayload.olmMessage(in: event.content, for: keys.curve25519) else {
            logger.debug("to-device encrypted event holds nothing for this device", metadata: ["sender": "\(event.sender)"])
            return
        }
        do {
            let plaintext = try await crypto.decrypt(olm: message, from: senderKey)
            let payload = try MatrixEncryptedPayload.olmPayload(
                plaintext, sender: event.sender, ownUserID: configuration.userID, ownSigningKey: keys.ed25519)
            guard let roomKey = MatrixEncryptedPayload.roomKey(in: payload) else {
                logger.debug("ignored an encrypted to-device event", metadata: ["sender": "\(event.sender)", "type": "\(payload.type)"])
                return
            }
            try await crypto.addRoomKey(roomKey, sender: event.sender, senderKey: senderKey, signingKey: payload.signingKey)
            logger.info("received a room key", metadata: ["sender": "\(event.sender)", "room_id": "\(roomKey.roomID)", "session_id": "\(roomKey.sessionID)"])
        } catch {
            logger.warning("could not read an encrypted to-device event", metadata: ["sender": "\(event.sender)", "error": "\(error)"])
        }
    }

    /// The event an encrypted timeline event decrypts to, or `nil` (logged) when it does not.
    private func decrypt(_ event: ClientEvent, in roomID: String, crypto: any EndToEndEncryption) async -> ClientEvent? {
        guard let fields = MatrixEncryptedPayload.megolmFields(in: event.content), let eventID = event.eventID else {
            logger.warning("skipped an encrypted event of an unknown algorithm", metadata: ["room_id": "\(roomID)", "event_id": "\(event.eventID ?? "-")"])
            return nil
        }
        do {
            let plaintext = try await crypto.decrypt(
                megolm: fields.ciphertext, room: roomID, sessionID: fields.sessionID, senderKey: fields.senderKey, eventID: eventID,
                originTS: event.originServerTS ?? 0)
            return try MatrixEncryptedPayload.decryptedEvent(event, roomID: roomID, plaintext: plaintext)
        } catch {
            logger.warning(
                "could not decrypt a room event",
                metadata: ["room_id": "\(roomID)", "event_id": "\(eventID)", "sender": "\(event.sender)", "session_id": "\(fields.sessionID)", "error": "\(error)"])
            return nil
        }
    }
}
