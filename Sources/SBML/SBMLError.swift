import PathwayModel

/// Why an SBML file could not be imported: every problem found, with its place in the file.
///
/// `unsupported` lists the SBML constructs the simulator cannot honour (algebraic rules,
/// fast reactions, …), each named once; a model that uses one is refused rather than simulated wrongly.
public struct SBMLImportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not readable as XML, or not SBML.
        case unreadable
        /// SBML that libSBML or the model validator rejects (a dangling reference, say).
        case invalid
        /// Valid SBML that uses something this toolkit does not simulate.
        case unsupported
        /// A file the document refers to (a `comp` external model definition's source) is missing.
        case missingFile
    }

    public var kind: Kind
    public var diagnostics: [Diagnostic]
    /// The unsupported constructs, by name (`algebraic rule`, `fast reaction`, …), in order of first use.
    public var constructs: [String]

    public init(kind: Kind, diagnostics: [Diagnostic], constructs: [String] = []) {
        self.kind = kind
        self.diagnostics = diagnostics
        self.constructs = constructs
    }

    /// The same problems as a model error (for callers that report model errors).
    public var modelError: ModelError { ModelError(diagnostics) }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Why a model could not be written as SBML.
public struct SBMLExportError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
