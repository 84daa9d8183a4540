import NIOCore
import Testing

@testable import Media

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `MediaSocket`: binding with NIO's errors, and `sendto` to cached IPv4 and IPv6 destinations.
@Suite struct MediaSocketTests {
    /// The port a socket is bound to.
    func port(of socket: MediaSocket) throws -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.descriptor, $0, &length) }
        }
        try #require(result == 0)
        // sin_port and sin6_port sit at the same offset.
        return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) }
    }

    /// Waits up to a second for one datagram on `socket`; nil if none came.
    func receive(on socket: MediaSocket) -> [UInt8]? {
        Receiver(descriptor: socket.descriptor, milliseconds: 1000).receive()
    }

    @Test func sendsToIPv4AndCachesTheDestination() throws {
        var sender = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        let receiver = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        defer {
            close(sender.descriptor)
            close(receiver.descriptor)
        }
        let destination = TransportAddress(ip: .v4(0x7F00_0001), port: try port(of: receiver))
        for value in UInt8(1)...3 {
            #expect([value, 0xAA].withUnsafeBytes { sender.send($0, to: destination) })
            #expect(receive(on: receiver) == [value, 0xAA])
        }
        // IPv6 is out of reach of an IPv4 socket: refused, not sent.
        let v6 = TransportAddress(ip: .v6(high: 0, low: 1), port: destination.port)
        #expect(![UInt8(1)].withUnsafeBytes { sender.send($0, to: v6) })
        #expect([UInt8(4)].withUnsafeBytes { sender.send($0, to: destination) }, "the IPv4 destination is cached again")
        #expect(receive(on: receiver) == [4])
    }

    @Test func sendsToIPv6() throws {
        guard let receiver = try? MediaSocket.bound(host: "::1", port: 0) else { return }  // no IPv6 loopback here
        var sender = try MediaSocket.bound(host: "::1", port: 0)
        defer {
            close(sender.descriptor)
            close(receiver.descriptor)
        }
        let destination = TransportAddress(ip: .v6(high: 0, low: 1), port: try port(of: receiver))
        let datagram: [UInt8] = [9, 8, 7]
        #expect(datagram.withUnsafeBytes { sender.send($0, to: destination) })
        #expect(receive(on: receiver) == datagram)
    }

    /// A dual-stack socket reaches an IPv4 peer through its v4-mapped address (RFC 4291 section 2.5.5.2).
    @Test func dualStackSocketSendsToIPv4() throws {
        guard var sender = try? MediaSocket.bound(host: "::", port: 0) else { return }  // no IPv6 here
        let receiver = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        defer {
            close(sender.descriptor)
            close(receiver.descriptor)
        }
        let destination = TransportAddress(ip: .v4(0x7F00_0001), port: try port(of: receiver))
        let datagram: [UInt8] = [5, 6]
        #expect(datagram.withUnsafeBytes { sender.send($0, to: destination) })
        #expect(receive(on: receiver) == datagram)
    }

    /// SIPBridge retries another port pair on EADDRINUSE, so the error must be NIO's `IOError` with that errno.
    @Test func portInUseIsAnIOError() throws {
        let first = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        defer { close(first.descriptor) }
        let port = Int(try port(of: first))
        #expect {
            _ = try MediaSocket.bound(host: "127.0.0.1", port: port)
        } throws: { error in
            (error as? IOError)?.errnoCode == EADDRINUSE
        }
    }

    /// The connected twin gets the peer's datagrams, the socket everyone else's; the port stays closed to others.
    @Test func connectedTwinTakesThePeersTraffic() throws {
        let socket = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        var peer = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        var stranger = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        defer {
            close(socket.descriptor)
            close(peer.descriptor)
            close(stranger.descriptor)
        }
        let peerAddress = TransportAddress(ip: .v4(0x7F00_0001), port: try port(of: peer))
        let twinDescriptor = try socket.connectedTwin(to: peerAddress)
        let twin = Receiver(descriptor: twinDescriptor)
        let own = Receiver(descriptor: socket.descriptor)
        let local = TransportAddress(ip: .v4(0x7F00_0001), port: try port(of: socket))
        let fromPeer: [UInt8] = [1, 1]
        let fromStranger: [UInt8] = [2, 2]
        #expect(fromPeer.withUnsafeBytes { peer.send($0, to: local) })
        #expect(fromStranger.withUnsafeBytes { stranger.send($0, to: local) })
        #expect(twin.receive() == fromPeer)
        #expect(own.receive() == fromStranger)
        #expect(twin.receive() == nil && own.receive() == nil, "each datagram went to one socket")
        // The twin sends to the peer without an address.
        #expect(fromPeer.withUnsafeBytes { MediaSocket.send($0, connected: twinDescriptor) })
        #expect(Receiver(descriptor: peer.descriptor).receive() == fromPeer)
        // SO_REUSEPORT is off again on both: nobody else can bind the port.
        #expect {
            _ = try MediaSocket.bound(host: "127.0.0.1", port: Int(local.port))
        } throws: { error in
            (error as? IOError)?.errnoCode == EADDRINUSE
        }
        // Once the twin is closed, the peer's datagrams come to the socket again, and a new twin can be made.
        close(twinDescriptor)
        #expect(fromPeer.withUnsafeBytes { peer.send($0, to: local) })
        #expect(own.receive() == fromPeer)
        let second = try socket.connectedTwin(to: peerAddress)
        close(second)
    }

    /// Reads one datagram from a descriptor, waiting a little for it; nil if none came.
    struct Receiver {
        var descriptor: CInt
        var milliseconds: CInt = 200

        func receive() -> [UInt8]? {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, milliseconds) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 2048)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count >= 0 ? Array(buffer[0..<count]) : nil
        }
    }

    @Test func hostMustBeAnIPAddress() {
        #expect(throws: (any Error).self) { _ = try MediaSocket.bound(host: "localhost.invalid", port: 0) }
    }

    @Test func invalidatedSocketSendsNothing() throws {
        var socket = try MediaSocket.bound(host: "127.0.0.1", port: 0)
        let descriptor = socket.descriptor
        defer { close(descriptor) }
        socket.invalidate()
        #expect(socket.descriptor == -1)
        #expect(![UInt8(1)].withUnsafeBytes { socket.send($0, to: TransportAddress(ip: .v4(0x7F00_0001), port: 9)) })
        var unbound = MediaSocket()
        #expect(![UInt8(1)].withUnsafeBytes { unbound.send($0, to: TransportAddress(ip: .v4(0x7F00_0001), port: 9)) })
    }
}
