import NIOCore

/// The one timer a driver (a call handle, the endpoint, a registration or qualify client) keeps armed
/// for its sans-IO state machine's next deadline.
struct SIPDeadlineTimer {
    private var scheduled: (deadline: NIODeadline, task: Scheduled<Void>)?

    /// Arms the timer for `deadline` (nil disarms); keeps it when already set for that deadline.
    mutating func arm(_ deadline: NIODeadline?, on eventLoop: EventLoop, fire: @escaping @Sendable () -> Void) {
        guard let deadline else {
            cancel()
            return
        }
        if let scheduled, scheduled.deadline == deadline { return }
        scheduled?.task.cancel()
        scheduled = (deadline, eventLoop.scheduleTask(deadline: deadline, fire))
    }

    /// Forgets the fired timer (called first thing when it fires).
    mutating func fired() { scheduled = nil }

    mutating func cancel() {
        scheduled?.task.cancel()
        scheduled = nil
    }
}
