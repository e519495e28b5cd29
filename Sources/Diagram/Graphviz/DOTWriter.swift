/// Writes a ``GraphDescription`` as DOT text.
///
/// The output is a pure function of the description (no dictionaries, no addresses, no
/// locale), so it is byte-for-byte stable. Statements come in the build order documented on
/// ``GraphDescription``, which is also the order ``Graphviz`` builds the graph in process:
/// parsing this text and building the description give the same Graphviz graph.
///
/// Quoting: a name or value is written bare only when it is an ASCII identifier
/// (`[A-Za-z_][A-Za-z0-9_]*`) and not a DOT keyword; everything else is double-quoted with `"`
/// escaped. Backslashes are Graphviz escapes (`\n`, `\l`, `\N`) and pass through unchanged; a
/// run of an odd number of backslashes right before a `"`, a line break or the end of the
/// string would swallow the quote or the line break, so it gets one more backslash (the same
/// normalisation is applied in process, see ``normalizedValue(_:)``). NUL characters, which no
/// C string can hold, are dropped. HTML-like values are written as `<markup>`, unchanged.
public enum DOTWriter {
    public static func write(_ graph: GraphDescription) -> String {
        var out = ""
        if graph.isStrict { out += "strict " }
        out += graph.isDirected ? "digraph" : "graph"
        if !graph.name.isEmpty {
            out += " " + quotedID(graph.name)
        }
        out += " {\n"
        let indent = "\t"
        writeAttributeStatement("graph", graph.attributes, indent: indent, to: &out)
        writeAttributeStatement("node", graph.nodeDefaults, indent: indent, to: &out)
        writeAttributeStatement("edge", graph.edgeDefaults, indent: indent, to: &out)
        for node in graph.nodes {
            out += indent + quotedID(node.id) + attributeList(node.attributes, key: nil) + ";\n"
        }
        for subgraph in graph.subgraphs {
            writeSubgraph(subgraph, indent: indent, to: &out)
        }
        let edgeOperator = graph.isDirected ? " -> " : " -- "
        for edge in graph.edges {
            out += indent + quotedID(edge.tail) + edgeOperator + quotedID(edge.head)
            out += attributeList(edge.attributesExceptKey, key: edge.key) + ";\n"
        }
        out += "}\n"
        return out
    }

    // MARK: Statements

    private static func writeSubgraph(_ subgraph: GraphDescription.Subgraph, indent: String, to out: inout String) {
        out += indent + "subgraph " + quotedID(subgraph.name) + " {\n"
        let inner = indent + "\t"
        writeAttributeStatement("graph", subgraph.attributes, indent: inner, to: &out)
        for id in subgraph.nodeIDs {
            out += inner + quotedID(id) + ";\n"
        }
        for child in subgraph.subgraphs {
            writeSubgraph(child, indent: inner, to: &out)
        }
        out += indent + "}\n"
    }

    private static func writeAttributeStatement(
        _ kind: String, _ attributes: Attributes, indent: String, to out: inout String
    ) {
        guard !attributes.isEmpty else { return }
        out += indent + kind + attributeList(attributes, key: nil) + ";\n"
    }

    /// ` [name=value, ...]`, or nothing when there is nothing to write. An edge key comes first.
    private static func attributeList(_ attributes: Attributes, key: String?) -> String {
        var items: [String] = []
        if let key {
            items.append("key=" + quotedID(key))
        }
        for attribute in attributes {
            items.append(quotedID(attribute.name) + "=" + value(attribute.value))
        }
        return items.isEmpty ? "" : " [" + items.joined(separator: ", ") + "]"
    }

    private static func value(_ value: AttributeValue) -> String {
        switch value {
        case .string(let text): quotedID(text)
        case .html(let markup): "<" + markup + ">"
        }
    }

    // MARK: Quoting

    private static let keywords: Set<String> = ["node", "edge", "graph", "digraph", "subgraph", "strict"]

    /// `text` as a DOT ID: bare when that is unambiguous, otherwise double-quoted.
    static func quotedID(_ text: String) -> String {
        if isBareIdentifier(text) {
            return text
        }
        var out = "\""
        for scalar in normalizedValue(text).unicodeScalars {
            if scalar == "\"" {
                out += "\\\""
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    private static func isBareIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard isLetter(first), text.utf8.allSatisfy({ isLetter($0) || isDigit($0) }) else { return false }
        return !keywords.contains(text.lowercased())
    }

    /// The string Graphviz's DOT lexer yields for `text` once written by ``quotedID(_:)``, and
    /// the string the in-process builder hands to cgraph, so both paths agree exactly.
    ///
    /// Inside a quoted DOT string the lexer turns `\"` into `"`, drops `\` followed by a line
    /// break, and keeps every other backslash as is. An odd run of backslashes before a `"`, a
    /// line break or the end therefore gets one more backslash; NULs are dropped.
    static func normalizedValue(_ text: String) -> String {
        // Almost every name and value holds neither: hand it back as it is.
        guard text.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\\") }) else { return text }
        var out = String.UnicodeScalarView()
        var backslashRun = 0
        for scalar in text.unicodeScalars {
            if scalar == "\0" { continue }
            if scalar == "\\" {
                backslashRun += 1
                out.append(scalar)
                continue
            }
            if backslashRun % 2 == 1, scalar == "\"" || scalar == "\n" {
                out.append("\\")
            }
            backslashRun = 0
            out.append(scalar)
        }
        if backslashRun % 2 == 1 {
            out.append("\\")
        }
        return String(out)
    }
}

extension GraphDescription {
    /// The graph as DOT text (see ``DOTWriter``).
    public var dotText: String { DOTWriter.write(self) }
}
