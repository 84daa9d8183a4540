import Testing

@testable import XMPPComponent

@Suite struct ContactAddressTests {
    @Test(arguments: [
        ("+1 555 123 4567", "+15551234567"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("tel:+44.20.7946.0000", "+442079460000"),
        ("100", "100"),
        ("*97#", "*97#"),
        ("echo", "echo"),
        ("alice@pbx.example.com", "alice\\40pbx.example.com"),
        ("sip:alice@pbx.example.com", "alice\\40pbx.example.com"),
        ("  sips:Bob@example.org ", "Bob\\40example.org"),
    ])
    func acceptedPrompts(prompt: String, localpart: String) {
        #expect(ContactAddress.localpart(forPrompt: prompt) == localpart)
    }

    @Test(arguments: ["", "   ", "+", "a b", "@host", "user@", "a@b@c", "555;x=1", "sip:", "ü123"])
    func refusedPrompts(prompt: String) {
        #expect(ContactAddress.localpart(forPrompt: prompt) == nil)
    }

    @Test func dialledReversesEscaping() {
        #expect(ContactAddress.dialled(fromLocalpart: "alice\\40pbx.example.com") == "alice@pbx.example.com")
        #expect(ContactAddress.dialled(fromLocalpart: "+15551234567") == "+15551234567")
    }
}
