import COlm

/// libolm's stateless helpers: Ed25519 signature checks.
final class OlmUtility {
    let object: OlmObject

    init() throws(MatrixCryptoError) {
        object = try OlmObject(
            size: olm_utility_size(), make: { olm_utility($0) }, clear: { _ = olm_clear_utility($0) },
            lastError: { olm_utility_last_error($0) })
    }

    /// Whether `signature` is `key`'s Ed25519 signature of `message`.
    func verifyEd25519(key: String, message: String, signature: String) -> Bool {
        let key = Array(key.utf8)
        let message = Array(message.utf8)
        var signature = Array(signature.utf8)  // libolm overwrites it
        let result = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                signature.withUnsafeMutableBytes {
                    olm_ed25519_verify(object.pointer, key.baseAddress, key.count, message.baseAddress, message.count, $0.baseAddress, $0.count)
                }
            }
        }
        return result != olm_error()
    }
}
