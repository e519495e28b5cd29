import Analysis
import ArgumentParser
import Conformance
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

        @OptionGroup var threads: JobsOption
        var jobs: Int? { threads.jobs }

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func validate() throws {
            if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
            if runs < 2 { throw ValidationError("--runs must be at least 2 (a standard deviation needs two runs), not \(runs)") }
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
            var outcomes: [TestSuiteRunner.Outcome] = []
            let runner = TestSuiteRunner(rtol: rtol, runs: runs, jobs: jobs ?? defaultJobs)
            let eventSeed = self.seed ?? EventOrderGenerator.defaultSeed
            let seed = self.seed ?? {
                var g = SystemRandomNumberGenerator()
                return g.next() >> 11
            }()
            if format == .text && cases.contains(where: TestSuiteRunner.isStochastic) {
                print("stochastic cases: \(runs) runs each, seed \(seed)")
            }
            for directory in cases {
                let outcome = runner.run(directory, seed: TestSuiteRunner.isStochastic(directory) ? seed : eventSeed)
                if let outputDir, let csv = outcome.csv {
                    try? writeAtomically(Data(csv.utf8), to: URL(fileURLWithPath: outputDir).appendingPathComponent("\(outcome.id).csv").path)
                }
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
    }
}
