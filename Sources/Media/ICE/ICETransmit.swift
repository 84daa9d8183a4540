/// A datagram the caller must send from `source` (a local socket address) to `destination`.
public struct ICETransmit: Hashable, Sendable {
    public var source: TransportAddress
    public var destination: TransportAddress
    public var datagram: [UInt8]

    public init(source: TransportAddress, destination: TransportAddress, datagram: [UInt8]) {
        self.source = source
        self.destination = destination
        self.datagram = datagram
    }
}
