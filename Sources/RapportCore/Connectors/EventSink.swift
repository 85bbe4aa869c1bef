/// Where a connector delivers what it sees: the bot runtime.
public protocol EventSink: Sendable {
    /// Takes one event. Returns once the event is queued for the plugins, not when it is handled.
    func receive(_ event: ChatEvent) async

    /// Waits until every event received so far has been handled and its replies handed to the
    /// connectors. The console uses it to print answers right after each line it reads.
    func settle() async

    /// Tells that a connector starts serving `network` after waiting for it while another
    /// instance sharing the store did: what that instance changed at run time (switches,
    /// settings, admins, channels joined) is read again from the store.
    func networkTakenOver(_ network: String) async
}

extension EventSink {
    public func networkTakenOver(_ network: String) async {}
}
