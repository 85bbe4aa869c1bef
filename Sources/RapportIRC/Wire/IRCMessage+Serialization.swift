extension IRCMessage {
    /// The wire form of the message, without the trailing CR LF.
    ///
    /// Whatever the fields contain, the result is exactly one protocol line with the same
    /// command and number of parameters:
    /// - CR, LF and NUL anywhere become a space (in tag values they are escaped instead);
    /// - only the last parameter may hold spaces or start with `:`; in a middle parameter
    ///   spaces become `_`, and an empty middle parameter becomes `*`;
    /// - tag keys and the source lose spaces and control characters.
    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(64 + parameters.reduce(0) { $0 + $1.utf8.count })
        if !tags.isEmpty {
            out.append("@")
            var first = true
            for tag in tags {
                let key = Self.cleanAtom(tag.key, replacement: "", extra: ["=", ";"])
                guard !key.isEmpty else { continue }
                if !first { out.append(";") }
                first = false
                out.append(key)
                if !tag.value.isEmpty {
                    out.append("=")
                    out.append(Self.escapeTagValue(tag.value))
                }
            }
            if first { out.removeLast() } else { out.append(" ") }
        }
        if let source, !source.isEmpty {
            out.append(":")
            out.append(Self.cleanAtom(source, replacement: "", extra: []))
            out.append(" ")
        }
        let verb = Self.cleanAtom(command, replacement: "", extra: [":"])
        out.append(verb.isEmpty ? "PING" : verb)
        for (i, parameter) in parameters.enumerated() {
            out.append(" ")
            if i == parameters.count - 1 {
                let trailing = Self.cleanTrailing(parameter)
                if trailing.isEmpty || trailing.utf8.first == UInt8(ascii: ":") || trailing.utf8.contains(0x20) {
                    out.append(":")
                }
                out.append(trailing)
            } else {
                var middle = Self.cleanAtom(parameter, replacement: "_", extra: [])
                if middle.isEmpty { middle = "*" }
                if middle.utf8.first == UInt8(ascii: ":") { middle = "_" + middle.dropFirst() }
                out.append(middle)
            }
        }
        return out
    }

    /// Replaces CR, LF and NUL, the only bytes that could end or corrupt a line.
    static func cleanTrailing(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar == "\r" || scalar == "\n" || scalar == "\0" ? " " : scalar
        }))
    }

    /// Removes or replaces spaces, control characters and `extra` so `text` stays one atom.
    static func cleanAtom(_ text: String, replacement: Unicode.Scalar?, extra: Set<Unicode.Scalar>) -> String {
        let needsWork = text.utf8.contains { $0 <= 0x20 } || text.unicodeScalars.contains { extra.contains($0) }
        guard needsWork else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || extra.contains(scalar) {
                if let replacement { scalars.append(replacement) }
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    static func cleanAtom(_ text: String, replacement: String, extra: Set<Unicode.Scalar>) -> String {
        cleanAtom(text, replacement: replacement.unicodeScalars.first, extra: extra)
    }

    /// Escapes a tag value per the message-tags spec.
    public static func escapeTagValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x3B || $0 == 0x20 || $0 == 0x5C || $0 == 0x0D || $0 == 0x0A || $0 == 0 })
        else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case ";": out.append("\\:")
            case " ": out.append("\\s")
            case "\\": out.append("\\\\")
            case "\r": out.append("\\r")
            case "\n": out.append("\\n")
            case "\0": break
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
