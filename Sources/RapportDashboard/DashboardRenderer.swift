public import Foundation
public import RapportCore

/// Makes the dashboard's pages from the store: the work behind each request once the session
/// is checked (and what the benchmark times).
public struct DashboardRenderer: Sendable {
    let loader: ChannelReportLoader

    public init(store: any Store) { loader = ChannelReportLoader(store: store) }

    /// Creates what the pages read: the ledger and the dashboard's index on it.
    public func migrate() async throws { try await loader.migrate() }

    /// The list of channels, below `header` (the signed-in navigation; HTML as it is).
    public func indexPage(header: String = "") async throws -> String { DashboardPages.index(try await loader.channels(), header: header) }

    /// One channel's page for `period`, as of `now`, below `header`.
    public func channelPage(network: String, channel: String, period: Period, now: Date, header: String = "") async throws -> String {
        DashboardPages.channel(try await loader.report(network: network, channel: channel, period: period, now: now), header: header)
    }
}
