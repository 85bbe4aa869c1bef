import COlm

/// The sending side of a Megolm room session: the bot encrypts its room messages with it and
/// shares its key (through Olm) with the room's devices.
final class MegolmOutboundSession {
    let object: OlmObject

    private init() throws(MatrixCryptoError) {
        object = try OlmObject(
            size: olm_outbound_group_session_size(), make: { olm_outbound_group_session($0) },
            clear: { _ = olm_clear_outbound_group_session($0) }, lastError: { olm_outbound_group_session_last_error($0) })
    }

    static func create() throws(MatrixCryptoError) -> MegolmOutboundSession {
        let session = try MegolmOutboundSession()
        try session.object.withRandom(olm_init_outbound_group_session_random_length(session.object.pointer), "create group session") {
            olm_init_outbound_group_session($0, $1.assumingMemoryBound(to: UInt8.self), $2)
        }
        return session
    }

    static func restore(_ pickle: String, key: borrowing PickleKey) throws(MatrixCryptoError) -> MegolmOutboundSession {
        let session = try MegolmOutboundSession()
        try session.object.unpickle(pickle, key: key) { olm_unpickle_outbound_group_session($0, $1, $2, $3, $4) }
        return session
    }

    func pickle(key: borrowing PickleKey) throws(MatrixCryptoError) -> String {
        try object.pickle(key: key, length: olm_pickle_outbound_group_session_length(object.pointer)) {
            olm_pickle_outbound_group_session($0, $1, $2, $3, $4)
        }
    }

    func id() throws(MatrixCryptoError) -> String {
        try object.text(length: olm_outbound_group_session_id_length(object.pointer), "group session id") {
            olm_outbound_group_session_id($0, $1.assumingMemoryBound(to: UInt8.self), $2)
        }
    }

    /// The index the next message gets (= messages sent so far).
    var messageIndex: UInt32 { olm_outbound_group_session_message_index(object.pointer) }

    /// The current ratchet key, which lets a receiver decrypt from ``messageIndex`` on (a secret).
    func sessionKey() throws(MatrixCryptoError) -> String {
        let length = olm_outbound_group_session_key_length(object.pointer)
        let output = SecretBytes(count: length)
        let written = output.withBytes { olm_outbound_group_session_key(object.pointer, $0.assumingMemoryBound(to: UInt8.self), $1) }
        return output.string(prefix: try object.check(written, "group session key"))
    }

    func encrypt(_ plaintext: String) throws(MatrixCryptoError) -> String {
        let input = SecretBytes(copying: Array(plaintext.utf8))
        return try object.text(length: olm_group_encrypt_message_length(object.pointer, input.count), "group encrypt") { session, output, length in
            input.withBytes {
                olm_group_encrypt(session, $0.assumingMemoryBound(to: UInt8.self), $1, output.assumingMemoryBound(to: UInt8.self), length)
            }
        }
    }
}

/// The receiving side of a Megolm room session, from a room key another device sent.
final class MegolmInboundSession {
    let object: OlmObject

    private init() throws(MatrixCryptoError) {
        object = try OlmObject(
            size: olm_inbound_group_session_size(), make: { olm_inbound_group_session($0) },
            clear: { _ = olm_clear_inbound_group_session($0) }, lastError: { olm_inbound_group_session_last_error($0) })
    }

    /// The session an `m.room_key`'s `session_key` starts.
    static func create(sessionKey: String) throws(MatrixCryptoError) -> MegolmInboundSession {
        let session = try MegolmInboundSession()
        let key = SecretBytes(copying: Array(sessionKey.utf8))
        try session.object.check(
            key.withBytes { olm_init_inbound_group_session(session.object.pointer, $0.assumingMemoryBound(to: UInt8.self), $1) },
            "create inbound group session")
        return session
    }

    static func restore(_ pickle: String, key: borrowing PickleKey) throws(MatrixCryptoError) -> MegolmInboundSession {
        let session = try MegolmInboundSession()
        try session.object.unpickle(pickle, key: key) { olm_unpickle_inbound_group_session($0, $1, $2, $3, $4) }
        return session
    }

    func pickle(key: borrowing PickleKey) throws(MatrixCryptoError) -> String {
        try object.pickle(key: key, length: olm_pickle_inbound_group_session_length(object.pointer)) {
            olm_pickle_inbound_group_session($0, $1, $2, $3, $4)
        }
    }

    func id() throws(MatrixCryptoError) -> String {
        try object.text(length: olm_inbound_group_session_id_length(object.pointer), "group session id") {
            olm_inbound_group_session_id($0, $1.assumingMemoryBound(to: UInt8.self), $2)
        }
    }

    /// The first message index this session can decrypt.
    var firstKnownIndex: UInt32 { olm_inbound_group_session_first_known_index(object.pointer) }

    /// The plaintext and the message index of `ciphertext`.
    func decrypt(_ ciphertext: String) throws(MatrixCryptoError) -> (plaintext: String, index: UInt32) {
        let sizing = SecretBytes(copying: Array(ciphertext.utf8))
        let maximum = try object.check(
            sizing.withBytes { olm_group_decrypt_max_plaintext_length(object.pointer, $0.assumingMemoryBound(to: UInt8.self), $1) },
            "group decrypt")
        let input = SecretBytes(copying: Array(ciphertext.utf8))
        let output = SecretBytes(count: maximum)
        var index: UInt32 = 0
        let length = input.withBytes { message, count in
            output.withBytes {
                olm_group_decrypt(
                    object.pointer, message.assumingMemoryBound(to: UInt8.self), count, $0.assumingMemoryBound(to: UInt8.self), $1, &index)
            }
        }
        let written = try object.check(length, "group decrypt")
        return (output.string(prefix: written), index)
    }
}
