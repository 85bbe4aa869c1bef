import Foundation
import Logging
import RapportCore
import RapportTesting
import Testing

@testable import RapportStorePostgres

@Suite(.timeLimit(.minutes(5)))
struct PostgresStoreTests {
    @Test func passesConformance() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            do {
                try await StoreConformance.run(store)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    @Test("every session bounds statements, lock waits and idle transactions")
    func sessionsBoundTheirWaits() async throws {
        try await TestPostgres.withDatabase { url in
            let store = try await PostgresStore.open(try PostgresURL(url))
            defer { Task { await store.close() } }
            for (name, value) in [("statement_timeout", "5min"), ("lock_timeout", "2min"), ("idle_in_transaction_session_timeout", "5min")] {
                #expect(try await store.query("SHOW \(name)", []).first?[name].string == value)
            }
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

    /// Two stores (two "instances") on one database never lose an update to each other.
    @Test func twoStoresOnOneDatabaseSerializeTransactions() async throws {
        try await TestPostgres.withDatabase { url in
            let a = try await PostgresStore.open(try PostgresURL(url))
            let b = try await PostgresStore.open(try PostgresURL(url))
            try await a.migrate("shared", [Migration(1, "counter", ["CREATE TABLE shared_counter (n INTEGER NOT NULL)"])])
            try await b.migrate("shared", [Migration(1, "counter", ["CREATE TABLE shared_counter (n INTEGER NOT NULL)"])])
            try await a.execute("INSERT INTO shared_counter (n) VALUES (0)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    let store = i.isMultiple(of: 2) ? a : b
                    group.addTask {
                        try await store.transaction { sql in
                            let n = try await sql.query("SELECT n FROM shared_counter", []).first?["n"].int ?? -1
                            try await Task.sleep(for: .milliseconds(1))
                            try await sql.execute("UPDATE shared_counter SET n = ?", [.integer(Int64(n + 1))])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await a.query("SELECT n FROM shared_counter").first?["n"].int == 40)
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
