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
                Example:
                  pathway sbml-test ../shared/sbml-test-suite/cases/* --output-dir out/sbml-test
                """)

        @Argument(help: "Test case folders.")
        var cases: [String]

        @Option(name: .customLong("output-dir"), help: "Write each case's simulated values to DIR/NNNNN.csv.")
        var outputDir: String?

        @Option(name: .long, help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Option(name: .long, help: "Relative tolerance of the integrator.")
        var rtol: Double = 1e-10

        @Option(name: .long, help: "Seed of the random order of events due at the same time with equal (or no) priority.")
        var seed: UInt64 = EventOrderGenerator.defaultSeed

        enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        func validate() throws {
            if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
        }

        func run() throws {
            if let outputDir {
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory) {
                    do { try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true) } catch {
                        printError("cannot create '\(outputDir)': \((error as NSError).localizedDescription)")
                        throw ExitCode.failure
                    }
                } else if !isDirectory.boolValue {
                    printError("'\(outputDir)' is not a directory")
                    throw ExitCode.failure
                }
            }
            var outcomes: [CaseOutcome] = []
            for directory in cases {
                let outcome = runCase(directory)
                if format == .text {
                    print(outcome.line)
                }
                outcomes.append(outcome)
            }
            let passed = outcomes.filter { $0.status == .passed }.count
            let failed = outcomes.filter { $0.status == .failed }.count
            let unsupported = outcomes.filter { $0.status == .unsupported }.count
            switch format {
            case .text:
                print("sbml-test: \(passed) passed, \(failed) failed, \(unsupported) unsupported (seed \(seed))")
            case .json:
                var out = "{\n  \"passed\": \(passed), \"failed\": \(failed), \"unsupported\": \(unsupported), \"seed\": \(seed),\n  \"cases\": [\n"
                out += outcomes.map { "    " + $0.json }.joined(separator: ",\n")
                out += "\n  ]\n}\n"
                FileHandle.standardOutput.write(Data(out.utf8))
            }
            if failed > 0 { throw ExitCode.failure }
        }

        struct CaseOutcome {
            enum Status: String { case passed, failed, unsupported }
            var id: String
            var status: Status
            var detail: String
            var worst: TestSuiteCase.Deviation?

            var line: String { "\(id) \(status.rawValue)" + (detail.isEmpty ? "" : ": \(detail)") }

            var json: String {
                var fields = ["\"case\": \(JSON.string(id))", "\"status\": \(JSON.string(status.rawValue))", "\"detail\": \(JSON.string(detail))"]
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

        func runCase(_ directory: String) -> CaseOutcome {
            let name = URL(fileURLWithPath: directory).lastPathComponent
            let testCase: TestSuiteCase
            do { testCase = try TestSuiteCase(directory: directory) } catch {
                return CaseOutcome(id: name, status: .failed, detail: "cannot read the case: \(error.message)")
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


