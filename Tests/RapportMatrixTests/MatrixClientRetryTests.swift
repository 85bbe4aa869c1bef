#if canImport(Glibc)
import RapportServerTesting
import RapportTesting
import Glibc
#endif
import Foundation
import Logging
import Testing
@testable import RapportMatrix

/// The client against a scripted HTTP server (Python standard library): rate limits and server
/// errors are retried with the same transaction ID.
@Suite(.timeLimit(.minutes(5)))
struct MatrixClientRetryTests {
    static let server = #"""
        import http.server, json, sys
        answers = [(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 300}),
                   (502, {"error": "bad gateway"}),
                   (200, {"event_id": "$sent"})]
        log = open(sys.argv[2], "a")
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = answers.pop(0) if answers else (200, {"event_id": "$sent"})
                log.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"),
                                      "body": json.loads(body), "status": status}) + "\n")
                log.flush()
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        open(sys.argv[1], "w").write(str(server.server_address[1]))
        server.serve_forever()
        """#

    @Test("429 waits retry_after_ms, 5xx backs off, and every retry reuses the transaction ID")
    func sendRetries() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-fake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("server.py"), portFile = dir.appendingPathComponent("port"), log = dir.appendingPathComponent("log")
        try Self.server.write(to: script, atomically: true, encoding: .utf8)
        let server = try ChildProcess("/usr/bin/env", ["python3", script.path, portFile.path, log.path])
        defer { server.kill() }
        var port: String?
        for _ in 0..<100 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            port = try? String(contentsOf: portFile, encoding: .utf8)
            if port?.isEmpty == true { port = nil }
        }
        let listening = try #require(port)
        let url = try #require(URL(string: "http://127.0.0.1:\(listening)"))
        let client = MatrixClient(
            homeserver: url, accessToken: "secret-token", logger: Logger(label: "test"),
            retry: .init(maxAttempts: 5, initialBackoff: .milliseconds(50)))
        let started = ContinuousClock.now
        let eventID = try await client.send("!room:x", type: "m.room.message", content: ["body": "hi"], transactionID: "txn.1")
        #expect(eventID == "$sent")
        #expect(ContinuousClock.now - started >= .milliseconds(300), "waited as the 429 asked")
        let requests = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(MatrixJSON.self, from: Data($0.utf8))
        }
        #expect(requests.map { $0["status"]?.int } == [429, 502, 200])
        #expect(Set(requests.compactMap { $0["path"]?.string }) == ["/_matrix/client/v3/rooms/%21room%3Ax/send/m.room.message/txn.1"])
        #expect(requests.allSatisfy { $0["auth"]?.string == "Bearer secret-token" && $0["body"] == ["body": "hi"] })
    }

    @Test func unreachableServerFailsAfterRetries() async throws {
        // Nothing listens on port 9 of 127.0.0.1: a transport error, retried, then thrown.
        let client = MatrixClient(
            homeserver: URL(string: "http://127.0.0.1:9")!, logger: Logger(label: "test"),
            retry: .init(maxAttempts: 2, initialBackoff: .milliseconds(10)), requestTimeout: .seconds(1))
        await #expect(throws: MatrixError.self) { _ = try await client.whoAmI() }
    }
}
