import Foundation
import PathwayTestSupport
import Testing

/// The option groups every command shares (tolerances, method, format, output) and the directory
/// options, which all make a missing directory as `mkdir -p` does.
@Suite("shared options and output directories (built binary)")
struct SharedOptionTests {
    static let decay = Repository.path("Tests/CalibrationTests/Fixtures/decay/decay.yaml")
    static let sbmlCase = Repository.path("Tests/SBMLTests/Fixtures/sbml-test-suite/cases/00001")

    @Test("dose-response takes --rtol and --atol: checked as everywhere, and tighter tolerances change only the last digits")
    func doseResponseTolerances() throws {
        let common = ["dose-response", "models/huang-ferrell-1996.yaml", "--input", "E1", "--observe", "MAPK_PP", "--at", "100",
                      "--steps", "4", "--format", "csv"]
        let bad = try PathwayBinary.run(common + ["--rtol", "2"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--rtol must be between 0 and 1, not 2.0"), "\(bad.stderr)")
        let ssa = try PathwayBinary.run(common + ["--method", "ssa"])
        #expect(ssa.status == 1)
        #expect(ssa.stderr == "error: --method ssa: this command does not run stochastic simulations yet (pathway simulate does)\n")
        let loose = try PathwayBinary.run(common)
        let tight = try PathwayBinary.run(common + ["--rtol", "1e-10", "--atol", "1e-14"])
        #expect(loose.status == 0 && tight.status == 0, "\(loose.stderr)\(tight.stderr)")
        // The responses (second column of the data rows) agree to the looser tolerance, relative 1e-4, and
        // differ: the tolerances reach the solver.
        func responses(_ text: String) -> [Double] {
            text.split(separator: "\n").compactMap { line in
                let cells = line.split(separator: ",")
                return cells.count > 1 ? Double(cells[1]) : nil
            }
        }
        let a = responses(loose.stdout), b = responses(tight.stdout)
        #expect(a.count == 4 && b.count == 4, "\(loose.stdout)")
        #expect(a != b)
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-4 * max(abs(y), 1e-12), "\(x) against \(y)") }
    }

    @Test("--format has one help text and one check in every command")
    func formatOption() throws {
        for (command, choices) in [("compare", "text, csv or json"), ("simulate", "csv, tsv or json"), ("steps", "text or json"),
                                   ("dose-response", "text, csv or json"), ("info", "text or json"), ("fit", "text or json")] {
            let help = try PathwayBinary.run([command, "--help"])
            #expect(help.stdout.contains("Output format: \(choices)."), "\(command)")
        }
        let bad = try PathwayBinary.run(["steady-state", "models/huang-ferrell-1996.yaml", "--format", "xml"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'xml'"), "\(bad.stderr)")
    }

    @Test("fit --plot and sbml-test --output-dir make a missing directory; a file in the way is refused")
    func directoriesAreMade() throws {
        let dir = try makeTemporaryDirectory("pathway-dirs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plots = dir.appendingPathComponent("fit/plots")
        let fit = try PathwayBinary.run(["fit", Self.decay, "--profile", "k", "--plot", plots.path])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(FileManager.default.fileExists(atPath: plots.appendingPathComponent("profile-k.svg").path))

        let results = dir.appendingPathComponent("suite/out")
        let suite = try PathwayBinary.run(["sbml-test", Self.sbmlCase, "--output-dir", results.path])
        #expect(suite.status == 0, "\(suite.stderr)")
        #expect(FileManager.default.fileExists(atPath: results.appendingPathComponent("00001.csv").path))

        let file = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let refused = try PathwayBinary.run(["fit", Self.decay, "--profile", "k", "--plot", file.path])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: cannot write into '\(file.path)': it is not a directory\n")
        let suiteRefused = try PathwayBinary.run(["sbml-test", Self.sbmlCase, "--output-dir", file.path])
        #expect(suiteRefused.status == 1)
        #expect(suiteRefused.stderr == "error: cannot write into '\(file.path)': it is not a directory\n")
        #expect(suiteRefused.stdout.isEmpty)
    }
}
