import Foundation
import Testing

@testable import RapportCore

/// The bounded, expiring per-person table behind command buckets and hints.
struct ExpiringTableTests {
    func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_000_000 + seconds) }

    @Test func anEntryLastsItsLifetimeFromItsLastSet() {
        var table = ExpiringTable<String, Int>(capacity: 2, lifetime: 10)
        table.set(1, for: "a", now: at(0))
        table.set(2, for: "a", now: at(8))
        #expect(table.value(for: "a", now: at(17)) == 2)
        #expect(table.value(for: "a", now: at(18)) == nil)
    }

    @Test func aFullTableRefusesNewKeysUntilAnEntryExpires() {
        var table = ExpiringTable<String, Int>(capacity: 2, lifetime: 10)
        table.set(1, for: "a", now: at(0))
        table.set(2, for: "b", now: at(1))
        let refused = !table.set(3, for: "c", now: at(2))
        #expect(refused)
        #expect(table.value(for: "a", now: at(2)) == 1)
        let taken = table.set(3, for: "c", now: at(10))
        #expect(taken)
        #expect(table.count == 2)
        #expect(table.value(for: "b", now: at(10)) == 2)
    }

    @Test func aKeyKeptBusyStaysWhileOthersComeAndGo() {
        var table = ExpiringTable<String, Int>(capacity: 20, lifetime: 10)
        var refusals = 0, largest = 0
        for second in 0..<1_000 {
            if !table.set(second, for: "busy", now: at(Double(second))) { refusals += 1 }
            if !table.set(second, for: "k\(second)", now: at(Double(second))) { refusals += 1 }
            largest = max(largest, table.count)
        }
        #expect(refusals == 0)
        #expect(largest <= 12)
        #expect(table.value(for: "busy", now: at(1_000)) == 999)
    }
}
