import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import RapportIRC

#if canImport(Glibc)
import Glibc
#endif

/// The options of the connector's real TCP connections, read back from the kernel.
@Suite struct IRCSocketOptionsTests {
    @Test func connectionsTurnNagleOffAndAskForNoPrivilegedOption() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let client = try await IRCConnector.bootstrap(IRCConfiguration(host: "127.0.0.1", port: port, nick: "rapport"))
            .connect(host: "127.0.0.1", port: port).get()
        #expect(try await client.getOption(.tcpOption(.tcp_nodelay)) != 0)
        // SO_DEBUG (what SOL_SOCKET with TCP_NODELAY's number means) needs CAP_NET_ADMIN: asked
        // for by mistake, it made every connection fail for a bot not running as root.
        #expect(try await client.getOption(.socketOption(.init(rawValue: CInt(SO_DEBUG)))) == 0)
        try await client.close()
        try await server.close()
    }
}
