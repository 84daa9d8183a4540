/// RFC 2782 target selection: lowest priority first; within a priority, a weighted random order
/// in which a record's chance of coming first is its weight's share of the total.
public enum SRVOrdering {
    public struct Target: Sendable, Equatable {
        public var priority: UInt16
        public var weight: UInt16
        public var port: UInt16
        public var host: String

        public init(priority: UInt16, weight: UInt16, port: UInt16, host: String) {
            self.priority = priority
            self.weight = weight
            self.port = port
            self.host = host
        }
    }

    /// Orders targets. `random(upperBound)` returns a value in 0...upperBound; tests inject it.
    /// A target of "." means the service is decidedly not available (RFC 2782) and yields nothing.
    public static func order(_ targets: [Target], random: (Int) -> Int) -> [Target] {
        let usable = targets.filter { $0.host != "." && !$0.host.isEmpty }
        var result: [Target] = []
        for priority in Set(usable.map(\.priority)).sorted() {
            // Zero-weight records first, as RFC 2782 asks, so they get a small chance.
            var group = usable.filter { $0.priority == priority }.sorted { ($0.weight == 0 ? 0 : 1) < ($1.weight == 0 ? 0 : 1) }
            while !group.isEmpty {
                let total = group.reduce(0) { $0 + Int($1.weight) }
                let pick = random(total)
                var running = 0
                var chosen = group.count - 1
                for (index, target) in group.enumerated() {
                    running += Int(target.weight)
                    if running >= pick {
                        chosen = index
                        break
                    }
                }
                result.append(group.remove(at: chosen))
            }
        }
        return result
    }
}
