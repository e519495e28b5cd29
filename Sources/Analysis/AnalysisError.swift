import PathwayModel

/// Everything the analyses can refuse: bad perturbation syntax, unknown names, empty ranges,
/// mismatched scan files, solvers that did not converge. One error type for the module: what went
/// wrong (`message`) and, where a value given as text was at fault, which setting and value
/// (`input`), for the caller to name in its own terms (the command line names its option).
public struct AnalysisError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// Text that could not be read (perturbation syntax, a range, a shard).
        case syntax
        /// A name that the model does not define.
        case unknownName
        /// A value out of its allowed range (an inverted or empty range, a negative amount…).
        case invalidValue
        /// Scan files that do not belong together, or a file that is not a scan's output.
        case mismatch
        /// A simulation or solver that failed.
        case numerical
    }

    /// A setting whose value (as given) was at fault.
    public enum Setting: String, Sendable {
        /// A scan axis in the compact form `NAME:FROM:TO:STEPS[:log]`.
        case scanAxis
        /// A shard of a scan: `i/n`, `auto` or `auto/N`.
        case shard
        /// The dose range of a dose–response (its value: the input), when it cannot be chosen by default.
        case doseRange
    }

    /// The setting and the value, as given, that the message is about.
    public struct Input: Sendable, Equatable {
        public var setting: Setting
        public var value: String

        public init(setting: Setting, value: String) {
            self.setting = setting
            self.value = value
        }
    }

    public var kind: Kind
    /// What is wrong, without naming where the value came from.
    public var message: String
    public var input: Input?

    public init(_ kind: Kind, _ message: String, input: Input? = nil) {
        self.kind = kind
        self.message = message
        self.input = input
    }

    public init(_ kind: Kind, _ message: String, setting: Setting, value: String) {
        self.init(kind, message, input: Input(setting: setting, value: value))
    }

    /// The message, after the setting and value it is about (`shard 9/8: …`).
    public var description: String {
        guard let input else { return message }
        let noun = switch input.setting {
        case .scanAxis: "scan axis"
        case .shard: "shard"
        case .doseRange: "dose range of"
        }
        return "\(noun) \(input.value): \(message)"
    }
}

