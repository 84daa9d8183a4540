/// The built-in list of emergency numbers that routes refuse unless they say
/// `emergency="allow"`.
public enum EmergencyNumbers {
    /// 000 (Australia), 100, 101, 102, 108 (India and others), 110 (China,
    /// Germany, Japan), 111 (New Zealand), 112 (Europe, GSM), 118, 119 (Japan,
    /// Korea, Taiwan), 911 (North America), 999 (United Kingdom and others).
    public static let builtIn: Set<String> = [
        "000", "100", "101", "102", "108", "110", "111", "112", "118", "119", "911", "999",
    ]

    /// Whether `dialed` is one of ``builtIn`` once spaces, dashes, dots and
    /// parentheses are removed.
    public static func contains(_ dialed: String) -> Bool {
        let digits = dialed.filter { !" -.()".contains($0) }
        return builtIn.contains(digits)
    }
}
