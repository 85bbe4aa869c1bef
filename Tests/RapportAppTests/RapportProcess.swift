import Foundation
import RapportTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `rapport` executable, run as a real process with its standard error in a file.
final class RapportProcess: Sendable {
    let process: ChildProcess
    let logPath: String

    /// `.build/<triple>/debug/rapport`, next to the test bundle that is running.
    static var executable: URL {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            ].map { $0.appendingPathComponent("rapport") }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw Failure("the rapport executable is not built next to the tests (\(candidates.map(\.path))); run swift build first")
            }
            return found
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    init(_ arguments: [String], environment: [String: String] = [:], folder: URL) throws {
        logPath = folder.appendingPathComponent("rapport-\(UUID().uuidString).log").path
        process = try ChildProcess(
            try Self.executable.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            streams: .files(output: "/dev/null", errors: logPath))
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits for a JSON log line whose message is `message`; returns it decoded.
    func waitForLog(_ message: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in log.split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["message"] as? String == message
                {
                    return object
                }
            }
            if let code = process.exitCode { throw Failure("rapport exited (\(code)) before '\(message)':\n\(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("no '\(message)' within \(timeout):\n\(log)")
    }

    /// Sends `signal` and waits for the process to end; returns its exit code (128 + the signal
    /// when a signal ended it). Past `timeout` it is killed and the call throws.
    func stop(with signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        guard let code = await process.stop(with: signal, grace: timeout) else {
            throw Failure("rapport did not stop within \(timeout) of signal \(signal):\n\(log)")
        }
        return code
    }
}

func httpGet(_ url: String) async throws -> (status: Int, body: String) {
    guard let url = URL(string: url) else { throw RapportProcess.Failure("bad URL \(url)") }
    let (data, response) = try await URLSession.shared.data(from: url)
    return ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data, as: UTF8.self))
}
