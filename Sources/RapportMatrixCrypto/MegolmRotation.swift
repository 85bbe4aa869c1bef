/// When the bot replaces its outbound Megolm session in a room, from the room's
/// `m.room.encryption` settings: after `rotation_period_msgs` messages or `rotation_period_ms`
/// milliseconds, whichever comes first (spec defaults: 100 messages, one week).
///
/// A room cannot make the bot keep one key for long: the period is held to between one hour
/// and one week, and the count to between 1 and 10,000 messages (the bounds matrix-rust-sdk
/// uses). A member leaving or being banned also ends the session; the connector discards it
/// then (``OlmMachine/discardOutboundSession(room:)``).
public struct MegolmRotation: Sendable, Hashable {
    /// Milliseconds a session is used at most.
    public let periodMilliseconds: Int64
    /// Messages a session encrypts at most.
    public let messages: Int

    static let hour: Int64 = 3_600_000
    static let week: Int64 = 7 * 24 * hour

    /// The rule for a room whose `m.room.encryption` content has these values (`nil`: not set).
    public init(rotationPeriodMs: Int?, rotationPeriodMsgs: Int?) {
        periodMilliseconds = min(max(Int64(clamping: rotationPeriodMs ?? Int(Self.week)), Self.hour), Self.week)
        messages = min(max(rotationPeriodMsgs ?? 100, 1), 10_000)
    }

    /// The spec's defaults.
    public static let `default` = MegolmRotation(rotationPeriodMs: nil, rotationPeriodMsgs: nil)

    /// Whether a session created at `createdAt` that has encrypted `sent` messages must be
    /// replaced before the next one (times in milliseconds since 1970).
    public func isDue(createdAt: Int64, sent: Int, now: Int64) -> Bool {
        sent >= messages || now - createdAt >= periodMilliseconds || now < createdAt
    }
}
