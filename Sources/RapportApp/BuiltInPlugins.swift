import AdminPlugin
import CorePlugin
import DashboardPlugin
import NudgesPlugin
import PrivacyPlugin
import ThanksPlugin
public import RapportCore

/// The plugins compiled into Rapport, in the order `!help` lists them.
public enum BuiltInPlugins {
    public static let all: [PluginRegistration] = [
        PluginRegistration(CorePlugin.self),
        PluginRegistration(AdminPlugin.self),
        PluginRegistration(NudgesPlugin.self),
        PluginRegistration(PrivacyPlugin.self),
        PluginRegistration(ThanksPlugin.self),
        PluginRegistration(DashboardPlugin.self),
    ]
}
