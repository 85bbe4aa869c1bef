import Foundation

/// The `rapport` binary running as a child process, and what `/proc` says about it.
struct BotProcess {
    let process: Process

    var pid: Int32 { process.processIdentifier }

    /// Starts `BINARY ARGUMENTS… --config CONFIG` (`rapport run …`), its output going to `log`.
    static func start(binary: String, arguments: [String], config: String, log: String) throws -> BotProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--config", config]
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return BotProcess(process: process)
    }

    /// User plus system CPU time so far, in seconds (`/proc/PID/stat` fields 14 and 15).
    func cpuSeconds() throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name may hold spaces; the fields after it start behind the last ")".
        guard let close = stat.lastIndex(of: ")") else { throw LineSocket.Failure(description: "unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw LineSocket.Failure(description: "unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A `/proc/PID/status` value in kB, e.g. `VmRSS` or `VmHWM`, as MB.
    func memoryMB(_ key: String) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            if let kB = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) { return kB / 1024 }
        }
        throw LineSocket.Failure(description: "no \(key) in /proc/\(pid)/status")
    }

    /// Waits until the process uses at most 20 ms of CPU in a second (at most `timeout` seconds).
    func waitUntilIdle(timeout: Double = 120) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = try cpuSeconds()
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 1)
            let now = try cpuSeconds()
            if now - last <= 0.02 { return }
            last = now
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
