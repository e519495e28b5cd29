import Foundation
import PathwayTestSupport
import Testing

/// `pathway sbml-test` on stochastic cases of the SBML Test Suite (the DSMTS), vendored in Fixtures:
/// birth–death with an assignment rule (00019) and immigration–death with an event at t = 25 that
/// resets X (00028). 1,000 runs each (the suite's minimum), a fixed seed.
@Suite("SBML Test Suite stochastic cases (built binary)")
struct StochasticSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sbml-test-suite/stochastic")

    @Test("00019 and 00028 pass the Z and Y tests at every output time")
    func stochasticCases() throws {
        let cases = ["00019", "00028"].map { Self.directory.appendingPathComponent($0).path }
        let out = try makeTemporaryDirectory()
        let r = try PathwayBinary.run(["sbml-test"] + cases + ["--runs", "1000", "--seed", "1", "--output-dir", out.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "stochastic cases: 1000 runs each, seed 1")
        for id in ["00019", "00028"] {
            let line = lines.first { $0.hasPrefix(id) } ?? ""
            #expect(line.hasPrefix("\(id) passed: Z outside (-3, 3) 0 of "), "\(line)")
            #expect(line.contains("Y outside (-5, 5) 0 of "), "\(line)")
        }
        #expect(lines.last == "sbml-test: 2 passed, 0 failed, 0 unsupported")
        // The means and standard deviations as the suite's results files name them.
        let written = try String(contentsOf: out.appendingPathComponent("00028.csv"), encoding: .utf8)
        #expect(written.hasPrefix("time,X-mean,X-sd\n0,0,0\n"))
    }
}
