/// One wire line's bytes, with the searches the parser needs done eight bytes at a time.
///
/// Every read is inside the line: single bytes at offsets below `count`, eight-byte words only at
/// offsets `i` with `i + 8 <= count`, sixteen-byte vectors only where `i + 16 <= count`.
struct WireLine {
    private let base: UnsafePointer<UInt8>
    let count: Int
    /// Some byte is NUL (the parser rejects the line).
    let containsNUL: Bool
    /// No byte is ≥ 0x80: every field is valid UTF-8 as it stands.
    let isASCII: Bool
    /// Fields of up to 15 bytes can be made as small strings directly (``SmallASCII``).
    private let smallStrings: Bool

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Looks at every byte once, sixteen at a time, for NUL and non-ASCII bytes; `nil` for an
    /// empty line.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        self.base = base
        count = bytes.count
        var zeros = Vector(repeating: 0)
        var any = Vector(repeating: 0)
        if count >= 16 {
            var i = 0
            while i < count &- 15 {
                let vector = Self.vector(base, i)
                zeros |= Self.zeroLanes(vector)
                any |= vector
                i &+= 16
            }
            // The last sixteen bytes cover the tail; bytes seen twice change nothing.
            let last = Self.vector(base, count &- 16)
            zeros |= Self.zeroLanes(last)
            any |= last
        } else {
            for (i, byte) in bytes.enumerated() {
                zeros[i] = byte == 0 ? 0x80 : 0
                any[i] = byte
            }
        }
        containsNUL = Self.anyHighBit(zeros)
        isASCII = !Self.anyHighBit(any)
        smallStrings = isASCII && SmallASCII.isAvailable
    }

    private typealias Vector = SIMD16<UInt8>

    @inline(__always)
    private static func vector(_ base: UnsafePointer<UInt8>, _ offset: Int) -> Vector {
        UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: Vector.self)
    }

    /// 0x80 in each lane whose byte is zero (lanes do not borrow from each other).
    @inline(__always)
    private static func zeroLanes(_ vector: Vector) -> Vector {
        (vector &- 1) & ~vector & 0x80
    }

    @inline(__always)
    private static func anyHighBit(_ vector: Vector) -> Bool {
        let (low, high) = unsafeBitCast(vector, to: (UInt64, UInt64).self)
        return (low | high) & highBits != 0
    }

    subscript(_ offset: Int) -> UInt8 { base[offset] }

    @inline(__always)
    private static func word(_ base: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A byte of the result has its high bit set where `word` has a zero byte; a borrow can only
    /// add false hits above a real zero, so the lowest hit is always exact.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    /// The index of the first of `a`, `b` or `c` in `start..<end` (`end <= count`), or `end`.
    /// Pass a byte twice to look for fewer.
    @inline(__always)
    func firstIndex(of a: UInt8, _ b: UInt8, _ c: UInt8, from start: Int, to end: Int) -> Int {
        let (pa, pb, pc) = (UInt64(a) &* Self.ones, UInt64(b) &* Self.ones, UInt64(c) &* Self.ones)
        var i = start
        // Below `wordEnd` a whole word fits in the line.
        let wordEnd = min(end, count &- 7)
        while i < wordEnd {
            let word = Self.word(base, i)
            let hits = Self.zeroBytes(word ^ pa) | Self.zeroBytes(word ^ pb) | Self.zeroBytes(word ^ pc)
            if hits != 0 { return min(i &+ hits.trailingZeroBitCount &>> 3, end) }
            i &+= 8
        }
        // The last word may reach past `end`; then every byte up to `end` was checked.
        while i < end, base[i] != a, base[i] != b, base[i] != c { i &+= 1 }
        return min(i, end)
    }

    /// The index of the first byte at or after `start` that is not a space (or `count`).
    @inline(__always)
    func skippingSpaces(from start: Int) -> Int {
        var i = start
        while i < count, base[i] == UInt8(ascii: " ") { i &+= 1 }
        return i
    }

    /// `self[start..<end]`.
    func buffer(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end &- start)
    }

    /// The field `self[start..<end]` as a `String`, invalid UTF-8 replaced by U+FFFD. On an ASCII
    /// line no field needs a UTF-8 check, and one of up to 15 bytes becomes a small string
    /// directly.
    @inline(__always)
    func string(_ start: Int, _ end: Int) -> String {
        let length = end &- start
        if smallStrings, length <= SmallASCII.capacity { return SmallASCII.string(smallWords(start, length)) }
        return isASCII ? String(decoding: buffer(start, end), as: UTF8.self) : UTF8Repair.string(buffer(start, end))
    }

    /// The field `self[range]` as a `String` (see ``string(_:_:)``).
    @inline(__always)
    func string(_ range: Range<Int>) -> String { string(range.lowerBound, range.upperBound) }

    /// The `length` (at most 15) bytes at `start` in small-string form.
    @inline(__always)
    func smallWords(_ start: Int, _ length: Int) -> SmallASCII.Words {
        guard start &+ 16 <= count else {
            guard count >= 16 else { return SmallASCII.Words(buffer(start, start &+ length)) }
            // Near the end of a line of at least 16 bytes: its last sixteen bytes, shifted down by
            // 1…15 bytes to the field (which ends inside them), then masked to its length.
            let tail = UInt128(Self.word(base, count &- 8)) << 64 | UInt128(Self.word(base, count &- 16))
            let field = tail &>> (8 &* (start &- (count &- 16))) & ((1 &<< (8 &* length)) &- 1)
            return SmallASCII.Words(low: UInt64(truncatingIfNeeded: field), high: UInt64(truncatingIfNeeded: field &>> 64), count: length)
        }
        // A shift by 64 or more gives 0, so each mask keeps exactly the field's bytes.
        let low = Self.word(base, start) & ((1 << (8 &* length)) &- 1)
        let high = Self.word(base, start &+ 8) & ((1 << (8 &* max(length &- 8, 0))) &- 1)
        return SmallASCII.Words(low: low, high: high, count: length)
    }
}
