extension StringProtocol {
    /// The text with `&`, `<`, `>`, `"` and `'` escaped, safe inside HTML elements and quoted
    /// attributes (Matrix formatted bodies, the web dashboard).
    ///
    /// Works on Unicode scalars, not characters: `"` followed by a combining mark is one grapheme
    /// cluster that is not equal to `"`, yet an HTML parser still sees the quote.
    public var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
