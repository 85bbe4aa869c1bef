import Foundation
import Logging
import MetricsTestKit
import RapportCore
import RapportTesting
import Testing

@testable import RapportStorePostgres

@Suite(.timeLimit(.minutes(5)))
struct PostgresStoreTests {
    @Test func passesConformance() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            let other = try await PostgresStore.open(try PostgresURL(url))
            do {
                try await StoreConformance.run(store, sharingWith: other)
            } catch {
                await store.close()
                await other.close()
                throw error
            }
            await store.close()
            await other.close()
        }
    }

    @Test("every session bounds statements, lock waits and idle transactions, and has TCP keepalives")
    func sessionsBoundTheirWaits() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            var limits = PostgresLimits()
            limits.statementTimeout = .milliseconds(1500)
            limits.lockTimeout = .seconds(7)
            limits.idleInTransactionTimeout = .seconds(90)
            limits.keepalive = .seconds(12)
            let limited = try await PostgresStore.open(try PostgresURL(url), limits: limits)
            defer { Task { await store.close(); await limited.close() } }
            let expected = [
                (store, [("statement_timeout", "5min"), ("lock_timeout", "2min"), ("idle_in_transaction_session_timeout", "5min"),
                         ("tcp_keepalives_idle", "30"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "3")]),
                (limited, [("statement_timeout", "1500ms"), ("lock_timeout", "7s"), ("idle_in_transaction_session_timeout", "90s"),
                           ("tcp_keepalives_idle", "12"), ("tcp_keepalives_interval", "4")]),
            ]
            for (store, settings) in expected {
                for (name, value) in settings {
                    #expect(try await store.query("SHOW \(name)", []).first?[name].string == value, "\(name)")
                }
            }
        }
    }

    @Test("a statement past its statement or lock timeout fails at once, and is counted")
    func timedOutStatementsAreErrorsAndCounted() async throws {
        try await TestPostgres.withDatabase { url in
            let metrics = TestMetrics()
            var limits = PostgresLimits()
            limits.statementTimeout = .seconds(1)
            limits.lockTimeout = .milliseconds(200)
            let limited = try await PostgresStore.open(try PostgresURL(url), limits: limits, metrics: RapportMetrics(factory: metrics))
            let holder = try await PostgresStore.open(try PostgresURL(url))
            try await holder.migrate("held", [Migration(1, "row", ["CREATE TABLE held_row (n INTEGER NOT NULL)"])])
            try await holder.execute("INSERT INTO held_row (n) VALUES (0)")

            let started = ContinuousClock.now
            await #expect { try await limited.query("SELECT pg_sleep(30)", []) } throws: { ($0 as? ServerError)?.code == "57014" }
            let locking = await HeldTransaction(on: holder, "UPDATE held_row SET n = 1")
            defer { locking.release.finish() }
            await #expect {
                try await limited.transaction { sql in try await sql.execute("UPDATE held_row SET n = 2", []) }
            } throws: { ($0 as? ServerError)?.code == "55P03" }
            #expect(ContinuousClock.now - started < .seconds(10), "both ended by their limits")
            try await locking.end()
            #expect(try metrics.expectCounter("rapport_store_timeouts_total", [("kind", "statement")]).totalValue == 1)
            #expect(try metrics.expectCounter("rapport_store_timeouts_total", [("kind", "lock")]).totalValue == 1)
            await limited.close()
            await holder.close()
        }
    }

    /// A call that races `close()` must end too: a lease renewal on the store of a stopped
    /// instance once waited forever for a connection (a hung LeasedConnectorTests run).
    @Test("calls racing close() all end, and a closed store refuses every call at once", .timeLimit(.minutes(1)))
    func callsRacingCloseAllEnd() async throws {
        try await TestPostgres.withDatabase { url in
            for _ in 0..<5 {
                let store = try await PostgresStore.open(try PostgresURL(url))
                let callers = (0..<20).map { _ in
                    Task {
                        while true {
                            do { _ = try await store.query("SELECT pg_sleep(0.005)", []) } catch { return error }
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                await store.close()
                let started = ContinuousClock.now
                for caller in callers {
                    #expect(await caller.value is StoreError, "a call after close() fails as the store's error")
                }
                #expect(ContinuousClock.now - started < .seconds(5), "every call ended within 5 s of close()")
                await #expect(throws: StoreError.self) { _ = try await store.query("SELECT 1", []) }
            }
        }
    }

    @Test func dataSurvivesReopenAndMigrationsAreRecordedOnce() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await PostgresStore.open(try PostgresURL(url))
            let migration = Migration(1, "create", ["CREATE TABLE reopen_items (name TEXT PRIMARY KEY)"])
            try await first.migrate("reopen", [migration])
            try await first.execute("INSERT INTO reopen_items (name) VALUES (?)", ["kept"])
            try await first.setValue("v", forKey: "k", in: "reopen")
            await first.close()

            let second = try await PostgresStore.open(try PostgresURL(url))
            try await second.migrate("reopen", [migration])
            #expect(try await second.value(forKey: "k", in: "reopen") == "v")
            #expect(try await second.query("SELECT name FROM reopen_items") == [SQLRow(["name": "kept"])])
            let recorded = try await second.query("SELECT COUNT(*) AS c FROM rapport_migrations WHERE namespace = ?", ["reopen"])
            #expect(recorded.first?["c"].int == 1)
            await second.close()
        }
    }

    /// Two stores (two "instances") on one database: a transaction left open by one (a paused
    /// instance, a long batch) holds up neither the other's reads nor its writes elsewhere.
    /// Before, every call took one cluster-wide lock and waited here until the transaction ended.
    @Test("an open transaction of one instance holds up no other instance's reads or other writes")
    func openTransactionHoldsUpNoOtherInstance() async throws {
        try await TestPostgres.withDatabase { url in
            let a = try await PostgresStore.open(try PostgresURL(url))
            let b = try await PostgresStore.open(try PostgresURL(url))
            try await a.migrate("shared", [Migration(1, "rows", ["CREATE TABLE shared_rows (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"])])
            try await a.execute("INSERT INTO shared_rows (name, n) VALUES ('held', 0), ('free', 0)")
            let writer = await HeldTransaction(on: a, "UPDATE shared_rows SET n = 1 WHERE name = 'held'")
            defer { writer.release.finish() }
            let started = ContinuousClock.now
            let seen = try await value(of: Task { try await b.query("SELECT n FROM shared_rows WHERE name = 'held'") }, within: .seconds(5), "the read")
            #expect(seen.first?["n"].int == 0, "a read sees the last committed value")
            let changed = try await value(of: Task { try await b.execute("UPDATE shared_rows SET n = 2 WHERE name = 'free'") }, within: .seconds(5), "the write")
            #expect(changed == 1)
            let counted = try await value(
                of: Task { try await b.transaction { sql in try await sql.execute("UPDATE shared_rows SET n = n + 1 WHERE name = 'free'", []) } },
                within: .seconds(5), "the transaction")
            #expect(counted == 1)
            #expect(ContinuousClock.now - started < .seconds(2), "no call waited for the open transaction")
            try await writer.end()
            #expect(try await b.query("SELECT name, n FROM shared_rows ORDER BY name") == [
                SQLRow(["name": "free", "n": 3]), SQLRow(["name": "held", "n": 1]),
            ])
            await a.close()
            await b.close()
        }
    }

    @Test func unreachableServerIsAClearErrorWithoutThePassword() async throws {
        let url = try PostgresURL("postgres://rapport:s3cret-pw@127.0.0.1:1/rapport")
        do {
            _ = try await PostgresStore.open(url)
            Issue.record("opening a closed port succeeded")
        } catch let error as StoreError {
            #expect(error.code == .unavailable)
            #expect(!"\(error)".contains("s3cret-pw"))
            #expect("\(error)".contains("127.0.0.1:1"))
        }
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() async throws {
        try await TestPostgres.withDatabase { url in
            let wrong = try PostgresURL(url.replacingOccurrences(of: "rapport:rapport@", with: "rapport:not-the-pw@"))
            do {
                _ = try await PostgresStore.open(wrong)
                Issue.record("a wrong password was accepted")
            } catch let error as StoreError {
                #expect(error.code == .unavailable)
                #expect(!"\(error)".contains("not-the-pw"))
                #expect("\(error)".contains("28P01"), "the cause is named: \(error)")
            }
        }
    }
}

/// A transaction left open (a paused instance, a long batch) after running one statement.
struct HeldTransaction {
    let release: AsyncStream<Void>.Continuation
    let task: Task<Void, any Error>

    /// Returns once `statement` ran in a transaction on `store` that stays open until ``end()``.
    init(on store: PostgresStore, _ statement: String) async {
        let (holding, held) = AsyncStream.makeStream(of: Void.self)
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        self.release = release
        task = Task {
            defer { held.finish() }
            try await store.transaction { sql in
                try await sql.execute(statement, [])
                held.finish()
                for await _ in released {}
            }
        }
        for await _ in holding {}
    }

    /// Commits the transaction.
    func end() async throws {
        release.finish()
        try await task.value
    }
}

struct PostgresURLTests {
    @Test func parsing() throws {
        let url = try PostgresURL("postgres://rap%40port:p%3Ass@db.example.org:6543/rapport?sslmode=require")
        #expect(url.user == "rap@port")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.example.org")
        #expect(url.port == 6543)
        #expect(url.database == "rapport")
        #expect(url.tls == .require)
        #expect(url.description == "postgres://rap@port:***@db.example.org:6543/rapport?sslmode=require")
        #expect(try PostgresURL("postgresql://u@h/d").port == 5432)
        #expect(try PostgresURL("postgres://u:pw@localhost/d?host=/run/postgresql").socketFolder == "/run/postgresql")
    }

    @Test(arguments: [
        "mysql://u:pw@h/d", "postgres://h/d", "postgres://u:pw@h", "postgres://u:pw@h/d?sslmode=sometimes",
        "postgres://u:pw@h/d?application_name=x",
    ])
    func invalid(_ text: String) {
        #expect(throws: PostgresURL.ParseError.self) { try PostgresURL(text) }
        do { _ = try PostgresURL(text) } catch { #expect(!error.description.contains("pw")) }
    }
}

struct PlaceholderRewriterTests {
    @Test func rewriting() {
        #expect(PlaceholderRewriter.rewrite("SELECT ? , ?").sql == "SELECT $1 , $2")
        #expect(PlaceholderRewriter.rewrite("a = '?' AND b = ?").sql == "a = '?' AND b = $1")
        #expect(PlaceholderRewriter.rewrite("'it''s ?' ?").sql == "'it''s ?' $1")
        #expect(PlaceholderRewriter.rewrite(#"E'\' ?' ?"#).sql == #"E'\' ?' $1"#)
        #expect(PlaceholderRewriter.rewrite(#""col?" = ?"#).sql == #""col?" = $1"#)
        #expect(PlaceholderRewriter.rewrite("? -- ?\n?").sql == "$1 -- ?\n$2")
        #expect(PlaceholderRewriter.rewrite("? /* ? /* ? */ ? */ ?").sql == "$1 /* ? /* ? */ ? */ $2")
        #expect(PlaceholderRewriter.rewrite("$$ ? $$ ? $tag$ ? $tag$").sql == "$$ ? $$ $1 $tag$ ? $tag$")
        #expect(PlaceholderRewriter.rewrite("name$1 ?").sql == "name$1 $1")
        #expect(PlaceholderRewriter.rewrite("'é?' ?").count == 1)
    }
}
