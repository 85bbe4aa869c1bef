/// Where a connector delivers what it sees: the bot runtime.
public protocol EventSink: Sendable {
    /// Takes one event. Returns once the event is queued for the plugins, not when it is handled.
    func receive(_ event: ChatEvent) async

    /// Waits until every event received so far has been handled and its replies handed to the
    /// connectors. The console uses it to print answers right after each line it reads.
    func settle() async
}
