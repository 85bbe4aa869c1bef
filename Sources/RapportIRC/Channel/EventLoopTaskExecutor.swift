import NIOCore

/// Runs tasks on one NIO event loop: the connection's read path (the connector's loop over the
/// inbound lines, and the runtime actor it hands their events to) prefers the loop the socket
/// lives on, so a read is handled on the thread that read it, without waking a thread of the
/// global pool and back for every read.
///
/// Only the connection's own tasks prefer it (`withTaskExecutorPreference`); plugins do their
/// work in their runners' tasks on the global pool, so a slow plugin never holds up the socket.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
