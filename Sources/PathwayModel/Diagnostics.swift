/// A position in a model file: 1-based line and column (columns count Unicode scalars, as libyaml does).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for things that come from no file (models built in code, command-line perturbations).
    public static func synthetic(_ what: String) -> SourceLocation {
        SourceLocation(file: what, line: 0, column: 0)
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }
}

/// One problem found in a model: where, how bad, and what is wrong.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var location: SourceLocation
    public var severity: Severity
    public var message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`, the form compilers use and editors understand.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    /// The diagnostics by file (in order of first appearance), then line and column; ties keep their order.
    public var inFileOrder: [Diagnostic] {
        var files: [String: Int] = [:]
        for d in self where files[d.location.file] == nil { files[d.location.file] = files.count }
        return enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            return (files[x.file]!, x.line, x.column, a.offset) < (files[y.file]!, y.line, y.column, b.offset)
        }.map(\.element)
    }
}

extension Array where Element == Diagnostic {
    /// Diagnostics of one kind with, per file, only the first few kept and the rest counted in one line
    /// (`… and 4,990 more <noun>`, at the first one left out).
    public func summarisingRepeats(_ noun: String) -> [Diagnostic] {
        var sink = DiagnosticSink()
        sink.summarised(self, noun: noun)
        return sink.diagnostics
    }
}

/// The error thrown when a model cannot be loaded: every problem found, in file order.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(_ severity: Diagnostic.Severity = .error, at location: SourceLocation, _ message: String) {
        self.diagnostics = [Diagnostic(severity, at: location, message)]
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics while a model is read, so that one run reports as many problems as it can.
struct DiagnosticSink {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func error(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: location, message))
    }

    mutating func warning(_ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: location, message))
    }

    /// How many warnings of one kind a file gets before the rest are summarised in one line.
    static let repeatedWarningLimit = 5

    /// One warning per item, but per file only the first ``repeatedWarningLimit``, then a single
    /// `… and 4,990 more <noun>` at the next one's location.
    mutating func warnings<T>(_ items: [T], summarised noun: String, at location: (T) -> SourceLocation,
                              _ message: (T) -> String) {
        summarised(items.map { Diagnostic(.warning, at: location($0), message($0)) }, noun: noun)
    }

    /// Appends `items`, all of one kind, keeping per file the first ``repeatedWarningLimit`` and
    /// counting the rest in one line of the same severity.
    mutating func summarised(_ items: [Diagnostic], noun: String) {
        var perFile: [String: [Diagnostic]] = [:]
        var files: [String] = []
        for item in items {
            let file = item.location.file
            if perFile[file] == nil { files.append(file) }
            perFile[file, default: []].append(item)
        }
        for file in files {
            let group = perFile[file]!
            diagnostics.append(contentsOf: group.prefix(Self.repeatedWarningLimit))
            if group.count > Self.repeatedWarningLimit {
                let rest = group.count - Self.repeatedWarningLimit, first = group[Self.repeatedWarningLimit]
                diagnostics.append(Diagnostic(first.severity, at: first.location, "… and \(groupedDigits(rest)) more \(noun)"))
            }
        }
    }

    mutating func append(contentsOf other: [Diagnostic]) {
        diagnostics.append(contentsOf: other)
    }

    /// Diagnostics sorted by file, line and column, with exact duplicates removed.
    var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics
            .filter { seen.insert($0).inserted }
            .enumerated()
            .sorted { a, b in
                let (x, y) = (a.element.location, b.element.location)
                if x.file != y.file { return a.offset < b.offset }
                if x.line != y.line { return x.line < y.line }
                if x.column != y.column { return x.column < y.column }
                return a.offset < b.offset
            }
            .map(\.element)
    }
}

/// `4990` as `4,990`.
func groupedDigits(_ n: Int) -> String {
    let digits = Array(String(n.magnitude))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(d)
    }
    return (n < 0 ? "-" : "") + out
}

// MARK: - Suggestions

/// The candidate closest to `name` by edit distance, when it is close enough to be a plausible typo.
public func closestMatch<S: Sequence>(to name: String, in candidates: S) -> String? where S.Element == String {
    let lowered = name.lowercased()
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(lowered, candidate.lowercased())
        // Ties go to a candidate that starts with what was typed, then to the first in sorted order.
        let better: Bool
        if let (current, distance) = best {
            let (extends, currentExtends) = (candidate.lowercased().hasPrefix(lowered), current.lowercased().hasPrefix(lowered))
            better = d < distance || (d == distance && (extends != currentExtends ? extends : candidate < current))
        } else {
            better = true
        }
        if better {
            best = (candidate, d)
        }
    }
    guard let (candidate, distance) = best else { return nil }
    if distance == 0 { return candidate } // differs only in case
    // Short names: only a one-letter substitution counts; longer ones allow about a third of their letters.
    if name.count <= 3 { return distance == 1 && name.count >= 2 && candidate.count >= 2 ? candidate : nil }
    return distance <= min(3, name.count / 3) ? candidate : nil
}

/// `" (did you mean 'X'?)"` for a plausible typo; otherwise, when `name` is the stem of some candidates (`SOCS3`
/// for `SOCS3_mRNA` and `SOCS3_protein`: a gene product named where one of its forms was meant), those candidates
/// (at most four, in their given order); otherwise the empty string.
public func suggestion<S: Sequence>(for name: String, in candidates: S) -> String where S.Element == String {
    if let match = closestMatch(to: name, in: candidates) { return " (did you mean '\(match)'?)" }
    let stem = name.lowercased()
    guard stem.count >= 2 else { return "" }
    let forms = candidates.filter { candidate in
        guard candidate.count > name.count, candidate.lowercased().hasPrefix(stem) else { return false }
        // `SOCS3` is the stem of `SOCS3_mRNA` but not of `SOCS3a`.
        let next = candidate[candidate.index(candidate.startIndex, offsetBy: name.count)]
        return !(next.isLetter && next.isLowercase)
    }
    guard !forms.isEmpty else { return "" }
    let shown = forms.prefix(4).map { "'\($0)'" }.joined(separator: ", ")
    return forms.count == 1 ? " (did you mean \(shown)?)" : " (did you mean one of \(shown)\(forms.count > 4 ? ", …" : "")?)"
}

/// Levenshtein distance over Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
