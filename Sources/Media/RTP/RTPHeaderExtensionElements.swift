/// The elements of an RFC 8285 header extension, read in place: one-byte form (profile 0xBEDE, section 4.2)
/// or two-byte form (profile 0x100X, section 4.3).
///
/// Iteration stops at the first malformed element or, in the one-byte form, at ID 15 (section 4.2: "processing
/// of the entire extension MUST terminate at that point"); `validate()` reports malformed data precisely.
public struct RTPHeaderExtensionElements: Sequence {
    /// The element layout, from the extension's profile field.
    public enum Form: Sendable {
        case oneByte
        case twoByte
        /// Not an RFC 8285 extension: no elements.
        case none
    }

    /// One element: its local identifier and its data.
    public struct Element {
        /// Local identifier, negotiated with `a=extmap` (RFC 8285 section 5).
        public let id: UInt8
        /// The element data, in the packet buffer.
        public let data: UnsafeRawBufferPointer
    }

    /// The layout the profile selects.
    public let form: Form
    let data: UnsafeRawBufferPointer

    /// No elements.
    public init() {
        form = .none
        data = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// The elements of extension `data` carrying `profile`.
    public init(profile: UInt16, data: UnsafeRawBufferPointer) {
        if profile == 0xBEDE {
            form = .oneByte
        } else if profile & 0xFFF0 == 0x1000 {
            form = .twoByte
        } else {
            form = .none
        }
        self.data = data
    }

    /// The data of the first element with `id`, or nil.
    public func element(id: UInt8) -> UnsafeRawBufferPointer? {
        for element in self where element.id == id { return element.data }
        return nil
    }

    /// Throws if an element runs past the extension, or (one-byte form) an ID 0 byte carries a length.
    public func validate() throws(MediaError) {
        var iterator = makeIterator()
        while iterator.next() != nil {}
        if let failure = iterator.failure { throw failure }
    }

    public func makeIterator() -> Iterator { Iterator(form: form, data: data) }

    /// Walks the elements in place.
    public struct Iterator: IteratorProtocol {
        let form: Form
        let data: UnsafeRawBufferPointer
        var offset = 0
        /// Why iteration stopped early, if it did.
        public private(set) var failure: MediaError?

        init(form: Form, data: UnsafeRawBufferPointer) {
            self.form = form
            self.data = data
        }

        public mutating func next() -> Element? {
            switch form {
            case .none: return nil
            case .oneByte: return nextOneByte()
            case .twoByte: return nextTwoByte()
            }
        }

        private mutating func nextOneByte() -> Element? {
            while offset < data.count {
                let byte = data[offset]
                if byte == 0 {
                    offset += 1  // RFC 8285 section 4.2: padding byte
                    continue
                }
                let id = byte >> 4
                if id == 15 {
                    offset = data.count  // reserved: stop processing the extension
                    return nil
                }
                guard id != 0 else {
                    failure = MediaError(.invalidField, "one-byte header extension element with ID 0 and a length")
                    offset = data.count
                    return nil
                }
                let length = Int(byte & 0x0F) + 1
                guard offset + 1 + length <= data.count else {
                    failure = MediaError(.truncated, "one-byte header extension element past the extension")
                    offset = data.count
                    return nil
                }
                let element = Element(
                    id: id, data: UnsafeRawBufferPointer(rebasing: data[(offset + 1)..<(offset + 1 + length)]))
                offset += 1 + length
                return element
            }
            return nil
        }

        private mutating func nextTwoByte() -> Element? {
            while offset < data.count {
                let id = data[offset]
                if id == 0 {
                    offset += 1  // RFC 8285 section 4.3: padding byte
                    continue
                }
                guard offset + 2 <= data.count, offset + 2 + Int(data[offset + 1]) <= data.count else {
                    failure = MediaError(.truncated, "two-byte header extension element past the extension")
                    offset = data.count
                    return nil
                }
                let length = Int(data[offset + 1])
                let element = Element(
                    id: id, data: UnsafeRawBufferPointer(rebasing: data[(offset + 2)..<(offset + 2 + length)]))
                offset += 2 + length
                return element
            }
            return nil
        }
    }
}
