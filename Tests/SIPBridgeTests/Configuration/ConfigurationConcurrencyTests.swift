import Testing
import SIPBridge

@Suite("Configuration loading from several tasks")
struct ConfigurationConcurrencyTests {
    typealias F = ConfigurationFixture

    @Test("concurrent loads keep their errors apart")
    func concurrentLoads() async {
        let results = await withTaskGroup(of: (Int, [String]).self) { group in
            for index in 0..<32 {
                group.addTask {
                    // Even tasks load a valid file, odd ones a file with an
                    // error on a line that depends on the task.
                    let padding = String(repeating: "\n", count: index)
                    let body = index.isMultiple(of: 2) ? "" : padding + "<bogus/>"
                    return (index, F.errorsOrEmpty(F.withXMPP(body)))
                }
            }
            var collected: [Int: [String]] = [:]
            for await (index, errors) in group { collected[index] = errors }
            return collected
        }
        for index in 0..<32 {
            let expected = index.isMultiple(of: 2) ? [] : ["component.xml:\(3 + index): <bogus> is not allowed inside <bridge>"]
            #expect(results[index] == expected, "task \(index)")
        }
    }
}

extension ConfigurationFixture {
    /// The error descriptions for `text`, or [] when it loads.
    static func errorsOrEmpty(_ text: String) -> [String] {
        do {
            _ = try load(text)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }
}
