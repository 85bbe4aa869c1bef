import COlm
import Foundation

/// The device's long-term Olm identity (libolm `OlmAccount`): its Curve25519 and Ed25519
/// identity keys, its one-time keys and fallback key.
final class OlmAccount {
    let object: OlmObject

    private init() throws(MatrixCryptoError) {
        object = try OlmObject(
            size: olm_account_size(), make: { olm_account($0) }, clear: { _ = olm_clear_account($0) },
            lastError: { olm_account_last_error($0) })
    }

    /// A new account with fresh identity keys.
    static func create() throws(MatrixCryptoError) -> OlmAccount {
        let account = try OlmAccount()
        try account.object.withRandom(olm_create_account_random_length(account.object.pointer), "create account") {
            olm_create_account($0, $1, $2)
        }
        return account
    }

    /// The account a pickle holds.
    static func restore(_ pickle: String, key: borrowing PickleKey) throws(MatrixCryptoError) -> OlmAccount {
        let account = try OlmAccount()
        try account.object.unpickle(pickle, key: key) { olm_unpickle_account($0, $1, $2, $3, $4) }
        return account
    }

    func pickle(key: borrowing PickleKey) throws(MatrixCryptoError) -> String {
        try object.pickle(key: key, length: olm_pickle_account_length(object.pointer)) { olm_pickle_account($0, $1, $2, $3, $4) }
    }

    /// The public identity keys.
    func identityKeys() throws(MatrixCryptoError) -> IdentityKeys {
        let json = try object.text(length: olm_account_identity_keys_length(object.pointer), "identity keys") {
            olm_account_identity_keys($0, $1, $2)
        }
        guard let keys = try? JSONDecoder().decode(IdentityKeys.self, from: Data(json.utf8)) else {
            throw MatrixCryptoError(.olm, "libolm's identity keys are not the expected JSON")
        }
        return keys
    }

    /// The Ed25519 signature of `message` (base64, unpadded).
    func sign(_ message: String) throws(MatrixCryptoError) -> String {
        let bytes = Array(message.utf8)
        return try object.text(length: olm_account_signature_length(object.pointer), "sign") { account, output, length in
            bytes.withUnsafeBytes { olm_account_sign(account, $0.baseAddress, $0.count, output, length) }
        }
    }

    /// The most one-time keys the account keeps (older ones are dropped past it).
    var maxOneTimeKeys: Int { olm_account_max_number_of_one_time_keys(object.pointer) }

    func generateOneTimeKeys(_ count: Int) throws(MatrixCryptoError) {
        try object.withRandom(olm_account_generate_one_time_keys_random_length(object.pointer, count), "generate one-time keys") {
            olm_account_generate_one_time_keys($0, count, $1, $2)
        }
    }

    /// The one-time keys not yet published: key ID → Curve25519 key.
    func unpublishedOneTimeKeys() throws(MatrixCryptoError) -> [String: String] {
        try curveKeys(object.text(length: olm_account_one_time_keys_length(object.pointer), "one-time keys") {
            olm_account_one_time_keys($0, $1, $2)
        })
    }

    func generateFallbackKey() throws(MatrixCryptoError) {
        try object.withRandom(olm_account_generate_fallback_key_random_length(object.pointer), "generate fallback key") {
            olm_account_generate_fallback_key($0, $1, $2)
        }
    }

    /// The fallback key if it was not published yet: key ID → Curve25519 key.
    func unpublishedFallbackKey() throws(MatrixCryptoError) -> [String: String] {
        try curveKeys(object.text(length: olm_account_unpublished_fallback_key_length(object.pointer), "fallback key") {
            olm_account_unpublished_fallback_key($0, $1, $2)
        })
    }

    /// Marks the current one-time keys and fallback key as published.
    func markKeysAsPublished() { _ = olm_account_mark_keys_as_published(object.pointer) }

    /// Removes the one-time key `session` was started with, so it is never used twice.
    func removeOneTimeKeys(usedBy session: OlmSession) throws(MatrixCryptoError) {
        try object.check(olm_remove_one_time_keys(object.pointer, session.object.pointer), "remove one-time key")
    }

    private func curveKeys(_ json: String) throws(MatrixCryptoError) -> [String: String] {
        guard let keys = try? JSONDecoder().decode([String: [String: String]].self, from: Data(json.utf8)) else {
            throw MatrixCryptoError(.olm, "libolm's one-time keys are not the expected JSON")
        }
        return keys["curve25519"] ?? [:]
    }
}

/// A device's public identity keys (unpadded base64).
public struct IdentityKeys: Sendable, Hashable, Codable {
    /// For Olm sessions (`sender_key`).
    public var curve25519: String
    /// For signatures (device keys, one-time keys, room keys).
    public var ed25519: String

    public init(curve25519: String, ed25519: String) {
        self.curve25519 = curve25519
        self.ed25519 = ed25519
    }
}
