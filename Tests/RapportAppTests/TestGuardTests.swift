import Foundation
import RapportTesting
import Testing

/// `deploy/test-guard.py`, the watchdog `deploy/test.sh` runs the suite under: a run past its time
/// limit names the tests still running and the processes they started, and ends them; a process
/// left running after the tests fails the run.
@Suite(.timeLimit(.minutes(2)))
struct TestGuardTests {
    static let guardScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/test-guard.py").path

    func guarded(_ timeout: Int, _ script: String) async throws -> (status: Int32, output: String) {
        let result = try await runProgram(
            "/usr/bin/env", ["python3", Self.guardScript, "--timeout", String(timeout), "--", "/bin/bash", "-c", script], timeout: .seconds(60))
        return (result.status, result.output + result.errors)
    }

    func isRunning(_ marker: String) async throws -> Bool {
        try await runProgram("/usr/bin/pgrep", ["-f", marker]).status == 0
    }

    @Test("a hung run is ended at its time limit, naming the test and the processes still running")
    func hungRunIsEndedAndExplained() async throws {
        let marker = "guard-hang-\(UUID().uuidString.prefix(8))"
        let run = try await guarded(2, """
            echo '◇ Test "finishes" started.'; echo '✔ Test "finishes" passed after 0.1 seconds.'
            echo '◇ Test "hangs forever" started.'
            exec -a \(marker) sleep 600
            """)
        #expect(run.status == 124)
        #expect(run.output.contains("hangs forever"), "\(run.output)")
        #expect(!run.output.contains("  finishes ("), "a finished test is not listed: \(run.output)")
        #expect(run.output.contains(marker), "the hung process is listed: \(run.output)")
        #expect(try await !isRunning(marker), "the hung process was ended")
    }

    @Test("a process left running after the tests, even one in a new session, fails the run and is ended")
    func leftoverProcessFailsTheRun() async throws {
        let marker = "guard-left-\(UUID().uuidString.prefix(8))"
        let run = try await guarded(60, "setsid bash -c 'exec -a \(marker) sleep 600' </dev/null >/dev/null 2>&1 & echo tests done")
        #expect(run.status == 3, "\(run.output)")
        #expect(run.output.contains("left running") && run.output.contains(marker), "\(run.output)")
        #expect(try await !isRunning(marker))
    }

    @Test("a clean run keeps the command's own status")
    func cleanRunKeepsItsStatus() async throws {
        #expect(try await guarded(60, "exit 0").status == 0)
        #expect(try await guarded(60, "exit 7").status == 7)
    }
}
