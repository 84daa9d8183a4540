/// A sans-IO ICE agent (RFC 8445) for one component, with trickle ICE (RFC 8838), consent freshness
/// (RFC 7675) and an ICE-lite mode.
///
/// It never reads a clock and owns no socket. The media engine drives it:
/// - inputs: `handleReceive(_:from:to:now:)` for every STUN datagram arriving on a local socket,
///   `handleTimeout(now:)` when `pollTimeout()` is reached, and the commands `addHostCandidate`,
///   `addLocalCandidate`, `addRemoteCandidate`, `endOfRemoteCandidates`, `setRemoteCredentials`, `restart`;
/// - outputs: drain `pollTransmit()` (datagrams to send) and `pollEvent()` after every input, then sleep
///   until `pollTimeout()`.
///
/// Media goes on `selectedPair` (from `local.base` to `remote.address`); after an ICE restart the previous
/// selected pair stays until a new one is selected (RFC 8445 section 9).
public struct ICEAgent: Sendable {
    public let configuration: ICEConfiguration
    /// The current role (RFC 8445 section 6.1.1); role conflicts may switch it.
    public internal(set) var role: ICERole
    /// The tie-breaker sent in ICE-CONTROLLING / ICE-CONTROLLED (RFC 8445 section 7.1.3).
    public internal(set) var tieBreaker: UInt64
    public internal(set) var localCredentials: ICECredentials
    public internal(set) var remoteCredentials: ICECredentials?
    public internal(set) var localCandidates: [ICECandidate] = []
    public internal(set) var remoteCandidates: [ICECandidate] = []
    /// The check list, highest priority first.
    public internal(set) var pairs: [ICECandidatePair] = []
    public internal(set) var selectedPair: ICECandidatePair?
    public internal(set) var connectionState: ICEConnectionState = .new
    /// Whether the peer signaled end-of-candidates for the current generation (RFC 8838 section 8).
    public internal(set) var remoteEndOfCandidates = false

    var random: ICERandom
    var nextPairID = 0
    var nextPeerReflexiveFoundation = 0
    /// Triggered check queue (RFC 8445 section 7.3.1.4), pair IDs in FIFO order.
    var triggeredQueue: [Int] = []
    var transactions: [STUNTransactionID: ICETransaction] = [:]
    /// The earliest time the next ordinary or triggered check may go out (pacing, RFC 8445 section 14.2).
    var nextCheckTime: MediaTime?
    /// The most recent `now` of any input; commands without a time schedule against it.
    var lastNow = MediaTime.zero
    /// When the first valid pair appeared in this generation (controlling nomination timer).
    var firstValidTime: MediaTime?
    /// The pair whose USE-CANDIDATE check is outstanding (controlling agent).
    var nominatingPairID: Int?
    /// Consent freshness of the selected pair (RFC 7675): last response and next request.
    var lastConsent: MediaTime?
    var nextConsentCheck: MediaTime?
    /// STUN server transactions still running; `gatheringComplete` fires when this drops to zero.
    var pendingGathers = 0
    /// STUN server requests created by a command, to be sent at the next `handleTimeout`.
    var queuedGathers: [(id: STUNTransactionID, transmit: ICETransmit)] = []
    var transmits: [ICETransmit] = []
    var events: [ICEEvent] = []

    public init(configuration: ICEConfiguration = ICEConfiguration()) {
        self.configuration = configuration
        var random = ICERandom(seed: configuration.seed)
        self.role = configuration.lite ? .controlled : configuration.role
        self.tieBreaker = random.next()
        self.localCredentials = configuration.credentials ?? .random(using: &random)
        self.random = random
    }

    // MARK: Outputs

    /// The next datagram to send, or nil.
    public mutating func pollTransmit() -> ICETransmit? {
        transmits.isEmpty ? nil : transmits.removeFirst()
    }

    /// The next event, or nil.
    public mutating func pollEvent() -> ICEEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// When `handleTimeout(now:)` must be called next; nil when nothing is scheduled. A deadline at or before
    /// the latest input's time means "now": commands such as `addHostCandidate` or `setRemoteCredentials`
    /// carry no time, so what they start goes out at the next `handleTimeout`.
    public func pollTimeout() -> MediaTime? {
        var deadline: MediaTime?
        func consider(_ time: MediaTime?) {
            guard let time else { return }
            deadline = min(deadline ?? time, time)
        }
        for transaction in transactions.values { consider(transaction.deadline) }
        if hasCheckToSend { consider(nextCheckTime ?? lastNow) }
        if !queuedGathers.isEmpty { consider(lastNow) }
        if role == .controlling, !configuration.lite, selectedPair == nil || isRestarting,
            nominatingPairID == nil, let firstValidTime, firstValidTime + configuration.nominationDelay > lastNow
        {
            consider(firstValidTime + configuration.nominationDelay)
        }
        if let nextConsentCheck, let lastConsent {
            consider(nextConsentCheck)
            consider(lastConsent + configuration.consentTimeout)
        }
        return deadline
    }

    // MARK: Commands

    /// Adds a host candidate on a local socket address and starts server-reflexive gathering from it
    /// toward each configured STUN server of the same family (RFC 8445 section 5.1.1).
    /// Emits `localCandidate`.
    public mutating func addHostCandidate(_ address: TransportAddress, localPreference: UInt16 = 65535) {
        let candidate = ICECandidate(
            kind: .host, address: address, base: address,
            priority: ICECandidate.priority(kind: .host, localPreference: localPreference),
            foundation: ICECandidate.foundation(kind: .host, base: address))
        addLocalCandidate(candidate)
        for server in configuration.stunServers where server.ip.isIPv4 == address.ip.isIPv4 {
            let request = STUNMessage(type: .bindingRequest, transactionID: .random(using: &random))
            guard let bytes = try? request.encoded(fingerprint: true) else { continue }
            pendingGathers += 1
            // Sent by the next `handleTimeout`, which knows the time.
            queuedGathers.append(
                (request.transactionID, ICETransmit(source: address, destination: server, datagram: bytes)))
        }
    }

    /// Adds a local candidate built by the caller, for example the configured public address of a 1:1 NAT as
    /// a server-reflexive candidate whose base is the host address. Only host candidates form pairs;
    /// others are pruned to their base (RFC 8445 section 6.1.2.4). Emits `localCandidate`.
    public mutating func addLocalCandidate(_ candidate: ICECandidate) {
        guard !localCandidates.contains(where: { $0.kind == candidate.kind && $0.address == candidate.address })
        else { return }
        localCandidates.append(candidate)
        events.append(.localCandidate(candidate))
        if candidate.kind == .host {
            for remote in remoteCandidates { addPair(local: candidate, remote: remote) }
        }
    }

    /// Sets the peer's ufrag and password from signaling; checks start once pairs exist.
    public mutating func setRemoteCredentials(_ credentials: ICECredentials) {
        remoteCredentials = credentials
        if connectionState == .new, !pairs.isEmpty, !configuration.lite { setState(.checking) }
    }

    /// Adds a remote candidate, at any time (trickle, RFC 8838 section 11). A candidate already known as
    /// peer-reflexive takes the signaled type and foundation but keeps its priority (RFC 8445 section 7.3.1.3).
    public mutating func addRemoteCandidate(_ candidate: ICECandidate) {
        guard candidate.componentID == 1 else { return }
        if let index = remoteCandidates.firstIndex(where: { $0.address == candidate.address }) {
            if remoteCandidates[index].kind == .peerReflexive {
                remoteCandidates[index].kind = candidate.kind
                remoteCandidates[index].foundation = candidate.foundation
                for pairIndex in pairs.indices where pairs[pairIndex].remote.address == candidate.address {
                    pairs[pairIndex].remote.kind = candidate.kind
                    pairs[pairIndex].remote.foundation = candidate.foundation
                }
            }
            return
        }
        remoteCandidates.append(candidate)
        for local in localCandidates where local.kind == .host { addPair(local: local, remote: candidate) }
        if connectionState == .new, remoteCredentials != nil, !pairs.isEmpty, !configuration.lite {
            setState(.checking)
        }
    }

    /// The peer will send no more candidates for this generation (RFC 8838 section 8): from now on the
    /// check list may fail.
    public mutating func endOfRemoteCandidates() {
        remoteEndOfCandidates = true
        updateFailure()
    }

    /// Changes the role by signaling, for example after an ICE restart in which the other side offered
    /// (RFC 8445 section 9). Ignored in lite mode.
    public mutating func setRole(_ newRole: ICERole) {
        guard !configuration.lite, newRole != role else { return }
        switchRole(to: newRole, announce: true)
    }

    /// ICE restart (RFC 8445 section 9): new local credentials (random when nil), the remote credentials,
    /// candidates and check list are forgotten, local candidates are kept and must be signaled again.
    /// Media stays on the current selected pair until a new one is selected; consent checks pause meanwhile.
    public mutating func restart(localCredentials newCredentials: ICECredentials? = nil) {
        localCredentials = newCredentials ?? .random(using: &random)
        remoteCredentials = nil
        remoteCandidates = []
        pairs = []
        triggeredQueue = []
        transactions = transactions.filter {
            if case .gather = $0.value.purpose { return true }
            return false
        }
        remoteEndOfCandidates = false
        firstValidTime = nil
        nominatingPairID = nil
        nextConsentCheck = nil
        lastConsent = nil
        if selectedPair != nil {
            isRestarting = true
        } else {
            setState(.new)
        }
    }

    /// Set between `restart` and the next selected pair while an old selected pair carries media.
    public internal(set) var isRestarting = false

    // MARK: Check list

    mutating func addPair(local: ICECandidate, remote: ICECandidate) {
        guard pairs.count < configuration.maxPairs, local.base.ip.isIPv4 == remote.address.ip.isIPv4,
            !pairs.contains(where: { $0.local.base == local.base && $0.remote.address == remote.address })
        else { return }
        var pair = ICECandidatePair(id: nextPairID, local: local, remote: remote, state: .frozen)
        nextPairID += 1
        // RFC 8445 section 6.1.2.6 and RFC 8838 section 11: a pair whose foundation has no pair waiting or
        // in progress starts Waiting, others wait Frozen for a success of their foundation.
        let foundation = pair.foundation
        if !pairs.contains(where: { $0.foundation == foundation && ($0.state == .waiting || $0.state == .inProgress) })
        {
            pair.state = .waiting
        }
        pairs.append(pair)
        sortPairs()
    }

    mutating func sortPairs() {
        let role = self.role
        pairs.sort { $0.priority(role: role) > $1.priority(role: role) }
    }

    func pairIndex(id: Int) -> Int? { pairs.firstIndex { $0.id == id } }

    var hasCheckToSend: Bool {
        guard !configuration.lite, remoteCredentials != nil else { return false }
        return !triggeredQueue.isEmpty || pairs.contains { $0.state == .waiting || $0.state == .frozen }
    }

    /// RTO = MAX(minimum, Ta * (Waiting + In-Progress pairs)) (RFC 8445 section 14.3).
    var checkRTO: Duration {
        let active = pairs.count { $0.state == .waiting || $0.state == .inProgress }
        return max(configuration.minimumRTO, configuration.pacingInterval * active)
    }

    mutating func setState(_ state: ICEConnectionState) {
        guard state != connectionState else { return }
        connectionState = state
        events.append(.connectionStateChanged(state))
    }

    mutating func switchRole(to newRole: ICERole, announce: Bool) {
        role = newRole
        sortPairs()
        nominatingPairID = nil
        for index in pairs.indices { pairs[index].sendUseCandidate = false }
        if announce { events.append(.roleChanged(newRole)) }
    }

    /// RFC 8838 section 8: the check list fails only when every pair failed after end-of-candidates.
    mutating func updateFailure() {
        guard !configuration.lite, remoteEndOfCandidates, remoteCredentials != nil,
            selectedPair == nil || isRestarting, connectionState != .failed,
            pairs.allSatisfy({ $0.state == .failed })
        else { return }
        if isRestarting {
            isRestarting = false
            selectedPair = nil
        }
        setState(.failed)
    }

    /// Makes `pairID`'s valid pair the selected pair if it is the best nominated one (RFC 8445 section 8.1.1).
    mutating func updateSelection(now: MediaTime) {
        let role = self.role
        guard
            let best = pairs.filter({ $0.isValid && $0.isNominated })
                .max(by: { $0.priority(role: role) < $1.priority(role: role) })
        else { return }
        if let current = selectedPair, !isRestarting, current.id == best.id { return }
        selectedPair = best
        isRestarting = false
        events.append(.selectedPairChanged(best))
        setState(.connected)
        if !configuration.lite {
            lastConsent = now
            nextConsentCheck = now + consentJitter()
        }
    }

    /// The consent interval randomized to 0.8-1.2 of its value (RFC 7675 section 5.1).
    mutating func consentJitter() -> Duration {
        let nanoseconds = configuration.consentInterval.mediaNanoseconds
        let factor = 0.8 + 0.4 * Double(random.next() >> 11) / Double(1 << 53)
        return .nanoseconds(Int64(Double(nanoseconds) * factor))
    }
}
