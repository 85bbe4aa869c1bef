public import AsyncHTTPClient
public import Foundation
public import Logging
public import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Typed calls to the Matrix client-server API (`/_matrix/client/v3`) over AsyncHTTPClient.
///
/// Every call except ``sync(since:filter:timeout:fullState:)`` retries transient failures itself: a 429
/// waits the `retry_after_ms` the server asked for, a 5xx or a lost connection backs off
/// exponentially (0.5 s doubling to 30 s, ``RetryPolicy``). Sends carry a transaction ID, so a
/// retried send is stored once. The sync loop does its own, endless, retrying.
public struct MatrixClient: Sendable {
    /// How many times and how patiently a call is retried.
    public struct RetryPolicy: Sendable {
        public var maxAttempts: Int
        public var initialBackoff: Duration
        public var maxBackoff: Duration

        public init(maxAttempts: Int = 10, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30)) {
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }

        /// The pause before attempt `attempt + 1` (attempt counts from 1).
        func backoff(after attempt: Int) -> Duration {
            let factor = 1 << min(max(attempt - 1, 0), 16)
            return min(initialBackoff * factor, maxBackoff)
        }
    }

    let baseURL: String
    /// Sent as `Authorization: Bearer`; never logged.
    var accessToken: String?
    let http: HTTPClient
    var logger: Logger
    var retry: RetryPolicy
    /// The deadline of one attempt of an ordinary call (AsyncHTTPClient keeps retrying to
    /// connect until then, so a server that is restarting is waited for).
    var requestTimeout: Duration

    /// - Parameter http: Defaults to the process-wide `HTTPClient.shared`, which never needs a shutdown.
    public init(
        homeserver: URL, accessToken: String? = nil, http: HTTPClient = .shared, logger: Logger,
        retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(60)
    ) {
        var base = homeserver.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.accessToken = accessToken
        self.http = http
        self.logger = logger
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    // MARK: - Session

    func login(userID: String, password: String, deviceID: String?, deviceName: String) async throws -> API.LoginResponse {
        let body = API.PasswordLogin(
            identifier: .init(user: userID), password: password, deviceID: deviceID,
            initialDeviceDisplayName: deviceName)
        return try await call(.POST, "login", body: body, authenticated: false)
    }

    func whoAmI() async throws -> API.WhoAmI { try await call(.GET, "account/whoami") }

    func displayName(of userID: String) async throws -> String? {
        do {
            let profile: API.Profile = try await call(.GET, "profile/\(Self.segment(userID))/displayname")
            return profile.displayname
        } catch let error as MatrixError where error.status == 404 {
            return nil
        }
    }

    // MARK: - Sync

    /// One `/sync` long-poll, with no retry (the sync loop decides).
    ///
    /// - Parameters:
    ///   - filter: A filter as inline JSON (the spec allows it in place of a filter ID).
    ///   - timeout: How long the server may hold the request when nothing happens.
    ///   - fullState: Whether to include the complete state of every room, not only changes.
    public func sync(since: String?, filter: String, timeout: Duration, fullState: Bool = false) async throws -> SyncResponse {
        var query = [("filter", filter), ("timeout", String(timeout.milliseconds))]
        if let since { query.append(("since", since)) }
        if fullState { query.append(("full_state", "true")) }
        let bytes = try await raw(.GET, "sync", query: query, body: nil, authenticated: true, timeout: timeout + .seconds(30))
        return try Self.decodeSync(bytes)
    }

    /// Decodes a `/sync` body (public for the benchmark).
    public static func decodeSync(_ bytes: ByteBuffer) throws -> SyncResponse {
        do {
            return try JSONDecoder().decode(SyncResponse.self, from: bytes)
        } catch {
            throw MatrixError(.decoding, "the /sync answer is not valid: \(error)")
        }
    }

    // MARK: - Rooms

    /// Joins by room ID or alias; returns the room ID.
    func join(_ roomIDOrAlias: String) async throws -> String {
        let response: API.RoomIDResponse = try await call(.POST, "join/\(Self.segment(roomIDOrAlias))", body: API.Empty())
        return response.roomID
    }

    func leave(_ roomID: String, reason: String?) async throws {
        let _: API.Empty = try await call(.POST, "rooms/\(Self.segment(roomID))/leave", body: API.Leave(reason: reason))
    }

    func forget(_ roomID: String) async throws {
        let _: API.Empty = try await call(.POST, "rooms/\(Self.segment(roomID))/forget", body: API.Empty())
    }

    func resolveAlias(_ alias: String) async throws -> String {
        let response: API.RoomIDResponse = try await call(.GET, "directory/room/\(Self.segment(alias))")
        return response.roomID
    }

    /// A room's state event, or `nil` if the room has none of that type.
    func state(_ roomID: String, type: String, stateKey: String = "") async throws -> MatrixJSON? {
        do {
            return try await call(.GET, "rooms/\(Self.segment(roomID))/state/\(Self.segment(type))/\(Self.segment(stateKey))")
        } catch let error as MatrixError where error.status == 404 {
            return nil
        }
    }

    func joinedMembers(_ roomID: String) async throws -> [String: String?] {
        let response: API.JoinedMembers = try await call(.GET, "rooms/\(Self.segment(roomID))/joined_members")
        return response.joined.mapValues(\.displayName)
    }

    /// Creates a private room flagged as a DM and invites `userID`; returns the room ID.
    func createDirectRoom(with userID: String) async throws -> String {
        let response: API.RoomIDResponse = try await call(.POST, "createRoom", body: API.CreateRoom(invite: [userID]))
        return response.roomID
    }

    /// Sends an event; retries reuse `transactionID`, so the homeserver stores it once.
    func send(_ roomID: String, type: String, content: MatrixJSON, transactionID: String) async throws -> String {
        let path = "rooms/\(Self.segment(roomID))/send/\(Self.segment(type))/\(Self.segment(transactionID))"
        let response: API.EventIDResponse = try await call(.PUT, path, body: content)
        return response.eventID
    }

    // MARK: - Account data

    func accountData(_ userID: String, type: String) async throws -> MatrixJSON? {
        do {
            return try await call(.GET, "user/\(Self.segment(userID))/account_data/\(Self.segment(type))")
        } catch let error as MatrixError where error.status == 404 {
            return nil
        }
    }

    func setAccountData(_ userID: String, type: String, content: MatrixJSON) async throws {
        let _: API.Empty = try await call(.PUT, "user/\(Self.segment(userID))/account_data/\(Self.segment(type))", body: content)
    }

    // MARK: - Transport

    func call<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, authenticated: Bool = true
    ) async throws -> Response {
        try await call(method, path, body: Optional<API.Empty>.none, authenticated: authenticated)
    }

    /// One API call with retries; decodes the JSON answer.
    func call<Body: Encodable, Response: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Body?, authenticated: Bool = true
    ) async throws -> Response {
        let encoded = try body.map { try JSONEncoder().encode($0) }
        var attempt = 1
        while true {
            do {
                let bytes = try await raw(method, path, query: query, body: encoded, authenticated: authenticated, timeout: requestTimeout)
                if Response.self == API.Empty.self, let empty = API.Empty() as? Response { return empty }
                do {
                    return try JSONDecoder().decode(Response.self, from: bytes)
                } catch {
                    throw MatrixError(.decoding, "\(method) \(path): unexpected answer: \(error)")
                }
            } catch let error as MatrixError where error.isTransient && attempt < retry.maxAttempts {
                let pause = error.retryAfter.map { min($0, .seconds(120)) } ?? retry.backoff(after: attempt)
                logger.warning(
                    "Matrix request failed, retrying",
                    metadata: ["request": "\(method) \(path)", "attempt": "\(attempt)", "error": "\(error)", "retry_in": "\(pause)"])
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }

    /// One HTTP exchange without retries; returns the body of a 2xx answer, throws ``MatrixError`` otherwise.
    func raw(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?, authenticated: Bool, timeout: Duration
    ) async throws -> ByteBuffer {
        var url = "\(baseURL)/_matrix/client/v3/\(path)"
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.segment($0.0))=\(Self.segment($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Rapport")
        if authenticated, let accessToken { request.headers.add(name: "Authorization", value: "Bearer \(accessToken)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            bytes = try await response.body.collect(upTo: 256 << 20)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw MatrixError(.transport, "\(method) \(path): \(error)")
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let body = try? JSONDecoder().decode(API.ErrorBody.self, from: bytes)
            let text = body?.error ?? response.status.reasonPhrase
            var retryAfter = body?.retryAfterMs.map { Duration.milliseconds($0) }
            if retryAfter == nil, let header = response.headers.first(name: "Retry-After"), let seconds = Int(header) {
                retryAfter = .seconds(seconds)
            }
            let code: MatrixError.Code =
                switch (status, body?.errcode) {
                case (429, _): .rateLimited
                case (401, "M_UNKNOWN_TOKEN"), (401, "M_MISSING_TOKEN"): .unknownToken
                default: .http
                }
            throw MatrixError(code, "\(method) \(path): \(text)", status: status, errcode: body?.errcode, retryAfter: retryAfter)
        }
        return bytes
    }

    /// Percent-encodes one path segment or query part (room IDs hold `!`, `:`, `#`).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension MatrixClient: CustomStringConvertible, CustomReflectable {
    /// Without the access token.
    public var description: String { "MatrixClient(\(baseURL), token: \(accessToken == nil ? "none" : "<redacted>"))" }
    public var customMirror: Mirror { Mirror(self, children: ["homeserver": baseURL]) }
}
