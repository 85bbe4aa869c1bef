/// Starts something, runs `body` with it, and stops it whatever happens (a server, a bot).
public func withStarted<Resource: Sendable, T: Sendable>(
    _ start: () async throws -> Resource, stop: (Resource) async -> Void, _ body: (Resource) async throws -> T
) async throws -> T {
    let resource = try await start()
    do {
        let result = try await body(resource)
        await stop(resource)
        return result
    } catch {
        await stop(resource)
        throw error
    }
}
