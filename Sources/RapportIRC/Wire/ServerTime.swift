public import Foundation

/// IRCv3 `server-time` tag values (`2024-05-01T12:00:00.123Z`, UTC) as `Date`s, without a formatter.
///
/// Two readers give the same `Date` for a value both accept: ``date(_:)`` takes any text that starts
/// like a server time (any number of fraction digits, or none), and ``exactDate(_:)`` takes only the
/// form servers send, `YYYY-MM-DDThh:mm:ss.sssZ`, straight from the line's bytes, so a channel
/// message's time needs no `String`.
enum ServerTime {
    /// The time `text` gives, or `nil` when it does not start with `YYYY-MM-DDThh:mm:ss` and a
    /// character, or a field is out of range; fraction digits after a `.` are read, anything after
    /// them ignored.
    static func date(_ text: String) -> Date? {
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
                fraction.append(b[i])
                i += 1
            }
        }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s, fraction: fraction)
    }

    /// The time in `bytes` if they are exactly `YYYY-MM-DDThh:mm:ss.sssZ` with every field in range;
    /// `nil` for anything else (``date(_:)`` may still read it).
    static func exactDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 24 else { return nil }
        // Every index below is under 24. `invalid` collects a non-digit where a digit belongs.
        var invalid = false
        @inline(__always)
        func number(_ from: Int, _ digits: Int) -> Int {
            var n = 0
            for i in from..<from &+ digits {
                let digit = bytes[i] &- 0x30
                invalid = invalid || digit > 9
                n = n &* 10 &+ Int(digit)
            }
            return n
        }
        let (y, mo, d, h, mi, s) = (number(0, 4), number(5, 2), number(8, 2), number(11, 2), number(14, 2), number(17, 2))
        var fraction = Fraction()
        for i in 20..<23 {
            invalid = invalid || bytes[i] &- 0x30 > 9
            fraction.append(bytes[i])
        }
        guard !invalid, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            bytes[19] == 0x2E, bytes[23] == 0x5A
        else { return nil }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s, fraction: fraction)
    }

    /// Fraction digits summed as ``date(_:)`` always has, so both readers give identical `Date`s.
    struct Fraction {
        var value = 0.0
        var scale = 0.1

        mutating func append(_ digit: UInt8) {
            value += Double(digit &- 0x30) * scale
            scale /= 10
        }
    }

    /// The `Date` of a UTC civil time; `nil` when a field is out of range (a leap second, 60, is
    /// allowed; the day is not checked against the month).
    @inline(__always)
    private static func date(year y: Int, month mo: Int, day d: Int, hour h: Int, minute mi: Int, second s: Int, fraction: Fraction)
        -> Date?
    {
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: Double(days * 86400 + h * 3600 + mi * 60 + s) + fraction.value)
    }
}
