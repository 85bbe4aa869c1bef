import Foundation

/// SASLprep (RFC 4013), the stringprep profile SCRAM applies to user names and passwords, as a
/// client applies it to a query (unassigned code points are let through).
///
/// 1. Map: non-ASCII spaces (RFC 3454 C.1.2) become U+0020; characters "commonly mapped to
///    nothing" (B.1: soft hyphen, zero-width joiners, variation selectors, …) are dropped.
/// 2. Normalize with NFKC.
/// 3. Refuse prohibited output: controls (C.2), private use (C.3), non-characters (C.4),
///    surrogates (C.5), characters inappropriate for plain text or canonical representation
///    (C.6, C.7), direction and deprecated format characters (C.8) and tags (C.9).
///
/// The bidirectional check of RFC 3454 section 6 is not made: Swift's Unicode properties do not
/// expose the bidi class. A string with right-to-left characters is passed on as normalized.
enum SASLPrep {
    /// Why a string cannot be prepared.
    enum Failure: Error, Equatable, CustomStringConvertible {
        case prohibited(Unicode.Scalar)
        case empty

        var description: String {
            switch self {
            case .prohibited(let scalar):
                "contains U+\(String(scalar.value, radix: 16, uppercase: true)), which SASLprep prohibits"
            case .empty: "is empty after SASLprep"
            }
        }
    }

    /// The prepared form of `text`.
    ///
    /// - Throws: ``Failure`` for a prohibited character or an empty result.
    static func prepare(_ text: String) throws(Failure) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isMappedToNothing(scalar.value) {
            mapped.append(isNonASCIISpace(scalar.value) ? " " : scalar)
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        for scalar in normalized.unicodeScalars where isProhibited(scalar.value) { throw .prohibited(scalar) }
        guard !normalized.isEmpty else { throw .empty }
        return normalized
    }

    /// RFC 3454 table C.1.2.
    static func isNonASCIISpace(_ v: UInt32) -> Bool {
        v == 0x00A0 || v == 0x1680 || (0x2000...0x200B).contains(v) || v == 0x202F || v == 0x205F || v == 0x3000
    }

    /// RFC 3454 table B.1.
    static func isMappedToNothing(_ v: UInt32) -> Bool {
        switch v {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF: true
        default: false
        }
    }

    /// RFC 3454 tables C.1.2 and C.2 to C.9 (RFC 4013 section 2.3).
    static func isProhibited(_ v: UInt32) -> Bool {
        if isNonASCIISpace(v) { return true }
        switch v {
        case 0x0000...0x001F, 0x007F, 0x0080...0x009F: return true  // C.2.1, C.2.2 controls
        case 0x06DD, 0x070F, 0x180E, 0x200C, 0x200D, 0x2028, 0x2029, 0x2060...0x2063, 0xFEFF, 0x1D173...0x1D17A: return true  // C.2.2
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: return true  // C.3 private use
        case 0xFDD0...0xFDEF: return true  // C.4 non-characters
        case 0xD800...0xDFFF: return true  // C.5 surrogates
        case 0xFFF9...0xFFFD: return true  // C.6
        case 0x2FF0...0x2FFB: return true  // C.7
        case 0x0340, 0x0341, 0x200E, 0x200F, 0x202A...0x202E, 0x206A...0x206F: return true  // C.8
        case 0xE0001, 0xE0020...0xE007F: return true  // C.9 tags
        default: return v & 0xFFFE == 0xFFFE  // C.4: U+nFFFE and U+nFFFF in every plane
        }
    }
}
