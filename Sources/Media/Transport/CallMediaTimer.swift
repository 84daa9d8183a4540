import NIOCore

/// One of a call's timers as NIO's scheduled-callback handler: it forwards the callback to the call, which it
/// holds weakly (a pending timer must not keep a dropped call alive).
final class CallMediaTimer: NIOScheduledCallbackHandler {
    enum Kind {
        /// ICE and DTLS deadlines of the secure legs.
        case transports
        /// RTCP reports and inactivity.
        case housekeeping
        /// Generated media every ptime (transcoder, tone).
        case ticker
    }

    private weak var media: CallMedia?
    private let kind: Kind

    init(media: CallMedia, kind: Kind) {
        self.media = media
        self.kind = kind
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        guard let media else { return }
        switch kind {
        case .transports: media.transportTimerFired()
        case .housekeeping: media.housekeepingFired()
        case .ticker: media.tickerFired()
        }
    }
}
