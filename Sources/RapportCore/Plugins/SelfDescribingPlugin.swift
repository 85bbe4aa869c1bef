/// A plugin instance that knows its descriptor only once it runs.
///
/// An out-of-process plugin announces its commands and settings in its handshake, and a new
/// version of its code may announce different ones. When ``PluginRegistration/make`` returns a
/// plugin of this kind, the runtime replaces the registration's descriptor with
/// ``descriptor`` (its id must stay the same), so `!help`, `!plugin info` and `!config`
/// see what the running code offers, also after `!plugin reload`.
public protocol SelfDescribingPlugin: Plugin {
    /// What the running instance offers; its ``PluginDescriptor/id`` is the registration's.
    var descriptor: PluginDescriptor { get }
}
