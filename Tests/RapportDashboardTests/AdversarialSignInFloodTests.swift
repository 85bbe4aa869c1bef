import AsyncHTTPClient
import DashboardPlugin
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RapportCore
import RapportDashboard
import RapportStoreSQLite
import RapportTesting
import Testing

/// Sign-in and session checks are unauthenticated and used to query the store on every request:
/// a flood of `/signin/x` or of made-up session cookies kept the database busy for everyone.
/// Each address now gets a small budget of such queries, and is answered 429 past it.
@Suite(.timeLimit(.minutes(3)))
struct AdversarialSignInFloodTests {
    /// Runs the dashboard on a free loopback port over a counting store.
    func withDashboard(_ body: @Sendable (CountingStore, String) async throws -> Void) async throws {
        let store = CountingStore(try SQLiteStore())
        let chat = try await PluginHarness([PluginRegistration(DashboardPlugin.self)], store: store)
        let logger = Logger(label: "flood-test")
        let routes = DashboardRoutes(store: store, bot: chat.bot, secureCookies: false, logger: logger)
        try await routes.migrate()
        do {
            try await withEndpoint(routes, logger: logger) { base in try await body(store, base) }
        } catch {
            await chat.stop()
            throw error
        }
        await chat.stop()
    }

    /// Sends `count` requests at once; returns how many got each status.
    func flood(_ count: Int, _ make: @escaping @Sendable (Int) -> HTTPClientRequest) async throws -> [Int: Int] {
        try await withThrowingTaskGroup(of: Int.self) { requests in
            for index in 0..<count {
                requests.addTask {
                    let response = try await HTTPClient.shared.execute(make(index), timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    return Int(response.status.code)
                }
            }
            return try await requests.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
    }

    @Test("a flood of sign-in attempts costs the store at most the address's budget, then gets 429")
    func signInFloodIsLimitedBeforeAnyQuery() async throws {
        try await withDashboard { store, base in
            let before = store.calls
            let statuses = try await flood(300) { index in
                var request = HTTPClientRequest(url: "\(base)/signin/guess\(index)")
                if index.isMultiple(of: 2) {
                    request.method = .POST
                    request.body = .bytes(ByteBuffer(string: "form_code=guess"))
                }
                return request
            }
            // Each attempt costs at most three calls (token lookup, form key, redeem); ten
            // attempts, and one more if a token came back during the flood.
            let budget = 3 * 11
            #expect(store.calls - before <= budget, "\(store.calls - before) store calls for 300 attempts")
            #expect(statuses[429, default: 0] >= 289, "answers: \(statuses)")
            #expect(statuses.keys.allSatisfy { [401, 403, 429].contains($0) }, "answers: \(statuses)")
        }
    }

    @Test("a flood of made-up session cookies costs the store at most the address's budget, then gets 429")
    func bogusSessionFloodIsLimited() async throws {
        try await withDashboard { store, base in
            let before = store.calls
            let statuses = try await flood(300) { index in
                var request = HTTPClientRequest(url: "\(base)/dashboard")
                request.headers.add(name: "Cookie", value: "rapport_session=made-up-\(index)")
                return request
            }
            #expect(store.calls - before <= 11, "\(store.calls - before) store calls for 300 bogus sessions")
            #expect(statuses[401, default: 0] <= 11 && statuses[429, default: 0] >= 289, "answers: \(statuses)")
        }
    }
}
