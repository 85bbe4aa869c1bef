import Foundation
import Logging
import RapportCore

/// The weekly help digest that admins opt into per channel (`!helpers digest on #channel`): on
/// Mondays (UTC), the calendar week that just ended.
///
/// Each subscription row carries its next due time. The hourly job claims a due digest with one
/// conditional update (`… SET due_at = next WHERE due_at = old`) before sending it, so a
/// restart, or a second instance on the same database, never sends one twice; a digest whose
/// sending fails after the claim is skipped for that week (at most once, never twice).
///
/// Only the instance that serves the digest's network claims it (``PluginContext/serves(_:)``),
/// and only once it knows where the subscriber's verified identity is now (``recipient(_:recorded:network:)``):
/// until then the digest waits, unclaimed, and is sent when they are seen.
struct HelpDigest: Sendable {
    let statistics: HelpStatistics
    let seen: SeenIdentities
    let context: PluginContext
    var sql: any Store { statistics.sql }
    /// When the digest after `now` falls due: the start of the next calendar week.
    static func nextDue(after now: Date) -> Date { HelpPeriod.week(containing: now).end }

    /// Subscribes `admin` (a ``Person/key``) to the digest of `channel`; the first comes next Monday.
    func subscribe(network: String, channel: String, admin: String, address: String) async throws {
        try await sql.execute(
            """
            INSERT INTO thanks_digest (network, channel, admin, address, due_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (network, channel, admin) DO UPDATE SET address = excluded.address
            """,
            [.text(network), .text(channel), .text(admin), .text(address),
             .real(Self.nextDue(after: context.time.now).timeIntervalSince1970)])
    }

    /// Ends a subscription; returns whether there was one.
    func unsubscribe(network: String, channel: String, admin: String) async throws -> Bool {
        try await sql.execute(
            "DELETE FROM thanks_digest WHERE network = ? AND channel = ? AND admin = ?", [.text(network), .text(channel), .text(admin)]) == 1
    }

    /// Sends every digest that fell due, each at most once.
    func deliverDue() async throws {
        let now = context.time.now
        let (owners, admins) = await context.administration.admins()
        let allowed = Set((owners + admins).map(\.rawValue))
        for row in try await sql.query("SELECT * FROM thanks_digest WHERE due_at <= ?", [.real(now.timeIntervalSince1970)]) {
            guard let network = row["network"].string, let channel = row["channel"].string, let admin = row["admin"].string,
                let address = row["address"].string, let due = row["due_at"].double
            else { continue }
            // Another instance serves the network, and sends it.
            guard await context.serves(network) else { continue }
            guard allowed.contains(admin) else {
                _ = try await unsubscribe(network: network, channel: channel, admin: admin)
                context.logger.info("digest dropped: no longer an admin", metadata: ["network": "\(network)", "channel": "\(channel)"])
                continue
            }
            guard let identity = Identity(admin), let address = recipient(identity, recorded: address, network: network) else {
                context.logger.debug("digest waits: its admin was not seen with their identity", metadata: ["network": "\(network)"])
                continue
            }
            // A bot that was down for weeks sends one digest, not one per missed week.
            let next = Self.nextDue(after: now).timeIntervalSince1970
            let claimed = try await sql.execute(
                "UPDATE thanks_digest SET due_at = ? WHERE network = ? AND channel = ? AND admin = ? AND due_at = ?",
                [.real(next), .text(network), .text(channel), .text(admin), .real(due)])
            guard claimed == 1 else { continue }
            do {
                for line in try await lines(network: network, channel: channel, now: now) {
                    try await context.send(OutgoingMessage(to: .user(address: address), text: line, style: .message), on: network)
                }
                context.logger.info("digest sent", metadata: ["network": "\(network)", "channel": "\(channel)"])
            } catch {
                context.logger.warning("digest not sent", metadata: ["network": "\(network)", "channel": "\(channel)", "error": "\(error)"])
            }
        }
    }

    /// Where the digest of `identity` may go now: the recorded address when it names the
    /// identity itself (a Matrix user ID, a console name), else the address (an IRC nick) the
    /// identity was last seen at, while no one else has taken that nick; `nil` when unknown.
    func recipient(_ identity: Identity, recorded address: String, network: String) -> String? {
        if Identity.matrix(userID: address) == identity || Identity.console(address) == identity { return address }
        return seen.address(of: identity, on: network)
    }

    /// The digest of the calendar week before the one of `now`.
    func lines(network: String, channel: String, now: Date) async throws -> [String] {
        let week = HelpPeriod.week(before: now)
        let size = await context.settings(network: network, channel: channel).int("top_size")
        return [
            "Weekly digest. " + HelpReport.activity(try await statistics.activity(network: network, channel: channel, period: week), channel: channel, period: week),
            HelpReport.helpers(try await statistics.helpers(network: network, channel: channel, period: week, limit: size), channel: channel, period: week),
            HelpReport.unsung(try await statistics.unsungHelpers(network: network, channel: channel, period: week, limit: size)),
            HelpReport.openQuestions(try await statistics.openQuestions(network: network, channel: channel, period: week, limit: size), now: now),
        ]
    }
}

// MARK: - Personal data

extension HelpDigest {
    func personalData(about person: Person) async throws -> JSONValue {
        JSONValue(rows: try await sql.query(
            "SELECT network, channel, address, due_at FROM thanks_digest WHERE admin = ?", [.text(person.key)]))
    }

    func forget(_ person: Person) async throws {
        try await sql.execute("DELETE FROM thanks_digest WHERE admin = ?", [.text(person.key)])
    }
}
