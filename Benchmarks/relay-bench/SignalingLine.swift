import Media

/// One line of the text protocol between relay-bench and its endpoint process, over the child's standard input
/// and output: what signalling (Jingle and SDP) would carry in a real call, and the run's control.
///
/// The child writes its fingerprint, one `call` line per call (client ICE facts and the SIP peer's port) and
/// `ready`; relay-bench answers with its fingerprint, one `call` line per call (bridge ICE facts and the plain
/// leg's port) and `go`; after the window it writes `stop` and the child answers `done` with its totals.
enum SignalingLine: Equatable, Sendable {
    /// The sender's certificate fingerprint (SHA-256).
    case fingerprint(DTLSFingerprint)
    case call(CallEndpoint)
    case ready
    case go
    case stop
    case done(EndpointTotals)

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(parsing line: Substring) throws(ParseError) {
        let fields = line.split(separator: " ")
        guard let keyword = fields.first else { throw ParseError(description: "empty line") }
        func integer<T: FixedWidthInteger>(_ index: Int, _: T.Type = T.self) throws(ParseError) -> T {
            guard index < fields.count, let value = T(fields[index]) else {
                throw ParseError(description: "field \(index) of '\(line.prefix(120))' is not a number")
            }
            return value
        }
        switch keyword {
        case "fingerprint" where fields.count == 2:
            do {
                self = .fingerprint(try DTLSFingerprint(algorithm: .sha256, hex: fields[1]))
            } catch {
                throw ParseError(description: String(describing: error))
            }
        case "call" where fields.count == 8:
            let candidate = ICECandidate(
                kind: .host, address: TransportAddress(ip: CallEndpoint.loopback, port: try integer(4)),
                priority: try integer(5), foundation: String(fields[6]))
            let credentials = ICECredentials(ufrag: String(fields[2]), password: String(fields[3]))
            self = .call(
                CallEndpoint(
                    index: try integer(1), credentials: credentials, candidate: candidate, mediaPort: try integer(7)))
        case "ready" where fields.count == 1: self = .ready
        case "go" where fields.count == 1: self = .go
        case "stop" where fields.count == 1: self = .stop
        case "done" where fields.count == 6:
            self = .done(
                EndpointTotals(
                    clientsSent: try integer(1), clientsReceived: try integer(2), peersSent: try integer(3),
                    peersReceived: try integer(4), loadPerMille: try integer(5)))
        default:
            throw ParseError(description: "unexpected line '\(line.prefix(120))'")
        }
    }

    var text: String {
        switch self {
        case .fingerprint(let fingerprint): "fingerprint \(fingerprint.hexValue)"
        case .call(let call):
            "call \(call.index) \(call.credentials.ufrag) \(call.credentials.password) \(call.candidate.address.port) "
                + "\(call.candidate.priority) \(call.candidate.foundation) \(call.mediaPort)"
        case .ready: "ready"
        case .go: "go"
        case .stop: "stop"
        case .done(let totals):
            "done \(totals.clientsSent) \(totals.clientsReceived) \(totals.peersSent) \(totals.peersReceived) "
                + "\(totals.loadPerMille)"
        }
    }
}

/// One side's facts about one call.
struct CallEndpoint: Equatable, Sendable {
    static let loopback = TransportAddress.IP.v4(0x7F00_0001)

    var index: Int
    var credentials: ICECredentials
    /// The host candidate of the secure leg (on 127.0.0.1).
    var candidate: ICECandidate
    /// The other socket: the SIP peer's port (from the child) or the bridge's plain leg port (from relay-bench).
    var mediaPort: UInt16
}

/// What the endpoints sent and received over the whole run.
struct EndpointTotals: Equatable, Sendable {
    var clientsSent: Int
    var clientsReceived: Int
    var peersSent: Int
    var peersReceived: Int
    /// The endpoint process's CPU time over its traffic time, in thousandths of one core: near 1000 it could not
    /// keep the rates.
    var loadPerMille = 0
}
