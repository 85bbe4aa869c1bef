#if canImport(Glibc)
import RapportServerTesting
import Glibc
#endif
import Foundation
import Logging
import RapportCore
import Synchronization
@testable import RapportMatrix

/// A connector running in its own task until ``stop()``.
struct RunningConnector {
    let connector: MatrixConnector
    let sink: RecordingSink
    let task: Task<Void, any Error>

    static func start(_ connector: MatrixConnector) -> RunningConnector {
        let sink = RecordingSink()
        let task = Task { try await connector.run(events: sink) }
        return RunningConnector(connector: connector, sink: sink, task: task)
    }

    func stop() async throws {
        task.cancel()
        try await task.value
    }
}

func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["RAPPORT_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}
