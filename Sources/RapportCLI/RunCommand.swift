import ArgumentParser
import RapportApp

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Connect to the configured networks and serve until SIGTERM or SIGINT.")

    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String = "rapport.yaml"

    func run() async throws {
        do {
            try await RapportApplication.run(configurationPath: config)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
