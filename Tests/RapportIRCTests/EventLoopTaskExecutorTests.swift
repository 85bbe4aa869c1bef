import NIOCore
import NIOPosix
import Testing

@testable import RapportIRC

/// The connection's tasks run on its event loop, and so do the default actors they call;
/// tasks without the preference stay on the global pool.
@Suite struct EventLoopTaskExecutorTests {
    /// A default actor (no executor of its own) that says where it runs.
    actor Probe {
        func runsOnAnEventLoop() -> Bool { MultiThreadedEventLoopGroup.currentEventLoop != nil }
    }

    @Test func aTaskPreferringTheLoopRunsItAndTheActorsItCallsThere() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let probe = Probe()
        let (onLoop, actorOnLoop) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            // On the loop first, as the connection's tasks are: a free actor is then entered on
            // the same thread. (A call that is the closure's very first step may enter the actor
            // on the thread the caller was on, before any hop to the loop.)
            let here = loop.inEventLoop
            return (here, await probe.runsOnAnEventLoop())
        }
        #expect(onLoop)
        #expect(actorOnLoop)
        let elsewhere = await Task.detached { await probe.runsOnAnEventLoop() }.value
        #expect(!elsewhere)
    }
}
