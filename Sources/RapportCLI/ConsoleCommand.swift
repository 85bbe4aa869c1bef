import ArgumentParser
import Foundation
import RapportApp
import RapportConsole

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Chat with the bot in the terminal, in a local channel called #console.",
        discussion: """
            Each line you type is a message in #console; the bot's answers are printed. Piped input is \
            read to its end: printf '!ping\\n!help\\n' | rapport console
            Console commands: /nick NAME (speak as NAME), /me ACTION, /msg TEXT (private message to \
            the bot), /join #CHANNEL, /quit. Your identity is console:NAME, so a config file can make \
            you an owner with owners: ["console:NAME"].
            """)

    @Option(name: .shortAndLong, help: "A YAML configuration file for settings, owners and storage (networks are ignored).")
    var config: String?

    @Option(name: .shortAndLong, help: "Who you are in the console.")
    var user: String = ProcessInfo.processInfo.environment["USER"] ?? "you"

    func run() async throws {
        if isatty(STDIN_FILENO) == 1 {
            printError("Rapport console: you are \(user) in #console. Try !help; /nick NAME, /me, /msg, /join, /quit.")
        }
        do {
            try await RapportApplication.console(
                configurationPath: config, user: user, lines: ConsoleConnector.standardInputLines())
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
