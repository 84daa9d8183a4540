/// Parsing and formatting of `host[:port]` strings.
enum HostPort {
    /// Splits `host`, `host:port`, `[v6]` or `[v6]:port`. The host is
    /// returned without brackets; IPv6 hosts must be bracketed.
    static func parse(_ text: String) -> (host: String, port: Int?)? {
        var host: Substring
        var rest: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            guard IPNetwork.parseAddress(String(host))?.count == 16 else { return nil }
            rest = text[text.index(after: close)...]
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            rest = text[colon...]
        } else {
            host = Substring(text)
            rest = ""
        }
        guard !host.isEmpty else { return nil }
        if rest.isEmpty { return (String(host), nil) }
        guard rest.first == ":" else { return nil }
        let digits = rest.dropFirst()
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(digits), (1...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    /// Whether `host` is an IP address or a plausible DNS name.
    static func isHost(_ host: String) -> Bool {
        IPNetwork.parseAddress(host) != nil || JIDSyntax.isDomain(host)
    }

    /// `host`, with brackets around IPv6 addresses.
    static func format(host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// `host:port`, with brackets around IPv6 addresses.
    static func format(host: String, port: Int) -> String {
        "\(format(host: host)):\(port)"
    }
}
