import Foundation
import RapportMatrixCrypto
import RapportTesting
import Testing

struct MegolmRotationTests {
    static let hour: Int64 = 3_600_000
    static let week: Int64 = 7 * 24 * hour

    @Test("the room's settings, held to one hour..one week and 1..10,000 messages")
    func bounds() {
        #expect(MegolmRotation.default.periodMilliseconds == Self.week)
        #expect(MegolmRotation.default.messages == 100)
        #expect(MegolmRotation(rotationPeriodMs: Int(2 * Self.hour), rotationPeriodMsgs: 10).periodMilliseconds == 2 * Self.hour)
        #expect(MegolmRotation(rotationPeriodMs: Int(2 * Self.hour), rotationPeriodMsgs: 10).messages == 10)
        #expect(MegolmRotation(rotationPeriodMs: 1, rotationPeriodMsgs: 0).periodMilliseconds == Self.hour)
        #expect(MegolmRotation(rotationPeriodMs: 1, rotationPeriodMsgs: 0).messages == 1)
        #expect(MegolmRotation(rotationPeriodMs: Int.max, rotationPeriodMsgs: Int.max).periodMilliseconds == Self.week)
        #expect(MegolmRotation(rotationPeriodMs: Int.max, rotationPeriodMsgs: Int.max).messages == 10_000)
    }

    @Test("due after the message count, after the period, or when the clock went back")
    func due() {
        let rule = MegolmRotation(rotationPeriodMs: Int(Self.hour), rotationPeriodMsgs: 3)
        #expect(!rule.isDue(createdAt: 0, sent: 2, now: Self.hour - 1))
        #expect(rule.isDue(createdAt: 0, sent: 3, now: 1))
        #expect(rule.isDue(createdAt: 0, sent: 0, now: Self.hour))
        #expect(rule.isDue(createdAt: 10, sent: 0, now: 5))
    }

    @Test("the machine starts a new outbound session when the count or the period runs out, or after a discard")
    func machineRotates() async throws {
        let bot = try await CryptoTestDevice("@bot:test")
        let rule = MegolmRotation(rotationPeriodMs: Int(Self.hour), rotationPeriodMsgs: 2)
        let first = try await bot.machine.outboundRoomKey(room: "!r:test", rotation: rule)
        _ = try await bot.machine.encrypt(megolm: "a", room: "!r:test")
        let kept = try await bot.machine.outboundRoomKey(room: "!r:test", rotation: rule)
        #expect(!kept.isNew && kept.key.sessionID == first.key.sessionID)
        _ = try await bot.machine.encrypt(megolm: "b", room: "!r:test")
        let second = try await bot.machine.outboundRoomKey(room: "!r:test", rotation: rule)
        #expect(second.isNew && second.key.sessionID != first.key.sessionID)

        bot.time.advance(by: .seconds(3600))
        let third = try await bot.machine.outboundRoomKey(room: "!r:test", rotation: rule)
        #expect(third.isNew && third.key.sessionID != second.key.sessionID)

        try await bot.machine.discardOutboundSession(room: "!r:test")
        let fourth = try await bot.machine.outboundRoomKey(room: "!r:test", rotation: rule)
        #expect(fourth.isNew && fourth.key.sessionID != third.key.sessionID)
    }
}
