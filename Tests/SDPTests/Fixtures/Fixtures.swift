/// Session descriptions the tests parse. Each fixture lives in its own file, which begins with
/// where its shape comes from. All were written for this project from the cited specifications
/// and the documented output shapes of the named products; addresses use the RFC 5737 and
/// RFC 3849 documentation ranges, and keys, fingerprints and identifiers are random.
enum Fixtures {}
