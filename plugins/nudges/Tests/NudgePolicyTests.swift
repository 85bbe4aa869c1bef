import Foundation
import NudgesPlugin
import Testing

struct NudgePolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 UTC
    let later = Date(timeIntervalSince1970: 1_800_000_000 + 3 * 86400)

    @Test func aFirstNudgeGoesOut() {
        #expect(NudgePolicy().decide(now: now, preferences: .init(), sent: [], expires: later) == .send)
    }

    @Test func optedOutPeopleGetNothing() {
        var preferences = NudgePreferences()
        preferences.off = true
        #expect(NudgePolicy().decide(now: now, preferences: preferences, sent: [], expires: later) == .drop(reason: "nudges are off for this person"))
    }

    @Test func atMostOneNudgePerTwelveHours() {
        let decision = NudgePolicy().decide(now: now, preferences: .init(), sent: [now.addingTimeInterval(-3600)], expires: later)
        #expect(decision == .wait(until: now.addingTimeInterval(11 * 3600), reason: "at most one nudge per 12 hours"))
    }

    @Test func atMostThreeNudgesAWeek() {
        let sent = [1, 2, 3].map { now.addingTimeInterval(-Double($0) * 86400) }
        let decision = NudgePolicy().decide(now: now, preferences: .init(), sent: sent, expires: later.addingTimeInterval(10 * 86400))
        #expect(decision == .wait(until: sent[2].addingTimeInterval(7 * 86400), reason: "at most 3 nudges a week"))
    }

    @Test func snoozeDefersAndStaleNudgesAreDropped() {
        var preferences = NudgePreferences()
        preferences.snoozedUntil = now.addingTimeInterval(86400)
        #expect(NudgePolicy().decide(now: now, preferences: preferences, sent: [], expires: later) == .wait(until: now.addingTimeInterval(86400), reason: "snoozed"))
        #expect(NudgePolicy().decide(now: now, preferences: preferences, sent: [], expires: now.addingTimeInterval(3600)) == .drop(reason: "snoozed until after it expired"))
    }

    @Test func quietHoursDeferToTheirEndInTheirTimeZone() throws {
        // 08:00 UTC is 09:00 in Berlin (winter): inside 22:00-10:00 Europe/Berlin, which ends at 09:00 UTC.
        var preferences = NudgePreferences()
        preferences.quiet = try #require(QuietHours("22:00-10:00 Europe/Berlin"))
        #expect(NudgePolicy().decide(now: now, preferences: preferences, sent: [], expires: later) == .wait(until: now.addingTimeInterval(3600), reason: "quiet hours"))
        preferences.quiet = try #require(QuietHours("22:00-08:00 Europe/Berlin"))
        #expect(NudgePolicy().decide(now: now, preferences: preferences, sent: [], expires: later) == .send)
    }

    @Test func quietHoursParse() {
        #expect(QuietHours("22:00-08:00 Europe/Berlin")?.description == "22:00-08:00 Europe/Berlin")
        #expect(QuietHours("23-7")?.description == "23:00-07:00 UTC")
        #expect(QuietHours("22:00-08:00 Mars/Olympus") == nil)
        #expect(QuietHours("25:00-08:00") == nil)
        #expect(QuietHours("08:00-08:00") == nil)
        #expect(QuietHours("tonight") == nil)
    }
}
