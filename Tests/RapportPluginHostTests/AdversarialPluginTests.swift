import Foundation
import Logging
import RapportCore
@testable import RapportPluginHost
import RapportTesting
import Testing

/// External plugins that try to take the bot's memory or its own data: a flood of lines,
/// endless jobs, an endless store, and the runtime's own id.
@Suite(.timeLimit(.minutes(3)))
struct AdversarialPluginTests {
    @Test("a plugin writing lines as fast as it can holds at most a bounded queue of them")
    func aFloodWaitsInABoundedQueue() async throws {
        let process = try PluginProcess(Fixtures.misbehaving("flood-forever"), logger: .init(label: "test"))
        #expect(process.send(Array(#"{"type":"hello","protocol":1,"plugin_id":"bad"}"#.utf8) + [10]))
        // Nobody takes lines: once the queue is full, the plugin could write millions more.
        let capacity = PluginProcess.maximumWaitingLines
        #expect(try await Fixtures.eventually(within: 30) { process.output.mostWaiting >= capacity })
        try await Task.sleep(for: .seconds(1))
        #expect(process.output.mostWaiting == capacity)
        var taken = 0
        for await _ in process.output {
            taken += 1
            if taken == 50_000 { break }
        }
        #expect(taken == 50_000, "the plugin goes on writing as lines are taken")
        #expect(process.output.mostWaiting == capacity)
        // As the supervisor does: kill it, then take what is left, up to the end of its output.
        process.kill(force: true)
        for await _ in process.output {}
    }

    @Test func aFloodPastTheLimitIsCountedAndSwitchesThePluginOff() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("flood", maxRestarts: 0, lineRate: 100)])
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        let off = ["The bad plugin is off after repeated failures; an admin can try !plugin reload bad."]
        #expect(try await Fixtures.eventually { try await chat.say("!ok", as: "alice") == off })
        let disabled = "plugin.disabled bad failed 1 times in a row (last: it wrote more than 100 lines a second (flood))"
        #expect(try await Fixtures.eventually { try await chat.say("!audit 1", as: "root", account: "root").first?.contains(disabled) == true })
        await chat.stop()
    }

    @Test func aPluginSchedulingTenThousandJobsIsRefusedPastItsCap() async throws {
        // The longest a plugin may take: 10,000 requests through a pipe, beside the whole suite on two cores.
        var configuration = Fixtures.misbehaving("jobs", timeout: 25, lineRate: 1_000_000)
        configuration.maxJobs = 20
        let chat = try await Fixtures.chat([configuration])
        #expect(try await chat.say("!go", as: "alice") == ["scheduled 20, refused 9980: quota a plugin may schedule at most 20 jobs (max_jobs)."])
        #expect(try await chat.say("!ok", as: "alice").first?.hasPrefix("ok (pid ") == true)
        await chat.stop()
    }

    @Test(arguments: [
        (keys: 50, bytes: 1_000_000, answer: "stored 50, refused 10: quota the plugin's store is full: at most 50 keys (max_store_keys).; overwrite ok"),
        (keys: 10_000, bytes: 2_000, answer: "stored 19, refused 41: quota the plugin's store is full: at most 2000 bytes (max_store_bytes).; overwrite ok"),
    ])
    func aPluginStoringPastItsQuotaGetsErrors(keys: Int, bytes: Int, answer: String) async throws {
        var configuration = Fixtures.misbehaving("store", timeout: 25)
        configuration.maxStoreKeys = keys
        configuration.maxStoreBytes = bytes
        let chat = try await Fixtures.chat([configuration])
        #expect(try await chat.say("!go", as: "alice") == [answer])
        let stored = try await chat.store.entries(in: "bad", keyPrefix: "")
        #expect(stored.count <= keys)
        #expect(stored.reduce(0) { $0 + $1.key.count + $1.value.count } <= bytes)
        await chat.stop()
    }

    @Test("a plugin configured with the runtime's id `rapport` is refused and cannot make an admin")
    func theRuntimesIDIsRefused() async throws {
        let configuration = Fixtures.misbehaving("admin", id: "rapport")
        #expect(configuration.problems() == ["id 'rapport' is reserved for the bot's own data (ids starting with 'rapport'); choose another id."])
        let chat = try await Fixtures.chat([configuration])
        #expect(try await chat.say("!plugins", as: "alice") == ["Plugins: core (on), admin (on), rapport (failed)"])
        _ = try await chat.say("!go", as: "alice")
        #expect(try await chat.store.value(forKey: "admin/irc:test:mallory", in: "rapport") == nil)
        #expect(try await chat.say("!admin list", as: "root", account: "root") == ["Owners: irc:test:root. Admins: none."])
        await chat.stop()
    }
}
