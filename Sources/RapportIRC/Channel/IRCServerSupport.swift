public import RapportCore

/// What the server announced in `RPL_ISUPPORT` (005), with the defaults of RFC 1459 servers.
///
/// ```
/// :irc.example 005 rapport CASEMAPPING=rfc1459 CHANTYPES=# PREFIX=(qaohv)~&@%+ LINELEN=512 :are supported
/// ```
public struct IRCServerSupport: Sendable, Hashable {
    public var casemapping: Casemapping = .rfc1459
    public var channelTypes: Set<Character> = ["#", "&"]
    /// Prefix modes, highest first, with their symbols: `(o,@)`, `(v,+)`.
    public var prefixes: [(mode: Character, symbol: Character)] = [("o", "@"), ("v", "+")]
    /// Channel modes by type (A list, B always a parameter, C a parameter when set, D none).
    public var listModes: Set<Character> = ["b", "e", "I"]
    public var alwaysParameterModes: Set<Character> = ["k"]
    public var setParameterModes: Set<Character> = ["l"]
    public var nickLength = 30
    public var lineLength = 512
    /// Maximum targets per command, such as `PRIVMSG: 4`; absent means no limit given.
    public var targetMax: [String: Int] = [:]
    /// The MONITOR list size, or `nil` without MONITOR.
    public var monitor: Int?
    public var whox = false
    /// The user mode that marks bots (`BOT=B`), if any.
    public var botMode: Character?
    /// The network's name (`NETWORK=`), if given.
    public var networkName: String?

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.casemapping == b.casemapping && a.channelTypes == b.channelTypes
            && a.prefixes.map(\.mode) == b.prefixes.map(\.mode) && a.prefixes.map(\.symbol) == b.prefixes.map(\.symbol)
            && a.nickLength == b.nickLength && a.lineLength == b.lineLength && a.targetMax == b.targetMax
            && a.monitor == b.monitor && a.whox == b.whox && a.botMode == b.botMode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(casemapping)
        hasher.combine(lineLength)
        hasher.combine(nickLength)
    }

    /// Applies the tokens of one 005 line (the parameters between our nick and the trailing text).
    ///
    /// An unknown `CASEMAPPING` (Ergo's `rfc8265`, say) becomes `ascii`: it folds only `A`–`Z`,
    /// which every mapping folds too, so two nicks the server tells apart are never merged
    /// (`rfc1459` would merge `bob{` and `Bob[`).
    ///
    /// - Returns: A sentence for the log per token that was not understood and replaced.
    @discardableResult
    public mutating func apply(_ tokens: some Sequence<String>) -> [String] {
        var notes: [String] = []
        for token in tokens {
            let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawKey = parts.first, !rawKey.isEmpty else { continue }
            let negated = rawKey.hasPrefix("-")
            let key = negated ? String(rawKey.dropFirst()) : String(rawKey)
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch key.uppercased() {
            case "CASEMAPPING":
                if let known = Casemapping(rawValue: value.lowercased()), known != .none {
                    casemapping = known
                } else {
                    casemapping = .ascii
                    notes.append("unknown CASEMAPPING=\(value); comparing nicks by ASCII case only")
                }
            case "CHANTYPES": if !negated { channelTypes = Set(value) }
            case "PREFIX": if let parsed = Self.parsePrefix(value) { prefixes = parsed }
            case "CHANMODES":
                let groups = value.split(separator: ",", omittingEmptySubsequences: false).map { Set($0) }
                if groups.count >= 3 {
                    listModes = groups[0]
                    alwaysParameterModes = groups[1]
                    setParameterModes = groups[2]
                }
            case "NICKLEN": if let n = Int(value), n > 0 { nickLength = n }
            case "LINELEN": if let n = Int(value), n >= 512 { lineLength = n }
            case "TARGMAX":
                for entry in value.split(separator: ",") {
                    let kv = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                    if kv.count == 2, let n = Int(kv[1]) { targetMax[kv[0].uppercased()] = n }
                }
            case "MONITOR": monitor = negated ? nil : (Int(value) ?? 100)
            case "WHOX": whox = !negated
            case "BOT": botMode = negated ? nil : value.first
            case "NETWORK": networkName = value
            default: continue
            }
        }
        return notes
    }

    static func parsePrefix(_ value: String) -> [(mode: Character, symbol: Character)]? {
        guard value.first == "(", let close = value.firstIndex(of: ")") else { return value.isEmpty ? [] : nil }
        let modes = Array(value[value.index(after: value.startIndex)..<close])
        let symbols = Array(value[value.index(after: close)...])
        guard modes.count == symbols.count else { return nil }
        return Array(zip(modes, symbols)).map { (mode: $0.0, symbol: $0.1) }
    }

    /// Whether `name` is a channel name on this server.
    public func isChannel(_ name: some StringProtocol) -> Bool {
        guard let first = name.first else { return false }
        return channelTypes.contains(first)
    }

    /// Whether a member with these prefix symbols may moderate (op or higher).
    public func isOperator(_ symbols: Set<Character>) -> Bool {
        guard let opRank = prefixes.firstIndex(where: { $0.mode == "o" }) else { return symbols.contains("@") }
        return prefixes.prefix(opRank + 1).contains { symbols.contains($0.symbol) }
    }

    /// The mode letter of a prefix symbol, or the symbol of a mode letter.
    func symbol(forMode mode: Character) -> Character? { prefixes.first { $0.mode == mode }?.symbol }
    func isPrefixSymbol(_ c: Character) -> Bool { prefixes.contains { $0.symbol == c } }
}
