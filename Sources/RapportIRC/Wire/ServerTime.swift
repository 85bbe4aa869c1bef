import Foundation

/// IRCv3 `server-time` tag values (`2024-05-01T12:00:00.123Z`, UTC) as seconds since 1970, without
/// a formatter.
///
/// Two readers give the same seconds for a value both accept: ``seconds(_:)`` takes any text that
/// starts like a server time (any number of fraction digits, or none), and ``exactSeconds(_:)``
/// takes only the form servers send, `YYYY-MM-DDThh:mm:ss.sssZ`, straight from the line's bytes, so
/// a channel message's time needs no `String`. (Seconds rather than `Date`: a `Date` field, a
/// type from another module, would make copying ``IRCTextTags`` go through its value witnesses.)
enum ServerTime {
    /// The time `text` gives, or `nil` when it does not start with `YYYY-MM-DDThh:mm:ss` and a
    /// character, or a field is out of range; fraction digits after a `.` are read, anything after
    /// them ignored.
    static func seconds(_ text: String) -> TimeInterval? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0, 4), let mo = number(5, 7), let d = number(8, 10), let h = number(11, 13),
            let mi = number(14, 16), let s = number(17, 19)
        else { return nil }
        var fraction = Fraction()
        if b[19] == 0x2E {
            var i = 20
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction.append(Int(b[i] - 0x30))
                i += 1
            }
        }
        return seconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s, fraction: fraction)
    }

    /// The seconds in `bytes` if they are exactly `YYYY-MM-DDThh:mm:ss.sssZ` with every field in range;
    /// `nil` for anything else (``seconds(_:)`` may still read it).
    ///
    /// The 24 bytes are read as three words and checked eight at a time: XOR with the form
    /// (`0` for each digit) leaves 0 in each separator's byte and the digit's value (< 10) in
    /// each digit's.
    static func exactSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> TimeInterval? {
        guard bytes.count == 24, let base = bytes.baseAddress else { return nil }
        // The words at offsets 0, 8 and 16 end at byte 24: inside `bytes`.
        func word(_ offset: Int, _ form: StaticString) -> UInt64 {
            UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self)) ^ Self.word(form)
        }
        let (x0, x1, x2) = (word(0, "0000-00-"), word(8, "00T00:00"), word(16, ":00.000Z"))
        // Separators: bytes that must be 0 (0xFF in the mask).
        let separators = (x0 & 0xFF00_00FF_0000_0000) | (x1 & 0x0000_FF00_00FF_0000) | (x2 & 0xFF00_0000_FF00_00FF)
        // Digits: a byte below 0x80 is below 10 exactly when adding 0x76 leaves its high bit clear
        // (no byte carries into the next; a byte of 0x80 or more fails the check by itself).
        let large = x0 | x1 | x2 | (x0 &+ 0x7676_7676_7676_7676) | (x1 &+ 0x7676_7676_7676_7676) | (x2 &+ 0x7676_7676_7676_7676)
        guard separators == 0, large & 0x8080_8080_8080_8080 == 0 else { return nil }
        @inline(__always)
        func digit(_ word: UInt64, _ index: Int) -> Int { Int(truncatingIfNeeded: word >> (8 &* index) & 0xFF) }
        @inline(__always)
        func pair(_ word: UInt64, _ index: Int) -> Int { digit(word, index) &* 10 &+ digit(word, index &+ 1) }
        var fraction = Fraction()
        for index in 4..<7 { fraction.append(digit(x2, index)) }
        return seconds(
            year: pair(x0, 0) &* 100 &+ pair(x0, 2), month: pair(x0, 5), day: pair(x1, 0), hour: pair(x1, 3),
            minute: pair(x1, 6), second: pair(x2, 1), fraction: fraction)
    }

    /// The eight ASCII bytes of `form` as a little-endian word.
    @inline(__always)
    private static func word(_ form: StaticString) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(form.utf8Start[$1]) << (8 * $1) }
    }

    /// Fraction digits summed as the session always has, so both readers give identical seconds.
    struct Fraction {
        var value = 0.0
        var scale = 0.1

        mutating func append(_ digit: Int) {
            value += Double(digit) * scale
            scale /= 10
        }
    }

    /// The seconds since 1970 of a UTC civil time; `nil` when a field is out of range (a leap second, 60, is
    /// allowed; the day is not checked against the month).
    @inline(__always)
    private static func seconds(year y: Int, month mo: Int, day d: Int, hour h: Int, minute mi: Int, second s: Int, fraction: Fraction)
        -> TimeInterval?
    {
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + h * 3600 + mi * 60 + s) + fraction.value
    }
}
