import ArgumentParser
import RapportCore

@main
struct Rapport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "A chat bot for IRC and Matrix that notices who helps whom.",
        version: RapportVersion.current,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, ConsoleCommand.self, ReplayCommand.self, ThanksScoreCommand.self, NudgeEvalCommand.self, MigrateStoreCommand.self,
        ])
}
