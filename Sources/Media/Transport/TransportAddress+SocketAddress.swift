import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TransportAddress {
    /// The address of a NIO socket; nil for Unix-domain addresses.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let port = UInt16(bigEndian: v4.address.sin_port)
            self.init(ip: .v4(UInt32(bigEndian: v4.address.sin_addr.s_addr)), port: port)
        case .v6(let v6):
            // Read in place: an Array of the 16 bytes would be a heap allocation per datagram.
            let (high, low) = withUnsafeBytes(of: v6.address.sin6_addr) { raw in
                (
                    UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                )
            }
            self.init(ip: .v6(high: high, low: low), port: UInt16(bigEndian: v6.address.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }

    /// The NIO socket address, built without parsing text.
    public var socketAddress: SocketAddress {
        switch ip {
        case .v4(let value):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = value.bigEndian
            return SocketAddress(address, host: ipDescription)
        case .v6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            let bytes = ip.bytes
            withUnsafeMutableBytes(of: &address.sin6_addr) { raw in
                for index in 0..<16 { raw[index] = bytes[index] }
            }
            return SocketAddress(address, host: ipDescription)
        }
    }
}
