import COlm
import Glibc

/// One libolm object (account, session, group session, utility) in memory of its own: libolm
/// asks for `size` bytes and builds the object in them; the memory is cleared by libolm, wiped
/// and freed with this value. Not `Sendable`: only the ``OlmMachine`` actor holds these.
final class OlmObject {
    let pointer: OpaquePointer
    private let memory: UnsafeMutableRawPointer
    private let size: Int
    private let clear: (OpaquePointer) -> Void
    private let lastError: (OpaquePointer) -> UnsafePointer<CChar>?

    init(
        size: Int, make: (UnsafeMutableRawPointer) -> OpaquePointer?, clear: @escaping (OpaquePointer) -> Void,
        lastError: @escaping (OpaquePointer) -> UnsafePointer<CChar>?
    ) throws(MatrixCryptoError) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        guard let pointer = make(memory) else {
            memory.deallocate()
            throw MatrixCryptoError(.olm, "libolm could not set up an object")
        }
        self.memory = memory
        self.size = size
        self.pointer = pointer
        self.clear = clear
        self.lastError = lastError
    }

    deinit {
        clear(pointer)
        explicit_bzero(memory, size)
        memory.deallocate()
    }

    /// The libolm error name of the last call (`BAD_MESSAGE_MAC`, …).
    var errorName: String { lastError(pointer).map { String(cString: $0) } ?? "UNKNOWN" }

    /// `result`, unless it is `olm_error()`: then an error named after libolm's.
    @discardableResult
    func check(_ result: Int, _ action: String) throws(MatrixCryptoError) -> Int {
        guard result == olm_error() else { return result }
        let name = errorName
        let code: MatrixCryptoError.Code =
            switch name {
            case "BAD_ACCOUNT_KEY": .badPickleKey
            case "BAD_MESSAGE_FORMAT", "BAD_MESSAGE_VERSION", "INVALID_BASE64", "BAD_MESSAGE_KEY_ID", "BAD_SESSION_KEY": .invalidMessage
            default: .olm
            }
        throw MatrixCryptoError(code, "\(action): \(name)")
    }

    /// Public output of `length` bytes (keys, IDs, ciphertext) as text.
    func text(length: Int, _ action: String, _ fill: (OpaquePointer, UnsafeMutableRawPointer, Int) -> Int) throws(MatrixCryptoError) -> String {
        var bytes = [UInt8](repeating: 0, count: max(length, 1))
        let written = bytes.withUnsafeMutableBytes { buffer in
            buffer.baseAddress.map { fill(pointer, $0, length) } ?? olm_error()
        }
        try check(written, action)
        return String(decoding: bytes.prefix(written), as: UTF8.self)
    }

    /// Runs a libolm call that takes `count` random bytes.
    func withRandom(_ count: Int, _ action: String, _ call: (OpaquePointer, UnsafeMutableRawPointer, Int) -> Int) throws(MatrixCryptoError) {
        let random = SecretBytes.random(count: count)
        try check(random.withBytes { call(pointer, $0, $1) }, action)
    }

    /// The object encrypted under `key` as base64 (libolm's pickle format, which vodozemac imports).
    func pickle(
        key: borrowing PickleKey, length: Int,
        _ call: (OpaquePointer, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int) -> Int
    ) throws(MatrixCryptoError) -> String {
        try key.bytes.withBytes { (keyBytes, keyCount) throws(MatrixCryptoError) -> String in
            try text(length: length, "pickle") { call($0, keyBytes, keyCount, $1, $2) }
        }
    }

    /// Restores the object from `pickle` (a copy: libolm overwrites its input).
    func unpickle(
        _ pickle: String, key: borrowing PickleKey,
        _ call: (OpaquePointer, UnsafeRawPointer, Int, UnsafeMutableRawPointer, Int) -> Int
    ) throws(MatrixCryptoError) {
        let input = SecretBytes(copying: Array(pickle.utf8))
        let result = key.bytes.withBytes { keyBytes, keyCount in
            input.withBytes { call(pointer, keyBytes, keyCount, $0, $1) }
        }
        try check(result, "unpickle")
    }
}

/// The key that encrypts every pickle: from the configuration (`matrix.encryption.pickle_key`),
/// never stored in the database.
public struct PickleKey: ~Copyable {
    let bytes: SecretBytes

    /// The key as the configuration gives it; its UTF-8 bytes are the key (libolm derives the
    /// cipher keys from them with HKDF, so any length works; at least 16 characters are required).
    public init(_ text: String) throws(MatrixCryptoError) {
        guard text.utf8.count >= 16 else {
            throw MatrixCryptoError(.badPickleKey, "the pickle key must be at least 16 characters long")
        }
        bytes = SecretBytes(copying: Array(text.utf8))
    }
}
