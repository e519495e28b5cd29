import PathwayModel

/// Everything the analyses can refuse: bad perturbation syntax, unknown names, empty ranges,
/// mismatched scan files, solvers that did not converge. One error type for the module, with a
/// message written for the person at the command line.
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

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// `" (did you mean 'X'?)"`, or the empty string when nothing is close.
func suggestion(for name: String, in candidates: [String]) -> String {
    closestMatch(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
