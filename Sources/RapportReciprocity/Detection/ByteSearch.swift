/// Substring search on UTF-8 bytes: Foundation's `contains` is far too slow for a replay of
/// hundreds of thousands of lines.
enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, or `nil`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.withUnsafeBufferPointer { firstIndex(of: needle, in: $0) }
    }

    /// The offset of the first occurrence of `needle` in `haystack`, or `nil`.
    ///
    /// Where the needle's second byte occurs (its first is often a padding blank) is found eight
    /// bytes at a time; only there are the others compared.
    static func firstIndex(of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = needle.count, h = hay.count
        guard n > 0, n <= h else { return n == 0 ? 0 : nil }
        let anchor = n > 1 ? 1 : 0
        let lastStart = h - n
        return needle.withUnsafeBufferPointer { needle in
            var i = anchor
            while i <= lastStart + anchor {
                var hits = matches(of: needle[anchor], in: word(hay, at: i))
                while hits != 0 {
                    let start = i + hits.trailingZeroBitCount / 8 - anchor
                    if start > lastStart { return nil }
                    var j = 0
                    while j < n, hay[start + j] == needle[j] { j += 1 }
                    if j == n { return start }
                    hits &= hits &- 1
                }
                i += 8
            }
            return nil
        }
    }

    static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool { firstIndex(of: needle, in: haystack) != nil }

    static func contains(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// The pairs of adjacent bytes in a text, as a set of 512 bits: a needle with a pair that is
    /// not in the set does not occur in the text, which is known without searching. Two of the
    /// needle's pairs are looked at: its second and third bytes (the first is often a padding
    /// blank) and the two before its last byte.
    struct PairFilter {
        private var bits = InlineArray<8, UInt64>(repeating: 0)

        init(_ text: [UInt8]) {
            text.withUnsafeBufferPointer { text in
                var k = 1
                while k < text.count {
                    let bit = Self.bit(text[k - 1], text[k])
                    bits[bit >> 6] |= 1 << UInt64(bit & 63)
                    k += 1
                }
            }
        }

        @inline(__always)
        static func bit(_ a: UInt8, _ b: UInt8) -> Int {
            Int(truncatingIfNeeded: ((UInt32(a) | UInt32(b) << 8) &* 0x9E37_79B1) >> 23)
        }

        @inline(__always)
        func holds(_ a: UInt8, _ b: UInt8) -> Bool {
            let bit = Self.bit(a, b)
            return bits[bit >> 6] & 1 << UInt64(bit & 63) != 0
        }

        /// Whether `needle` may occur in the text (it does not when this is `false`).
        @inline(__always)
        func mayContain(_ needle: [UInt8]) -> Bool {
            let n = needle.count
            guard n >= 3 else { return true }
            return holds(needle[1], needle[2]) && holds(needle[n - 3], needle[n - 2])
        }
    }

    /// The eight bytes from `offset` on as a little-endian word, padded with zeros past the end.
    @inline(__always)
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        let left = bytes.count - offset
        if left >= 8 {
            return UInt64(littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        if bytes.count >= 8 {
            // The last eight bytes, shifted down: no byte-by-byte tail.
            let last = UInt64(littleEndian: UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            return last >> (64 - 8 * UInt64(max(left, 0)))
        }
        var word: UInt64 = 0
        for k in offset..<bytes.count { word |= UInt64(bytes[k]) << (8 * UInt64(k - offset)) }
        return word
    }

    /// 0x80 in each byte of `word` that equals `byte`, 0 in the others.
    @inline(__always)
    static func matches(of byte: UInt8, in word: UInt64) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        // A byte's top bit is set here when the byte is not 0 (no carries between bytes).
        let nonZero = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        return ~nonZero & 0x8080_8080_8080_8080
    }
}
