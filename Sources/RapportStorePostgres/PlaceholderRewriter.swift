/// Rewrites the portable `?` placeholders of Rapport's SQL into PostgreSQL's `$1`, `$2`, ….
///
/// ```
/// SELECT n FROM t WHERE a = ? AND b = '?'   ──▶   SELECT n FROM t WHERE a = $1 AND b = '?'
/// ```
/// A `?` inside a string literal (`'…'`, `E'…'` with backslash escapes, `$tag$…$tag$`), a quoted
/// identifier (`"…"`) or a comment (`-- …`, nested `/* … */`) is left alone. PostgreSQL's jsonb
/// `?` operators are therefore not available through a ``Store``; use `jsonb_exists()` instead.
enum PlaceholderRewriter {
    /// The rewritten SQL and how many placeholders it has.
    static func rewrite(_ sql: String) -> (sql: String, count: Int) {
        let chars = Array(sql.unicodeScalars)
        var out = String.UnicodeScalarView()
        var count = 0
        var i = 0

        func copy(until end: Int) {
            let stop = min(end, chars.count)
            while i < stop {
                out.append(chars[i])
                i += 1
            }
        }

        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case "?":
                count += 1
                out.append(contentsOf: "$\(count)".unicodeScalars)
                i += 1
            case "'":
                let backslashes = i > 0 && (chars[i - 1] == "E" || chars[i - 1] == "e") && !isIdentifierPart(before: i - 1, chars)
                copy(until: endOfQuoted(chars, from: i, quote: "'", backslashEscapes: backslashes))
            case "\"":
                copy(until: endOfQuoted(chars, from: i, quote: "\"", backslashEscapes: false))
            case "-" where next == "-":
                var end = i
                while end < chars.count && chars[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where next == "*":
                copy(until: endOfBlockComment(chars, from: i))
            case "$" where !isIdentifierPart(before: i, chars):
                if let end = endOfDollarQuoted(chars, from: i) { copy(until: end) } else {
                    out.append(c)
                    i += 1
                }
            default:
                out.append(c)
                i += 1
            }
        }
        return (String(out), count)
    }

    /// Whether the scalar before `index` continues an identifier (so `E'` is a prefix, `$` a name part).
    private static func isIdentifierPart(before index: Int, _ chars: [Unicode.Scalar]) -> Bool {
        guard index > 0 else { return false }
        let c = chars[index - 1]
        return c == "_" || c == "$" || c.properties.isAlphabetic || ("0"..."9").contains(c)
    }

    /// The index just past the closing quote (a doubled quote is an escaped quote).
    private static func endOfQuoted(_ chars: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar, backslashEscapes: Bool) -> Int {
        var i = start + 1
        while i < chars.count {
            if backslashEscapes && chars[i] == "\\" {
                i += 2
                continue
            }
            if chars[i] == quote {
                if i + 1 < chars.count && chars[i + 1] == quote {
                    i += 2
                    continue
                }
                return i + 1
            }
            i += 1
        }
        return chars.count
    }

    private static func endOfBlockComment(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < chars.count {
            if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                depth += 1
                i += 2
            } else if chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return i }
            } else {
                i += 1
            }
        }
        return chars.count
    }

    /// For `$tag$…$tag$` (tag possibly empty), the index past the closing tag; `nil` when this `$`
    /// does not open a dollar-quoted string (e.g. `$1`).
    private static func endOfDollarQuoted(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        while i < chars.count, chars[i] == "_" || chars[i].properties.isAlphabetic || (i > start + 1 && ("0"..."9").contains(chars[i])) {
            i += 1
        }
        guard i < chars.count, chars[i] == "$" else { return nil }
        let tag = Array(chars[start...i])
        i += 1
        while i + tag.count <= chars.count {
            if Array(chars[i..<(i + tag.count)]) == tag { return i + tag.count }
            i += 1
        }
        return chars.count
    }
}
