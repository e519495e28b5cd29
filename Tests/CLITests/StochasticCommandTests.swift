import Foundation
import PathwayTestSupport
import Testing

/// `pathway simulate --method ssa` on the built binary: seeded output, ensembles, and bad input.
@Suite("simulate --method ssa (built binary)")
struct StochasticCommandTests {
    func write(_ text: String, _ name: String) throws -> (file: String, directory: URL) {
        let directory = try makeTemporaryDirectory()
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (file.path, directory)
    }

    static let birthDeath = """
        model: birth-death
        units: {time: s, concentration: molecules}
        compartments: {cell: {size: 1}}
        species:
          X: {compartment: cell, initial: 0}
        parameters:
          k: {value: 5, source: test}
          mu: {value: 0.1, source: test}
        reactions:
          birth: {equation: -> X, mass-action: {kf: k}}
          death: {equation: X ->, mass-action: {kf: mu}}
        """

    @Test("The seed is written and the same seed gives byte-identical output with 1 or 3 threads")
    func seededEnsembleOutput() throws {
        let (file, _) = try write(Self.birthDeath, "bd.yaml")
        let common = ["simulate", file, "--method", "ssa", "--t-end", "10", "--points", "6", "--runs", "50", "--seed", "99"]
        let one = try PathwayBinary.run(common + ["--jobs", "1"])
        let three = try PathwayBinary.run(common + ["--jobs", "3"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdoutData == three.stdoutData)
        let lines = one.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("# seed: 99"))
        #expect(lines.contains("# runs: 50"))
        #expect(lines.contains("time,X-mean,X-sd"))
        #expect(lines.filter { !$0.hasPrefix("#") }.count == 7)
        #expect(one.stderr.contains("seed: 99"))
        // The mean at t = 10 of a Poisson process with mean 50(1 − e⁻¹) = 31.6, sd of the mean 0.8.
        let last = lines.last!.split(separator: ",").compactMap { Double($0) }
        #expect(abs(last[1] - 50 * (1 - exp(-1))) < 4)

        // Every run, and a single trajectory: whole numbers of molecules.
        let all = try PathwayBinary.run(common + ["--trajectories", "--format", "csv"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("run,time,X\n"))
        let single = try PathwayBinary.run(["simulate", file, "--method", "ssa", "--seed", "1", "--t-end", "10", "--points", "11"])
        let values = single.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst().compactMap { Double($0.split(separator: ",")[1]) }
        #expect(values.count == 11)
        #expect(values.allSatisfy { $0 == $0.rounded() && $0 >= 0 })
        let json = try PathwayBinary.run(common + ["--format", "json"])
        #expect(json.stdout.hasPrefix("{\n  \"seed\": 99,\n  \"runs\": 50,"))
    }

    @Test("compare --method ssa reports mean ± sd readouts, the same with 1 or 2 threads")
    func stochasticCompare() throws {
        let (file, _) = try write(Self.birthDeath, "bd.yaml")
        let common = ["compare", file, "--method", "ssa", "--set", "k=10", "--observe", "X", "--runs", "100", "--seed", "4",
                      "--t-end", "20", "--points", "21", "--format", "csv"]
        let one = try PathwayBinary.run(common + ["--jobs", "1"])
        let two = try PathwayBinary.run(common + ["--jobs", "2"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdoutData == two.stdoutData)
        let lines = one.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(lines.first?.suffix(4) == ["peak_sd", "time_to_peak_sd", "final_sd", "auc_sd"])
        // Final values: Poisson means 50(1 − e⁻²) = 43.2 and 86.5 (k doubled); sd of a mean of 100 about 0.7 and 0.9.
        let baseline = lines.first { $0.count > 1 && $0[1] == "baseline" }.flatMap { Double($0[4]) } ?? .nan
        let doubled = lines.first { $0.count > 1 && $0[1] == "command-line" }.flatMap { Double($0[4]) } ?? .nan
        #expect(abs(baseline - 50 * (1 - exp(-2))) < 3.5)
        #expect(abs(doubled - 100 * (1 - exp(-2))) < 4.5)
    }

    @Test("A rate rule on a species is refused by name; nothing is written")
    func rateRuleRefused() throws {
        let (file, directory) = try write("""
            model: rule
            units: {time: s, concentration: molecules}
            compartments: {cell: {size: 1}}
            species:
              X: {compartment: cell, initial: 10}
              Y: {compartment: cell, initial: 10}
            parameters:
              k: {value: 1, source: test}
            reactions:
              loss: {equation: X ->, mass-action: {kf: k}}
            rate-rules:
              Y: "-0.1 * Y"
            """, "rule.yaml")
        let out = directory.appendingPathComponent("out.csv").path
        let r = try PathwayBinary.run(["simulate", file, "--method", "ssa", "-o", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(file):12:3: error: the stochastic simulation cannot honour the rate rule on species 'Y'"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("scan --method ssa: each row the mean and sd of the trajectories' metric; threads and shards change nothing")
    func stochasticScan() throws {
        let (file, directory) = try write(Self.birthDeath, "bd.yaml")
        func scan(_ extra: [String], _ name: String) throws -> String {
            let out = directory.appendingPathComponent(name).path
            let r = try PathwayBinary.run(["scan", file, "--method", "ssa", "--param", "k", "--from", "1", "--to", "10", "--steps", "4",
                                           "--observe", "X", "--metric", "final", "--runs", "200", "--seed", "5", "--t-end", "50",
                                           "-o", out] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("seed: 5"))
            return out
        }
        let one = try scan(["--jobs", "1"], "one.csv"), two = try scan(["--jobs", "2"], "two.csv")
        let text = try String(contentsOfFile: one, encoding: .utf8)
        #expect(text == (try String(contentsOfFile: two, encoding: .utf8)))
        #expect(text.contains("stochastic=ssa runs=200 seed=5"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1] == "k,X_final,X_final_sd")
        // Birth–death at t = 50 (5 time constants): X is Poisson with mean (k/μ)(1 − e⁻⁵), sd its square root.
        // The mean of 200 runs is within 4 standard errors; the sample sd within 20%.
        for row in lines.dropFirst(2) {
            let f = row.split(separator: ",").compactMap { Double($0) }
            let mean = f[0] / 0.1 * (1 - exp(-5.0))
            #expect(abs(f[1] - mean) < 4 * mean.squareRoot() / 200.0.squareRoot(), "\(row)")
            #expect(abs(f[2] - mean.squareRoot()) < 0.2 * mean.squareRoot(), "\(row)")
        }
        // Two shards merged give the single run's file, byte for byte.
        let p1 = try scan(["--shard", "1/2"], "p1.csv"), p2 = try scan(["--shard", "2/2"], "p2.csv")
        let merged = directory.appendingPathComponent("merged.csv").path
        let m = try PathwayBinary.run(["merge", p1, p2, "-o", merged])
        #expect(m.status == 0, "\(m.stderr)")
        #expect(try String(contentsOfFile: merged, encoding: .utf8) == text)
    }

    @Test("--runs 0 and SSA options without --method ssa are usage errors")
    func badOptions() throws {
        let (file, _) = try write(Self.birthDeath, "bd.yaml")
        let zero = try PathwayBinary.run(["simulate", file, "--method", "ssa", "--runs", "0"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--runs must be at least 1, not 0"), "\(zero.stderr)")
        let noMethod = try PathwayBinary.run(["simulate", file, "--runs", "10"])
        #expect(noMethod.status != 0)
        #expect(noMethod.stderr.contains("--runs needs --method ssa"), "\(noMethod.stderr)")
        let dose = try PathwayBinary.run(["sensitivity", file, "--method", "ssa", "--observe", "X"])
        #expect(dose.status != 0)
        #expect(dose.stderr.contains("--method ssa: this command does not run stochastic simulations yet"), "\(dose.stderr)")
        let unseeded = try PathwayBinary.run(["scan", file, "--method", "ssa", "--param", "k", "--from", "1", "--to", "2", "--steps", "2",
                                              "--observe", "X", "--shard", "1/2"])
        #expect(unseeded.status != 0)
        #expect(unseeded.stderr.contains("needs --seed"), "\(unseeded.stderr)")
    }

    @Test("A negative propensity stops the run with the reaction, the time and the counts")
    func negativePropensity() throws {
        let (file, directory) = try write("""
            model: negative
            units: {time: s, concentration: molecules}
            compartments: {cell: {size: 1}}
            species:
              A: {compartment: cell, initial: 60}
              B: {compartment: cell, initial: 0}
            parameters:
              k: {value: 1, source: test}
            reactions:
              drain: {equation: A -> B, rate: "k * (A - 50)"}
              leak: {equation: A -> B, mass-action: {kf: k}}
            """, "neg.yaml")
        let out = directory.appendingPathComponent("out.csv").path
        let r = try PathwayBinary.run(["simulate", file, "--method", "ssa", "--seed", "3", "--t-end", "100", "-o", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(file):10:3: error: the propensity of reaction 'drain' is negative (-1) at t = "), "\(r.stderr)")
        #expect(r.stderr.contains("(A = 49, B = 11)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("Concentrations convert with Avogadro's number, stated in the header")
    func avogadroHeader() throws {
        let (file, _) = try write("""
            model: conc
            units: {time: s, concentration: nM, volume: pL}
            compartments: {cell: {size: 2}}
            species:
              A: {compartment: cell, initial: 1}
            parameters:
              k: {value: 0.1, source: test}
            reactions:
              loss: {equation: A ->, mass-action: {kf: k}}
            """, "conc.yaml")
        let r = try PathwayBinary.run(["simulate", file, "--method", "ssa", "--seed", "1", "--t-end", "1", "--points", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("# counts: 1 nM in 'cell' (2 pL) = 1204.42815"), "\(r.stdout)")
        // 1 nM in 2 pL is 1204.4 molecules, rounded to 1204 (and said so).
        #expect(r.stdout.contains("\n0,1204\n"))
        #expect(r.stdout.contains("initial amounts rounded to whole molecules: A 1204.42815"))
    }
}
