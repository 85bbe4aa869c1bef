import Foundation

extension Bot {
    /// The command in `text`, using the prefix in force where `event` happened.
    func parseCommand(_ text: String, in event: ChatEvent) -> CommandParser.Match? {
        let prefix = commandPrefix(network: event.network, channel: event.channel)
        let nick = nick(on: event.network) ?? "rapport"
        let parser = CommandParser(prefix: prefix, botNick: nick, casemapping: casemapping(of: event.network))
        return parser.parse(text, isDirect: event.isDirect)
    }

    /// The command prefix in force in a place: the `core` plugin's `prefix` setting.
    func commandPrefix(network: String?, channel: String?) -> String {
        settings("core", network: network, channel: channel).values["prefix"]?.description ?? "!"
    }

    /// The caller's role where `event` happened.
    public func role(of event: ChatEvent) -> Role {
        if let identity = event.sender.identity {
            if configuration.owners.contains(identity) { return .owner }
            if state.admins[identity] != nil { return .admin }
        }
        return event.senderIsOperator && event.channel != nil ? .channelOperator : .anyone
    }

    func route(_ match: CommandParser.Match, event: ChatEvent) async {
        if isIgnored(event.sender, on: event.network) { return }
        let found = registrations.lazy.compactMap { registration in
            registration.descriptor.commands.first { $0.name == match.name }.map { (registration.descriptor, $0) }
        }.first
        guard let (descriptor, spec) = found else {
            await hint(event, "I don't know the command '\(match.name)'. Try help for the list.", show: match.addressed)
            return
        }
        guard isEnabled(descriptor.id, network: event.network, channel: event.channel),
            let runner = runners[descriptor.id]
        else {
            await hint(event, "The \(descriptor.id) plugin is turned off here.", show: true)
            return
        }
        let role = role(of: event)
        // The per-person limit comes first: a refusal is output too.
        guard takeCommandToken(for: event, role: role) else {
            await hint(event, "You're sending commands too fast; try again in a few seconds.", show: true)
            return
        }
        guard role >= spec.requires else {
            try? await reply(to: event, CommandError.notPermitted(spec.requires).reply)
            return
        }
        let invocation = CommandInvocation(
            name: match.name, arguments: match.arguments, argumentText: match.argumentText, event: event, role: role)
        runner.enqueue(.command(invocation))
    }

    /// Answers with a short hint at most once per person and five minutes, so that a typo or a
    /// command meant for another bot never turns into a flood.
    private func hint(_ event: ChatEvent, _ text: String, show: Bool) async {
        guard show else { return }
        let key = userKey(event)
        let now = time.now
        // With the table full of recent hints (a flood of new names), newcomers get none.
        guard hintsGiven.value(for: key, now: now) == nil, hintsGiven.set(now, for: key, now: now) else { return }
        try? await reply(to: event, text)
    }

    /// How many people's hints and command buckets are kept at most.
    static let peopleTracked = 10_000

    /// Command buckets kept until they are full again: dropping one then changes nothing.
    static func commandBuckets(for configuration: BotConfiguration) -> ExpiringTable<String, TokenBucket> {
        let refill = Double(configuration.commandBurst) / max(configuration.commandsPerSecond, 0.001)
        return ExpiringTable(capacity: peopleTracked, lifetime: max(refill, 1))
    }

    private func takeCommandToken(for event: ChatEvent, role: Role) -> Bool {
        if role >= .admin { return true }
        let now = time.now
        return commandBuckets.takeToken(for: userKey(event), now: now) {
            TokenBucket(capacity: Double(configuration.commandBurst), refillPerSecond: configuration.commandsPerSecond, now: now)
        }
    }

    private func userKey(_ event: ChatEvent) -> String {
        event.sender.identity?.rawValue ?? "\(event.network)/\(event.sender.nick.lowercased())"
    }
}
