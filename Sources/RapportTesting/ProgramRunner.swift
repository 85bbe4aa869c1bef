import Foundation

/// Runs a program to its end, at most `timeout`; output goes through files, so a chatty program
/// never fills a pipe. A program still running at the time limit, or when the calling task is
/// cancelled (a test's time limit), is ended with its process group and the call throws.
public func runProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
    timeout: Duration = .seconds(300)
) async throws -> (status: Int32, output: String, errors: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
    let child = try ChildProcess(executable, arguments, environment: environment, streams: .files(output: outPath, errors: errPath), directory: directory)
    let status = await child.wait(timeout: timeout)
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    guard let status else {
        await child.stop()
        let why = Task.isCancelled ? "was cancelled" : "did not finish within \(timeout)"
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) \(why); ended it.\n\(read(outPath))\n\(read(errPath))")
    }
    return (status, read(outPath), read(errPath))
}

/// A failure a test helper reports, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
