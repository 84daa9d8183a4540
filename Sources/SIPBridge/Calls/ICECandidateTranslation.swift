import Jingle
import Media

/// ICE candidates between their XEP-0176 form and the media engine's (RFC 8445): used by the calls and by
/// tools that speak Jingle with the engine (the command benchmark).
public enum ICECandidateTranslation {
    /// The engine's candidate for a signalled one; nil for what it cannot use (TCP, other components,
    /// unparsable addresses).
    public static func media(_ candidate: JingleICECandidate) -> Media.ICECandidate? {
        guard candidate.protocol.lowercased() == "udp", candidate.component == 1,
            let address = TransportAddress(candidate.ip, port: candidate.port)
        else { return nil }
        let kind: Media.ICECandidate.Kind
        switch candidate.type {
        case .host: kind = .host
        case .srflx: kind = .serverReflexive
        case .prflx: kind = .peerReflexive
        case .relay: kind = .relayed
        }
        return Media.ICECandidate(
            kind: kind, address: address, priority: candidate.priority, foundation: candidate.foundation,
            componentID: candidate.component)
    }

    /// The XEP-0176 form of one of our candidates; `id` must be unique in the session.
    public static func jingle(_ candidate: Media.ICECandidate, id: String) -> JingleICECandidate {
        let type: JingleICECandidateType
        switch candidate.kind {
        case .host: type = .host
        case .serverReflexive: type = .srflx
        case .peerReflexive: type = .prflx
        case .relayed: type = .relay
        }
        let related = candidate.kind == .host ? nil : candidate.base
        return JingleICECandidate(
            component: candidate.componentID, foundation: candidate.foundation, generation: 0, id: id,
            ip: candidate.address.ipDescription, network: 0, port: candidate.address.port,
            priority: candidate.priority, protocol: "udp", relAddr: related?.ipDescription, relPort: related?.port,
            type: type)
    }

}
