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
/// POST /signout                  ends the session on the server (with the session's form token)
/// GET /dashboard                 the channels with help activity
/// GET /dashboard/channel?network=N&channel=C&period=week|month|all
///                                one channel: help per day, who helped whom, helpers, unsung
///                                helpers, open questions, nudges sent and suppressed
/// GET|POST /dashboard/plugins, /dashboard/settings, /dashboard/people, /dashboard/channels
///                                administration (see `DashboardRoutes+Administration.swift`)
/// GET /dashboard/audit, /dashboard/health
/// ```
/// Every page checks the session and the role its identity holds right now (an admin, or the
/// operator of the one channel of their link, for the plugins and settings pages); refusals are
/// a plain 401 (no or unknown session, bad link) or 403 (not allowed) page.
/// Sign-in requests and session lookups are limited per client address before any query
/// (``SignInLimiter``): past the limit, 429.
public struct DashboardRoutes: HTTPRoutes {
    let access: DashboardAccess
    let renderer: DashboardRenderer
    let bot: Bot
    let administration: Administration
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
        administration = Administration(bot: bot)
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
                let session = try await signedIn(request, context)
                return Self.html(try await renderer.indexPage(header: AdministrationPages.header(session)))
            }
        }
        router.get("dashboard/channel") { request, context in
            await respond {
                let session = try await signedIn(request, context)
                let query = request.uri.queryParameters
                guard let network = query.get("network"), let channel = query.get("channel") else {
                    throw Refused(.badRequest, "Choose a channel from the list of channels.")
                }
                let period = query.get("period").flatMap(Period.init(rawValue:)) ?? .week
                return Self.html(
                    try await renderer.channelPage(
                        network: network, channel: channel, period: period, now: time.now, header: AdministrationPages.header(session)))
            }
        }
        addAdministration(to: router)
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
        _ = try Self.signInGrant(try await access.check(token, now: time.now))
        return Self.html(DashboardPages.signInForm(code: try await access.formCode(for: token)))
    }

    private func signIn(_ token: String) async throws -> Response {
        let grant = try Self.signInGrant(try await access.redeem(token, now: time.now))
        guard try await role(of: grant) != nil else { throw Refused(.forbidden, "This dashboard is for bot admins only.") }
        let session = try await access.openSession(for: grant, now: time.now)
        logger.info("dashboard sign-in", metadata: ["identity": "\(grant.identity)"])
        var response = Self.html(DashboardPages.signedIn)
        response.setCookie(
            Cookie(
                name: Self.cookieName, value: session, maxAge: Int(DashboardAccess.sessionLifetime), path: "/", secure: secureCookies,
                httpOnly: true, sameSite: .strict))
        return response
    }

    private static func signInGrant(_ verdict: Result<DashboardAccess.Grant, DashboardAccess.Refusal>) throws -> DashboardAccess.Grant {
        switch verdict {
        case .success(let grant): return grant
        case .failure(.expired): throw Refused(.unauthorized, "This sign-in link has expired.")
        case .failure(.unknownOrUsed): throw Refused(.unauthorized, "This sign-in link is not valid, or it was used already.")
        }
    }

    /// The value of `name` in a URL-encoded form body, if it is there.
    static func formField(_ name: String, in body: String) -> String? { formFields(body)[name] }

    /// Every field of a URL-encoded form body (the first of each name).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let name = String(parts[0]).removingPercentEncoding, fields[name] == nil,
                let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { continue }
            fields[name] = value
        }
        return fields
    }

    /// The role `grant` gives right now (roles can be taken away): owner or admin from the
    /// runtime, else operator of the link's channel while the network still says so (a network
    /// that cannot tell, such as the console, leaves the link's word standing); `nil` when it
    /// gives none.
    private func role(of grant: DashboardAccess.Grant) async throws -> Role? {
        let role = await administration.role(of: grant.identity)
        if role >= .admin { return role }
        guard let place = grant.channel else { return nil }
        let still = await administration.isOperator(grant.identity, in: place.channel, on: place.network)
        return still == false ? nil : .channelOperator
    }

    /// Refuses the request (429) when its address has used up its unauthenticated queries.
    private func limit(_ context: HTTPRequestContext) throws {
        guard limiter.take(context.clientAddress, now: time.now) else {
            logger.notice("sign-in attempts limited", metadata: ["client": "\(context.clientAddress)"])
            throw Refused(.tooManyRequests, "Too many attempts from your address: wait a minute and try again.")
        }
    }

    /// The session of this request, checked now, for a page that needs at least `needed`; the
    /// lookup counts against the address's limit unless it finds a session.
    func signedIn(_ request: Request, _ context: HTTPRequestContext, needs needed: Role = .admin) async throws -> WebSession {
        guard let id = request.cookies[Self.cookieName]?.value else {
            throw Refused(.unauthorized, "You are not signed in.")
        }
        try limit(context)
        guard let grant = try await access.session(id, now: time.now) else {
            throw Refused(.unauthorized, "Your session is unknown or has expired.")
        }
        limiter.giveBack(context.clientAddress, now: time.now)
        guard let role = try await role(of: grant), role >= needed else {
            throw Refused(.forbidden, "This dashboard is for bot admins only.")
        }
        return WebSession(id: id, grant: grant, role: role, formToken: try await access.formToken(forSession: id))
    }

    /// Turns refusals into their page and any other failure into a 500 (logged, never shown).
    func respond(_ body: () async throws -> Response) async -> Response {
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
