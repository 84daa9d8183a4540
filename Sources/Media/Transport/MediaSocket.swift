import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sending side of one leg's UDP socket: the leg binds the socket itself, hands it to NIO for reading
/// (`DatagramBootstrap.withBoundSocket`) and keeps the descriptor to send with `sendto(2)` directly.
///
/// NIO's write path costs a `SocketAddress` (a heap box), a trip through the pipeline and its pending-write
/// queue per datagram; here a datagram costs one system call, and the destination's `sockaddr` is built once
/// per change of destination. A datagram the kernel cannot take right now (full send buffer) is dropped, as
/// a router would: RTP carries its own loss handling, and STUN and DTLS retransmit.
///
/// The descriptor belongs to the NIO channel, which closes it; the owner calls `invalidate()` when the channel
/// becomes inactive, so a descriptor number the kernel hands out again is never written to.
struct MediaSocket {
    /// The socket, or -1 once the channel closed it.
    private(set) var descriptor: CInt
    /// Whether the socket is IPv6 (IPv4 destinations then go to their v4-mapped address).
    private let isIPv6: Bool
    private var cachedDestination: TransportAddress?
    private var cachedAddress = sockaddr_storage()
    private var cachedLength: socklen_t = 0

    /// A socket that sends nothing (before binding, or after the channel closed).
    init() {
        descriptor = -1
        isIPv6 = false
    }

    init(descriptor: CInt, isIPv6: Bool) {
        self.descriptor = descriptor
        self.isIPv6 = isIPv6
    }

    /// Opens a non-blocking UDP socket bound to `host` (an IP literal) and `port` (0: any). Throws NIO's
    /// `IOError` with the errno, so callers can tell EADDRINUSE apart.
    static func bound(host: String, port: Int) throws -> MediaSocket {
        let address = try SocketAddress(ipAddress: host, port: port)
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        case .unixDomainSocket: throw MediaError(.invalidConfiguration, "media sockets are UDP over IP")
        }
        #if canImport(Glibc)
        let type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        let descriptor = socket(family, type, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        let result = address.withSockAddr { pointer, size in bind(descriptor, pointer, socklen_t(size)) }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind")
        }
        return MediaSocket(descriptor: descriptor, isIPv6: family == AF_INET6)
    }

    /// Forgets the descriptor: its channel closed it.
    mutating func invalidate() {
        descriptor = -1
    }

    /// Sends one datagram; false when it was not sent (no socket, an address family the socket cannot reach,
    /// or the kernel refused it: full buffer, ICMP error pending from an earlier datagram).
    mutating func send(_ datagram: UnsafeRawBufferPointer, to destination: TransportAddress) -> Bool {
        guard descriptor >= 0 else { return false }
        if cachedDestination != destination {
            guard cache(destination) else { return false }
        }
        let sent = withUnsafePointer(to: &cachedAddress) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                sendto(descriptor, datagram.baseAddress, datagram.count, CInt(MSG_DONTWAIT), address, cachedLength)
            }
        }
        return sent == datagram.count
    }

    /// Builds the `sockaddr` for `destination` once.
    private mutating func cache(_ destination: TransportAddress) -> Bool {
        cachedAddress = sockaddr_storage()
        switch (destination.ip, isIPv6) {
        case (.v4(let value), false):
            withUnsafeMutableBytes(of: &cachedAddress) { raw in
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = destination.port.bigEndian
                address.sin_addr.s_addr = value.bigEndian
                raw.storeBytes(of: address, as: sockaddr_in.self)
            }
            cachedLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        case (.v4(let value), true):
            // RFC 4291 section 2.5.5.2: ::ffff:a.b.c.d reaches an IPv4 peer from a dual-stack socket.
            store(high: 0, low: 0xFFFF_0000_0000 | UInt64(value), port: destination.port)
        case (.v6(let high, let low), true):
            store(high: high, low: low, port: destination.port)
        case (.v6, false):
            cachedDestination = nil
            return false
        }
        cachedDestination = destination
        return true
    }

    private mutating func store(high: UInt64, low: UInt64, port: UInt16) {
        withUnsafeMutableBytes(of: &cachedAddress) { raw in
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
                bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            raw.storeBytes(of: address, as: sockaddr_in6.self)
        }
        cachedLength = socklen_t(MemoryLayout<sockaddr_in6>.size)
    }
}
