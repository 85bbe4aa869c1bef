import Foundation
import RapportCore
import RapportPluginHost
import RapportTesting
import Testing

/// Plugins that crash, hang, flood or write garbage never take the bot or other plugins down.
@Suite(.timeLimit(.minutes(5)))
struct CrashIsolationTests {
    /// `!ok` answers `ok (pid N)`; returns N.
    func pid(_ chat: PluginHarness) async throws -> Int? {
        guard let answer = try await chat.say("!ok", as: "alice").first, answer.hasPrefix("ok (pid ") else { return nil }
        return Int(answer.dropFirst("ok (pid ".count).dropLast())
    }

    @Test func aCrashIsAnsweredAndThePluginComesBack() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("crash")])
        let before = try #require(try await pid(chat))
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        #expect(try await chat.say("!ping", as: "alice") == ["pong"])
        #expect(try await Fixtures.eventually { try await pid(chat).map { $0 != before } ?? false })
        let audit = try await chat.say("!audit", as: "root", account: "root")
        #expect(audit.first?.contains("plugin:bad plugin.restart bad: the process exited with status 3") == true)
        let status = await Administration(bot: chat.bot).plugins(network: nil, channel: nil).first { $0.descriptor.id == "bad" }
        let process = try #require(status?.process)
        #expect(process.phase == .running && process.restarts == 1)
        #expect(process.lastError == "the process exited with status 3")
        #expect(process.standardErrorTail.contains("giving up: crash requested"))
        await chat.stop()
    }

    @Test func killingTheProcessMidRunLeavesTheBotServingAndThePluginBackWithinSeconds() async throws {
        let chat = try await Fixtures.chat([Fixtures.example(), Fixtures.misbehaving("hang")])
        let before = try #require(try await pid(chat))
        #expect(kill(pid_t(before), SIGKILL) == 0)
        #expect(try await chat.say("!echo still here", as: "alice") == ["still here"])
        #expect(try await chat.say("!ping", as: "alice") == ["pong"])
        #expect(try await Fixtures.eventually(within: 5) { try await pid(chat).map { $0 != before } ?? false })
        await chat.stop()
    }

    @Test func aHangIsTimedOutAndRestarted() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("hang", timeout: 0.5), Fixtures.example()])
        let started = Date()
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin did not answer in time; it is being restarted."])
        #expect(Date().timeIntervalSince(started) < 30, "answered after the 0.5 s timeout, not after a hang")
        #expect(try await chat.say("!echo other plugins work", as: "alice") == ["other plugins work"])
        #expect(try await Fixtures.eventually { try await pid(chat) != nil })
        await chat.stop()
    }

    @Test func someGarbageIsRefusedAndTolerated() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("garbage")])
        let before = try #require(try await pid(chat))
        #expect(try await chat.say("!go", as: "alice") == ["still here"])
        #expect(try await pid(chat) == before)
        await chat.stop()
    }

    @Test func aBannerBeforeTheManifestIsTolerated() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("banner")])
        #expect(try await pid(chat) != nil)
        await chat.stop()
    }

    @Test func anOversizeLineIsSkipped() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("oversize")])
        #expect(try await chat.say("!go", as: "alice") == ["after the big line"])
        await chat.stop()
    }

    @Test func aFloodOfLinesGetsThePluginRestarted() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("flood", lineRate: 100)])
        let before = try #require(try await pid(chat))
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        #expect(try await chat.say("!ping", as: "alice") == ["pong"])
        #expect(try await Fixtures.eventually { try await pid(chat).map { $0 != before } ?? false })
        await chat.stop()
    }

    @Test func chatOutputIsLimitedPerPlugin() async throws {
        let chat = try await Fixtures.chat(
            [Fixtures.misbehaving("spam")],
            configuration: BotConfiguration(owners: [Fixtures.owner], commandBurst: 100, pluginOutputBurst: 10, pluginOutputPerSecond: 0.1))
        let said = try await chat.say("!go", as: "alice")
        #expect(said.count == 10)
        #expect(said.first == "spam 0")
        // Other plugins have their own allowance.
        #expect(try await chat.say("!ping", as: "alice") == ["pong"])
        await chat.stop()
    }

    @Test func repeatedFailuresSwitchThePluginOffUntilReload() async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving("crash", maxRestarts: 1)])
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        #expect(try await Fixtures.eventually { try await pid(chat) != nil })
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        let off = ["The bad plugin is off after repeated failures; an admin can try !plugin reload bad."]
        #expect(try await Fixtures.eventually { try await chat.say("!ok", as: "alice") == off })
        let audit = try await chat.say("!audit 1", as: "root", account: "root")
        #expect(audit.first?.contains("plugin:bad plugin.disabled bad failed 2 times in a row") == true)
        #expect(try await chat.say("!plugin reload bad", as: "root", account: "root") == ["bad reloaded."])
        #expect(try await pid(chat) != nil)
        await chat.stop()
    }

    @Test(arguments: ["wrong-id", "exit-at-start"])
    func aFailedHandshakeLeavesTheBotRunning(mode: String) async throws {
        let chat = try await Fixtures.chat([Fixtures.misbehaving(mode), Fixtures.example()])
        #expect(try await chat.say("!plugins", as: "alice") == ["Plugins: core (on), admin (on), bad (failed), echo (on)"])
        #expect(try await chat.say("!echo hi", as: "alice") == ["hi"])
        await chat.stop()
    }

    @Test func aPluginThatCrashesOnceRecovers() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let chat = try await Fixtures.chat([Fixtures.misbehaving("crash-once", state: state)])
        #expect(try await chat.say("!go", as: "alice") == ["The bad plugin stopped working; it is being restarted."])
        #expect(try await Fixtures.eventually { try await chat.say("!go", as: "alice") == ["went"] })
        await chat.stop()
    }
}
