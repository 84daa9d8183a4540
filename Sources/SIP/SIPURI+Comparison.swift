extension SIPURI {
    /// URI equivalence per RFC 3261 19.1.4:
    /// - SIP and SIPS URIs never match;
    /// - userinfo compares case-sensitively, everything else case-insensitively, with escapes of
    ///   unreserved characters equal to the characters;
    /// - user, password, host and port must match, an absent port not matching 5060;
    /// - a parameter in both URIs must match; `user`, `ttl`, `method`, `maddr` and (by the
    ///   "default value" rule) `transport` in only one URI prevent a match; others in only one
    ///   are ignored;
    /// - header components must all be present in both and match, in any order.
    ///
    /// This relation is not transitive (the RFC's own `security=on` example), which is why it is
    /// not `==`.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme == other.scheme else { return false }
        guard encodedUser.map(SIPPercentEncoding.normalized) == other.encodedUser.map(SIPPercentEncoding.normalized),
            encodedPassword.map(SIPPercentEncoding.normalized) == other.encodedPassword.map(SIPPercentEncoding.normalized)
        else { return false }
        guard host.isEquivalent(to: other.host), port == other.port else { return false }

        let mustMatchWhenPresent: Set<String> = ["user", "ttl", "method", "maddr", "transport"]
        var names = Set<String>()
        for p in parameters.items { names.insert(Self.caseFolded(p.name)) }
        for p in other.parameters.items { names.insert(Self.caseFolded(p.name)) }
        for name in names {
            let a = parameters.items.first { Self.caseFolded($0.name) == name }
            let b = other.parameters.items.first { Self.caseFolded($0.name) == name }
            switch (a, b) {
            case (let a?, let b?):
                guard a.value.map(Self.caseFolded) == b.value.map(Self.caseFolded) else { return false }
            case (nil, nil):
                break
            default:
                if mustMatchWhenPresent.contains(name) { return false }
            }
        }

        func headerSet(_ headers: [Header]) -> [String] {
            headers.map { Self.caseFolded($0.name) + "=" + String(decoding: SIPPercentEncoding.normalized($0.value), as: UTF8.self) }
                .sorted()
        }
        return headerSet(headers) == headerSet(other.headers)
    }

    /// Escapes of unreserved characters decoded, then ASCII-lowercased.
    static func caseFolded(_ s: String) -> String {
        String(decoding: SIPPercentEncoding.normalized(s).map(SIPGrammar.lowercased), as: UTF8.self)
    }
}
