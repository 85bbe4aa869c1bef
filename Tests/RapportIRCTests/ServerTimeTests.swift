import Foundation
import Testing

@testable import RapportIRC

/// `server-time` values: the text reader as the session has always used it, and the exact reader
/// that takes the usual form straight from a line's bytes and must give the same seconds since 1970.
struct ServerTimeTests {
    static func exactSeconds(_ text: String) -> TimeInterval? {
        Array(text.utf8).withUnsafeBufferPointer { ServerTime.exactSeconds($0) }
    }

    /// A valid time in the usual form from `random`'s fields (every range at its ends included).
    static func randomTime(_ random: inout IRCParserFuzzTests.Random) -> String {
        func field(_ range: ClosedRange<Int>, _ width: Int) -> String {
            let value = random.below(4) > 0 ? range.lowerBound + random.below(range.count) : random.below(2) == 0 ? range.lowerBound : range.upperBound
            return String(format: "%0\(width)d", value)
        }
        return "\(field(0...9999, 4))-\(field(1...12, 2))-\(field(1...31, 2))T\(field(0...23, 2)):\(field(0...59, 2)):\(field(0...60, 2)).\(field(0...999, 3))Z"
    }

    /// Whether `text` is `YYYY-MM-DDThh:mm:ss.sssZ` with fields in the ranges the readers accept,
    /// checked field by field with the standard library.
    static func isExactForm(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 24 else { return false }
        let separators: [Int: Character] = [4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: ".", 23: "Z"]
        for (i, byte) in b.enumerated() {
            if let separator = separators[i] {
                guard Character(UnicodeScalar(byte)) == separator else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
            }
        }
        func number(_ from: Int, _ count: Int) -> Int { Int(String(decoding: b[from..<from + count], as: UTF8.self)) ?? -1 }
        return (1...12).contains(number(5, 2)) && (1...31).contains(number(8, 2)) && number(11, 2) < 24
            && number(14, 2) < 60 && number(17, 2) < 61
    }

    @Test func textReaderReadsServerTimesWithAnyFractionAndRejectsOthers() {
        #expect(ServerTime.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(ServerTime.seconds("2000-03-01T01:02:03.250Z") == 951_872_523.25)
        #expect(ServerTime.seconds("2000-03-01T01:02:03.25") == 951_872_523.25)
        #expect(ServerTime.seconds("garbage") == nil)
        #expect(ServerTime.seconds("2000-13-01T01:02:03.250Z") == nil)
    }

    @Test func exactReaderGivesTheTextReadersSecondsForEveryValidTime() throws {
        var random = IRCParserFuzzTests.Random(state: 0x1234_5678_9ABC_DEF1)
        for _ in 0..<100_000 {
            let text = Self.randomTime(&random)
            let exact = try #require(Self.exactSeconds(text), "\(text)")
            #expect(exact == ServerTime.seconds(text), "\(text)")
        }
        #expect(Self.exactSeconds("2011-05-29T19:07:00.007Z") == 1_306_696_020.007)
    }

    /// Against Foundation's own ISO 8601 reading, where it accepts the time (real calendar days,
    /// no leap second) and its calendar is Gregorian (from 1583; before, it counts Julian days
    /// where ISO 8601 and the readers go on counting Gregorian ones): the same instant to the
    /// millisecond.
    @Test func exactReaderAgreesWithFoundationOnRealDates() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var random = IRCParserFuzzTests.Random(state: 0x0BAD_5EED_0BAD_5EED)
        var compared = 0
        for _ in 0..<20_000 {
            let text = Self.randomTime(&random)
            guard let expected = formatter.date(from: text), text >= "1583" else { continue }
            let exact = try #require(Self.exactSeconds(text), "\(text)")
            #expect(abs(exact - expected.timeIntervalSince1970) < 0.0005, "\(text)")
            compared += 1
        }
        #expect(compared > 7_000)
    }

    @Test func exactReaderRejectsEveryByteOutOfPlaceOrFieldOutOfRange() {
        var random = IRCParserFuzzTests.Random(state: 0xFEED_FACE_CAFE_BEEF)
        for _ in 0..<20 {
            let valid = Array(Self.randomTime(&random).utf8)
            for position in 0..<valid.count {
                for byte in UInt8.min...UInt8.max {
                    var bytes = valid
                    bytes[position] = byte
                    let text = String(decoding: bytes, as: UTF8.self)
                    let exact = bytes.withUnsafeBufferPointer { ServerTime.exactSeconds($0) }
                    #expect((exact != nil) == Self.isExactForm(text), "\(text)")
                    if let exact { #expect(exact == ServerTime.seconds(text), "\(text)") }
                }
            }
        }
        for text in [
            "2000-00-01T00:00:00.000Z", "2000-13-01T00:00:00.000Z", "2000-01-00T00:00:00.000Z", "2000-01-32T00:00:00.000Z",
            "2000-01-01T24:00:00.000Z", "2000-01-01T00:60:00.000Z", "2000-01-01T00:00:61.000Z",
        ] {
            #expect(Self.exactSeconds(text) == nil, "\(text)")
            #expect(ServerTime.seconds(text) == nil, "\(text)")
        }
    }

    /// Other lengths are left to the text reader (which the session falls back to).
    @Test func exactReaderLeavesOtherFormsToTheTextReader() {
        for text in ["2000-03-01T01:02:03Z", "2000-03-01T01:02:03.25Z", "2000-03-01T01:02:03.2500Z", "2000-03-01T01:02:03.250", "2000-03-01T01:02:03.250Z "] {
            #expect(Self.exactSeconds(text) == nil, "\(text)")
            #expect(ServerTime.seconds(text) != nil, "\(text)")
        }
        #expect(Self.exactSeconds("") == nil)
    }
}
