internal import COpenSSL

/// OpenSSL's per-thread error queue. Every DTLS call clears it first so that `SSL_get_error` and the
/// reasons read afterwards belong to that call (SSL_get_error(3)).
enum OpenSSLErrorQueue {
    /// Empties the queue.
    static func clear() { ERR_clear_error() }

    /// Empties the queue and returns its entries as OpenSSL's one-line strings joined by "; ", or nil when
    /// it was empty.
    static func drain() -> String? {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }

    /// A `MediaError` with `code` whose reason is `context` followed by the queue's entries.
    static func error(_ code: MediaError.Code, _ context: String, fileID: StaticString = #fileID, line: UInt = #line)
        -> MediaError
    {
        let detail = drain().map { "\(context): \($0)" } ?? context
        return MediaError(code, detail, fileID: fileID, line: line)
    }
}
