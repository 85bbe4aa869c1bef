/// How a plugin that runs as a separate program is doing, for admins (the dashboard's
/// plugins page).
public struct PluginProcessState: Sendable, Hashable {
    /// Where the program is in its life.
    public enum Phase: String, Sendable, Hashable {
        case starting, running, restarting, failed, stopped
    }

    public var phase: Phase
    /// How many times the program was started again after a failure, since this instance began.
    public var restarts: Int
    /// Why it last failed, if it did.
    public var lastError: String?
    /// The last lines it wrote to standard error, oldest first (a bounded tail).
    public var standardErrorTail: [String]

    public init(phase: Phase, restarts: Int, lastError: String?, standardErrorTail: [String]) {
        self.phase = phase
        self.restarts = restarts
        self.lastError = lastError
        self.standardErrorTail = standardErrorTail
    }
}

/// A plugin that runs as a separate program (an external plugin) and reports how it is doing.
public protocol ProcessBackedPlugin: Plugin {
    /// The program's state now.
    func processState() async -> PluginProcessState
}
