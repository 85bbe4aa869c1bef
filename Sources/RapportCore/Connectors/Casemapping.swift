/// How a network folds case when it compares nicks and channel names.
///
/// IRC servers announce it in `ISUPPORT CASEMAPPING`; under `rfc1459` the characters `[]\~` are
/// the upper case of `{}|^`, so `Bob[m]` and `bob{m}` are the same nick.
public enum Casemapping: String, Sendable, Hashable, Codable {
    case ascii
    case rfc1459
    case strictRFC1459 = "strict-rfc1459"
    /// Exact comparison (Matrix user IDs).
    case none

    /// Returns `text` in the canonical lower case of this mapping.
    ///
    /// The mapping changes ASCII characters only, and no byte of a character outside ASCII is an
    /// ASCII byte in UTF-8: folding the bytes one by one folds the characters.
    public func fold(_ text: String) -> String {
        if self == .none { return text }
        var text = text
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { folded in
                for (i, byte) in bytes.enumerated() { folded[i] = fold(byte: byte) }
                return bytes.count
            }
        }
    }

    /// One UTF-8 byte of a nick or channel name in this mapping's lower case: `A`–`Z` (and `[\]`
    /// unless `ascii`) move up by 32 to `a`–`z` (`{|}`), and under `rfc1459` `~` becomes `^`.
    @inlinable
    public func fold(byte: UInt8) -> UInt8 {
        switch self {
        case .none: byte
        case .ascii: byte &- 0x41 < 26 ? byte &+ 32 : byte
        case .strictRFC1459: byte &- 0x41 < 29 ? byte &+ 32 : byte
        case .rfc1459: byte &- 0x41 < 29 ? byte &+ 32 : byte == 0x7E ? 0x5E : byte
        }
    }

    /// Whether `a` and `b` name the same nick or channel under this mapping.
    ///
    /// Byte by byte, without folding into new strings; text outside ASCII that differs in its
    /// bytes may still be canonically equivalent, and is compared as `String`s compare.
    public func equal(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        let bytewise: Bool? = a.withUTF8 { x in
            b.withUTF8 { y in
                if x.count == y.count, zip(x, y).allSatisfy({ fold(byte: $0) == fold(byte: $1) }) { return true }
                return x.contains { $0 >= 0x80 } || y.contains { $0 >= 0x80 } ? nil : false
            }
        }
        return bytewise ?? (fold(a) == fold(b))
    }
}
