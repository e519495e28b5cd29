import Foundation
import PathwayTestSupport
import Testing

/// `pathway fit` on real PEtab files, run as the built binary.
@Suite("pathway fit (built binary)")
struct FitCommandTests {
    static let decay = Repository.path("Tests/CalibrationTests/Fixtures/decay")

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A copy of the small decay problem in a temporary directory, with `edit` applied to one of its files.
    func decayCopy(editing file: String? = nil, _ edit: (String) -> String = { $0 }) throws -> URL {
        let dir = try makeTemporaryDirectory("pathway-fit")
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.decay) {
            var text = try String(contentsOfFile: Self.decay + "/" + name, encoding: .utf8)
            if name == file { text = edit(text) }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func evaluatePrintsBoehmsPublishedLikelihood() throws {
        let r = try PathwayBinary.run(["fit", fixture("Boehm_JProteomeRes2014"), "--evaluate", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let nllh = try #require(try json(r.stdout)["nllh"] as? Double)
        #expect(Swift.abs(nllh - 138.222) <= 1e-4 * 138.222)
    }

    /// A multi-start fit writes a PEtab parameter table, the waterfall and data-against-fit plots; the
    /// table read back as the problem's parameters gives the reported best nllh; the same seed gives the
    /// same output byte for byte.
    @Test func fitWritesItsOutputsAndTheBestTableReproducesTheBestLikelihood() throws {
        let dir = try decayCopy()
        let problem = dir.appendingPathComponent("decay.yaml").path
        let best = dir.appendingPathComponent("best.tsv").path
        let plots = dir.appendingPathComponent("plots")
        try FileManager.default.createDirectory(at: plots, withIntermediateDirectories: true)
        let args = ["fit", problem, "--starts", "4", "--seed", "7", "--jobs", "2", "--format", "json", "-o", best, "--plot", plots.path]
        let r = try PathwayBinary.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let result = try json(r.stdout)
        let bestNLLH = try #require(result["best_nllh"] as? Double)
        #expect((result["results"] as? [Any])?.count == 4)
        for name in ["waterfall.svg", "fit-A_obs.svg"] {
            #expect(FileManager.default.fileExists(atPath: plots.appendingPathComponent(name).path), "\(name)")
        }
        // The fit is at least as good as the parameters the data were made with.
        let nominal = try PathwayBinary.run(["fit", problem, "--evaluate", "--format", "json"])
        let nominalNLLH = try #require(try json(nominal.stdout)["nllh"] as? Double)
        #expect(bestNLLH <= nominalNLLH + 1e-9)
        // The written table is a PEtab parameter table: evaluating with it gives the best nllh.
        try FileManager.default.removeItem(atPath: dir.appendingPathComponent("parameters_decay.tsv").path)
        try FileManager.default.moveItem(atPath: best, toPath: dir.appendingPathComponent("parameters_decay.tsv").path)
        let again = try PathwayBinary.run(["fit", problem, "--evaluate", "--format", "json"])
        let againNLLH = try #require(try json(again.stdout)["nllh"] as? Double)
        #expect(Swift.abs(againNLLH - bestNLLH) <= 1e-6 * Swift.abs(bestNLLH) + 1e-9)
        // Deterministic for the same seed, whatever the number of threads.
        try FileManager.default.removeItem(atPath: dir.appendingPathComponent("parameters_decay.tsv").path)
        try FileManager.default.copyItem(atPath: Self.decay + "/parameters_decay.tsv", toPath: dir.appendingPathComponent("parameters_decay.tsv").path)
        let serial = try PathwayBinary.run(["fit", problem, "--starts", "4", "--seed", "7", "--jobs", "1", "--format", "json"])
        #expect(serial.stdout == r.stdout)
    }

    static let badInputs: [(file: String, find: String, replace: String, message: String)] = [
        ("measurementData_decay.tsv", "A_obs\tcontrol\t7.0582\t1\tscale\tsigma", "A_obs\tcontrol\t7.0582\t1\tscale\tsigma\textra",
         "measurementData_decay.tsv:3:36: error: measurement table: row has 7 cells but the header has 6 columns"),
        ("measurementData_decay.tsv", "A_obs\tcontrol\t7.0582", "B_obs\tcontrol\t7.0582",
         "measurementData_decay.tsv:3:1: error: measurement table: unknown observable 'B_obs' (did you mean 'A_obs'?)"),
        ("measurementData_decay.tsv", "A_obs\tcontrol\t7.0582", "A_obs\tcontrl\t7.0582",
         "measurementData_decay.tsv:3:7: error: measurement table: unknown condition 'contrl' (did you mean 'control'?)"),
        ("measurementData_decay.tsv", "7.0582\t1\tscale\tsigma", "7.0582\t1\tscale\tsigmaa",
         "measurementData_decay.tsv:3:30: error: measurement table: unknown parameter 'sigmaa' (did you mean 'sigma'?)"),
        ("parameters_decay.tsv", "k\tlog10\t0.001\t10\t0.3\t1", "k\tlog10\t0.001\t10\t30\t1",
         "parameters_decay.tsv:2:18: error: parameter table: nominalValue 30 of 'k' lies outside its bounds [0.001, 10]"),
        ("measurementData_decay.tsv", "7.0582\t1\t", "7.0582\t-1\t",
         "measurementData_decay.tsv:3:22: error: measurement table: measurement time -1 is before the simulation starts at 0"),
        ("measurementData_decay.tsv", "7.0582\t1\tscale\tsigma", "7.0582\t1\tscale\t-0.5",
         "measurementData_decay.tsv:3:30: error: measurement table: noise parameter -0.5 of 'A_obs' is not positive"),
        ("observables_decay.tsv", "\tnoiseParameter1_A_obs\t", "\tnoiseParameter1_A_obs - 1\t",
         "measurementData_decay.tsv:2:1: error: measurement table: the noise formula of 'A_obs' is -0.8 at t = 0.0 in condition 'control'; it must be positive"),
    ]

    /// Bad tables: one `file:line:column: error:` line naming the table and row, exit 1, no output file.
    @Test(arguments: badInputs)
    func badInputIsAPositionedErrorAndWritesNothing(_ bad: (file: String, find: String, replace: String, message: String)) throws {
        let dir = try decayCopy(editing: bad.file) { text in
            #expect(text.contains(bad.find), "fixture text to edit not found: \(bad.find)")
            return text.replacingOccurrences(of: bad.find, with: bad.replace)
        }
        let out = dir.appendingPathComponent("out.tsv").path
        for mode in [["--evaluate"], ["--starts", "1"]] {
            let r = try PathwayBinary.run(["fit", dir.appendingPathComponent("decay.yaml").path] + mode + ["-o", out])
            #expect(r.status == 1)
            let line = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(line.hasSuffix(bad.message), "\(line)")
            #expect(line.hasPrefix(dir.path) || line.hasPrefix("/"), "\(line)")
            #expect(!line.contains("\n"), "one line: \(line)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func profileGivesAnIntervalAroundTheOptimum() throws {
        let dir = try decayCopy()
        let r = try PathwayBinary.run(["fit", dir.appendingPathComponent("decay.yaml").path, "--profile", "k", "--format", "json", "--plot", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try json(r.stdout)
        let optimum = try #require(result["optimum"] as? Double)
        let interval = try #require(result["interval"] as? [Double])
        #expect(interval.count == 2)
        #expect(interval[0] < optimum && optimum < interval[1])
        // The data were made with k = 0.3: log10 0.3 lies inside the 95 % interval.
        #expect(interval[0] < log10(0.3) && log10(0.3) < interval[1])
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("profile-k.svg").path))
    }
}
