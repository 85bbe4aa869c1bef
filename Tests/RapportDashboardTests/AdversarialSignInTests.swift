import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RapportTesting
import Testing

/// Sign-in links meet link previews, bouncers and forged forms: only the "Sign in" button of
/// the link's own page, pressed once, signs a browser in.
@Suite(.timeLimit(.minutes(3)))
struct AdversarialSignInTests {
    /// A plain request to the dashboard, as a preview bot or a forging site would make it.
    struct Answer {
        var status: Int
        var cookies: [String]
        var body: String
    }

    func request(_ url: String, post form: String? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        if let form {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), cookies: response.headers["Set-Cookie"], body: String(buffer: body))
    }

    /// The `form_code` in a sign-in page.
    func formCode(in page: String) throws -> String {
        let marker = "name=\"form_code\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    @Test("a link preview's GET neither uses the token nor gets a session; only the right form, posted once, signs in")
    func aPreviewCannotUseTheLink() async throws {
        let dashboard = DashboardBrowserTests()
        try await dashboard.withDashboard { chat, base, time in
            let link = try await dashboard.signInLink(chat, as: DashboardBrowserTests.owner, base: base, at: time.now)

            // The homeserver's URL preview (and a bouncer after it) fetch the link.
            let preview = try await request(link, headers: [("User-Agent", "Synapse (bot; +https://github.com/matrix-org/synapse)")])
            #expect(preview.status == 200)
            #expect(preview.cookies.isEmpty, "a GET must not open a session")
            let again = try await request(link)
            #expect(again.status == 200, "the token is still valid after being fetched")
            let code = try formCode(in: again.body)

            // Forged posts: no code, someone else's code, the right code from another site.
            #expect(try await request(link, post: "").status == 403)
            #expect(try await request(link, post: "form_code=\(code)&padding=" + String(repeating: "x", count: 8192)).status == 403)
            #expect(try await request(link, post: "form_code=" + String(repeating: "0", count: code.count)).status == 403)
            let crossSite = try await request(link, post: "form_code=\(code)", headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(crossSite.status == 403)
            #expect(crossSite.cookies.isEmpty)

            // The button: signs in once.
            let signedIn = try await request(link, post: "form_code=\(code)", headers: [("Sec-Fetch-Site", "same-origin")])
            #expect(signedIn.status == 200)
            let cookie = try #require(signedIn.cookies.first { $0.hasPrefix("rapport_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let session = String(cookie.prefix { $0 != ";" })
            #expect(try await request("\(base)/dashboard", headers: [("Cookie", session)]).status == 200)

            let twice = try await request(link, post: "form_code=\(code)")
            #expect(twice.status == 401)
            #expect(twice.cookies.isEmpty)
        }
    }
}
