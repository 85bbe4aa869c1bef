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
            if let sts = offeredCaps["sts"], applySTS(sts, &actions) { return }
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
            if let sts = offeredCaps["sts"], list.contains(where: { $0.hasPrefix("sts") }), applySTS(sts, &actions) { return }
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
                    actions.append(.send(IRCMessage("QUIT", "SASL \(sasl.mechanism.rawValue) not offered")))
                    actions.append(.fail(IRCConnectorError(
                        .saslUnavailable,
                        "SASL \(sasl.mechanism.rawValue) is required but the server offers only \(mechanisms). "
                            + "Choose one of those in irc.sasl.mechanism, or set irc.sasl.required: false to connect without a login.")))
                    return
                } else {
                    actions.append(.log(.warning, "SASL \(sasl.mechanism.rawValue) not offered (\(mechanisms)); continuing without login"))
                }
            } else if sasl.required {
                actions.append(.send(IRCMessage("QUIT", "SASL not offered")))
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
            do {
                saslExchange = SASLExchange(try saslMechanism(sasl))
                actions.append(.send(IRCMessage("AUTHENTICATE", sasl.mechanism.rawValue)))
            } catch {
                saslLoginFailed("failed: \(error)", &actions)
            }
            return
        }
        if let sasl = configuration.sasl, sasl.required {
            actions.append(.disconnect(reason: "SASL is required but the server did not enable it; will retry"))
            return
        }
        phase = .registering
        actions.append(.send(IRCMessage("CAP", "END")))
    }

    private func saslMechanism(_ sasl: IRCConfiguration.SASL) throws -> SASLExchange.Mechanism {
        let user = sasl.username ?? configuration.nick
        switch sasl.mechanism {
        case .plain: return .plain(username: user, password: sasl.password ?? "")
        case .external: return .external
        case .scramSHA256: return .scram(try SCRAMClient(hash: .sha256, username: user, password: sasl.password ?? ""))
        case .scramSHA512: return .scram(try SCRAMClient(hash: .sha512, username: user, password: sasl.password ?? ""))
        case .ecdsaNIST256PChallenge:
            guard let saslSigner else { throw ECDSAChallengeSigner.Failure(description: "no key was loaded from irc.sasl.key_file") }
            return .ecdsa(username: user, signer: saslSigner, sentName: false)
        }
    }

    mutating func handleAuthenticate(_ message: IRCMessage, _ actions: inout [Action]) {
        guard phase == .authenticating, var exchange = saslExchange, let parameter = message.parameters.first else { return }
        let outcome = exchange.receive(parameter)
        saslExchange = exchange
        switch outcome {
        case .reply(let lines): actions += lines.map { .send($0) }
        case .wait: break
        case .abort(let reason):
            actions.append(.send(IRCMessage("AUTHENTICATE", "*")))
            saslLoginFailed("failed: \(reason)", &actions)
        }
    }

    mutating func finishSASL(_ actions: inout [Action]) {
        guard phase == .authenticating, saslExchange != nil else { return }
        if saslExchange?.serverVerified == false {
            // The server says we are in, but never proved it knows the password: trust nothing.
            saslLoginFailed("failed: \(SCRAMClient.Failure.missingServerSignature)", &actions)
            return
        }
        actions.append(.log(.info, "SASL login succeeded\(account.map { " as \($0)" } ?? "")"))
        phase = .registering
        actions.append(.send(IRCMessage("CAP", "END")))
    }

    mutating func handleSASLFailure(_ message: IRCMessage, _ actions: inout [Action]) {
        guard phase == .authenticating, saslExchange != nil else { return }  // nil: this login already failed
        saslLoginFailed("was refused by the server (\(message.command) \(message.parameters.last ?? ""))", &actions)
    }

    /// Ends a login that failed (`what` completes "SASL X login as Y …"): with `sasl.required`,
    /// QUIT and stop the connector; without, CAP END and go on unauthenticated.
    private mutating func saslLoginFailed(_ what: String, _ actions: inout [Action]) {
        guard let sasl = configuration.sasl else { return }
        saslFailed = true
        saslExchange = nil
        let user = sasl.username ?? configuration.nick
        let who =
            switch sasl.mechanism {
            case .external: "with the client certificate"
            case .ecdsaNIST256PChallenge: "as \(user) with the key in irc.sasl.key_file"
            case .plain, .scramSHA256, .scramSHA512: "as \(user)"
            }
        let summary = "SASL \(sasl.mechanism.rawValue) login \(who) \(what)"
        if sasl.required {
            actions.append(.send(IRCMessage("QUIT", "SASL login failed")))
            actions.append(.fail(IRCConnectorError(
                .saslRefused, "\(summary). Check irc.sasl, or set irc.sasl.required: false to connect without a login.")))
        } else {
            actions.append(.log(.error, "\(summary); continuing without login"))
            phase = .registering
            actions.append(.send(IRCMessage("CAP", "END")))
        }
    }

    /// Acts on an IRCv3 `sts` value; true when the connection is being upgraded (stop here).
    private mutating func applySTS(_ value: String, _ actions: inout [Action]) -> Bool {
        let policy = STSPolicy(value)
        if configuration.tls {
            // On a secure connection only the duration counts; a port is ignored.
            if let duration = policy.duration { actions.append(.keepSTSPolicy(duration: duration)) }
            return false
        }
        guard let port = policy.port else { return false }
        actions.append(.log(.info, "the server's STS policy moves us to TLS on port \(port)"))
        actions.append(.send(IRCMessage("QUIT", "Switching to TLS (STS)")))
        actions.append(.upgradeToTLS(port: port))
        return true
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
