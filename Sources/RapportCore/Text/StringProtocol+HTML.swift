extension StringProtocol {
    /// The text with `&`, `<`, `>`, `"` and `'` escaped, safe inside HTML elements and quoted
    /// attributes (Matrix formatted bodies, the web dashboard).
    public var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
