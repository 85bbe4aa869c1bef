public import Hummingbird

/// More pages served by the HTTP endpoint next to `/healthz`, `/readyz` and `/metrics` (the
/// web dashboard is one). The endpoint knows nothing of what they show.
public protocol HTTPRoutes: Sendable {
    /// Adds the routes to `router`; called once, before the server starts.
    func add(to router: Router<HTTPRequestContext>)
}
