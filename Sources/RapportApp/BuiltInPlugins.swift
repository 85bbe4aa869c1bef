import AdminPlugin
import CorePlugin
public import RapportCore

/// The plugins compiled into Rapport, in the order `!help` lists them.
public enum BuiltInPlugins {
    public static let all: [PluginRegistration] = [
        PluginRegistration(CorePlugin.self),
        PluginRegistration(AdminPlugin.self),
    ]
}
