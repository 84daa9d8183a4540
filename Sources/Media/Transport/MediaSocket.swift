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
///
/// `connectedTwin(to:)` opens a second socket on the same address and port, connected to the leg's peer: the
/// kernel delivers the peer's datagrams to the connected socket (it matches all four of the addresses) and
/// everything else to this one, so the peer's media can be read without a source address per datagram.
struct MediaSocket {
    /// The socket, or -1 once the channel closed it.
    private(set) var descriptor: CInt
    /// Whether the socket is IPv6 (IPv4 destinations then go to their v4-mapped address).
    private let isIPv6: Bool
    /// The address and port the socket is bound to, for its connected twin.
    private let boundAddress: SocketAddress?
    private var cachedDestination: TransportAddress?
    private var cachedAddress = sockaddr_storage()
    private var cachedLength: socklen_t = 0

    /// A socket that sends nothing (before binding, or after the channel closed).
    init() {
        descriptor = -1
        isIPv6 = false
        boundAddress = nil
    }

    private init(descriptor: CInt, boundAddress: SocketAddress) {
        self.descriptor = descriptor
        self.boundAddress = boundAddress
        if case .v6 = boundAddress { isIPv6 = true } else { isIPv6 = false }
    }

    /// Opens a non-blocking UDP socket bound to `host` (an IP literal) and `port` (0: any). Throws NIO's
    /// `IOError` with the errno, so callers can tell EADDRINUSE apart.
    static func bound(host: String, port: Int) throws -> MediaSocket {
        let address = try SocketAddress(ipAddress: host, port: port)
        let descriptor = try open(address, reusePort: false)
        // With port 0 the kernel chose: the twin needs the real port.
        var bound = address
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let port = withUnsafeBytes(of: storage) {
            UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        }
        if named == 0 { bound.port = Int(port) }
        return MediaSocket(descriptor: descriptor, boundAddress: bound)
    }

    /// A second socket on this one's address and port, connected to `peer` (see the type's notes); the caller
    /// owns the descriptor. Both sockets share the port only while the twin binds: SO_REUSEPORT is set on this
    /// socket for that moment and cleared on both afterwards, so no other socket can join the port later and a
    /// bind by anyone else still fails with EADDRINUSE.
    func connectedTwin(to peer: TransportAddress) throws -> CInt {
        guard descriptor >= 0, let boundAddress else { throw IOError(errnoCode: EBADF, reason: "no socket") }
        guard let (address, length) = Self.socketAddress(for: peer, isIPv6: isIPv6) else {
            throw IOError(errnoCode: EAFNOSUPPORT, reason: "connect")
        }
        try Self.setReusePort(descriptor, true)
        defer { try? Self.setReusePort(descriptor, false) }
        let twin = try Self.open(boundAddress, reusePort: true)
        let connected = withUnsafePointer(to: address) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(twin, $0, length) }
        }
        guard connected == 0 else {
            let code = errno
            close(twin)
            throw IOError(errnoCode: code, reason: "connect")
        }
        try? Self.setReusePort(twin, false)
        return twin
    }

    /// Closes a descriptor `connectedTwin(to:)` returned that no channel took over.
    static func closeDescriptor(_ descriptor: CInt) {
        close(descriptor)
    }

    /// A new non-blocking UDP socket bound to `address`.
    private static func open(_ address: SocketAddress, reusePort: Bool) throws -> CInt {
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
        do {
            if reusePort { try setReusePort(descriptor, true) }
            let result = address.withSockAddr { pointer, size in bind(descriptor, pointer, socklen_t(size)) }
            guard result == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    private static func setReusePort(_ descriptor: CInt, _ on: Bool) throws {
        var value: CInt = on ? 1 : 0
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt(SO_REUSEPORT)")
        }
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

    /// Sends one datagram on a connected socket (a twin from `connectedTwin(to:)`).
    static func send(_ datagram: UnsafeRawBufferPointer, connected descriptor: CInt) -> Bool {
        #if canImport(Glibc)
            Glibc.send(descriptor, datagram.baseAddress, datagram.count, CInt(MSG_DONTWAIT)) == datagram.count
        #else
            Darwin.send(descriptor, datagram.baseAddress, datagram.count, CInt(MSG_DONTWAIT)) == datagram.count
        #endif
    }

    /// Builds the `sockaddr` for `destination` once.
    private mutating func cache(_ destination: TransportAddress) -> Bool {
        guard let (address, length) = Self.socketAddress(for: destination, isIPv6: isIPv6) else {
            cachedDestination = nil
            return false
        }
        cachedAddress = address
        cachedLength = length
        cachedDestination = destination
        return true
    }

    /// The `sockaddr` that reaches `destination` from an IPv4 or IPv6 socket; nil when it cannot.
    private static func socketAddress(
        for destination: TransportAddress, isIPv6: Bool
    ) -> (sockaddr_storage, socklen_t)? {
        switch (destination.ip, isIPv6) {
        case (.v4(let value), false):
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { raw in
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = destination.port.bigEndian
                address.sin_addr.s_addr = value.bigEndian
                raw.storeBytes(of: address, as: sockaddr_in.self)
            }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        case (.v4(let value), true):
            // RFC 4291 section 2.5.5.2: ::ffff:a.b.c.d reaches an IPv4 peer from a dual-stack socket.
            return sockaddr6(high: 0, low: 0xFFFF_0000_0000 | UInt64(value), port: destination.port)
        case (.v6(let high, let low), true):
            return sockaddr6(high: high, low: low, port: destination.port)
        case (.v6, false):
            return nil
        }
    }

    private static func sockaddr6(high: UInt64, low: UInt64, port: UInt16) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
                bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            raw.storeBytes(of: address, as: sockaddr_in6.self)
        }
        return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
    }
}
