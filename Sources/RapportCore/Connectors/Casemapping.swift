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
    public func fold(_ text: String) -> String {
        if self == .none { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "A"..."Z": scalars.append(Unicode.Scalar(UInt8(scalar.value + 32)))
            case "[" where self != .ascii: scalars.append("{")
            case "]" where self != .ascii: scalars.append("}")
            case "\\" where self != .ascii: scalars.append("|")
            case "~" where self == .rfc1459: scalars.append("^")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Whether `a` and `b` name the same nick or channel under this mapping.
    public func equal(_ a: String, _ b: String) -> Bool { fold(a) == fold(b) }
}
