/// A failure of the in-process Graphviz renderer. Graphviz's own messages are captured
/// (never printed to stderr) and carried here without the `Error: ` prefix.
public enum GraphvizError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No layout plugin provides this engine.
    case unknownLayoutEngine(String, available: [String])
    /// No device plugin provides this format. `provider` names the plugin and the Debian
    /// package that would, when the format is one Debian's Graphviz normally ships.
    case unsupportedFormat(String, available: [String], provider: String?)
    /// gvContext() found no plugins at all: the plugin configuration file is missing or empty.
    case noPlugins
    /// gvContext() returned NULL.
    case contextUnavailable
    /// A cgraph call building the graph returned NULL.
    case graphConstructionFailed(String, messages: [String])
    /// DOT text did not parse.
    case syntaxError(messages: [String])
    /// DOT text held no graph.
    case noGraphInInput
    /// DOT text held more than one graph (only one is rendered per call).
    case multipleGraphs(count: Int)
    /// The description asks for something Graphviz 2.43 aborts the process on (checked before
    /// layout; see ``GraphDescription/rankConstraintConflicts()``).
    case unsupportedGraph(reasons: [String])
    /// gvLayout failed.
    case layoutFailed(engine: String, messages: [String])
    /// gvRenderData failed for a format that a plugin does provide.
    case renderFailed(format: String, messages: [String])

    public var description: String {
        switch self {
        case .unknownLayoutEngine(let name, let available):
            let valid = LayoutEngine.standard.map(\.rawValue).joined(separator: ", ")
            return "unknown Graphviz layout engine \"\(name)\"; valid engines are \(valid)"
                + " (this installation provides: \(available.joined(separator: ", ")))"
        case .unsupportedFormat(let name, let available, let provider):
            var text = "Graphviz output format \"\(name)\" is not available"
            if let provider {
                text += "; it is provided by \(provider)"
            }
            return text + " (this installation provides: \(available.joined(separator: ", ")))"
        case .noPlugins:
            return "Graphviz loaded no plugins: its plugin configuration (config6a in"
                + " /usr/lib/<multiarch>/graphviz, or $GVBINDIR) is missing or empty;"
                + " reinstall libgvc6 or run `dot -c` as root to regenerate it"
        case .contextUnavailable:
            return "gvContext() failed to create a Graphviz context"
        case .graphConstructionFailed(let what, let messages):
            return "Graphviz could not build the graph: \(what)" + Self.suffix(messages)
        case .syntaxError(let messages):
            return "DOT syntax error" + Self.suffix(messages)
        case .noGraphInInput:
            return "the DOT text contains no graph"
        case .multipleGraphs(let count):
            return "the DOT text contains \(count) graphs; render them one at a time"
        case .unsupportedGraph(let reasons):
            return "Graphviz cannot lay this graph out safely" + Self.suffix(reasons)
        case .layoutFailed(let engine, let messages):
            return "Graphviz layout with \"\(engine)\" failed" + Self.suffix(messages)
        case .renderFailed(let format, let messages):
            return "Graphviz rendering to \"\(format)\" failed" + Self.suffix(messages)
        }
    }

    private static func suffix(_ messages: [String]) -> String {
        messages.isEmpty ? "" : ": " + messages.joined(separator: "; ")
    }
}
