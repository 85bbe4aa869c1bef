/// UTF-8 validation and repair without the standard library's repairing decoder, whose
/// internal error path is slow wherever `swift_willThrow` is hooked (test runners, debuggers).
enum UTF8Repair {
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

    /// The string for `field`, each invalid byte replaced by U+FFFD.
    static func string(_ field: UnsafeBufferPointer<UInt8>) -> String {
        let end = field.count
        var i = 0
        while i < end {
            let n = scalarLength(field, i, end)
            if n == 0 { return repaired(field) }
            i += n
        }
        return String(decoding: field, as: UTF8.self)
    }

    /// `field` with each byte that does not start a valid scalar replaced by U+FFFD.
    private static func repaired(_ field: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(field.count + 8)
        var j = 0
        while j < field.count {
            let n = scalarLength(field, j, field.count)
            if n == 0 {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                j += 1
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: field[j..<(j + n)]))
                j += n
            }
        }
        return out.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }
}
