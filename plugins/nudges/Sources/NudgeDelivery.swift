import Foundation
import Logging
import RapportCore

/// Sends the nudges that are due, respecting each person's wishes and the rate limits.
///
/// Every step is a conditional state change in the store (`pending → sending → sent`), so one
/// nudge is sent at most once even across restarts or several bot instances. A claimed nudge
/// (`sending`) becomes `sent` only once the network took the DM (Matrix: the homeserver
/// accepted it; IRC: it was queued), and goes back to `pending` (or `dropped` after
/// ``maxAttempts``) when delivery fails; the wait runs outside the plugin's queue
/// (``PluginContext/send(_:on:outcome:)``), so a slow homeserver never holds up the plugin's
/// events. A nudge claimed by a sender that stopped before recording the outcome is retried
/// after a restart: the only window for a duplicate is a crash between handing the DM to the
/// connection and recording its delivery. A claimed nudge counts as sent for the rate limits.
///
/// With several instances (PostgreSQL) each network is served by one of them, and only that one
/// delivers the network's nudges. A claim left by an instance that died mid-delivery stays
/// claimed, since the DM may have gone out: at most once rather than twice.
struct NudgeDelivery: Sendable {
    let store: NudgeStore
    let context: PluginContext
    /// How long a failed delivery, or a nudge whose recipient has not spoken since, waits.
    let retryDelay: TimeInterval
    static let maxAttempts = 3

    /// Five delivery intervals: five minutes with the default once-a-minute job.
    static func retryDelay(every interval: TimeInterval) -> TimeInterval { 5 * interval }

    /// Puts back nudges claimed by a run of the bot that stopped mid-delivery, on the networks
    /// this instance serves as it starts: all of them with a single instance, none while
    /// networks wait for their leases (another instance may be sending).
    func recoverClaimed() async throws {
        for nudge in try await store.claimed() where await context.serves(nudge.network) {
            try await store.transition(nudge.id, from: .sending, to: .pending, reason: "restarted")
        }
    }

    /// Creates the digests that fell due, then considers every due nudge on the networks this
    /// instance serves, once.
    func deliverDue() async throws {
        let now = context.time.now
        try await store.scheduleDigests(at: now)
        for nudge in try await store.due(at: now) where await context.serves(nudge.network) {
            try await consider(nudge, now: now)
        }
    }

    private func consider(_ nudge: NudgeStore.Nudge, now: Date) async throws {
        func wait(_ until: Date, _ reason: String) async throws {
            try await store.transition(nudge.id, from: .pending, to: .pending, reason: reason, dueAt: min(until, nudge.expiresAt))
        }
        func drop(_ reason: String) async throws {
            try await store.transition(nudge.id, from: .pending, to: .dropped, reason: reason)
            context.metrics.nudge(.suppressed)
            context.logger.info("nudge dropped", metadata: ["network": "\(nudge.network)", "kind": "\(nudge.kind)", "reason": "\(reason)"])
        }
        let isDigest = nudge.kind == .digest
        // A digest is the person's own choice: it covers every channel and has no rate limit.
        let channel = isDigest ? nil : nudge.channel
        if now >= nudge.expiresAt { return try await drop("expired") }
        if let channel, await !context.isEnabled(network: nudge.network, channel: channel) {
            return try await drop("nudges are off in \(channel)")
        }
        guard let person = try await store.person(network: nudge.network, nick: nudge.recipient) else {
            return try await drop("unknown person")
        }
        if person.isBot { return try await drop("the recipient is a bot") }
        // Whoever uses the nick now must be the person it was recorded for (their excerpt, their help).
        if let recipient = nudge.recipientPerson, recipient != person.key {
            return try await wait(now.addingTimeInterval(retryDelay), "someone else uses the nick")
        }
        let who = Person(network: nudge.network, nick: nudge.recipient, identity: Identity(person.key))
        guard await context.administration.isTracked(who) else { return try await drop("the recipient said track off") }
        // Only someone who was active afterwards had the chance and let it pass.
        if !isDigest, person.lastActive <= nudge.createdAt {
            return try await wait(now.addingTimeInterval(retryDelay), "not active since")
        }
        if person.away { return try await wait(nudge.expiresAt, "away") }
        if await context.isOnline(person.address, on: nudge.network) == false {
            return try await wait(nudge.expiresAt, "offline")
        }
        let preferences = try await store.preferences(person.key)
        let settings = await context.settings(network: nudge.network, channel: channel)
        let policy =
            isDigest
            ? NudgePolicy(minimumGap: 0, weeklyLimit: .max)
            : NudgePolicy(minimumGap: settings.duration("min_gap").timeInterval, weeklyLimit: settings.int("weekly_limit"))
        let sent = isDigest ? [] : try await store.sentTimes(network: nudge.network, recipient: nudge.recipient, now: now)
        switch policy.decide(now: now, preferences: preferences, sent: sent, expires: nudge.expiresAt) {
        case .drop(let reason): return try await drop(reason)
        case .wait(let until, let reason): return try await wait(until, reason)
        case .send: break
        }
        guard let text = try await NudgeCommands.text(for: nudge, settings: settings, store: store, context: context) else {
            return try await drop("nothing to report")
        }
        guard try await store.transition(nudge.id, from: .pending, to: .sending) else { return }
        let message = OutgoingMessage(to: .user(address: person.address), text: text, style: .message)
        do {
            try await context.send(message, on: nudge.network) { failure in try await self.delivered(nudge, failure: failure) }
        } catch {
            try await delivered(nudge, failure: error)
        }
    }

    /// Records the outcome of a claimed nudge's delivery: sent, or pending again (dropped after
    /// ``maxAttempts`` failures).
    private func delivered(_ nudge: NudgeStore.Nudge, failure: (any Error)?) async throws {
        let now = context.time.now
        guard let failure else {
            try await store.transition(nudge.id, from: .sending, to: .sent, reason: "sent", sentAt: now)
            context.metrics.nudge(.sent)
            context.logger.info("nudge sent", metadata: ["network": "\(nudge.network)", "kind": "\(nudge.kind)", "channel": "\(nudge.channel)"])
            return
        }
        let attempts = try await store.countFailure(nudge.id)
        if attempts >= Self.maxAttempts {
            try await store.transition(nudge.id, from: .sending, to: .dropped, reason: "delivery failed")
            context.metrics.nudge(.suppressed)
            context.logger.warning("nudge dropped after failed deliveries", metadata: ["error": "\(failure)", "attempts": "\(attempts)"])
        } else {
            context.logger.notice("nudge not delivered; retrying later", metadata: ["error": "\(failure)", "attempts": "\(attempts)"])
            try await store.transition(
                nudge.id, from: .sending, to: .pending, reason: "delivery failed", dueAt: now.addingTimeInterval(retryDelay))
        }
    }
}
