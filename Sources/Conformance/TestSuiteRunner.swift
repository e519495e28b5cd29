import Analysis
import Foundation
import PathwayModel
import SBML
import Simulator

/// Runs SBML Test Suite cases as `pathway sbml-test` does, and as the tests do: one runner, so the tests
/// test what ships.
///
/// A `TimeCourse` case is imported, simulated at its output times at tight tolerances (`rtol`, atol a
/// millionth of the case's absolute tolerance) and compared by the suite's rule |s − e| ≤ absolute +
/// relative·|e|. A `StochasticTimeCourse` case (the DSMTS) runs `runs` trajectories of Gillespie's method
/// (amounts as molecule counts) and is judged by the suite's Z and Y tests at every output time.
/// A case passes, fails (with its largest deviation), or is unsupported (naming the construct).
public struct TestSuiteRunner: Sendable {
    /// Relative tolerance of the integrator for deterministic cases.
    public var rtol: Double
    /// Trajectories per stochastic case.
    public var runs: Int
    /// Threads for the stochastic trajectories.
    public var jobs: Int

    public init(rtol: Double = 1e-10, runs: Int = 10_000, jobs: Int = Parallel.availableCores) {
        self.rtol = rtol
        self.runs = runs
        self.jobs = jobs
    }

    /// What became of one case.
    public struct Outcome: Sendable {
        public enum Status: String, Sendable { case passed, failed, unsupported }
        public var id: String
        public var status: Status
        public var detail: String
        public var worst: TestSuiteCase.Deviation?
        public var judgement: TestSuiteCase.StochasticJudgement?
        /// The simulated values as the suite's CSV (time and the case's variables; `X-mean`, `X-sd`
        /// for stochastic cases), when the case was simulated.
        public var csv: String?

        public init(id: String, status: Status, detail: String, worst: TestSuiteCase.Deviation? = nil) {
            self.id = id
            self.status = status
            self.detail = detail
            self.worst = worst
        }

        /// `00001 passed: largest deviation 0.01 of the tolerance`.
        public var line: String { "\(id) \(status.rawValue)" + (detail.isEmpty ? "" : ": \(detail)") }

        public var json: String {
            var fields = ["\"case\": \(JSON.string(id))", "\"status\": \(JSON.string(status.rawValue))", "\"detail\": \(JSON.string(detail))"]
            if let j = judgement {
                fields.append("\"zFailures\": \(j.zFailures), \"zTests\": \(j.zTests), \"yFailures\": \(j.yFailures), \"yTests\": \(j.yTests)")
            }
            if let w = worst {
                fields.append("\"worst\": {\"variable\": \(JSON.string(w.variable)), \"time\": \(JSON.number(w.time)), \"value\": \(JSON.number(w.value)), \"expected\": \(JSON.number(w.expected)), \"ratio\": \(JSON.number(w.ratio))}")
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
    }

    /// Test Suite tags of constructs whose absence from a case's model file makes the case unrunnable,
    /// with the importer's names for them.
    public static let refusedTags: [String: String] = [
        "FastReaction": "fast reaction",
    ]

    /// Whether the case in `directory` is a stochastic one.
    public static func isStochastic(_ directory: String) -> Bool {
        (try? TestSuiteCase(directory: directory))?.testType == "StochasticTimeCourse"
    }

    /// Runs the case in `directory`; `seed` seeds its random choices (the stochastic runs, or the order
    /// of events due at once with equal priority).
    public func run(_ directory: String, seed: UInt64) -> Outcome {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        let testCase: TestSuiteCase
        do { testCase = try TestSuiteCase(directory: directory) } catch {
            return Outcome(id: name, status: .failed, detail: "cannot read the case: \(error.message)")
        }
        if testCase.testType == "StochasticTimeCourse" {
            return runStochastic(testCase, seed: seed)
        }
        guard testCase.testType == "TimeCourse" else {
            return Outcome(id: testCase.id, status: .unsupported, detail: "test type \(testCase.testType)")
        }
        var imported: SBMLImport
        do { imported = try SBMLImporter.importFile(path: testCase.modelPath) } catch {
            if error.kind == .unsupported {
                return Outcome(id: testCase.id, status: .unsupported, detail: error.constructs.joined(separator: ", "))
            }
            if error.kind == .missingFile {
                // The case refers to a file that is not in its folder: it cannot be run as it stands.
                return Outcome(id: testCase.id, status: .unsupported,
                               detail: "incomplete case: " + error.diagnostics.map(\.message).joined(separator: "; "))
            }
            return Outcome(id: testCase.id, status: .failed,
                           detail: "cannot import: " + (error.diagnostics.first.map(\.description) ?? "unknown error"))
        }
        // The suite's own tags as a second line of defence: a case that says it needs a construct the
        // simulator refuses is not run even if its file does not show it (01399's Level 2 file drops
        // the `fast` attribute its expected results assume).
        let declared = testCase.tags.filter { Self.refusedTags.keys.contains($0) && !($0 == "FastReaction" && imported.fastReactions > 0) }
        if !declared.isEmpty {
            return Outcome(id: testCase.id, status: .unsupported,
                           detail: declared.map { "\(Self.refusedTags[$0]!) (declared by the case; not in its model file)" }.joined(separator: ", "))
        }
        imported = imported.exposingReactionRates(testCase.variables)
        let compiled: CompiledModel
        do { compiled = try CompiledModel(imported.model) } catch {
            return Outcome(id: testCase.id, status: .failed, detail: "cannot compile: \(error.message)")
        }
        let columns = testCase.variables.map { imported.column(for: $0, amount: testCase.quantity(of: $0)) }
        var settings = SimulationSettings(start: testCase.start, end: testCase.start + testCase.duration,
                                          output: .times(testCase.times), method: .auto,
                                          rtol: rtol, atol: max(testCase.absolute * 1e-6, 1e-18), maxSteps: 1_000_000)
        settings.checkNegative = false // SBML quantities may legitimately go negative
        settings.seed = seed
        let result: SimulationResult
        do { result = try compiled.simulate(settings, observe: columns.map(\.symbol)) } catch {
            if let construct = error.unsupportedConstruct {
                return Outcome(id: testCase.id, status: .unsupported, detail: "\(construct): \(error.message)")
            }
            return Outcome(id: testCase.id, status: .failed, detail: "cannot simulate: \(error.message)")
        }
        let values = result.values.map { row in zip(row, columns).map { $0 * $1.factor } }
        var csv = (["time"] + testCase.variables).joined(separator: ",") + "\n"
        for (i, t) in result.times.enumerated() where i < values.count {
            csv += ([NumberFormat.exact(t)] + values[i].map(NumberFormat.exact)).joined(separator: ",") + "\n"
        }
        guard result.status.isSuccess else {
            var outcome = Outcome(id: testCase.id, status: .failed, detail: "simulation failed: \(compiled.describe(result.status))")
            outcome.csv = csv
            return outcome
        }
        let (passed, worst) = testCase.compare(values)
        let random = result.randomEventChoices > 0 ? "; events ordered at random \(result.randomEventChoices) times, seed \(seed)" : ""
        var outcome: Outcome
        if passed {
            let margin = worst.map { String(format: "largest deviation %.2g of the tolerance", $0.ratio) } ?? ""
            outcome = Outcome(id: testCase.id, status: .passed, detail: margin + random, worst: worst)
        } else {
            let detail = worst.map {
                "\($0.variable) at t = \(NumberFormat.exact($0.time)) is \(NumberFormat.exact($0.value)), expected \(NumberFormat.exact($0.expected))"
            } ?? "wrong number of output rows"
            outcome = Outcome(id: testCase.id, status: .failed, detail: detail + random, worst: worst)
        }
        outcome.csv = csv
        return outcome
    }

    /// A `StochasticTimeCourse` case: `runs` trajectories (amounts as molecule counts), judged by Z and Y.
    func runStochastic(_ testCase: TestSuiteCase, seed: UInt64) -> Outcome {
        let imported: SBMLImport
        do { imported = try SBMLImporter.importFile(path: testCase.modelPath) } catch {
            if error.kind == .unsupported {
                return Outcome(id: testCase.id, status: .unsupported, detail: error.constructs.joined(separator: ", "))
            }
            return Outcome(id: testCase.id, status: .failed,
                               detail: "cannot import: " + (error.diagnostics.first.map(\.description) ?? "unknown error"))
        }
        let model = imported.model
        let columns = testCase.variables.map { imported.column(for: $0, amount: testCase.quantity(of: $0)) }
        let volumes = Dictionary(model.compartments.map { ($0.id, $0.size) }, uniquingKeysWith: { a, _ in a })
        // Species come out as counts (amounts); a concentration asked for is the count over the size.
        let factors: [Double] = zip(testCase.variables, columns).map { variable, column in
            guard let s = model.species.first(where: { $0.id == column.symbol }) else { return column.factor }
            return testCase.quantity(of: variable) == false ? 1 / (volumes[s.compartment] ?? 1) : 1
        }
        let settings = SimulationSettings(start: testCase.start, end: testCase.start + testCase.duration,
                                          output: .times(testCase.times), method: .auto)
        let ensemble: StochasticEnsemble
        do {
            ensemble = try StochasticEnsemble.run(model: model, settings: settings, observe: columns.map(\.symbol),
                                                  options: StochasticOptions(counts: .asIs), runs: runs, seed: seed,
                                                  jobs: jobs)
        } catch {
            let message = "\(error)"
            if message.hasPrefix("the stochastic simulation cannot honour") {
                return Outcome(id: testCase.id, status: .unsupported, detail: message)
            }
            return Outcome(id: testCase.id, status: .failed, detail: "cannot simulate: \(message)")
        }
        let mean = ensemble.mean.map { row in zip(row, factors).map { $0 * $1 } }
        let sd = ensemble.sd.map { row in zip(row, factors).map { $0 * abs($1) } }
        var csv = (["time"] + testCase.variables.flatMap { ["\($0)-mean", "\($0)-sd"] }).joined(separator: ",") + "\n"
        for (i, t) in ensemble.times.enumerated() {
            csv += ([NumberFormat.exact(t)] + testCase.variables.indices.flatMap { [NumberFormat.exact(mean[i][$0]), NumberFormat.exact(sd[i][$0])] })
                .joined(separator: ",") + "\n"
        }
        let j = testCase.judge(mean: mean, sd: sd, runs: runs)
        func range(_ r: (Double, Double)) -> String { "(\(NumberFormat.exact(r.0)), \(NumberFormat.exact(r.1)))" }
        func worst(_ w: (value: Double, variable: String, time: Double)?, _ name: String) -> String {
            guard let w else { return "" }
            return String(format: "; largest |%@| %.2f (%@ at t = %@)", name, abs(w.value), w.variable, NumberFormat.exact(w.time))
        }
        var detail = "Z outside \(range(testCase.meanRange)) \(j.zFailures) of \(j.zTests)"
        if j.yTests > 0 { detail += ", Y outside \(range(testCase.sdRange)) \(j.yFailures) of \(j.yTests)" }
        detail += worst(j.worstZ, "Z") + worst(j.worstY, "Y")
        var outcome = Outcome(id: testCase.id, status: j.passed ? .passed : .failed, detail: detail)
        outcome.judgement = j
        outcome.csv = csv
        return outcome
    }
}
