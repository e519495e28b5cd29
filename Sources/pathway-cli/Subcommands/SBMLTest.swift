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

        @Option(name: .customLong("output-dir"), help: "Write each case's simulated values to DIR/NNNNN.csv (DIR made if missing).")
        var outputDir: String?

        @OptionGroup var format: FormatOption<ReportFormat>

        @Option(name: .long, help: "Relative tolerance of the integrator.")
        var rtol: Double = 1e-10

        @Option(name: .long, help: "Stochastic cases: independent runs per case (at least 1,000 by the suite's rule).")
        var runs: Int = 10_000

        @Option(name: .long, help: "Seed of the random choices: the stochastic cases' runs (default: drawn, and printed) and the order of events due at the same time with equal (or no) priority (default \(EventOrderGenerator.defaultSeed)).")
        var seed: UInt64?

        @OptionGroup var threads: JobsOption

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func validate() throws {
            if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
            if runs < 2 { throw ValidationError("--runs must be at least 2 (a standard deviation needs two runs), not \(runs)") }
        }

        func run() throws {
            if let outputDir { try Output.makeDirectory(outputDir) }
            let runner = TestSuiteRunner(rtol: rtol, runs: runs, jobs: threads.count)
            let eventSeed = self.seed ?? EventOrderGenerator.defaultSeed
            let seed = self.seed ?? SolverOptions.drawnSeed()
            let text = format.format == .text
            if text && cases.contains(where: TestSuiteRunner.isStochastic) {
                try Output.write("stochastic cases: \(runs) runs each, seed \(seed)\n", to: nil)
            }
            var outcomes: [TestSuiteRunner.Outcome] = []
            for directory in cases {
                let outcome = runner.run(directory, seed: TestSuiteRunner.isStochastic(directory) ? seed : eventSeed)
                if let outputDir, let csv = outcome.csv {
                    try? Output.write(csv, to: Output.path("\(outcome.id).csv", in: outputDir))
                }
                if text { try Output.write(outcome.line + "\n", to: nil) }
                outcomes.append(outcome)
            }
            let summary = TestSuiteSummary(outcomes: outcomes, runs: runs, seed: seed, eventSeed: eventSeed)
            try Output.write(text ? summary.text : summary.json, to: nil)
            if !summary.succeeded { throw CommandError.alreadyReported }
        }
    }
}
