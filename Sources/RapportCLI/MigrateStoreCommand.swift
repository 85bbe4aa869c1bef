import ArgumentParser
import Foundation
import Logging
import RapportApp
import RapportStorePostgres
import RapportStoreSQLite

struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy every table of a SQLite installation into an empty PostgreSQL database.",
        discussion: """
            Stop Rapport first. The target gets its schema from this version's migrations, then every \
            table (settings, audit log, plugin data) is copied in one transaction and the row counts \
            are compared. The SQLite file is only read.
            Example: rapport migrate-store --from sqlite:./data/rapport.sqlite --to postgres:env:RAPPORT_POSTGRES_URL
            (postgres:env:NAME reads the URL from the environment variable NAME, which keeps the \
            password out of the process list; postgres:postgres://USER:PASSWORD@HOST/DB also works.)
            """)

    @Option(help: "The source: sqlite:PATH.")
    var from: String

    @Option(help: "The target: postgres:URL or postgres:env:VARIABLE.")
    var to: String

    func validate() throws {
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw ValidationError("--from must be sqlite:PATH")
        }
        guard to.hasPrefix("postgres:") else { throw ValidationError("--to must be postgres:URL or postgres:env:VARIABLE") }
    }

    func run() async throws {
        let path = String(from.dropFirst("sqlite:".count))
        var text = String(to.dropFirst("postgres:".count))
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ValidationError("the environment variable \(name) is not set")
            }
            text = value
        }
        let url: PostgresURL
        do { url = try PostgresURL(text) } catch { throw ValidationError(error.description) }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): there is no such file") }

        var logger = Logger(label: "rapport.migrate-store")
        logger.logLevel = .warning
        let source = try SQLiteStore(path: path)
        let target = try await PostgresStore.open(url, logger: logger)
        do {
            let counts = try await RapportApplication.copyStore(from: source, to: target, logger: logger)
            for count in counts { print("\(count.table): \(count.rows) rows") }
            print("Copied \(counts.reduce(0) { $0 + $1.rows }) rows in \(counts.count) tables from \(path) to \(url); counts verified.")
        } catch {
            await target.close()
            await source.close()
            printError("error: \(error)")
            throw ExitCode.failure
        }
        await target.close()
        await source.close()
    }
}
