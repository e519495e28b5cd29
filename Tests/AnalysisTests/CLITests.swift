import Foundation
import PathwayTestSupport
import Testing

/// Runs the built binary and returns its exit status and output.
@discardableResult
func pathway(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let r = try PathwayBinary.run(arguments)
    return (r.status, r.stdout, r.stderr)
}

func temporaryDirectory() throws -> URL { try makeTemporaryDirectory("pathway-analysis") }

@Suite("The pathway command line: compare, scan, merge, dose-response, steady-state, sensitivity", .serialized)
struct CLITests {
    let il11 = "models/il11.yaml"
    let short = ["--t-end", "20min", "--points", "21"]

    @Test func compareTable() throws {
        let r = try pathway(["compare", il11, "--scenario", "trametinib", "--observe", "pSTAT3,pERK", "--format", "csv"] + short)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "observable,run,peak,time_to_peak,final,auc,peak_fold,auc_fold")
        #expect(lines.count == 5)
        #expect(lines[1].hasPrefix("pSTAT3,baseline,") && lines[1].hasSuffix(",1,1"))
    }

    @Test(arguments: [
        (["compare", "models/il11.yaml", "--scenario", "socs3-knockuot"], "did you mean 'socs3-knockout'"),
        (["simulate", "models/il11.yaml", "--knockout", "SOCS3_protien"], "did you mean 'SOCS3_protein'"),
        (["simulate", "models/il11.yaml", "--drug", "ruxolitinb=1nM"], "did you mean 'ruxolitinib'"),
        (["simulate", "models/il11.yaml", "--inhibit", "jak_activation=2"], "between 0 and 1"),
        (["simulate", "models/il11.yaml", "--dose", "IL11=1nM"], "missing '@TIME'"),
        (["simulate", "models/il11.yaml", "--dose", "IL11=1nM@5furlongs"], "not a time unit"),
        (["scan", "models/il11.yaml", "--param", "IL11", "--from", "1", "--to", "1", "--steps", "3", "--observe", "pSTAT3"], "empty"),
        (["scan", "models/il11.yaml", "--param", "IL11", "--from", "2", "--to", "1", "--steps", "3", "--observe", "pSTAT3"], "inverted"),
        (["scan", "models/il11.yaml", "--param", "IL11:0.1:1:1", "--observe", "pSTAT3"], "at least 2"),
        (["scan", "models/il11.yaml", "--param", "IL11:0.1:1:3", "--observe", "pSTAT3", "--shard", "5/4"], "between 1 and 4"),
        (["scan", "models/il11.yaml", "--param", "IL1:0.1:1:3", "--observe", "pSTAT3"], "did you mean 'IL11'"),
        (["scan", "models/il11.yaml", "--param", "IL11:0.1:1:3", "--observe", "pSTAT33"], "did you mean 'pSTAT3'"),
        (["scan", "models/il11.yaml", "--param", "IL11", "--observe", "pSTAT3"], "needs --from"),
        (["dose-response", "models/il11.yaml", "--input", "IL11", "--observe", "pSTAT3", "--steps", "2"], "at least 4"),
        (["sensitivity", "models/il11.yaml", "--observe", "pSTAT3", "--params", "k_nonexistent"], "unknown parameter"),
    ])
    func badInputFailsWithAClearMessage(_ arguments: [String], _ message: String) throws {
        let r = try pathway(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
    }

    @Test func shardedScanMergesIntoTheSingleRunByteForByte() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scan = ["scan", il11, "--param", "IL11:0.05nM:5nM:6:log", "--observe", "pSTAT3", "--metric", "auc"] + short
        let whole = dir.appendingPathComponent("whole.csv").path
        #expect(try pathway(scan + ["-o", whole, "--jobs", "2"]).status == 0)
        var parts: [String] = []
        for i in 1...3 {
            let part = dir.appendingPathComponent("part\(i).csv").path
            let r = try pathway(scan + ["--shard", "\(i)/3", "-o", part, "--jobs", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            parts.append(part)
        }
        let merged = dir.appendingPathComponent("merged.csv").path
        let m = try pathway(["merge", parts[2], parts[0], parts[1], "-o", merged])
        #expect(m.status == 0, "\(m.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: whole)), b = try Data(contentsOf: URL(fileURLWithPath: merged))
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix("# pathway-scan v1 hash="))
        #expect(text.split(separator: "\n")[1] == "IL11,pSTAT3_auc")
        #expect(text.split(separator: "\n").count == 8)

        // Streaming to standard output gives the same bytes.
        let piped = try pathway(scan + ["--jobs", "2"])
        #expect(piped.stdout == text)
        #expect(piped.stderr.isEmpty, "no progress bar when not on a terminal: \(piped.stderr)")

        // A shard of another scan (another metric) is refused.
        let other = dir.appendingPathComponent("other.csv").path
        #expect(try pathway(["scan", il11, "--param", "IL11:0.05nM:5nM:6:log", "--observe", "pSTAT3", "--metric", "peak",
                             "--shard", "2/3", "-o", other] + short).status == 0)
        let refused = try pathway(["merge", parts[0], other, parts[2], "-o", merged])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("different scans"), "\(refused.stderr)")

        // Resume: cut the file in the middle of a row, resume, get the whole file back.
        let cut = dir.appendingPathComponent("cut.csv").path
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try (lines.prefix(4).joined(separator: "\n") + "\n" + lines[4].prefix(5)).write(toFile: cut, atomically: true, encoding: .utf8)
        let resumed = try pathway(scan + ["-o", cut, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("2 of 6 rows already done"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: cut)) == a)
        // Resuming another scan's file is refused.
        let wrong = try pathway(["scan", il11, "--param", "IL11:0.05nM:5nM:7:log", "--observe", "pSTAT3", "--metric", "auc", "-o", cut, "--resume"] + short)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("different scan"))
    }

    @Test func twoParameterScanWithHeatMap() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("grid.svg").path
        let r = try pathway(["scan", il11, "--param", "IL11:0.1:1:2", "--param", "STAT3:100:400:2", "--observe", "pSTAT3",
                             "--plot", svg] + short)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n")
        #expect(rows[1] == "IL11,STAT3,pSTAT3_peak")
        #expect(rows.count == 6)
        #expect(rows[2].hasPrefix("0.1,100,") && rows[5].hasPrefix("1,400,"))
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("<svg") && text.contains("viewBox"))
    }

    @Test func steadyStateOfHuangFerrell() throws {
        let r = try pathway(["steady-state", "models/huang-ferrell-1996.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("stability: stable"))
        #expect(r.stdout.contains("K + P_K + PP_K"))
        let csv = try pathway(["steady-state", "models/huang-ferrell-1996.yaml", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("species,value\nE1,"))
    }

    @Test func doseResponseAndSimulatePlot() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("dr.svg").path
        let r = try pathway(["dose-response", "models/huang-ferrell-1996.yaml", "--input", "E1", "--observe", "MAPKK_PP",
                             "--from", "1e-6", "--to", "1e-3", "--steps", "8", "--format", "json", "--plot", svg])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"hill_coefficient\": "))
        #expect(FileManager.default.fileExists(atPath: svg))
        let plot = dir.appendingPathComponent("sim.svg").path
        let s = try pathway(["simulate", il11, "--species", "pSTAT3,pERK", "--plot", plot, "--log-y", "-o", dir.appendingPathComponent("sim.csv").path] + short)
        #expect(s.status == 0, "\(s.stderr)")
        let text = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(text.contains(">pSTAT3</text>") && text.contains(">pERK</text>"))
    }

    @Test func sensitivityRanksParameters() throws {
        let r = try pathway(["sensitivity", il11, "--observe", "pSTAT3", "--params", "IL11,k_nonexistent_never"] + short)
        #expect(r.status != 0)
        let ok = try pathway(["sensitivity", "models/huang-ferrell-1996.yaml", "--observe", "MAPK_PP", "--metric", "final",
                              "--params", "a1,d1,k1", "--t-end", "100", "--points", "11", "--format", "csv"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("parameter,value,sensitivity,metric_plus,metric_minus\n"))
        #expect(ok.stdout.split(separator: "\n").count == 4)
    }
}

@Suite("pathway scan --shard auto (built binary)")
struct ShardAutoCommandTests {
    @Test func outsideAJobArrayItSaysWhichVariablesItLookedFor() throws {
        let dir = try makeTemporaryDirectory()
        let out = dir.appendingPathComponent("part.csv").path
        let r = try PathwayBinary.run(["scan", "models/il11.yaml", "--param", "IL11:0.1nM:1nM:4", "--observe", "pSTAT3_fraction",
                                       "--shard", "auto", "-o", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("SLURM_ARRAY_TASK_ID") && r.stderr.contains("JOB_COMPLETION_INDEX"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
