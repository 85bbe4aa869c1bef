/// Where a run-time setting or plugin switch applies.
public enum Scope: Sendable, Hashable, CustomStringConvertible {
    case everywhere
    case network(String)
    case channel(network: String, channel: String)

    /// The key under which the store keeps it: `*`, `libera`, `libera/#ubuntu`.
    var key: String {
        switch self {
        case .everywhere: "*"
        case .network(let n): n
        case .channel(let n, let c): "\(n)/\(c.lowercased())"
        }
    }

    /// The scopes that apply in one place, least specific first.
    static func chain(network: String?, channel: String?) -> [Scope] {
        var chain: [Scope] = [.everywhere]
        if let network {
            chain.append(.network(network))
            if let channel { chain.append(.channel(network: network, channel: channel)) }
        }
        return chain
    }

    public var description: String {
        switch self {
        case .everywhere: "everywhere"
        case .network(let n): "on \(n)"
        case .channel(_, let c): "in \(c)"
        }
    }
}
