import Foundation
public import RapportCore

// MARK: - PRIVMSG/NOTICE, CTCP, batches, and turning messages into events

extension IRCSessionStateMachine {
    /// The version string sent in answer to CTCP VERSION.
    static let versionReply = "Rapport IRC bot (Swift)"

    /// A PRIVMSG (or, with `isNotice`, a NOTICE) from a user: an event, or a CTCP answer. Each
    /// field of `message` is read once.
    mutating func handleText(_ message: some IRCMessageFields, isNotice: Bool, now: Date, _ actions: inout [Action]) {
        guard case (let rawTarget, var text)? = message.targetAndText, let sender = message.userNick else { return }
        let tags = message.textTags
        var target = Substring(rawTarget)
        while let first = target.first, support.isPrefixSymbol(first), target.count > 1 { target = target.dropFirst() }
        let channel: String? = support.isChannel(target) ? channelName(String(target)) : nil
        let replyTo = tags.reply.map { MessageID($0) }

        if text.hasPrefix("\u{01}") {
            text.removeFirst()
            if text.hasSuffix("\u{01}") { text.removeLast() }
            let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let verb = parts.first.map { $0.uppercased() } ?? ""
            let argument = parts.count > 1 ? String(parts[1]) : ""
            if verb == "ACTION" {
                emit(sender, tags, now: now, channel: channel, kind: .action(ChatMessage(argument, replyTo: replyTo)), &actions)
                return
            }
            // Only queries (PRIVMSG) get answers, and never from bots, ourselves or history.
            guard !isNotice, !isMe(sender), !isBot(sender, tags), !isHistory(batch: tags.batch) else { return }
            let answer: String? =
                switch verb {
                case "VERSION": Self.versionReply
                case "PING": String(argument.prefix(64))
                case "TIME": Self.ctcpTime(now)
                case "CLIENTINFO": "ACTION CLIENTINFO PING TIME VERSION"
                default: nil
                }
            guard let answer else { return }
            guard ctcpAnswers.take(now: now) else {
                ctcpUnanswered += 1
                if ctcpUnanswered == 1 || ctcpUnanswered % 100 == 0 {
                    actions.append(.log(.warning, "CTCP queries over the limit go unanswered (\(ctcpUnanswered) so far)"))
                }
                return
            }
            actions.append(.queue(IRCMessage("NOTICE", sender, "\u{01}\(verb) \(answer)\u{01}")))
            return
        }
        let chat = ChatMessage(text, replyTo: replyTo)
        emit(sender, tags, now: now, channel: channel, kind: isNotice ? .notice(chat) : .message(chat), &actions)
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

    /// Whether a message in batch `reference` belongs (through nested batches) to a history replay.
    func isHistory(batch reference: String?) -> Bool {
        var reference = reference
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

    /// Whether `nick`, who sent a message with `tags`, is a bot: by the message's bot tag or what
    /// we know of the user (bot mode in WHOX or a join).
    func isBot(_ nick: String, _ tags: IRCTextTags) -> Bool {
        tags.isBot || users[fold(nick)]?.isBot ?? false
    }

    /// Builds and appends the event for `message` from its source, if a user.
    mutating func emit(_ message: IRCMessage, now: Date, channel: String?, kind: ChatEvent.Kind, _ actions: inout [Action]) {
        guard let nick = message.userNick else { return }
        emit(nick, message.textTags, now: now, channel: channel, kind: kind, &actions)
    }

    /// Builds and appends the event for a message from user `nick` with `tags`.
    mutating func emit(_ nick: String, _ tags: IRCTextTags, now: Date, channel: String?, kind: ChatEvent.Kind, _ actions: inout [Action]) {
        // With account-tag every message from a logged-in user carries the tag: none means none.
        let account = enabledCaps.contains("account-tag") ? tags.account : tags.account ?? users[fold(nick)]?.account
        let sender = ChatUser(
            nick: nick, identity: account.map { Identity.irc(network: network, account: $0) },
            isBot: isBot(nick, tags), address: nick)
        let senderIsOperator = channel.map { self.isOperator(nick, in: $0) } ?? false
        let event = ChatEvent(
            network: network, channel: channel, sender: sender, time: tags.time ?? now, id: tags.msgid.map { MessageID($0) },
            kind: kind, senderIsOperator: senderIsOperator, isHistory: isHistory(batch: tags.batch), isOwn: isMe(nick))
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

    static func ctcpTime(_ now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: now)
    }
}
