import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import SBML
import Simulator

extension Pathway {
    struct SBMLTest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sbml-test",
            abstract: "Run SBML Test Suite semantic cases and compare with the expected results.",
            discussion: """
                Each CASE_DIR holds NNNNN-sbml-lXvY.xml, NNNNN-settings.txt and NNNNN-results.csv.
                Each case is simulated as its settings ask and compared by the suite's rule
                |s - e| <= absolute + relative*|e|. A case passes, fails (with its largest deviation),
                or is unsupported (with the construct the simulator cannot honour).

                Stochastic cases (testType StochasticTimeCourse, the DSMTS) run --runs trajectories by
                Gillespie's method (amounts are molecule counts) and are judged by the suite's rule: at
                every output time Z = sqrt(n)(mean - mu)/sigma must lie in meanRange and
                Y = sqrt(n/2)(S^2/sigma^2 - 1) in sdRange. Each case prints how many Z and Y tests fell
                outside. A correct simulator fails a few by chance (the suite expects about 2-3 Z and 5-6 Y
                failures over its 39 cases at n = 10,000): the exit status is non-zero when the totals
                exceed twice that (6 Z, 12 Y) or any deterministic case fails.
                Example:
                  pathway sbml-test ../shared/sbml-test-suite/cases/* --output-dir out/sbml-test
                  pathway sbml-test ../shared/sbml-test-suite/stochastic/0* --runs 10000 --seed 1
                """)

        @Argument(help: "Test case folders.")
        var cases: [String]

        @Option(name: .customLong("output-dir"), help: "Write each case's simulated values to DIR/NNNNN.csv.")
        var outputDir: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Option(name: .long, help: "Relative tolerance of the integrator.")
        var rtol: Double = 1e-10

        @Option(name: .long, help: "Stochastic cases: independent runs per case (at least 1,000 by the suite's rule).")
        var runs: Int = 10_000

        @Option(name: .long, help: "Seed of the random choices: the stochastic cases' runs (default: drawn, and printed) and the order of events due at the same time with equal (or no) priority (default \(EventOrderGenerator.defaultSeed)).")
        var seed: UInt64?

        @Option(name: .long, help: "Stochastic cases: worker threads (default: every core).")
        var jobs: Int?

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func validate() throws {
            if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
            if runs < 2 { throw ValidationError("--runs must be at least 2 (a standard deviation needs two runs), not \(runs)") }
            try checkJobs(jobs)
        }

        /// Chance failures over all stochastic cases allowed before the exit status says failure:
        /// twice what the suite expects of a correct simulator at n = 10,000.
        static let chanceAllowance = (z: 6, y: 12)

        func run() throws {
            if let outputDir {
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory) {
                    do { try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true) } catch {
                        throw CommandError("cannot create '\(outputDir)': \((error as NSError).localizedDescription)")
                    }
                } else if !isDirectory.boolValue {
                    throw CommandError("'\(outputDir)' is not a directory")
                }
            }
            var outcomes: [CaseOutcome] = []
            let eventSeed = self.seed ?? EventOrderGenerator.defaultSeed
            let seed = self.seed ?? {
                var g = SystemRandomNumberGenerator()
                return g.next() >> 11
            }()
            if format == .text && cases.contains(where: Self.isStochastic) {
                print("stochastic cases: \(runs) runs each, seed \(seed)")
            }
            for directory in cases {
                let outcome = runCase(directory, seed: Self.isStochastic(directory) ? seed : eventSeed)
                if format == .text {
                    print(outcome.line)
                }
                outcomes.append(outcome)
            }
            let passed = outcomes.filter { $0.status == .passed }.count
            let failed = outcomes.filter { $0.status == .failed }.count
            let unsupported = outcomes.filter { $0.status == .unsupported }.count
            let judged = outcomes.compactMap(\.judgement)
            let z = judged.reduce(0) { $0 + $1.zFailures }, zTests = judged.reduce(0) { $0 + $1.zTests }
            let y = judged.reduce(0) { $0 + $1.yFailures }, yTests = judged.reduce(0) { $0 + $1.yTests }
            let stochasticFailed = outcomes.filter { $0.judgement != nil && $0.status == .failed }.count
            let withinChance = z <= Self.chanceAllowance.z && y <= Self.chanceAllowance.y
            switch format {
            case .text:
                if !judged.isEmpty {
                    print("stochastic: \(judged.count) cases, \(runs) runs each (seed \(seed)): Z outside its range \(z) of \(zTests) tests, Y \(y) of \(yTests) "
                        + "(a correct simulator fails about 2-3 Z and 5-6 Y by chance over the suite's 39 cases); "
                        + (withinChance ? "within chance" : "MORE than chance allows (\(Self.chanceAllowance.z) Z, \(Self.chanceAllowance.y) Y)"))
                }
                // The seed of the events' random order, when any case depended on it (each such case says so).
                let random = outcomes.contains { $0.detail.contains("events ordered at random") } ? " (event-order seed \(eventSeed))" : ""
                print("sbml-test: \(passed) passed, \(failed) failed, \(unsupported) unsupported\(random)")
            case .json:
                var out = "{\n  \"passed\": \(passed), \"failed\": \(failed), \"unsupported\": \(unsupported), \"seed\": \(eventSeed),\n"
                if !judged.isEmpty {
                    out += "  \"stochastic\": {\"runs\": \(runs), \"seed\": \(seed), \"zFailures\": \(z), \"zTests\": \(zTests), \"yFailures\": \(y), \"yTests\": \(yTests)},\n"
                }
                out += "  \"cases\": [\n"
                out += outcomes.map { "    " + $0.json }.joined(separator: ",\n")
                out += "\n  ]\n}\n"
                FileHandle.standardOutput.write(Data(out.utf8))
            }
            if failed - stochasticFailed > 0 || !withinChance { throw CommandError.alreadyReported }
        }

        static func isStochastic(_ directory: String) -> Bool {
            (try? TestSuiteCase(directory: directory))?.testType == "StochasticTimeCourse"
        }

        struct CaseOutcome {
            enum Status: String { case passed, failed, unsupported }
            var id: String
            var status: Status
            var detail: String
            var worst: TestSuiteCase.Deviation?
            var judgement: TestSuiteCase.StochasticJudgement?

            var line: String { "\(id) \(status.rawValue)" + (detail.isEmpty ? "" : ": \(detail)") }

            var json: String {
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
        static let refusedTags: [String: String] = [
            "FastReaction": "fast reaction",
        ]

        func runCase(_ directory: String, seed: UInt64) -> CaseOutcome {
            let name = URL(fileURLWithPath: directory).lastPathComponent
            let testCase: TestSuiteCase
            do { testCase = try TestSuiteCase(directory: directory) } catch {
                return CaseOutcome(id: name, status: .failed, detail: "cannot read the case: \(error.message)")
            }
            if testCase.testType == "StochasticTimeCourse" {
                return runStochasticCase(testCase, seed: seed)
            }
            guard testCase.testType == "TimeCourse" else {
                return CaseOutcome(id: testCase.id, status: .unsupported, detail: "test type \(testCase.testType)")
            }
            var imported: SBMLImport
            do { imported = try SBMLImporter.importFile(path: testCase.modelPath) } catch {
                if error.kind == .unsupported {
                    return CaseOutcome(id: testCase.id, status: .unsupported, detail: error.constructs.joined(separator: ", "))
                }
                if error.kind == .missingFile {
                    // The case refers to a file that is not in its folder: it cannot be run as it stands.
                    return CaseOutcome(id: testCase.id, status: .unsupported,
                                       detail: "incomplete case: " + error.diagnostics.map(\.message).joined(separator: "; "))
                }
                return CaseOutcome(id: testCase.id, status: .failed,
                                   detail: "cannot import: " + (error.diagnostics.first.map(\.description) ?? "unknown error"))
            }
            // The suite's own tags as a second line of defence: a case that says it needs a construct the
            // simulator refuses is not run even if its file does not show it (01399's Level 2 file drops
            // the `fast` attribute its expected results assume).
            let declared = testCase.tags.filter { Self.refusedTags.keys.contains($0) && !($0 == "FastReaction" && imported.fastReactions > 0) }
            if !declared.isEmpty {
                return CaseOutcome(id: testCase.id, status: .unsupported,
                                   detail: declared.map { "\(Self.refusedTags[$0]!) (declared by the case; not in its model file)" }.joined(separator: ", "))
            }
            imported = imported.exposingReactionRates(testCase.variables)
            let compiled: CompiledModel
            do { compiled = try CompiledModel(imported.model) } catch {
                return CaseOutcome(id: testCase.id, status: .failed, detail: "cannot compile: \(error.message)")
            }
            let columns = testCase.variables.map { imported.column(for: $0, amount: testCase.quantity(of: $0)) }
            var settings = SimulationSettings(start: testCase.start, end: testCase.start + testCase.duration,
                                              output: .times(testCase.times), method: .auto,
                                              rtol: rtol, atol: max(testCase.absolute * 1e-6, 1e-18), maxSteps: 1_000_000)
            settings.checkNegative = false // SBML quantities may legitimately go negative
            settings.seed = seed
            let result: SimulationResult
            do { result = try compiled.simulate(settings, observe: columns.map(\.symbol)) } catch {
                return CaseOutcome(id: testCase.id, status: .failed, detail: "cannot simulate: \(error.message)")
            }
            let values = result.values.map { row in zip(row, columns).map { $0 * $1.factor } }
            if let outputDir {
                var text = (["time"] + testCase.variables).joined(separator: ",") + "\n"
                for (i, t) in result.times.enumerated() where i < values.count {
                    text += ([TableWriter.number(t)] + values[i].map(TableWriter.number)).joined(separator: ",") + "\n"
                }
                let path = URL(fileURLWithPath: outputDir).appendingPathComponent("\(testCase.id).csv").path
                try? writeAtomically(Data(text.utf8), to: path)
            }
            if !result.status.isSuccess {
                return CaseOutcome(id: testCase.id, status: .failed, detail: "simulation failed: \(describe(result.status, compiled))")
            }
            let (passed, worst) = testCase.compare(values)
            let random = result.randomEventChoices > 0 ? "; events ordered at random \(result.randomEventChoices) times, seed \(seed)" : ""
            if passed {
                let margin = worst.map { String(format: "largest deviation %.2g of the tolerance", $0.ratio) } ?? ""
                return CaseOutcome(id: testCase.id, status: .passed, detail: margin + random, worst: worst)
            }
            let detail = worst.map {
                "\($0.variable) at t = \(TableWriter.number($0.time)) is \(TableWriter.number($0.value)), expected \(TableWriter.number($0.expected))"
            } ?? "wrong number of output rows"
            return CaseOutcome(id: testCase.id, status: .failed, detail: detail + random, worst: worst)
        }
    }
}



extension Pathway.SBMLTest {
    /// A `StochasticTimeCourse` case: `runs` trajectories (amounts as molecule counts), judged by Z and Y.
    func runStochasticCase(_ testCase: TestSuiteCase, seed: UInt64) -> CaseOutcome {
        let imported: SBMLImport
        do { imported = try SBMLImporter.importFile(path: testCase.modelPath) } catch {
            if error.kind == .unsupported {
                return CaseOutcome(id: testCase.id, status: .unsupported, detail: error.constructs.joined(separator: ", "))
            }
            return CaseOutcome(id: testCase.id, status: .failed,
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
                                                  jobs: jobs ?? defaultJobs)
        } catch {
            let message = "\(error)"
            if message.hasPrefix("the stochastic simulation cannot honour") {
                return CaseOutcome(id: testCase.id, status: .unsupported, detail: message)
            }
            return CaseOutcome(id: testCase.id, status: .failed, detail: "cannot simulate: \(message)")
        }
        let mean = ensemble.mean.map { row in zip(row, factors).map { $0 * $1 } }
        let sd = ensemble.sd.map { row in zip(row, factors).map { $0 * abs($1) } }
        if let outputDir {
            var text = (["time"] + testCase.variables.flatMap { ["\($0)-mean", "\($0)-sd"] }).joined(separator: ",") + "\n"
            for (i, t) in ensemble.times.enumerated() {
                text += ([TableWriter.number(t)] + testCase.variables.indices.flatMap { [TableWriter.number(mean[i][$0]), TableWriter.number(sd[i][$0])] })
                    .joined(separator: ",") + "\n"
            }
            let path = URL(fileURLWithPath: outputDir).appendingPathComponent("\(testCase.id).csv").path
            try? writeAtomically(Data(text.utf8), to: path)
        }
        let j = testCase.judge(mean: mean, sd: sd, runs: runs)
        func range(_ r: (Double, Double)) -> String { "(\(TableWriter.number(r.0)), \(TableWriter.number(r.1)))" }
        func worst(_ w: (value: Double, variable: String, time: Double)?, _ name: String) -> String {
            guard let w else { return "" }
            return String(format: "; largest |%@| %.2f (%@ at t = %@)", name, abs(w.value), w.variable, TableWriter.number(w.time))
        }
        var detail = "Z outside \(range(testCase.meanRange)) \(j.zFailures) of \(j.zTests)"
        if j.yTests > 0 { detail += ", Y outside \(range(testCase.sdRange)) \(j.yFailures) of \(j.yTests)" }
        detail += worst(j.worstZ, "Z") + worst(j.worstY, "Y")
        var outcome = CaseOutcome(id: testCase.id, status: j.passed ? .passed : .failed, detail: detail)
        outcome.judgement = j
        return outcome
    }
}
