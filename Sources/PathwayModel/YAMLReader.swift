import Yams

/// Typed access to a YAML node tree that records a diagnostic, with the node's location, for every
/// mismatch instead of stopping at the first. Used only while reading a model file.
struct YAMLReader {
    let file: String
    var sink = DiagnosticSink()

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// Location of a character offset inside a scalar's text (for errors within expressions and equations).
    func location(_ node: Node, offset: Int) -> SourceLocation {
        var loc = location(node)
        guard case .scalar(let scalar) = node else { return loc }
        switch scalar.style {
        case .plain: loc.column += offset
        case .singleQuoted, .doubleQuoted: loc.column += offset + 1
        default: break // block scalars: the position inside is not tracked
        }
        return loc
    }

    mutating func error(_ node: Node?, _ message: String) {
        sink.error(location(node), message)
    }

    mutating func warning(_ node: Node?, _ message: String) {
        sink.warning(location(node), message)
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if s.string.isEmpty || s.string == "~" || s.string == "null" { return "nothing" }
            if Double(s.string) != nil { return "a number" }
            return "text '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    // MARK: Shapes

    /// The key-value pairs of a mapping, with keys as text; reports a wrong type.
    mutating func mapping(_ node: Node?, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard let node else { return nil }
        guard case .mapping(let m) = node else {
            if Self.isNull(node) { return [] }
            error(node, "\(what) must be a mapping, found \(Self.kind(node))")
            return nil
        }
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else {
                error(k, "a key in \(what) must be text, found \(Self.kind(k))")
                continue
            }
            out.append((s.string, k, v))
        }
        return out
    }

    mutating func sequence(_ node: Node?, _ what: String) -> [Node]? {
        guard let node else { return nil }
        if case .sequence(let s) = node { return Array(s) }
        if Self.isNull(node) { return [] }
        error(node, "\(what) must be a list, found \(Self.kind(node))")
        return nil
    }

    /// A list of text items; a single text item is accepted as a one-element list.
    mutating func stringList(_ node: Node?, _ what: String) -> [(String, Node)]? {
        guard let node else { return nil }
        if case .scalar = node, !Self.isNull(node) {
            return string(node, what).map { [($0, node)] }
        }
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { item in string(item, "an item of \(what)").map { ($0, item) } }
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node, s.style == .plain, s.string.isEmpty || s.string == "~" || s.string == "null" {
            return true
        }
        return false
    }

    mutating func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let s) = node else {
            error(node, "\(what) must be text, found \(Self.kind(node))")
            return nil
        }
        return s.string
    }

    mutating func identifier(_ node: Node?, _ what: String) -> String? {
        guard let s = string(node, what) else { return nil }
        guard isValidIdentifier(s) else {
            error(node, "'\(s)' is not a valid name for \(what): use letters, digits and '_', starting with a letter or '_'")
            return nil
        }
        return s
    }

    /// A name that may also contain '-' and '.' (model and scenario names, which name files and commands).
    mutating func slug(_ node: Node?, _ what: String) -> String? {
        guard let s = string(node, what) else { return nil }
        let ok = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isIdentifierContinue || $0 == "-" || $0 == "." }
            && s.unicodeScalars.first!.isIdentifierContinue
        guard ok else {
            error(node, "'\(s)' is not a valid name for \(what): use letters, digits, '_', '-' and '.'")
            return nil
        }
        return s
    }

    mutating func number(_ node: Node?, _ what: String) -> Double? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, s.style == .plain || s.style == .singleQuoted || s.style == .doubleQuoted else {
            error(node, "\(what) must be a number, found \(Self.kind(node))")
            return nil
        }
        guard let v = Self.parseDouble(s.string) else {
            error(node, "\(what) must be a number, found \(Self.kind(node))")
            return nil
        }
        return v
    }

    static func parseDouble(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "inf": return .infinity
        case "-.inf", "-.Inf", "-.INF", "-inf": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return Double(text)
        }
    }

    mutating func integer(_ node: Node?, _ what: String) -> Int? {
        guard let v = number(node, what) else { return nil }
        guard v == v.rounded(), abs(v) < 1e9 else {
            error(node, "\(what) must be a whole number, found \(Expression.format(number: v))")
            return nil
        }
        return Int(v)
    }

    mutating func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        if case .scalar(let s) = node {
            switch s.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        error(node, "\(what) must be true or false, found \(Self.kind(node))")
        return nil
    }

    /// A number with an optional unit (`60 min`, `10 nM`, `2.5`).
    mutating func quantity(_ node: Node?, _ what: String) -> Quantity? {
        guard let node else { return nil }
        guard case .scalar(let s) = node else {
            error(node, "\(what) must be a number with an optional unit, found \(Self.kind(node))")
            return nil
        }
        if let v = Self.parseDouble(s.string) { return Quantity(value: v) }
        guard let q = Quantity(parsing: s.string) else {
            error(node, "\(what) must be a number with an optional unit (like '60 min' or '10 nM'), found \(Self.kind(node))")
            return nil
        }
        return q
    }

    mutating func time(_ node: Node?, _ what: String, unit: TimeUnit) -> Double? {
        guard let node, let q = quantity(node, what) else { return nil }
        guard let v = q.time(in: unit) else {
            error(node, "unknown time unit '\(q.unit ?? "")' in \(what) (use s, min, h or d)")
            return nil
        }
        return v
    }

    mutating func concentration(_ node: Node?, _ what: String, unit: ConcentrationUnit) -> Double? {
        guard let node, let q = quantity(node, what) else { return nil }
        guard let v = q.concentration(in: unit) else {
            error(node, "cannot convert '\(q.unit ?? "")' in \(what) to the model's concentration unit \(unit.rawValue)")
            return nil
        }
        return v
    }

    /// An expression: a number, a name or infix text.
    mutating func expression(_ node: Node?, _ what: String) -> Expression? {
        guard let node else { return nil }
        guard case .scalar(let s) = node else {
            error(node, "\(what) must be an expression (a number, a name or a formula), found \(Self.kind(node))")
            return nil
        }
        if let v = Self.parseDouble(s.string) { return .number(v) }
        do {
            return try Expression(parsing: s.string)
        } catch {
            sink.error(location(node, offset: error.offset), "malformed expression in \(what): \(error.message)")
            return nil
        }
    }

    /// Reports keys of a mapping that are not among `allowed`, with a suggestion.
    mutating func checkKeys(_ pairs: [(key: String, keyNode: Node, value: Node)], allowed: [String], in what: String) {
        for p in pairs where !allowed.contains(p.key) {
            error(p.keyNode, "unknown key '\(p.key)' in \(what)\(suggestion(for: p.key, in: allowed))")
        }
    }

    /// The value for `key` in pairs.
    static func value(_ pairs: [(key: String, keyNode: Node, value: Node)], _ key: String) -> Node? {
        pairs.first { $0.key == key }?.value
    }
}
