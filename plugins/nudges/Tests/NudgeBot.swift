import NudgesPlugin
import RapportCore

/// The nudges plugin as the end-to-end tests on real servers run it: real time, a short
/// `thank_after`, a one-second delivery job and no rate limits in the way.
enum NudgeBot {
    static let thankAfter = 3.0
    static let plugins = [PluginRegistration(NudgesPlugin.self)]
    static let configuration = BotConfiguration(plugins: [
        "nudges": .init(
            enabled: true,
            values: ["thank_after": .int(Int(thankAfter)), "delivery_interval": .int(1), "min_gap": .int(0), "weekly_limit": .int(50)])
    ])
}
