import Logging
import Synchronization
import Testing
@testable import RapportMatrix

struct MatrixSyncLoopTests {
    /// A scripted homeserver: each fetch takes the next answer; records what the loop did.
    final class Script: Sendable {
        let answers: Mutex<[Result<SyncResponse, MatrixError>]>
        let log = Mutex<[String]>([])
        init(_ answers: [Result<SyncResponse, MatrixError>]) { self.answers = Mutex(answers) }
        func note(_ line: String) { log.withLock { $0.append(line) } }
    }

    func loop(_ script: Script) -> MatrixSyncLoop {
        MatrixSyncLoop(
            fetch: { since, fullState in
                script.note("fetch \(since ?? "nil")\(fullState ? " full" : "")")
                let next = script.answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                guard let next else { throw CancellationError() }
                return try next.get()
            },
            process: { batch, initial in script.note("process \(batch.nextBatch)\(initial ? " initial" : "")") },
            save: { since in script.note("save \(since)") },
            logger: Logger(label: "test"),
            sleep: { pause in script.note("sleep \(pause)") })
    }

    @Test("since is saved only after its batch was processed; errors back off and never end the loop")
    func loopOrder() async throws {
        let script = Script([
            .success(SyncResponse(nextBatch: "s1")),
            .failure(MatrixError(.transport, "connection refused")),
            .failure(MatrixError(.http, "bad gateway", status: 502)),
            .failure(MatrixError(.rateLimited, "slow down", status: 429, retryAfter: .milliseconds(1500))),
            .success(SyncResponse(nextBatch: "s2")),
        ])
        await #expect(throws: CancellationError.self) { try await loop(script).run(since: nil) }
        #expect(script.log.withLock { $0 } == [
            "fetch nil", "process s1 initial", "save s1",
            "fetch s1", "sleep 1.0 seconds",
            "fetch s1", "sleep 2.0 seconds",
            "fetch s1", "sleep 1.5 seconds",
            "fetch s1", "process s2", "save s2",
            "fetch s2",
        ])
    }

    @Test func resumedLoopAsksForFullStateOnce() async throws {
        let script = Script([.success(SyncResponse(nextBatch: "s8"))])
        await #expect(throws: CancellationError.self) { try await loop(script).run(since: "s7") }
        #expect(script.log.withLock { $0 } == ["fetch s7 full", "process s8", "save s8", "fetch s8"])
    }

    @Test func unknownTokenEndsTheLoopForARelogin() async throws {
        let script = Script([.failure(MatrixError(.unknownToken, "gone", status: 401))])
        await #expect(throws: MatrixError.self) { try await loop(script).run(since: "s1") }
    }

    @Test func backoffIsCapped() {
        let loop = loop(Script([]))
        #expect(loop.backoff(1, nil) == .seconds(1))
        #expect(loop.backoff(4, nil) == .seconds(8))
        #expect(loop.backoff(40, nil) == .seconds(30))
    }
}
