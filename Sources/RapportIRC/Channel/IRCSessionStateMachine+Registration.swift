import Foundation
import RapportCore

// MARK: - CAP, SASL, nick and welcome

extension IRCSessionStateMachine {
    var wantsSASL: Bool { configuration.sasl != nil }

    mutating func handleCap(_ message: IRCMessage, _ actions: inout [Action]) {
        guard message.parameters.count >= 3 else { return }
        let sub = message.parameters[1].uppercased()
        let more = message.parameters.count >= 4 && message.parameters[2] == "*"
        let list = (message.parameters.last ?? "").split(separator: " ").map(String.init)
        switch sub {
        case "LS":
            for entry in list {
                let kv = entry.split(separator: "=", maxSplits: 1)
                guard let key = kv.first else { continue }
                offeredCaps[String(key)] = kv.count > 1 ? String(kv[1]) : ""
            }
            guard !more, phase == .negotiating else { return }
            requestCaps(&actions)
        case "ACK":
            for cap in list {
                if cap.hasPrefix("-") { enabledCaps.remove(String(cap.dropFirst())) } else { enabledCaps.insert(cap) }
            }
            requestedCaps.removeAll { list.contains($0) }
            continueNegotiation(&actions)
        case "NAK":
            actions.append(.log(.warning, "server refused capabilities: \(list.joined(separator: " "))"))
            requestedCaps.removeAll { list.contains($0) }
            // A refused group is retried one capability at a time, so one bad cap costs only itself.
            if list.count > 1 { pendingCapRequests.append(contentsOf: list.map { [$0] }) }
            continueNegotiation(&actions)
        case "NEW":
            for entry in list {
                let kv = entry.split(separator: "=", maxSplits: 1)
                if let key = kv.first { offeredCaps[String(key)] = kv.count > 1 ? String(kv[1]) : "" }
            }
            let wanted = list.map { String($0.split(separator: "=").first ?? "") }
                .filter { Self.wantedCaps.contains($0) && !enabledCaps.contains($0) }
            if !wanted.isEmpty { actions.append(.send(IRCMessage("CAP", "REQ", wanted.joined(separator: " ")))) }
        case "DEL":
            for cap in list {
                enabledCaps.remove(cap)
                offeredCaps[cap] = nil
            }
        default: break
        }
    }

    private mutating func requestCaps(_ actions: inout [Action]) {
        var wanted = Self.wantedCaps.filter { offeredCaps[$0] != nil }
        if let sasl = configuration.sasl {
            if let mechanisms = offeredCaps["sasl"] {
                let list = mechanisms.split(separator: ",").map { $0.uppercased() }
                if list.isEmpty || list.contains(sasl.mechanism.rawValue) {
                    wanted.append("sasl")
                } else if sasl.required {
                    actions.append(.disconnect(reason: "SASL \(sasl.mechanism.rawValue) is required but the server only offers \(mechanisms); will retry"))
                    return
                } else {
                    actions.append(.log(.warning, "SASL \(sasl.mechanism.rawValue) not offered (\(mechanisms)); continuing without login"))
                }
            } else if sasl.required {
                actions.append(.disconnect(reason: "SASL is required but the server does not offer it now (services down?); will retry"))
                return
            } else {
                actions.append(.log(.warning, "the server does not offer SASL; continuing without login"))
            }
        }
        // Requests stay well under 512 bytes: our wanted list is short.
        pendingCapRequests = wanted.isEmpty ? [] : [wanted]
        continueNegotiation(&actions)
    }

    /// Sends the next CAP REQ, or starts SASL, or ends negotiation.
    private mutating func continueNegotiation(_ actions: inout [Action]) {
        guard phase == .negotiating, requestedCaps.isEmpty else { return }
        if !pendingCapRequests.isEmpty {
            requestedCaps = pendingCapRequests.removeFirst()
            actions.append(.send(IRCMessage("CAP", "REQ", requestedCaps.joined(separator: " "))))
            return
        }
        if let sasl = configuration.sasl, enabledCaps.contains("sasl") {
            phase = .authenticating
            actions.append(.send(IRCMessage("AUTHENTICATE", sasl.mechanism.rawValue)))
            return
        }
        if let sasl = configuration.sasl, sasl.required {
            actions.append(.disconnect(reason: "SASL is required but the server did not enable it; will retry"))
            return
        }
        phase = .registering
        actions.append(.send(IRCMessage("CAP", "END")))
    }

    mutating func handleAuthenticate(_ message: IRCMessage, _ actions: inout [Action]) {
        guard phase == .authenticating, let sasl = configuration.sasl, message.parameters.first == "+" else { return }
        switch sasl.mechanism {
        case .external:
            actions.append(.send(IRCMessage("AUTHENTICATE", "+")))
        case .plain:
            let user = sasl.username ?? configuration.nick
            let payload = Data("\(user)\0\(user)\0\(sasl.password ?? "")".utf8).base64EncodedString()
            // AUTHENTICATE carries at most 400 bytes; a payload of exactly n*400 ends with "+".
            var rest = Substring(payload)
            while !rest.isEmpty {
                let chunk = rest.prefix(400)
                rest = rest.dropFirst(chunk.count)
                actions.append(.send(IRCMessage("AUTHENTICATE", String(chunk))))
                if rest.isEmpty, chunk.count == 400 { actions.append(.send(IRCMessage("AUTHENTICATE", "+"))) }
            }
        }
    }

    mutating func finishSASL(_ actions: inout [Action]) {
        guard phase == .authenticating else { return }
        actions.append(.log(.info, "SASL login succeeded\(account.map { " as \($0)" } ?? "")"))
        phase = .registering
        actions.append(.send(IRCMessage("CAP", "END")))
    }

    mutating func handleSASLFailure(_ message: IRCMessage, _ actions: inout [Action]) {
        guard phase == .authenticating, let sasl = configuration.sasl else { return }
        saslFailed = true
        let detail = "\(message.command) \(message.parameters.last ?? "")"
        let who = sasl.mechanism == .plain ? "as \(sasl.username ?? configuration.nick)" : "with the client certificate"
        if sasl.required {
            actions.append(.send(IRCMessage("QUIT", "SASL failed")))
            actions.append(.fail(IRCConnectorError(
                .saslRefused,
                "SASL \(sasl.mechanism.rawValue) login \(who) was refused by the server (\(detail)). "
                    + "Check irc.sasl credentials, or set irc.sasl.required: false to connect without a login.")))
        } else {
            actions.append(.log(.error, "SASL \(sasl.mechanism.rawValue) login \(who) refused (\(detail)); continuing without login"))
            phase = .registering
            actions.append(.send(IRCMessage("CAP", "END")))
        }
    }

    mutating func handleNickUnavailable(_ message: IRCMessage, _ actions: inout [Action]) {
        guard phase != .registered else { return }  // a failed regain: keep the current nick
        let taken = message.parameter(1) ?? nick
        let candidates = [configuration.nick] + configuration.altNicks
        nickAttempt += 1
        let next: String
        if nickAttempt < candidates.count {
            next = candidates[nickAttempt]
        } else {
            let suffix = nickAttempt == candidates.count ? "_" : String(Int.random(in: 100...9999))
            next = String(configuration.nick.prefix(max(1, support.nickLength - suffix.count))) + suffix
        }
        actions.append(.log(.warning, "nick \(taken) unavailable (\(message.command)); trying \(next)"))
        nick = next
        actions.append(.send(IRCMessage("NICK", next)))
    }

    mutating func handleWelcome(_ message: IRCMessage, _ actions: inout [Action]) {
        if let me = message.parameters.first { nick = me }
        phase = .registered
        actions.append(.registered(nick: nick))
        if let sasl = configuration.sasl, sasl.required, account == nil, !enabledCaps.contains("sasl") {
            actions.append(.send(IRCMessage("QUIT", "SASL required")))
            actions.append(.disconnect(reason: "SASL is required but the server registered us without it (no CAP support?); will retry"))
            return
        }
        for line in joinLines(wantedChannels) { actions.append(.send(line)) }
        if !isMe(configuration.nick), support.monitor != nil, !monitoringMainNick {
            monitoringMainNick = true
            actions.append(.send(IRCMessage("MONITOR", "+", configuration.nick)))
        }
    }

    /// JOIN lines for `channels`, several per line within the line limit.
    func joinLines(_ channels: [String]) -> [IRCMessage] {
        var lines: [IRCMessage] = []
        var current: [String] = []
        var length = 0
        for channel in channels {
            let clean = IRCMessage.cleanAtom(channel, replacement: "", extra: [","])
            guard !clean.isEmpty else { continue }
            if length + clean.utf8.count + 1 > 400 || current.count >= (support.targetMax["JOIN"] ?? 10) {
                lines.append(IRCMessage("JOIN", current.joined(separator: ",")))
                current = []
                length = 0
            }
            current.append(clean)
            length += clean.utf8.count + 1
        }
        if !current.isEmpty { lines.append(IRCMessage("JOIN", current.joined(separator: ","))) }
        return lines
    }

    mutating func handleOnline(_ message: IRCMessage, _ actions: inout [Action]) {
        let list = message.parameters.last ?? ""
        switch message.command {
        case "730", "731":
            let online = message.command == "730"
            for target in list.split(separator: ",") {
                let nick = String(target.split(separator: "!").first ?? target)
                actions.append(.onlineStatus(nick: nick, online: online))
                if !online, fold(nick) == fold(configuration.nick), !isMe(nick), phase == .registered {
                    actions.append(.send(IRCMessage("NICK", configuration.nick)))
                }
            }
        default:  // 303 ISON
            guard !pendingIson.isEmpty else { return }
            let asked = pendingIson.removeFirst()
            let online = Set(list.split(separator: " ").map { fold(String($0)) })
            for nick in asked { actions.append(.onlineStatus(nick: nick, online: online.contains(fold(nick)))) }
        }
    }

    /// Asks whether `nick` is online; the answer comes as ``Action/onlineStatus(nick:online:)``,
    /// unless it is known already (returned).
    public mutating func checkOnline(_ nick: String) -> (known: Bool?, actions: [Action]) {
        let folded = fold(nick)
        if users[folded] != nil { return (true, []) }
        if isMe(nick) { return (true, []) }
        guard phase == .registered else { return (nil, []) }
        let clean = IRCMessage.cleanAtom(nick, replacement: "", extra: [",", ":"])
        guard !clean.isEmpty else { return (false, []) }
        if support.monitor != nil {
            // MONITOR + answers with 730/731 at once, and keeps us updated.
            return (nil, [.send(IRCMessage("MONITOR", "+", clean))])
        }
        pendingIson.append([clean])
        return (nil, [.send(IRCMessage("ISON", clean))])
    }
}
