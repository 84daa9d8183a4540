#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 network in CIDR notation (`203.0.113.0/24`,
/// `2001:db8::/32`); a plain address is a network of one host.
public struct IPNetwork: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The network address: 4 bytes for IPv4, 16 for IPv6.
    public var address: [UInt8]
    /// The prefix length: 0...32 for IPv4, 0...128 for IPv6.
    public var prefixLength: Int

    /// Parses `address` or `address/prefix`. Host bits may be set; see
    /// ``masked``.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.parseAddress(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(digits), value <= bits
            else { return nil }
            prefix = value
        }
        self.address = address
        self.prefixLength = prefix
    }

    /// The same network with all host bits cleared.
    public var masked: IPNetwork {
        var copy = self
        copy.address = Self.mask(address, prefixLength: prefixLength)
        return copy
    }

    /// Whether `address` (4 or 16 bytes) lies in this network.
    public func contains(_ address: [UInt8]) -> Bool {
        address.count == self.address.count
            && Self.mask(address, prefixLength: prefixLength) == Self.mask(self.address, prefixLength: prefixLength)
    }

    /// Whether the textual IP address `address` lies in this network.
    public func contains(address: String) -> Bool {
        Self.parseAddress(address).map(contains) ?? false
    }

    /// `address/prefix`.
    public var description: String {
        "\(Self.format(address))/\(prefixLength)"
    }

    /// The bytes of a textual IPv4 or IPv6 address (no brackets, no zone), or nil.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            return withUnsafeBytes(of: &storage) { Array($0) }
        }
        var storage = in_addr()
        guard inet_pton(AF_INET, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    /// The textual form of a 4- or 16-byte address.
    public static func format(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = address.withUnsafeBytes { bytes in
            inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return address.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func mask(_ address: [UInt8], prefixLength: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let bitsInByte = max(0, min(8, prefixLength - index * 8))
            return bitsInByte == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - bitsInByte))
        }
    }
}
