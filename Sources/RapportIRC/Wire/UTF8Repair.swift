/// UTF-8 validation and repair without the standard library's repairing decoder, whose
/// internal error path is slow wherever `swift_willThrow` is hooked (test runners, debuggers).
enum UTF8Repair {
    /// What a line's bytes hold, found in one pass eight bytes at a time.
    enum Kind: Equatable {
        /// No NUL and no byte ≥ 0x80.
        case ascii
        /// No NUL, some byte ≥ 0x80 (valid UTF-8 or not).
        case nonASCII
        case hasNUL

        init(of bytes: UnsafeBufferPointer<UInt8>) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highBits: UInt64 = 0x8080_8080_8080_8080
            let raw = UnsafeRawBufferPointer(bytes)
            var anyHigh: UInt64 = 0
            // A byte of (w - ones) & ~w has its high bit set where w has a zero byte (the
            // borrow can only add false hits above a real zero, never without one).
            var zeros: UInt64 = 0
            var i = 0
            while i + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                anyHigh |= word
                zeros |= (word &- ones) & ~word
                i += 8
            }
            while i < raw.count {
                let byte = UInt64(raw[i])
                anyHigh |= byte
                zeros |= byte == 0 ? 0x80 : 0
                i += 1
            }
            self = zeros & highBits != 0 ? .hasNUL : anyHigh & highBits != 0 ? .nonASCII : .ascii
        }
    }

    /// The length of the valid scalar starting at `i`, or 0 if the bytes there are not one.
    @inline(__always)
    static func scalarLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = b[i]
        if b0 < 0x80 { return 1 }
        func cont(_ j: Int) -> Bool { j < end && b[j] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0...0xEF:
            guard i + 1 < end else { return 0 }
            let b1 = b[i + 1]
            let ok = b0 == 0xE0 ? (0xA0...0xBF).contains(b1) : b0 == 0xED ? (0x80...0x9F).contains(b1) : b1 & 0xC0 == 0x80
            return ok && cont(i + 2) ? 3 : 0
        case 0xF0...0xF4:
            guard i + 1 < end else { return 0 }
            let b1 = b[i + 1]
            let ok = b0 == 0xF0 ? (0x90...0xBF).contains(b1) : b0 == 0xF4 ? (0x80...0x8F).contains(b1) : b1 & 0xC0 == 0x80
            return ok && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }

    /// The string for `b[start..<end]`, each invalid byte replaced by U+FFFD.
    static func string(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var i = start
        while i < end, b[i] < 0x80 { i += 1 }
        if i == end { return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self) }
        var valid = true
        var j = i
        while j < end {
            let n = scalarLength(b, j, end)
            if n == 0 { valid = false; break }
            j += n
        }
        if valid { return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start + 8)
        j = start
        while j < end {
            let n = scalarLength(b, j, end)
            if n == 0 {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                j += 1
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[j..<(j + n)]))
                j += n
            }
        }
        return out.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }
}
