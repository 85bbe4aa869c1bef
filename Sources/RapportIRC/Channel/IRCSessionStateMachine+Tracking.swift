import Foundation
import RapportCore

// MARK: - Channel members, accounts, away state and modes

extension IRCSessionStateMachine {
    mutating func handleTracking(_ message: IRCMessage, now: Date, _ actions: inout [Action]) {
        let p = message.parameters
        switch message.command.uppercased() {
        case "JOIN": handleJoin(message, now: now, &actions)
        case "PART":
            guard let nick = message.sourceNick, let channel = p.first else { return }
            emit(message, now: now, channel: channelName(channel), kind: .part(reason: p.count > 1 ? p[1] : nil), &actions)
            removeMember(nick, from: channel)
        case "KICK":
            guard p.count >= 2 else { return }
            emit(message, now: now, channel: channelName(p[0]), kind: .kick(target: p[1], reason: p.count > 2 ? p[2] : nil), &actions)
            removeMember(p[1], from: p[0])
        case "QUIT":
            guard let nick = message.sourceNick else { return }
            emit(message, now: now, channel: nil, kind: .quit(reason: p.first), &actions)
            let folded = fold(nick)
            for key in channels.keys { channels[key]?.members[folded] = nil }
            users[folded] = nil
            if folded == fold(configuration.nick), !isMe(configuration.nick) {
                actions.append(.send(IRCMessage("NICK", configuration.nick)))
            }
        case "NICK":
            guard let old = message.sourceNick, let new = p.first else { return }
            emit(message, now: now, channel: nil, kind: .nickChange(newNick: new), &actions)
            rename(old, to: new)
            if isMe(old) {
                nick = new
                actions.append(.log(.info, "now known as \(new)"))
            } else if fold(old) == fold(configuration.nick), !isMe(configuration.nick) {
                actions.append(.send(IRCMessage("NICK", configuration.nick)))
            }
        case "TOPIC":
            guard p.count >= 2 else { return }
            channels[fold(p[0])]?.topic = p[1]
            emit(message, now: now, channel: channelName(p[0]), kind: .topic(p[1]), &actions)
        case "332": if p.count >= 3 { channels[fold(p[1])]?.topic = p[2] }
        case "INVITE":
            guard p.count >= 2, isMe(p[0]) else { return }
            emit(message, now: now, channel: p[1], kind: .invite, &actions)
        case "ACCOUNT":
            guard let nick = message.sourceNick, let account = p.first else { return }
            users[fold(nick)]?.account = account == "*" ? nil : account
        case "AWAY":
            guard let nick = message.sourceNick else { return }
            let text = p.first
            users[fold(nick)]?.away = text
            if !isMe(nick) { emit(message, now: now, channel: nil, kind: .away(message: text), &actions) }
        case "CHGHOST":
            guard let nick = message.sourceNick, p.count >= 2 else { return }
            users[fold(nick)]?.user = p[0]
            users[fold(nick)]?.host = p[1]
            if isMe(nick) { selfUser = p[0]; selfHost = p[1] }
        case "MODE": handleMode(p)
        case "353": handleNames(p)
        case "366":
            guard p.count >= 2 else { return }
            // Full member data (accounts, away, bot flags): WHOX when available.
            if support.whox {
                actions.append(.queue(IRCMessage("WHO", p[1], "%tcuhnfar,42")))
            } else {
                actions.append(.queue(IRCMessage("WHO", p[1])))
            }
        case "354": handleWhox(p)
        case "352": handleWho(p)
        case "396": if p.count >= 2 { selfHost = p[1] }
        default: break
        }
    }

    private mutating func handleJoin(_ message: IRCMessage, now: Date, _ actions: inout [Action]) {
        guard let nick = message.sourceNick, let channel = message.parameters.first else { return }
        let folded = fold(nick)
        let key = fold(channel)
        if isMe(nick) {
            channels[key] = ChannelState(name: channel)
            if let source = message.source, let bang = source.firstIndex(of: "!"), let at = source.firstIndex(of: "@") {
                selfUser = String(source[source.index(after: bang)..<at])
                selfHost = String(source[source.index(after: at)...])
            }
        }
        var user = trackedUser(folded, nick: nick)
        user.nick = nick
        if let source = message.source, let bang = source.firstIndex(of: "!"), let at = source.firstIndex(of: "@"), bang < at {
            user.user = String(source[source.index(after: bang)..<at])
            user.host = String(source[source.index(after: at)...])
        }
        if message.parameters.count >= 3 {  // extended-join: JOIN #chan account :realname
            user.account = message.parameters[1] == "*" ? nil : message.parameters[1]
        }
        let tags = message.textTags
        if let account = tags.account { user.account = account }
        if tags.isBot { user.isBot = true }
        users[folded] = user
        channels[key]?.members[folded] = Member()
        emit(message, now: now, channel: channels[key]?.name ?? channel, kind: .join, &actions)
    }

    private mutating func removeMember(_ nick: String, from channel: String) {
        let folded = fold(nick)
        if isMe(nick) {
            for member in channels[fold(channel)]?.members.keys ?? [:].keys where !isShared(member, except: fold(channel)) {
                users[member] = nil
            }
            channels[fold(channel)] = nil
            return
        }
        channels[fold(channel)]?.members[folded] = nil
        if !isShared(folded, except: nil) { users[folded] = nil }
    }

    /// What we know of `nick` as it enters a channel: its entry if it shares a channel with us
    /// already, else a new one (someone sharing no channel is a new person, whatever an old entry says).
    private func trackedUser(_ folded: String, nick: String) -> User {
        isShared(folded, except: nil) ? users[folded] ?? User(nick: nick) : User(nick: nick)
    }

    private func isShared(_ folded: String, except channel: String?) -> Bool {
        channels.contains { $0.key != channel && $0.value.members[folded] != nil }
    }

    /// Moves what we know of `old` to `new`; whatever was recorded under `new` is dropped, so the
    /// new nick never keeps an account or status that belonged to someone else.
    private mutating func rename(_ old: String, to new: String) {
        let from = fold(old)
        let to = fold(new)
        var user = users.removeValue(forKey: from)
        user?.nick = new
        users[to] = user
        for key in channels.keys {
            let member = channels[key]?.members.removeValue(forKey: from)
            channels[key]?.members[to] = member
        }
    }

    private mutating func handleNames(_ p: [String]) {
        guard p.count >= 4 else { return }
        let key = fold(p[2])
        guard channels[key] != nil else { return }
        for entry in p[3].split(separator: " ") {
            var symbols: Set<Character> = []
            var rest = Substring(entry)
            while let c = rest.first, support.isPrefixSymbol(c) {
                symbols.insert(c)
                rest = rest.dropFirst()
            }
            let parts = rest.split(separator: "!", maxSplits: 1)
            guard let nickPart = parts.first else { continue }
            let nick = String(nickPart)
            let folded = fold(nick)
            var user = trackedUser(folded, nick: nick)
            if parts.count == 2 {
                let uh = parts[1].split(separator: "@", maxSplits: 1)
                if uh.count == 2 { user.user = String(uh[0]); user.host = String(uh[1]) }
            }
            users[folded] = user
            channels[key]?.members[folded] = Member(prefixes: symbols)
        }
    }

    /// `354 me 42 #chan user host nick flags account :realname`
    private mutating func handleWhox(_ p: [String]) {
        guard p.count >= 9, p[1] == "42" else { return }
        updateFromWho(channel: p[2], user: p[3], host: p[4], nick: p[5], flags: p[6], account: p[7] == "0" ? nil : p[7])
    }

    /// `352 me #chan user host server nick flags :hops realname`
    private mutating func handleWho(_ p: [String]) {
        guard p.count >= 7 else { return }
        updateFromWho(channel: p[1], user: p[2], host: p[3], nick: p[5], flags: p[6], account: nil)
    }

    /// Updates a member of a channel we are in; replies about other channels or single users are
    /// ignored, so no entry outlives the channels that would remove it.
    private mutating func updateFromWho(channel: String, user: String, host: String, nick: String, flags: String, account: String?) {
        let key = fold(channel)
        guard channels[key] != nil else { return }
        let folded = fold(nick)
        var entry = trackedUser(folded, nick: nick)
        entry.user = user
        entry.host = host
        if support.whox { entry.account = account }
        if flags.hasPrefix("G") { entry.away = entry.away ?? "" } else if flags.hasPrefix("H") { entry.away = nil }
        if let botMode = support.botMode, flags.dropFirst().contains(botMode) { entry.isBot = true }
        users[folded] = entry
        channels[key]?.members[folded] = Member(prefixes: Set(flags.filter { support.isPrefixSymbol($0) }))
    }

    private mutating func handleMode(_ p: [String]) {
        guard p.count >= 2, support.isChannel(p[0]) else { return }
        let key = fold(p[0])
        var adding = true
        var argument = 2
        for mode in p[1] {
            switch mode {
            case "+": adding = true
            case "-": adding = false
            default:
                if let symbol = support.symbol(forMode: mode) {
                    guard argument < p.count else { return }
                    let target = fold(p[argument])
                    argument += 1
                    if adding {
                        channels[key]?.members[target]?.prefixes.insert(symbol)
                    } else {
                        channels[key]?.members[target]?.prefixes.remove(symbol)
                    }
                } else if support.listModes.contains(mode) || support.alwaysParameterModes.contains(mode)
                    || (adding && support.setParameterModes.contains(mode))
                {
                    argument += 1
                }
            }
        }
    }

    /// The channel's name as we first saw it, for events.
    func channelName(_ name: String) -> String { channels[fold(name)]?.name ?? name }

    // MARK: - Queries used by the connector and tests

    /// The members of `channel` we know, by nick.
    public func members(of channel: String) -> [String] {
        (channels[fold(channel)]?.members.keys).map { $0.compactMap { users[$0]?.nick } } ?? []
    }

    /// The services account we know for `nick`, if any.
    public func account(of nick: String) -> String? { users[fold(nick)]?.account }

    /// Whether `nick` is marked away.
    public func isAway(_ nick: String) -> Bool { users[fold(nick)]?.away != nil }

    /// Whether `nick` holds operator (or higher) status in `channel`.
    public func isOperator(_ nick: String, in channel: String) -> Bool {
        guard let member = channels[fold(channel)]?.members[fold(nick)] else { return false }
        return support.isOperator(member.prefixes)
    }

    /// Whether someone logged in to services `account` holds operator (or higher) status in `channel`.
    public func isOperator(account: String, in channel: String) -> Bool {
        guard let members = channels[fold(channel)]?.members else { return false }
        return members.contains { nick, member in
            users[nick]?.account?.lowercased() == account.lowercased() && support.isOperator(member.prefixes)
        }
    }

    /// Channels we are in.
    public var joinedChannels: [String] { channels.values.map(\.name) }

    /// The channels we are in, with how many members each has.
    public var memberCounts: [String: Int?] {
        Dictionary(channels.values.map { ($0.name, Optional($0.members.count)) }, uniquingKeysWith: { first, _ in first })
    }
}
