import COlm

/// An Olm (double ratchet) session with one other device, used for to-device messages such as
/// room keys.
final class OlmSession {
    let object: OlmObject

    private init() throws(MatrixCryptoError) {
        object = try OlmObject(
            size: olm_session_size(), make: { olm_session($0) }, clear: { _ = olm_clear_session($0) },
            lastError: { olm_session_last_error($0) })
    }

    /// A session to a device, from its identity key and a one-time (or fallback) key it published.
    static func outbound(from account: OlmAccount, to identityKey: String, oneTimeKey: String) throws(MatrixCryptoError) -> OlmSession {
        let session = try OlmSession()
        let identity = Array(identityKey.utf8)
        let oneTime = Array(oneTimeKey.utf8)
        try session.object.withRandom(olm_create_outbound_session_random_length(session.object.pointer), "create outbound session") {
            session, random, count in
            identity.withUnsafeBytes { identity in
                oneTime.withUnsafeBytes { oneTime in
                    olm_create_outbound_session(
                        session, account.object.pointer, identity.baseAddress, identity.count, oneTime.baseAddress, oneTime.count,
                        random, count)
                }
            }
        }
        return session
    }

    /// The session a pre-key message from `identityKey` starts (the message is not decrypted yet).
    static func inbound(to account: OlmAccount, from identityKey: String, preKeyMessage: String) throws(MatrixCryptoError) -> OlmSession {
        let session = try OlmSession()
        let identity = Array(identityKey.utf8)
        let message = SecretBytes(copying: Array(preKeyMessage.utf8))
        let result = identity.withUnsafeBytes { identity in
            message.withBytes {
                olm_create_inbound_session_from(session.object.pointer, account.object.pointer, identity.baseAddress, identity.count, $0, $1)
            }
        }
        try session.object.check(result, "create inbound session")
        return session
    }

    static func restore(_ pickle: String, key: borrowing PickleKey) throws(MatrixCryptoError) -> OlmSession {
        let session = try OlmSession()
        try session.object.unpickle(pickle, key: key) { olm_unpickle_session($0, $1, $2, $3, $4) }
        return session
    }

    func pickle(key: borrowing PickleKey) throws(MatrixCryptoError) -> String {
        try object.pickle(key: key, length: olm_pickle_session_length(object.pointer)) { olm_pickle_session($0, $1, $2, $3, $4) }
    }

    /// The same on both ends.
    func id() throws(MatrixCryptoError) -> String {
        try object.text(length: olm_session_id_length(object.pointer), "session id") { olm_session_id($0, $1, $2) }
    }

    /// Whether this session was started by the pre-key message `preKeyMessage` from `identityKey`.
    func matches(preKeyMessage: String, from identityKey: String) -> Bool {
        let identity = Array(identityKey.utf8)
        let message = SecretBytes(copying: Array(preKeyMessage.utf8))
        let result = identity.withUnsafeBytes { identity in
            message.withBytes { olm_matches_inbound_session_from(object.pointer, identity.baseAddress, identity.count, $0, $1) }
        }
        return result == 1
    }

    /// Encrypts `plaintext`; the message is a pre-key message (type 0) until the other side answered.
    func encrypt(_ plaintext: String) throws(MatrixCryptoError) -> OlmMessage {
        let type = try object.check(olm_encrypt_message_type(object.pointer), "message type")
        let input = SecretBytes(copying: Array(plaintext.utf8))
        let random = SecretBytes.random(count: olm_encrypt_random_length(object.pointer))
        let body = try object.text(length: olm_encrypt_message_length(object.pointer, input.count), "encrypt") { session, output, length in
            input.withBytes { plain, plainCount in
                random.withBytes { olm_encrypt(session, plain, plainCount, $0, $1, output, length) }
            }
        }
        return OlmMessage(type: type, body: body)
    }

    /// Decrypts `message` (a pre-key or normal message for this session).
    func decrypt(_ message: OlmMessage) throws(MatrixCryptoError) -> String {
        let sizing = SecretBytes(copying: Array(message.body.utf8))
        let maximum = try object.check(
            sizing.withBytes { olm_decrypt_max_plaintext_length(object.pointer, message.type, $0, $1) }, "decrypt")
        let input = SecretBytes(copying: Array(message.body.utf8))
        let output = SecretBytes(count: maximum)
        let length = input.withBytes { body, count in
            output.withBytes { olm_decrypt(object.pointer, message.type, body, count, $0, $1) }
        }
        return output.string(prefix: try object.check(length, "decrypt"))
    }
}

/// An Olm ciphertext as Matrix carries it: `{"type": 0|1, "body": "…"}`.
public struct OlmMessage: Sendable, Hashable, Codable {
    /// 0 for a pre-key message (starts a session), 1 for a normal one.
    public var type: Int
    public var body: String

    public init(type: Int, body: String) {
        self.type = type
        self.body = body
    }

    /// Whether this message can start a new session.
    public var isPreKey: Bool { type == 0 }
}
