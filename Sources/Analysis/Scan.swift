import Foundation
import PathwayModel
import Simulator

/// One scanned quantity: a parameter or a species' initial value, over evenly or log-spaced values.
public struct ScanAxis: Sendable, Hashable {
    public var name: String
    public var from: Double
    public var to: Double
    /// Number of values, both ends included (≥ 2).
    public var steps: Int
    public var logarithmic: Bool

    public init(name: String, from: Double, to: Double, steps: Int, logarithmic: Bool) throws(AnalysisError) {
        guard from.isFinite, to.isFinite else { throw AnalysisError(.invalidValue, "\(name): the range must be finite") }
        guard steps >= 2 else {
            throw AnalysisError(.invalidValue, "\(name): a range needs at least 2 steps (its two ends), not \(steps)")
        }
        guard steps <= ScanDefinition.maximumRows else {
            throw AnalysisError(.invalidValue, "\(name): \(steps) steps are more than the \(ScanDefinition.maximumRows) rows a scan may have")
        }
        guard from < to else {
            throw AnalysisError(.invalidValue, from == to
                ? "\(name): the range \(NumberFormat.exact(from))…\(NumberFormat.exact(to)) is empty"
                : "\(name): the range is inverted (from \(NumberFormat.exact(from)) is above to \(NumberFormat.exact(to)))")
        }
        if logarithmic && from <= 0 {
            throw AnalysisError(.invalidValue, "\(name): a logarithmic range must start above 0, not at \(NumberFormat.exact(from))")
        }
        self.name = name
        self.from = from
        self.to = to
        self.steps = steps
        self.logarithmic = logarithmic
    }

    /// Reads `from` and `to` as written by a user: for a species a concentration unit converts
    /// (`10nM`); for a parameter only a plain number (in the model's units) is accepted.
    public init(name: String, from: String, to: String, steps: Int, logarithmic: Bool, model: Model) throws(AnalysisError) {
        try self.init(name: name, from: try Self.value(from, of: name, in: model, bound: "lower"),
                      to: try Self.value(to, of: name, in: model, bound: "upper"), steps: steps, logarithmic: logarithmic)
    }

    /// A value of the variable `name` as written by a user (`10nM` for a species, a plain number for a
    /// parameter), in the model's units. `bound` names the value in messages (`lower`, `upper`).
    public static func value(_ text: String, of name: String, in model: Model, bound: String) throws(AnalysisError) -> Double {
        try model.checkVariable(name)
        let isSpecies = model.species(named: name) != nil && model.parameter(named: name) == nil
        guard let q = Quantity(parsing: text) else { throw AnalysisError(.syntax, "\(name): the \(bound) bound '\(text)' is not a number") }
        if q.unit == nil { return q.value }
        guard isSpecies else {
            throw AnalysisError(.syntax, "\(name): the \(bound) bound '\(text)': give a parameter as a plain number in the model's units")
        }
        guard let c = q.concentration(in: model.units.concentration) else {
            throw AnalysisError(.syntax, "\(name): the \(bound) bound '\(text)': '\(q.unit!)' is not a concentration unit")
        }
        return c
    }

    /// Parses the compact form `NAME:FROM:TO:STEPS[:log|:lin]`; `defaultLog` applies without a suffix.
    public init(parsing spec: String, defaultLog: Bool, model: Model) throws(AnalysisError) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        guard parts.count == 4 || parts.count == 5 else {
            throw AnalysisError(.syntax, "expected NAME:FROM:TO:STEPS[:log]", setting: .scanAxis, value: spec)
        }
        guard let steps = Int(parts[3]) else { throw AnalysisError(.syntax, "STEPS '\(parts[3])' is not a whole number", setting: .scanAxis, value: spec) }
        var log = defaultLog
        if parts.count == 5 {
            switch parts[4] {
            case "log": log = true
            case "lin", "linear": log = false
            default: throw AnalysisError(.syntax, "the spacing is 'log' or 'lin', not '\(parts[4])'", setting: .scanAxis, value: spec)
            }
        }
        try self.init(name: parts[0], from: parts[1], to: parts[2], steps: steps, logarithmic: log, model: model)
    }

    /// The values, from `from` to `to` exactly.
    public var values: [Double] { (0..<steps).map(value(at:)) }

    public func value(at i: Int) -> Double {
        if i == 0 { return from }
        if i == steps - 1 { return to }
        let f = Double(i) / Double(steps - 1)
        if logarithmic {
            let a = from.log10Value, b = to.log10Value
            return pow10Real(a + f * (b - a))
        }
        return from + f * (to - from)
    }

    var canonical: String {
        "\(name):\(NumberFormat.exact(from)):\(NumberFormat.exact(to)):\(steps):\(logarithmic ? "log" : "lin")"
    }
}

extension Double {
    var log10Value: Double { log10(self) }
}

func pow10Real(_ x: Double) -> Double { pow(10, x) }

/// A part of a scan for one machine or job: shard `index` of `count` (1-based, like `--shard 2/8`).
/// Shard i takes the contiguous block of rows ⌊(i−1)·N/n⌋ ..< ⌊i·N/n⌋, so merged shards are the
/// concatenation of their rows in shard order.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(AnalysisError) {
        guard count >= 1 else { throw AnalysisError(.invalidValue, "the number of shards must be at least 1", setting: .shard, value: "\(index)/\(count)") }
        guard (1...count).contains(index) else {
            throw AnalysisError(.invalidValue, "the shard index must be between 1 and \(count) (shards are numbered from 1; add 1 to a 0-based array index)", setting: .shard, value: "\(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws(AnalysisError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingWhitespace), let n = Int(parts[1].trimmingWhitespace) else {
            throw AnalysisError(.syntax, "expected i/n, such as 2/8", setting: .shard, value: text)
        }
        try self.init(index: i, count: n)
    }

    /// The variables `--shard auto` reads, for messages.
    public static let slurmVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"]
    public static let kubernetesVariable = "JOB_COMPLETION_INDEX"

    /// `i/n`, or the shard a scheduler gave this process:
    /// - `auto` inside a Slurm job array (`sbatch --array=1-8`): index from `SLURM_ARRAY_TASK_ID` relative
    ///   to `SLURM_ARRAY_TASK_MIN` (and `SLURM_ARRAY_TASK_STEP`, for `--array=0-14:2`), count from
    ///   `SLURM_ARRAY_TASK_COUNT` (else from `SLURM_ARRAY_TASK_MAX`);
    /// - `auto/N` inside a Kubernetes indexed Job: index from the zero-based `JOB_COMPLETION_INDEX`, count N
    ///   (the Job's `completions`); inside a Slurm array, N must equal the array's size.
    public init(parsing text: String, environment: [String: String]) throws(AnalysisError) {
        let trimmed = text.trimmingWhitespace
        guard trimmed == "auto" || trimmed.hasPrefix("auto/") else {
            try self.init(parsing: text)
            return
        }
        var declared: Int?
        if trimmed.hasPrefix("auto/") {
            guard let n = Int(trimmed.dropFirst(5)), n >= 1 else {
                throw AnalysisError(.syntax, "expected auto/N with N the number of shards, such as auto/8", setting: .shard, value: text)
            }
            declared = n
        }
        func integer(_ name: String) throws(AnalysisError) -> Int? {
            guard let value = environment[name] else { return nil }
            guard let n = Int(value.trimmingWhitespace) else {
                throw AnalysisError(.invalidValue, "\(name) is '\(value)', not a whole number", setting: .shard, value: text)
            }
            return n
        }
        if let id = try integer("SLURM_ARRAY_TASK_ID") {
            guard let low = try integer("SLURM_ARRAY_TASK_MIN") else {
                throw AnalysisError(.invalidValue, "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not; is this a Slurm job array?", setting: .shard, value: text)
            }
            let step = try integer("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1, id >= low, (id - low) % step == 0 else {
                throw AnalysisError(.invalidValue, "task \(id) is not in the array that starts at \(low) with step \(step)", setting: .shard, value: text)
            }
            let count: Int
            if let c = try integer("SLURM_ARRAY_TASK_COUNT") {
                count = c
            } else if let high = try integer("SLURM_ARRAY_TASK_MAX") {
                count = (high - low) / step + 1
            } else {
                throw AnalysisError(.invalidValue, "neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set, so the number of shards is unknown; give it as auto/N", setting: .shard, value: text)
            }
            if let declared, declared != count {
                throw AnalysisError(.invalidValue, "the job array has \(count) tasks, not \(declared)", setting: .shard, value: text)
            }
            try self.init(index: (id - low) / step + 1, count: count)
            return
        }
        if let k = try integer(Self.kubernetesVariable) {
            guard let declared else {
                throw AnalysisError(.invalidValue, "inside a Kubernetes indexed Job the number of shards is not in the environment; give it as auto/N with N the Job's completions", setting: .shard, value: text)
            }
            guard k >= 0, k < declared else {
                throw AnalysisError(.invalidValue, "JOB_COMPLETION_INDEX is \(k), outside 0…\(declared - 1)", setting: .shard, value: text)
            }
            try self.init(index: k + 1, count: declared)
            return
        }
        throw AnalysisError(.invalidValue, "not inside a Slurm job array (\(Self.slurmVariables.joined(separator: ", ")) are not set) nor a Kubernetes indexed Job (\(Self.kubernetesVariable) is not set); run it from one, or give the shard as i/n", setting: .shard, value: text)
    }

    /// The contiguous block of rows this shard computes, out of `total` (0 for a negative total).
    public func rows(of total: Int) -> Range<Int> {
        // In floating point: index·total can overflow Int for absurd inputs; row counts stay below 2⁵³.
        let t = Double(max(0, total)), i = Double(index), n = Double(count)
        let lo = Int(((i - 1) * t / n).rounded(.down))
        let hi = index == count ? Int(t) : Int((i * t / n).rounded(.down))
        return lo..<max(lo, hi)
    }

    public var description: String { "\(index)/\(count)" }
}

/// Everything that defines a scan: the model, its perturbations, the axes and the readout.
/// Its hash tags every output file, so that resumed runs and merged shards are checked to belong together.
public struct ScanDefinition: Sendable {
    public var modelID: String
    public var modelFingerprint: String
    public var perturbations: [Perturbation]
    public var axes: [ScanAxis]
    public var readout: Readout

    public init(model: Model, perturbations: [Perturbation], axes: [ScanAxis], readout: Readout) throws(AnalysisError) {
        guard !axes.isEmpty else { throw AnalysisError(.invalidValue, "a scan needs at least one axis") }
        if let s = readout.stochastic {
            guard case .timeCourse = readout.kind else {
                throw AnalysisError(.invalidValue, "a stochastic scan reads a time-course metric; a steady state is a deterministic notion")
            }
            guard s.runs >= 2 else { throw AnalysisError(.invalidValue, "a stochastic scan needs at least 2 trajectories per point for a spread, not \(s.runs)") }
        }
        guard axes.count <= 2 else { throw AnalysisError(.invalidValue, "a scan takes one or two axes, not \(axes.count)") }
        if axes.count == 2 && axes[0].name == axes[1].name {
            throw AnalysisError(.invalidValue, "the two scanned quantities are the same ('\(axes[0].name)')")
        }
        let (rows, overflow) = axes.count == 2 ? axes[0].steps.multipliedReportingOverflow(by: axes[1].steps) : (axes[0].steps, false)
        guard !overflow, rows <= Self.maximumRows else {
            throw AnalysisError(.invalidValue, "the grid has more than the \(Self.maximumRows) rows a scan may have")
        }
        modelID = model.id
        modelFingerprint = model.fingerprint
        self.perturbations = perturbations
        self.axes = axes
        self.readout = readout
    }

    /// The largest number of rows (grid points) a scan may have.
    public static let maximumRows = 100_000_000

    /// Number of grid points (rows).
    public var count: Int { axes.reduce(1) { $0 * $1.steps } }

    /// The values at a row: the first axis varies slowest.
    public func values(at index: Int) -> [Double] {
        if axes.count == 1 { return [axes[0].value(at: index)] }
        let n = axes[1].steps
        return [axes[0].value(at: index / n), axes[1].value(at: index % n)]
    }

    /// A one-line, stable description of the scan.
    public var canonical: String {
        let kind: String
        switch readout.kind {
        case .timeCourse(let m): kind = "metric=\(m.rawValue) \(readout.settings.canonical)"
        case .steadyState: kind = "steady-state"
        }
        return "model=\(modelID)@\(modelFingerprint) perturbations=[\(perturbations.map { "\($0)" }.joined(separator: "; "))] "
            + "axes=\(axes.map(\.canonical).joined(separator: ",")) observe=\(readout.observe) \(kind)"
            + (readout.stochastic.map { " " + $0.canonical } ?? "")
    }

    public var hash: String { FNV1a.hex(canonical) }

    /// The metric column's name, e.g. `pSTAT3_peak`.
    public var metricColumn: String {
        switch readout.kind {
        case .timeCourse(let m): return "\(readout.observe)_\(m.rawValue.replacingDashes)"
        case .steadyState: return "\(readout.observe)_steady_state"
        }
    }

    /// `# pathway-scan v1 hash=… rows=… [shard=i/n] | <definition>`
    public func commentLine(shard: Shard?) -> String {
        "# pathway-scan v1 hash=\(hash) rows=\(count)" + (shard.map { " shard=\($0)" } ?? "") + " | \(canonical)\n"
    }

    /// The axes, the metric and, for a stochastic readout, the metric's standard deviation (`pSTAT3_peak_sd`).
    public var columnLine: String {
        (axes.map(\.name) + [metricColumn] + (readout.stochastic == nil ? [] : [metricColumn + "_sd"])).joined(separator: ",") + "\n"
    }

    /// The CSV line of a row (with the spread of a stochastic readout; NaN when it is missing).
    public func line(index: Int, value: Double, spread: Double? = nil) -> String {
        var fields = values(at: index).map(NumberFormat.exact) + [NumberFormat.exact(value)]
        if readout.stochastic != nil { fields.append(NumberFormat.exact(spread ?? .nan)) }
        return fields.joined(separator: ",") + "\n"
    }

    /// Readout fields at the end of each row: the value, and the spread of a stochastic readout.
    var readoutFields: Int { readout.stochastic == nil ? 1 : 2 }
}

extension String {
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// A computed grid point.
public struct ScanPoint: Sendable {
    public var index: Int
    public var values: [Double]
    public var outcome: ReadoutEvaluator.Outcome
}

/// Runs scans on all cores.
public enum ScanEngine {
    /// Evaluates rows `rows` of `definition` on `model` (already perturbed) with `jobs` threads, each with
    /// its own compiled model, handing points to `deliver` in row order as soon as every earlier one is done.
    public static func run(model: Model, definition: ScanDefinition, rows: Range<Int>, jobs: Int,
                           deliver: @Sendable (ScanPoint) throws -> Void) throws {
        let names = definition.axes.map(\.name)
        // Check the names once, here, so that workers cannot fail on them.
        _ = try ReadoutEvaluator(model: model, readout: definition.readout, variables: names)
        try Parallel.orderedMap(rows, jobs: jobs, makeContext: {
            try ReadoutEvaluator(model: model, readout: definition.readout, variables: names)
        }, work: { evaluator, i in
            let v = definition.values(at: i)
            return ScanPoint(index: i, values: v, outcome: evaluator.evaluate(v))
        }, deliver: { _, point in try deliver(point) })
    }
}

/// Reading, resuming and merging scan output files.
public enum ScanOutput {
    /// The header of a scan file or shard: comment line and column line.
    public static func header(_ definition: ScanDefinition, shard: Shard?) -> String {
        definition.commentLine(shard: shard) + definition.columnLine
    }

    /// How far an existing output got: the number of complete, valid rows and the byte length to keep
    /// (a half-written last line is dropped). Throws when the file belongs to another scan.
    public static func resumePoint(existing text: String, definition: ScanDefinition, shard: Shard?) throws(AnalysisError) -> (rows: Int, keepBytes: Int) {
        let expected = header(definition, shard: shard)
        if text.isEmpty { return (0, 0) }
        guard text.utf8.starts(with: expected.utf8) else {
            let found = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let foundHash = found.split(separator: " ").first { $0.hasPrefix("hash=") }.map { String($0.dropFirst(5)) }
            let what = foundHash.map { "scan \($0)" } ?? "not a scan output"
            throw AnalysisError(.mismatch, "the existing output is from a different scan (\(what); this one is \(definition.hash)\(shard.map { ", shard \($0)" } ?? "")): use another -o, or delete the file to start again")
        }
        let range = shard?.rows(of: definition.count) ?? 0..<definition.count
        var bytes = expected.utf8.count
        var rows = 0
        let body = text.utf8.dropFirst(bytes)
        var lineStart = body.startIndex
        var i = body.startIndex
        while i < body.endIndex, rows < range.count {
            if body[i] == UInt8(ascii: "\n") {
                let line = String(decoding: body[lineStart..<i], as: UTF8.self) + "\n"
                guard line == definition.line(index: range.lowerBound + rows, value: 0, spread: 0)
                    .replacingLastFields(definition.readoutFields, with: line) else {
                    throw AnalysisError(.mismatch, "the existing output's row \(rows + 1) does not match this scan's grid; delete the file to start again")
                }
                rows += 1
                bytes += body.distance(from: lineStart, to: i) + 1
                lineStart = body.index(after: i)
            }
            i = body.index(after: i)
        }
        return (rows, bytes)
    }

    /// Joins shard files (their texts, with names for messages) into the output a single run gives.
    public static func merge(_ files: [(name: String, text: String)]) throws(AnalysisError) -> String {
        guard !files.isEmpty else { throw AnalysisError(.invalidValue, "nothing to merge") }
        struct Part { var name: String; var comment: String; var columns: String; var body: Substring; var shard: Shard }
        var parts: [Part] = []
        for f in files {
            let lines = f.text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
            guard lines.count >= 2, lines[0].hasPrefix("# pathway-scan v1 ") else {
                throw AnalysisError(.mismatch, "\(f.name): not a scan shard (no '# pathway-scan' header line)")
            }
            let comment = String(lines[0])
            guard let token = comment.split(separator: " ").first(where: { $0.hasPrefix("shard=") }) else {
                throw AnalysisError(.mismatch, "\(f.name): not a shard (its header has no shard=i/n): it is already a complete scan")
            }
            let shard = try Shard(parsing: String(token.dropFirst(6)))
            parts.append(Part(name: f.name, comment: comment, columns: String(lines[1]),
                              body: lines.count > 2 ? lines[2] : "", shard: shard))
        }
        let first = parts[0]
        let unsharded = first.comment.replacingOccurrences(of: " shard=\(first.shard)", with: "")
        for p in parts.dropFirst() {
            let mine = p.comment.replacingOccurrences(of: " shard=\(p.shard)", with: "")
            guard mine == unsharded, p.columns == first.columns else {
                throw AnalysisError(.mismatch, "\(p.name) and \(first.name) are shards of different scans (\(hashOf(mine)) vs \(hashOf(unsharded)))")
            }
            guard p.shard.count == first.shard.count else {
                throw AnalysisError(.mismatch, "\(p.name) is shard \(p.shard) but \(first.name) is shard \(first.shard): they split the scan differently")
            }
        }
        let n = first.shard.count
        var byIndex: [Int: Part] = [:]
        for p in parts {
            if let other = byIndex[p.shard.index] {
                throw AnalysisError(.mismatch, "shard \(p.shard) given twice (\(other.name) and \(p.name))")
            }
            byIndex[p.shard.index] = p
        }
        let missing = (1...n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw AnalysisError(.mismatch, "missing shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", "))")
        }
        guard let rowsToken = unsharded.split(separator: " ").first(where: { $0.hasPrefix("rows=") }),
              let total = Int(rowsToken.dropFirst(5)) else {
            throw AnalysisError(.mismatch, "\(first.name): the header does not say how many rows the scan has")
        }
        var out = unsharded + "\n" + first.columns + "\n"
        for i in 1...n {
            let p = byIndex[i]!
            let expected = (try Shard(index: i, count: n)).rows(of: total).count
            let lines = p.body.split(separator: "\n", omittingEmptySubsequences: false)
            let complete = p.body.hasSuffix("\n") ? lines.count - 1 : max(lines.count - 1, 0)
            guard complete == expected else {
                throw AnalysisError(.mismatch, "\(p.name) (shard \(p.shard)) is incomplete: \(complete) of \(expected) rows; finish it (resume the shard) before merging")
            }
            out += p.body
        }
        return out
    }

    private static func hashOf(_ comment: String) -> String {
        comment.split(separator: " ").first { $0.hasPrefix("hash=") }.map { String($0.dropFirst(5)) } ?? "?"
    }

    /// The numeric rows of a scan file (comment and column lines skipped).
    public static func rows(of text: String) -> (columns: [String], rows: [[Double]]) {
        var columns: [String] = [], rows: [[Double]] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") { continue }
            if columns.isEmpty {
                columns = line.split(separator: ",").map(String.init)
                continue
            }
            rows.append(line.split(separator: ",").map { Double($0) ?? (($0 == "INF") ? .infinity : ($0 == "-INF" ? -.infinity : .nan)) })
        }
        return (columns, rows)
    }
}

extension String {
    /// This row line with its last field replaced by that of `other` (to compare grid values only).
    /// `self` with its last `n` comma-separated fields taken from `other` (the readout fields of a row).
    func replacingLastFields(_ n: Int, with other: String) -> String {
        func start(_ text: String) -> String.Index? {
            var i = text.endIndex
            for _ in 0..<n {
                guard let comma = text[..<i].lastIndex(of: ",") else { return nil }
                i = comma
            }
            return i
        }
        guard let mine = start(self), let theirs = start(other) else { return self }
        return String(self[..<mine]) + other[theirs...]
    }
}
