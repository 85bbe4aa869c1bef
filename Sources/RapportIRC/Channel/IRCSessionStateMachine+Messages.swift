import Foundation
public import RapportCore

// MARK: - PRIVMSG/NOTICE, CTCP, batches, and turning messages into events

extension IRCSessionStateMachine {
    /// The version string sent in answer to CTCP VERSION.
    static let versionReply = "Rapport IRC bot (Swift)"

    mutating func handleText(_ message: some IRCMessageFields, now: Date, _ actions: inout [Action]) {
        guard let rawTarget = message.parameter(0), var text = message.parameter(1), message.sourceIsUser,
            let sender = message.sourceNick
        else { return }
        let isNotice = message.command.uppercased() == "NOTICE"
        var target = Substring(rawTarget)
        while let first = target.first, support.isPrefixSymbol(first), target.count > 1 { target = target.dropFirst() }
        let channel: String? = support.isChannel(target) ? channelName(String(target)) : nil
        let replyTo = message.tag("+draft/reply").map { MessageID($0) }

        if text.hasPrefix("\u{01}") {
            text.removeFirst()
            if text.hasSuffix("\u{01}") { text.removeLast() }
            let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let verb = parts.first.map { $0.uppercased() } ?? ""
            let argument = parts.count > 1 ? String(parts[1]) : ""
            if verb == "ACTION" {
                emit(message, now: now, channel: channel, kind: .action(ChatMessage(argument, replyTo: replyTo)), &actions)
                return
            }
            // Only queries (PRIVMSG) get answers, and never from bots, ourselves or history.
            guard !isNotice, !isMe(sender), !senderIsBot(message), !isHistory(message) else { return }
            let answer: String? =
                switch verb {
                case "VERSION": Self.versionReply
                case "PING": String(argument.prefix(64))
                case "TIME": Self.ctcpTime(now)
                case "CLIENTINFO": "ACTION CLIENTINFO PING TIME VERSION"
                default: nil
                }
            if let answer {
                let line = IRCMessage("NOTICE", sender, "\u{01}\(verb) \(answer)\u{01}")
                actions.append(.queue(line))
            }
            return
        }
        let chat = ChatMessage(text, replyTo: replyTo)
        emit(message, now: now, channel: channel, kind: isNotice ? .notice(chat) : .message(chat), &actions)
    }

    mutating func handleBatch(_ message: IRCMessage) {
        guard let reference = message.parameters.first, reference.count > 1 else { return }
        let ref = String(reference.dropFirst())
        if reference.hasPrefix("+") {
            batches[ref] = Batch(type: message.parameter(1) ?? "", parent: message.tag("batch"))
        } else if reference.hasPrefix("-") {
            batches[ref] = nil
        }
        if batches.count > 1000 { batches.removeAll() }  // a server that never closes batches
    }

    /// Whether the message belongs (through nested batches) to a history replay.
    func isHistory(_ message: some IRCMessageFields) -> Bool {
        var reference = message.tag("batch")
        var depth = 0
        while let ref = reference, let batch = batches[ref], depth < 16 {
            switch batch.type {
            case "chathistory", "draft/chathistory", "znc.in/playback": return true
            default: break
            }
            reference = batch.parent
            depth += 1
        }
        return false
    }

    func senderIsBot(_ message: some IRCMessageFields) -> Bool {
        if message.tag("bot") != nil || message.tag("draft/bot") != nil { return true }
        guard let nick = message.sourceNick else { return false }
        return users[fold(nick)]?.isBot ?? false
    }

    /// Builds and appends the event for `message` from its source.
    mutating func emit(_ message: some IRCMessageFields, now: Date, channel: String?, kind: ChatEvent.Kind, _ actions: inout [Action]) {
        guard let nick = message.sourceNick, message.sourceIsUser else { return }
        let folded = fold(nick)
        let account = message.tag("account") ?? users[folded]?.account
        let sender = ChatUser(
            nick: nick, identity: account.map { Identity.irc(network: network, account: $0) },
            isBot: senderIsBot(message), address: nick)
        let time = message.tag("time").flatMap(Self.parseServerTime) ?? now
        let senderIsOperator = channel.map { self.isOperator(nick, in: $0) } ?? false
        let event = ChatEvent(
            network: network, channel: channel, sender: sender, time: time, id: message.tag("msgid").map { MessageID($0) },
            kind: kind, senderIsOperator: senderIsOperator, isHistory: isHistory(message), isOwn: isMe(nick))
        actions.append(.emit(event))
    }

    // MARK: - Output

    /// The protocol lines for `message`: one per text line and piece, each within the line
    /// limit once the server has added our `nick!user@host` prefix.
    public func lines(for message: OutgoingMessage) -> [IRCMessage] {
        let rawTarget: String
        switch message.target {
        case .channel(let name): rawTarget = name
        case .user(let address): rawTarget = address
        }
        let target = IRCMessage.cleanAtom(rawTarget, replacement: "", extra: [",", ":"])
        guard !target.isEmpty else { return [] }
        let command =
            switch message.style {
            case .reply: configuration.replyStyle == .notice ? "NOTICE" : "PRIVMSG"
            case .message, .action: "PRIVMSG"
            }
        let isAction = message.style == .action
        var tags: [IRCTag] = []
        if let reply = message.replyTo, enabledCaps.contains("message-tags"), reply.rawValue.utf8.count <= 256 {
            tags.append(IRCTag("+draft/reply", reply.rawValue))
        }
        let prefix = 1 + nick.utf8.count + 1 + (selfUser?.utf8.count ?? 10) + 1 + (selfHost?.utf8.count ?? 63) + 1
        let overhead = prefix + command.utf8.count + 1 + target.utf8.count + 2 + 2 + (isAction ? 9 : 0)
        let budget = max(support.lineLength, 512) - overhead
        var result: [IRCMessage] = []
        for line in IRCTextSplitter.lines(message.text) {
            for piece in IRCTextSplitter.split(line, budget: budget) {
                let text = isAction ? "\u{01}ACTION \(piece)\u{01}" : piece
                result.append(IRCMessage(tags: tags, command: command, parameters: [target, text]))
            }
        }
        return result
    }

    /// JOIN for a channel joined at run time (sent once registered).
    public mutating func join(_ channel: String) -> [Action] {
        if !wantedChannels.contains(where: { fold($0) == fold(channel) }) { wantedChannels.append(channel) }
        guard phase == .registered else { return [] }
        return joinLines([channel]).map { .queue($0) }
    }

    /// PART for a channel, which is also forgotten for later reconnects.
    public mutating func part(_ channel: String, reason: String?) -> [Action] {
        let mapping = casemapping
        wantedChannels.removeAll { mapping.equal($0, channel) }
        let clean = IRCMessage.cleanAtom(channel, replacement: "", extra: [","])
        guard phase == .registered, !clean.isEmpty else { return [] }
        let line = reason.map { IRCMessage("PART", clean, IRCTextSplitter.lines($0).joined(separator: " ")) } ?? IRCMessage("PART", clean)
        return [.queue(line)]
    }

    // MARK: - Time

    /// Parses IRCv3 `server-time` (`2024-05-01T12:00:00.123Z`) without a formatter.
    static func parseServerTime(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0, 4), let mo = number(5, 7), let d = number(8, 10), let h = number(11, 13),
            let mi = number(14, 16), let s = number(17, 19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var fraction = 0.0
        if b[19] == 0x2E {
            var scale = 0.1
            var i = 20
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                fraction += Double(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: Double(days * 86400 + h * 3600 + mi * 60 + s) + fraction)
    }

    static func ctcpTime(_ now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: now)
    }
}
