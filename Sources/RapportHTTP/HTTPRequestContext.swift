public import Hummingbird
public import NIOCore

/// The context of a request to the HTTP endpoint: Hummingbird's basics, and the address of the
/// client (what per-client limits, such as sign-in attempts, count by).
public struct HTTPRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection: the client, or the reverse proxy in front of the endpoint.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text (`unknown` for a connection without one).
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
