/// How much a person may do, from least to most.
public enum Role: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Anyone in the channel.
    case anyone
    /// A channel operator (IRC `+o` or higher, Matrix power level at or above the configured one),
    /// for their own channel only.
    case channelOperator = "operator"
    /// A bot administrator, granted at run time by an owner.
    case admin
    /// A bot owner, named by identity in the configuration file.
    case owner

    private var rank: Int { Role.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// How the role reads in a refusal, e.g. "You need to be a bot admin for that."
    public var phrase: String {
        switch self {
        case .anyone: "anyone"
        case .channelOperator: "a channel operator"
        case .admin: "a bot admin"
        case .owner: "a bot owner"
        }
    }
}
