import AdminPlugin
import CorePlugin
import NudgesPlugin
import PrivacyPlugin
public import RapportCore

/// The plugins compiled into Rapport, in the order `!help` lists them.
public enum BuiltInPlugins {
    public static let all: [PluginRegistration] = [
        PluginRegistration(CorePlugin.self),
        PluginRegistration(AdminPlugin.self),
        PluginRegistration(NudgesPlugin.self),
        PluginRegistration(PrivacyPlugin.self),
    ]
}
