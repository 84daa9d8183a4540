/// Which SRTP implementation a protector uses, for configuration and benchmarks.
public enum SRTPImplementation: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `EVPSRTPContext`: OpenSSL EVP, no allocation per packet. The hot path.
    case evp
    /// `LibSRTPContext`: libsrtp2, the reference.
    case libsrtp

    public var description: String { rawValue }

    /// A protector that sends with `outbound` and receives with `inbound`.
    public func makeProtector(
        outbound: SRTPMasterKey, inbound: SRTPMasterKey, configuration: SRTPConfiguration = SRTPConfiguration()
    ) throws(MediaError) -> any SRTPProtector {
        switch self {
        case .evp: try EVPSRTPContext(outbound: outbound, inbound: inbound, configuration: configuration)
        case .libsrtp: try LibSRTPContext(outbound: outbound, inbound: inbound, configuration: configuration)
        }
    }
}
