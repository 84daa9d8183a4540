#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls, so that failures carry the plain
/// `strerror` text ("No such file or directory").
enum TextFileReader {
    /// A failed read; ``description`` is the system's message.
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    /// The bytes of the file at `path`, refusing files larger than `limit`.
    static func bytes(atPath path: String, limit: Int = 16 << 20) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(code: errno) }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(code: errno)
            }
            if count == 0 { return result }
            result += buffer[0..<count]
            if result.count > limit { throw Failure(code: EFBIG) }
        }
    }

    /// The file at `path` decoded as UTF-8 (invalid sequences are replaced).
    static func text(atPath path: String) throws(Failure) -> String {
        String(decoding: try bytes(atPath: path), as: UTF8.self)
    }
}
