import Foundation
import Logging
import RapportApp
import RapportCore
import RapportStorePostgres
import RapportTesting
import Testing

@Suite(.timeLimit(.minutes(5)))
struct StorageConfigurationTests {
    let loader = ConfigurationLoader(
        descriptors: BuiltInPlugins.all.map(\.descriptor), environment: ["PG_URL": "postgres://rapport:hunter2@db:5432/rapport"])

    func problem(_ yaml: String) -> ConfigurationError? { loader.problem(yaml) }

    @Test func exactlyOneBackend() throws {
        let (file, _) = try loader.parse("storage: { postgres: '${PG_URL}' }", file: "test.yaml")
        #expect(file.storage.postgres == "postgres://rapport:hunter2@db:5432/rapport")
        #expect(file.storage.sqlite == nil)
        #expect(try loader.parse("storage: { sqlite: /var/lib/rapport/db.sqlite }", file: "t").file.storage.sqlite == "/var/lib/rapport/db.sqlite")
        #expect(problem("storage: { sqlite: a.sqlite, postgres: '${PG_URL}' }")?.problem == "use either sqlite or postgres, not both.")
        #expect(problem("storage: {}")?.path == "storage")
        #expect(problem("storage: { mysql: x }")?.path == "storage.mysql")
    }

    @Test func aBadURLIsNamedWithoutThePassword() {
        let error = problem("storage: { postgres: 'postgres://rapport:hunter2@db:5432' }")
        #expect(error?.path == "storage.postgres")
        #expect(error?.description.contains("no database") == true)
        #expect(error?.description.contains("hunter2") == false)
        #expect(problem("storage: { postgres: 'mysql://u:hunter2@h/d' }")?.description.contains("hunter2") == false)
    }

    @Test func httpSection() throws {
        #expect(try loader.parse("bot: {}", file: "t").file.http == nil)
        #expect(try loader.parse("http: {}", file: "t").file.http?.listen == "127.0.0.1:9300")
        #expect(try loader.parse("http: { listen: '127.0.0.1:9400' }", file: "t").file.http?.listen == "127.0.0.1:9400")
        #expect(problem("http: { listen: 'everywhere' }")?.path == "http.listen")
        #expect(problem("http: { port: 1 }")?.path == "http.port")
    }

    @Test func instancesSectionSetsTheLeaseOnlyForPostgres() throws {
        let postgres = "storage: { postgres: '${PG_URL}' }"
        #expect(try loader.parse(postgres, file: "t").file.instances == nil)
        #expect(try loader.parse(postgres + "\ninstances: {}", file: "t").file.instances?.leaseSeconds == 15)
        #expect(try loader.parse(postgres + "\ninstances: { lease_seconds: 6 }", file: "t").file.instances?.leaseSeconds == 6)
        #expect(
            problem(postgres + "\ninstances: { lease_seconds: 1 }")
                == ConfigurationError(file: "test.yaml", path: "instances.lease_seconds", problem: "must be between 2 and 300 seconds."))
        #expect(problem(postgres + "\ninstances: { lease_seconds: 301 }")?.path == "instances.lease_seconds")
        #expect(problem(postgres + "\ninstances: { lease_seconds: soon }")?.problem == "expected a number.")
        #expect(problem(postgres + "\ninstances: { ttl: 5 }")?.path == "instances.ttl")
        #expect(problem("storage: { sqlite: a.sqlite }\ninstances: { lease_seconds: 15 }")?.path == "instances")
    }

    @Test("storage.postgres_limits sets the pool and every timeout, and only for PostgreSQL")
    func postgresLimits() throws {
        let postgres = "storage: { postgres: '${PG_URL}'"
        #expect(try loader.parse(postgres + " }", file: "t").file.storage.postgresLimits == nil)
        let limits = try #require(
            try loader.parse(
                postgres + """
                    , postgres_limits: { pool_size: 4, connect_timeout_seconds: 3, statement_timeout_seconds: 30,
                    lock_timeout_seconds: 2.5, idle_in_transaction_timeout_seconds: 60, keepalive_seconds: 15 } }
                    """, file: "t"
            ).file.storage.postgresLimits)
        #expect(limits.poolSize == 4)
        #expect(limits.connectTimeout == .seconds(3))
        #expect(limits.statementTimeout == .seconds(30))
        #expect(limits.lockTimeout == .milliseconds(2500))
        #expect(limits.idleInTransactionTimeout == .seconds(60))
        #expect(limits.keepalive == .seconds(15))
        #expect(try loader.parse(postgres + ", postgres_limits: {} }", file: "t").file.storage.postgresLimits?.poolSize == 10)
        #expect(problem(postgres + ", postgres_limits: { pool_size: 0 } }")?.path == "storage.postgres_limits.pool_size")
        #expect(problem(postgres + ", postgres_limits: { pool_size: 101 } }")?.path == "storage.postgres_limits.pool_size")
        #expect(problem(postgres + ", postgres_limits: { lock_timeout_seconds: 0 } }")?.path == "storage.postgres_limits.lock_timeout_seconds")
        #expect(problem(postgres + ", postgres_limits: { statement_timeout_seconds: -1 } }")?.path == "storage.postgres_limits.statement_timeout_seconds")
        #expect(problem(postgres + ", postgres_limits: { pool: 3 } }")?.path == "storage.postgres_limits.pool")
        #expect(problem("storage: { sqlite: a.sqlite, postgres_limits: { pool_size: 3 } }")?.path == "storage.postgres_limits")
    }

    @Test func makeStorePicksTheBackend() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try await RapportApplication.makeStore(.init(sqlite: folder.appendingPathComponent("db.sqlite").path), logger: Logger(label: "t"))
        #expect("\(type(of: sqlite))" == "SQLiteStore")
        await sqlite.close()
        try await TestPostgres.withDatabase { url in
            let postgres = try await RapportApplication.makeStore(.init(sqlite: nil, postgres: url), logger: Logger(label: "t"))
            #expect("\(type(of: postgres))" == "PostgresStore")
            try await postgres.ping()
            await postgres.close()
        }
    }

    @Test func anUnreachableServerFailsWithoutThePassword() async throws {
        do {
            _ = try await RapportApplication.makeStore(
                .init(sqlite: nil, postgres: "postgres://rapport:hunter2@127.0.0.1:1/rapport"), logger: Logger(label: "t"))
            Issue.record("connected to a closed port")
        } catch let error as StoreError {
            #expect(error.code == .unavailable)
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
