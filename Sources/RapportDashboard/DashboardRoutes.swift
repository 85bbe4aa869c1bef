import DashboardPlugin
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import RapportCore
public import RapportHTTP

/// The web dashboard, mounted on the HTTP endpoint:
///
/// ```
/// GET /signin/TOKEN              a link from !dashboard: a page with a "Sign in" button (a form);
///                                it leaves the token alone, so link previews cannot use it up
/// POST /signin/TOKEN             the button: uses the token, opens a session (cookie), then the
///                                dashboard; refused without the form's code (`form_code`, bound
///                                to the token) or from another site (`Sec-Fetch-Site: cross-site`)
/// GET /dashboard                 the channels with help activity
/// GET /dashboard/channel?network=N&channel=C&period=week|month|all
///                                one channel: help per day, who helped whom, helpers, unsung
///                                helpers, open questions, nudges sent and suppressed
/// ```
/// Every page checks the session and that its identity is still an admin; refusals are a plain
/// 401 (no or unknown session, bad link) or 403 (not an admin) page. Sign-in requests and
/// session lookups are limited per client address before any query (``SignInLimiter``): past
/// the limit, 429.
public struct DashboardRoutes: HTTPRoutes {
    let access: DashboardAccess
    let renderer: DashboardRenderer
    let bot: Bot
    let secureCookies: Bool
    let time: any TimeSource
    let logger: Logger
    let limiter = SignInLimiter()

    static let cookieName = "rapport_session"

    /// - Parameters:
    ///   - bot: Asked, on every request, whether the signed-in identity is still an admin.
    ///   - secureCookies: Mark the session cookie `Secure` (the public URL is https).
    public init(store: any Store, bot: Bot, secureCookies: Bool, time: any TimeSource = SystemTime(), logger: Logger) {
        access = DashboardAccess(PluginStore(namespace: DashboardPlugin.descriptor.id, database: store))
        renderer = DashboardRenderer(store: store)
        self.bot = bot
        self.secureCookies = secureCookies
        self.time = time
        self.logger = logger
    }

    /// Creates the dashboard's tables and index if they are not there yet.
    public func migrate() async throws {
        try await access.migrate()
        try await renderer.migrate()
    }

    public func add(to router: Router<HTTPRequestContext>) {
        router.get("signin/:token") { _, context in
            await respond {
                try limit(context)
                return try await signInForm(context.parameters.get("token") ?? "")
            }
        }
        router.post("signin/:token") { request, context -> Response in
            var request = request
            let token = context.parameters.get("token") ?? ""
            return await respond {
                try limit(context)
                if let fetchSite = Self.fetchSite, request.headers[fetchSite] == "cross-site" {
                    throw Refused(.forbidden, "Sign in from the sign-in page itself.")
                }
                // A body over 4 KiB is no form of ours: refused like a wrong code, not a failure.
                let form = try? await request.collectBody(upTo: 4096)
                guard let form, let code = Self.formField("form_code", in: String(buffer: form)),
                    try await access.isFormCode(code, for: token)
                else {
                    throw Refused(.forbidden, "This sign-in form is not valid: open the link again.")
                }
                return try await signIn(token)
            }
        }
        router.get("dashboard") { request, context in
            await respond {
                _ = try await signedInAdmin(request, context)
                return Self.html(try await renderer.indexPage())
            }
        }
        router.get("dashboard/channel") { request, context in
            await respond {
                _ = try await signedInAdmin(request, context)
                let query = request.uri.queryParameters
                guard let network = query.get("network"), let channel = query.get("channel") else {
                    throw Refused(.badRequest, "Choose a channel from the list of channels.")
                }
                let period = query.get("period").flatMap(Period.init(rawValue:)) ?? .week
                return Self.html(try await renderer.channelPage(network: network, channel: channel, period: period, now: time.now))
            }
        }
    }

    /// A refused request: its status and the sentence shown.
    struct Refused: Error {
        var status: HTTPResponse.Status
        var message: String
        init(_ status: HTTPResponse.Status, _ message: String) {
            self.status = status
            self.message = message
        }
    }

    /// Browsers say where a request comes from; a form posted from another site is refused.
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")

    /// The page behind a sign-in link: a button that posts the form, or why the link is refused.
    private func signInForm(_ token: String) async throws -> Response {
        _ = try Self.signInIdentity(try await access.check(token, now: time.now))
        return Self.html(DashboardPages.signInForm(code: try await access.formCode(for: token)))
    }

    private func signIn(_ token: String) async throws -> Response {
        let identity = try Self.signInIdentity(try await access.redeem(token, now: time.now))
        guard await isAdmin(identity) else { throw Refused(.forbidden, "This dashboard is for bot admins only.") }
        let session = try await access.openSession(for: identity, now: time.now)
        logger.info("dashboard sign-in", metadata: ["identity": "\(identity)"])
        var response = Self.html(DashboardPages.signedIn)
        response.setCookie(
            Cookie(
                name: Self.cookieName, value: session, maxAge: Int(DashboardAccess.sessionLifetime), path: "/", secure: secureCookies,
                httpOnly: true, sameSite: .strict))
        return response
    }

    private static func signInIdentity(_ verdict: Result<Identity, DashboardAccess.Refusal>) throws -> Identity {
        switch verdict {
        case .success(let identity): return identity
        case .failure(.expired): throw Refused(.unauthorized, "This sign-in link has expired.")
        case .failure(.unknownOrUsed): throw Refused(.unauthorized, "This sign-in link is not valid, or it was used already.")
        }
    }

    /// The value of `name` in a URL-encoded form body, if it is there.
    static func formField(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    /// Whether `identity` is a bot admin or owner right now (roles can be taken away).
    private func isAdmin(_ identity: Identity) async -> Bool {
        let asking = ChatEvent(network: "", channel: nil, sender: ChatUser(nick: "", identity: identity), kind: .join)
        return await bot.role(of: asking) >= .admin
    }

    /// Refuses the request (429) when its address has used up its unauthenticated queries.
    private func limit(_ context: HTTPRequestContext) throws {
        guard limiter.take(context.clientAddress, now: time.now) else {
            logger.notice("sign-in attempts limited", metadata: ["client": "\(context.clientAddress)"])
            throw Refused(.tooManyRequests, "Too many attempts from your address: wait a minute and try again.")
        }
    }

    /// The admin signed in on this request's session.
    private func signedInAdmin(_ request: Request, _ context: HTTPRequestContext) async throws -> Identity {
        guard let session = request.cookies[Self.cookieName]?.value else {
            throw Refused(.unauthorized, "You are not signed in.")
        }
        try limit(context)
        guard let identity = try await access.session(session, now: time.now) else {
            throw Refused(.unauthorized, "Your session is unknown or has expired.")
        }
        limiter.giveBack(context.clientAddress, now: time.now)
        guard await isAdmin(identity) else { throw Refused(.forbidden, "This dashboard is for bot admins only.") }
        return identity
    }

    /// Turns refusals into their page and any other failure into a 500 (logged, never shown).
    private func respond(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let refused as Refused {
            return Self.html(DashboardPages.refusal(refused.message), status: refused.status)
        } catch {
            logger.error("dashboard page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return Self.html(DashboardPages.refusal("Something went wrong on our side; try again."), status: .internalServerError)
        }
    }

    /// An HTML response that no cache keeps, no other site frames, and that runs no script.
    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ]
        // The sign-in token is in the URL: never send it on to another site.
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { headers[referrerPolicy] = "no-referrer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
