import Foundation
import Testing

/// A signed-in dashboard session held over plain HTTP, as a script (or an attacker) holds one:
/// it signs in through a `!dashboard` link's form and sends the session cookie on every request.
struct DashboardSession {
    let base: String
    /// `rapport_session=…`, as the `Cookie` header sends it.
    let cookie: String
    let http = AdversarialSignInTests()

    /// Opens `link`, posts its sign-in form, and keeps the session cookie.
    static func signIn(_ link: String, base: String) async throws -> DashboardSession {
        let http = AdversarialSignInTests()
        let form = try http.formCode(in: try await http.request(link).body)
        let signedIn = try await http.request(link, post: "form_code=\(form)")
        let cookie = try #require(signedIn.cookies.first { $0.hasPrefix("rapport_session=") })
        return DashboardSession(base: base, cookie: String(cookie.prefix { $0 != ";" }))
    }

    func get(_ path: String) async throws -> AdversarialSignInTests.Answer {
        try await http.request(base + path, headers: [("Cookie", cookie)])
    }

    /// Posts `fields` to `path`; `csrf` is the form token sent, if any.
    func post(_ path: String, _ fields: [String: String], csrf: String?) async throws -> AdversarialSignInTests.Answer {
        var all = fields
        all["csrf"] = csrf
        let body = all.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.escape($0.value))" }.joined(separator: "&")
        return try await http.request(base + path, post: body, headers: [("Cookie", cookie)])
    }

    /// The form token in a page of this session.
    func formToken(on path: String = "/dashboard/plugins") async throws -> String {
        let page = try await get(path).body
        let marker = "name=\"csrf\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
