import Glibc

/// Bytes that hold a secret (random input, a pickle key, a plaintext): owned by one value,
/// never copied, and wiped with `explicit_bzero` before the memory is freed.
struct SecretBytes: ~Copyable {
    private let base: UnsafeMutableRawPointer
    /// The number of bytes.
    let count: Int

    /// `count` zero bytes.
    init(count: Int) {
        self.count = count
        base = .allocate(byteCount: max(count, 1), alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    /// A copy of `bytes` (libolm's decrypt and unpickle functions overwrite their input, so
    /// they get such a copy, never the caller's buffer).
    init(copying bytes: some Collection<UInt8>) {
        self.init(count: bytes.count)
        UnsafeMutableRawBufferPointer(start: base, count: count).copyBytes(from: bytes)
    }

    /// `count` bytes from the system's random number generator (`getrandom`).
    static func random(count: Int) -> SecretBytes {
        let bytes = SecretBytes(count: count)
        var generator = SystemRandomNumberGenerator()
        for index in 0..<count { bytes.base.storeBytes(of: generator.next() as UInt8, toByteOffset: index, as: UInt8.self) }
        return bytes
    }

    /// Runs `body` with the bytes (writable: libolm takes `void *` even for input it keeps).
    func withBytes<T, E: Error>(_ body: (UnsafeMutableRawPointer, Int) throws(E) -> T) throws(E) -> T {
        try body(base, count)
    }

    /// The first `length` bytes as text (a base64 key or pickle, or a plaintext).
    func string(prefix length: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(start: base, count: min(max(length, 0), count)), as: UTF8.self)
    }

    deinit {
        explicit_bzero(base, max(count, 1))
        base.deallocate()
    }
}
