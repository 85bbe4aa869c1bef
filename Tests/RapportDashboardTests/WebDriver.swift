import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RapportCore
import RapportTesting
import Testing

/// A minimal W3C WebDriver client: plain JSON over HTTP to Debian's `chromedriver`, which
/// drives Debian's `chromium` headless. Nothing is downloaded.
struct WebDriver {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let base: String
    let session: String

    /// Starts `chromedriver` and a headless browser session, runs `body`, then ends both.
    /// Fails (never skips) when chromium or its driver is not installed. With `javascript` off,
    /// the browser runs no script on any page (Chromium's content setting).
    static func withBrowser(javascript: Bool = true, _ body: (WebDriver) async throws -> Void) async throws {
        for program in [chromium, chromedriver] where !FileManager.default.isExecutableFile(atPath: program) {
            throw Failure(description: "\(program) is missing: run deploy/install-deps.sh browser")
        }
        let port = Int.random(in: 20000..<40000)
        // In a process group of its own, so stopping it also ends the browser it started.
        try await withStarted(
            { try ChildProcess(chromedriver, ["--port=\(port)", "--allowed-ips=127.0.0.1"], streams: .files(output: "/dev/null", errors: "/dev/null")) },
            stop: { await $0.stop() }
        ) { _ in
            let base = "http://127.0.0.1:\(port)"
            try await waitUntilReady(base)
            let created = try await request(.POST, base + "/session", capabilities(javascript: javascript))
            guard case .object(let value) = created, case .string(let session) = value["sessionId"] else {
                throw Failure(description: "chromedriver did not open a session: \(created)")
            }
            let browser = WebDriver(base: base, session: session)
            do {
                try await body(browser)
            } catch {
                _ = try? await request(.DELETE, "\(base)/session/\(session)", nil)
                throw error
            }
            _ = try await request(.DELETE, "\(base)/session/\(session)", nil)
        }
    }

    private static func capabilities(javascript: Bool) -> JSONValue {
        .object([
            "capabilities": .object([
                "alwaysMatch": .object([
                    "goog:chromeOptions": .object([
                        "binary": .string(chromium),
                        "args": .array(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,1400"].map(JSONValue.string)),
                        // 2 = block: the same as switching JavaScript off in the settings.
                        "prefs": .object(["profile.managed_default_content_settings.javascript": .number(javascript ? 1 : 2)]),
                    ])
                ])
            ])
        ])
    }

    func open(_ url: String) async throws { _ = try await command(.POST, "url", .object(["url": .string(url)])) }

    var title: String { get async throws { try await string(command(.GET, "title", nil)) } }

    var source: String { get async throws { try await string(command(.GET, "source", nil)) } }

    /// The visible text of the first element matching a CSS selector.
    func text(of selector: String) async throws -> String {
        try await string(command(.GET, "element/\(try await element(selector))/text", nil))
    }

    /// Clicks the first element matching a CSS selector (a button submits its form).
    func click(_ selector: String) async throws {
        _ = try await command(.POST, "element/\(try await element(selector))/click", .object([:]))
    }

    /// Clicks a submit button and waits (10 s at most) until the page it was on is gone, so
    /// what is read next is the answer to the form.
    func submit(_ selector: String) async throws {
        let old = try await element("html")
        try await click(selector)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            do {
                _ = try await command(.GET, "element/\(old)/name", nil)
            } catch {
                return  // stale: the next page replaced it
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "submitting \(selector) did not load a page")
    }

    /// Replaces the text of the first input matching a CSS selector with `text`.
    func type(_ text: String, into selector: String) async throws {
        let element = try await element(selector)
        _ = try await command(.POST, "element/\(element)/clear", .object([:]))
        _ = try await command(.POST, "element/\(element)/value", .object(["text": .string(text)]))
    }

    /// Resizes the window to `width` × `height` CSS pixels.
    func resize(width: Int, height: Int) async throws {
        _ = try await command(.POST, "window/rect", .object(["width": .number(Double(width)), "height": .number(Double(height))]))
    }

    /// The page's title once it is `expected`, or the last title seen after `seconds`
    /// (a submitted form may still be loading, or refreshing to the next page).
    func title(becoming expected: String, within seconds: Double = 10) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = try await title
        while seen != expected, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            seen = try await title
        }
        return seen
    }

    private func element(_ selector: String) async throws -> String {
        let found = try await command(.POST, "element", .object(["using": .string("css selector"), "value": .string(selector)]))
        guard case .object(let reference) = found, let id = reference.values.first, case .string(let element) = id else {
            throw Failure(description: "no element \(selector)")
        }
        return element
    }

    /// The browser's cookies, each as its JSON object.
    func cookies() async throws -> [[String: JSONValue]] {
        guard case .array(let cookies) = try await command(.GET, "cookie", nil) else { return [] }
        return cookies.compactMap { if case .object(let cookie) = $0 { cookie } else { nil } }
    }

    func deleteCookies() async throws { _ = try await command(.DELETE, "cookie", nil) }

    /// Saves a PNG of the window to `path`.
    func screenshot(to path: String) async throws {
        let encoded = try await string(command(.GET, "screenshot", nil))
        guard let png = Data(base64Encoded: encoded) else { throw Failure(description: "the screenshot is not base64") }
        try png.write(to: URL(fileURLWithPath: path))
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: JSONValue?) async throws -> JSONValue {
        try await Self.request(method, "\(base)/session/\(session)/\(path)", body)
    }

    private func string(_ value: JSONValue) throws -> String {
        guard case .string(let text) = value else { throw Failure(description: "expected a string, got \(value)") }
        return text
    }

    /// One WebDriver call; returns its `value`, or throws the driver's error.
    private static func request(_ method: HTTPMethod, _ url: String, _ body: JSONValue?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body))) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 32 << 20)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(data.readableBytesView))
        guard case .object(let object) = decoded, let value = object["value"] else { throw Failure(description: "not WebDriver JSON: \(decoded)") }
        guard response.status == .ok else { throw Failure(description: "WebDriver \(method) \(url): \(response.status) \(value)") }
        return value
    }

    private static func waitUntilReady(_ base: String) async throws {
        for _ in 0..<100 {
            if case .object(let status)? = try? await request(.GET, base + "/status", nil), status["ready"] == .bool(true) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "chromedriver did not start on \(base)")
    }
}
