/// One IRC protocol message: optional IRCv3 tags, an optional source, a command and parameters.
///
/// ```
/// @time=2024-05-01T12:00:00.000Z;account=alice :alice!a@host PRIVMSG #rapport :hello there
/// ╰──────────────── tags ──────────────────╯ ╰── source ──╯ ╰command╯ ╰──── parameters ───╯
/// ```
///
/// Parse wire lines with ``IRCMessageParser``; turn a message back into a line with
/// ``IRCMessage/serialized()``, which guarantees a single protocol line whatever the parameters hold.
public struct IRCMessage: Sendable, Hashable {
    /// The IRCv3 message tags in wire order; a key appears at most once (the parser keeps the last).
    public var tags: [IRCTag]
    /// The source (`nick!user@host` or a server name), without the leading colon.
    public var source: String?
    /// The command or three-digit numeric, as sent (the parser keeps the case; compare with
    /// ``IRCMessage/command`` uppercased where needed).
    public var command: String
    /// The parameters; the last one may contain spaces.
    public var parameters: [String]

    public init(tags: [IRCTag] = [], source: String? = nil, command: String, parameters: [String] = []) {
        self.tags = tags
        self.source = source
        self.command = command
        self.parameters = parameters
    }

    /// Convenience for building outgoing messages: `IRCMessage("PRIVMSG", "#c", "hi")`.
    public init(_ command: String, _ parameters: String..., tags: [IRCTag] = []) {
        self.init(tags: tags, command: command, parameters: parameters)
    }

    /// The value of tag `key` (`""` for a tag without value), or `nil` when it is absent.
    public func tag(_ key: String) -> String? {
        for tag in tags where tag.key == key { return tag.value }
        return nil
    }

    /// The nick part of ``source`` (everything before `!`), or the whole source for servers.
    public var sourceNick: String? {
        guard let source else { return nil }
        if let bang = source.firstIndex(of: "!") { return String(source[..<bang]) }
        if let at = source.firstIndex(of: "@") { return String(source[..<at]) }
        return source
    }

    /// Whether the source is a user (`nick!user@host`) rather than a server.
    public var sourceIsUser: Bool {
        guard let source else { return false }
        return source.contains("!") || !source.contains(".")
    }

    /// ``sourceNick`` when ``sourceIsUser``, else `nil`.
    public var userNick: String? { sourceIsUser ? sourceNick : nil }

    /// The first two parameters (a PRIVMSG's or NOTICE's target and text), or `nil` when there are fewer.
    public var targetAndText: (target: String, text: String)? {
        parameters.count >= 2 ? (parameters[0], parameters[1]) : nil
    }

    /// The parameter at `index`, or `nil`.
    public func parameter(_ index: Int) -> String? {
        index < parameters.count ? parameters[index] : nil
    }
}

/// One IRCv3 message tag; ``value`` is unescaped (`""` when the tag has no value).
public struct IRCTag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String = "") {
        self.key = key
        self.value = value
    }
}
