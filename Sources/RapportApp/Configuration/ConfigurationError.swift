/// A configuration file that cannot be used, with the key path and the problem.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// The file the error is about.
    public var file: String
    /// Where in the file, such as `networks[0].irc.port`; empty for the whole file.
    public var path: String
    /// What is wrong, in one sentence; never contains a secret.
    public var problem: String

    public init(file: String, path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    public var description: String { path.isEmpty ? "\(file): \(problem)" : "\(file): \(path): \(problem)" }
}
