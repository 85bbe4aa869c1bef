/// Strings of at most 15 ASCII bytes made directly in the standard library's small-string form,
/// without allocation, UTF-8 check or reference counting: the bytes in order in two little-endian
/// words, `0xE0 | count` in the top byte (immortal, small, ASCII). That is what
/// `String(decoding:as:)` itself produces for such bytes, after about 200 instructions of
/// checks and copying; the parser makes most of a line's fields (command, tag keys, short values,
/// channel) this way.
///
/// The form belongs to the 64-bit ABI. ``isAvailable`` confirms once per process, against strings
/// the standard library made itself, that it is the form in use here; where it is not, callers
/// use the public initialisers instead.
enum SmallASCII {
    static let capacity = 15

    /// Whether ``string(_:)`` makes exactly the strings the standard library makes.
    static let isAvailable: Bool = {
        #if arch(x86_64) || arch(arm64)
        let sample = Array("PRIVMSG #c :0123".utf8)
        return (0...capacity).allSatisfy { count in
            sample.withUnsafeBufferPointer { bytes in
                let field = UnsafeBufferPointer(rebasing: bytes[0..<count])
                let made = String(decoding: field, as: UTF8.self)
                let words = Words(field)
                let madeBits = unsafeBitCast(made, to: (UInt64, UInt64).self)
                return madeBits == (words.low, words.high) && string(words) == made
            }
        }
        #else
        return false
        #endif
    }()

    /// Up to 15 bytes packed in order (first byte lowest), the count and flags in the top byte.
    struct Words: Equatable {
        var low: UInt64
        var high: UInt64

        /// Packs `field` (at most 15 ASCII bytes) byte by byte.
        init(_ field: UnsafeBufferPointer<UInt8>) {
            var low: UInt64 = 0
            var high: UInt64 = 0
            for (i, byte) in field.enumerated() {
                if i < 8 { low |= UInt64(byte) << (8 * i) } else { high |= UInt64(byte) << (8 * (i - 8)) }
            }
            self.init(low: low, high: high, count: field.count)
        }

        /// The words of `string` if it is in this form (at most 15 ASCII bytes, where
        /// ``isAvailable``); `nil` for any other string.
        init?(_ string: String) {
            guard SmallASCII.isAvailable else { return nil }
            let (low, high) = unsafeBitCast(string, to: (UInt64, UInt64).self)
            guard high >> 60 == 0xE else { return nil }
            (self.low, self.high) = (low, high)
        }

        /// How many bytes the words hold.
        var count: Int { Int(high >> 56 & 0xF) }

        /// `low` and `high` hold the field's bytes and zeros above them.
        init(low: UInt64, high: UInt64, count: Int) {
            self.low = low
            self.high = high | (0xE0 | UInt64(count)) << 56
        }
    }

    /// The string whose small form is `words`; only where ``isAvailable``.
    @inline(__always)
    static func string(_ words: Words) -> String {
        var bits = (words.low, words.high)
        // `move()` hands the value over without a retain (a bit cast would copy it, +1).
        return withUnsafeMutableBytes(of: &bits) { $0.bindMemory(to: String.self).baseAddress.unsafelyUnwrapped.move() }
    }
}
