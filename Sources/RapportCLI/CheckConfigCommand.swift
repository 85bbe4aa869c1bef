import ArgumentParser
import RapportApp

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and say what is wrong with it, without starting the bot.")

    @Argument(help: "The YAML configuration file.")
    var file: String

    func run() async throws {
        do {
            let (loaded, _) = try RapportApplication.loadConfiguration(file)
            print("\(file): OK (\(loaded.networks.count) network(s), owners: \(loaded.bot.owners.count))")
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

func printError(_ text: String) {
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

import Foundation
