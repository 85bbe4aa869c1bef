/// Where a connector delivers what it sees: the bot runtime.
public protocol EventSink: Sendable {
    /// Takes events in the order they happened. Returns once they are queued for the plugins,
    /// not when they are handled.
    ///
    /// Connectors hand over everything one read from the network produced in one call, so a
    /// busy channel costs one hop into the runtime per read, not per message.
    func receive(_ events: [ChatEvent]) async

    /// Waits until every event received so far has been handled and its replies handed to the
    /// connectors. The console uses it to print answers right after each line it reads.
    func settle() async

    /// Waits until the plugins have handled every event received so far and committed what they
    /// stored for them; events held back for a fuller batch go at once. Unlike ``settle()`` it
    /// does not wait for the work those events cause later.
    ///
    /// A connector that can read again from a saved position (Matrix's `since`) saves it only
    /// after this returns: a crash then replays events rather than losing them.
    func handled() async

    /// Tells that a connector starts serving `network` after waiting for it while another
    /// instance sharing the store did: what that instance changed at run time (switches,
    /// settings, admins, channels joined) is read again from the store.
    func networkTakenOver(_ network: String) async
}

extension EventSink {
    /// Takes one event (``receive(_:)-([ChatEvent])`` with one element).
    public func receive(_ event: ChatEvent) async { await receive([event]) }

    public func networkTakenOver(_ network: String) async {}

    /// ``settle()``, which waits for at least as much.
    public func handled() async { await settle() }
}
