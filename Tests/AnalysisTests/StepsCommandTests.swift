import Foundation
import PathwayTestSupport
import Testing

@Suite("pathway steps: the step-size lesson on the command line", .serialized)
struct StepsCommandTests {
    let kholodenko = ["steps", "models/kholodenko-2000.yaml", "--t-end", "1300s", "--species", "MAPK_PP"]
    /// A short ladder inside the asymptotic range (the default one takes longer in a debug build).
    let ladder = ["--steps", "4s,2s,1s,0.5s,0.25s"]

    @Test func textReport() throws {
        let r = try pathway(kholodenko + ladder + ["--methods", "euler,rk4,dopri5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("reference: dopri5 at rtol 1e-12, atol 1e-14"))
        #expect(r.stdout.contains("error: max over output times of |y - y_ref| / max|y_ref|"))
        let orders = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  euler ") || $0.hasPrefix("  rk4 ") }
        #expect(orders.count == 2)
        #expect(orders[0].contains("(theory 1; 5 points, steps 4 to 0.25 s)"), "\(orders)")
        #expect(r.stdout.contains("dopri5"))
        #expect(r.stdout.contains("Largest stable Euler step:"))
        #expect(r.stdout.contains("Euler needs h < 2/|λ|"))
    }

    @Test func jsonReportAndPlots() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("steps.json").path, plot = dir.appendingPathComponent("steps.svg").path
        let r = try pathway(kholodenko + ladder + ["--format", "json", "-o", out, "--plot", plot, "--no-stability"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.map { $0["method"] as? String } == ["euler", "rk4"])
        let orders = methods.map { $0["observed_order"] as? Double ?? .nan }
        #expect(abs(orders[0] - 1) <= 0.15 && abs(orders[1] - 4) <= 0.4, "\(orders)")
        let errors = try #require(methods[0]["errors"] as? [[String: Any]])
        #expect(errors.map { $0["step"] as? Double } == [4, 2, 1, 0.5, 0.25])
        #expect(errors.allSatisfy { $0["status"] as? String == "used" && ($0["error"] as? Double ?? 0) > 0 })
        let adaptive = try #require(json["adaptive"] as? [[String: Any]])
        #expect(adaptive.first?["method"] as? String == "dopri5" && (adaptive.first?["accepted_steps"] as? Int ?? 0) > 10)
        #expect(json["euler_stability"] is NSNull)

        // The plots: error against step with both guides (the reference floor is below this ladder's errors,
        // so off the axes), and the adaptive steps; the same bytes every time.
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.contains(">slope 1<") && svg.contains(">slope 4<") && !svg.contains(">reference floor<"))
        #expect(svg.contains("euler (order 0.9") || svg.contains("euler (order 1.0"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("steps-steps.svg").path))
        let again = dir.appendingPathComponent("again.svg").path
        #expect(try pathway(kholodenko + ladder + ["--format", "json", "--plot", again, "--no-stability"]).status == 0)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == svg)
    }

    @Test(arguments: [
        (["--species", "MAPK_PPP"], "did you mean 'MAPK_PP'"),
        (["--steps", "2000s,1000s"], "longer than the time span"),
        (["--methods", "euler,rk5"], "did you mean 'rk4'"),
        (["--steps", "1s,2furlongs"], "not a duration"),
    ])
    func badInputFailsAndWritesNothing(_ extra: [String], _ message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.txt").path, plot = dir.appendingPathComponent("p.svg").path
        let r = try pathway(kholodenko + extra + ["-o", out, "--plot", plot, "--no-stability"])
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(message), "stderr: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func unwritableOutputFailsBeforeAnyWork() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plot = dir.appendingPathComponent("p.svg").path
        let r = try pathway(kholodenko + ladder + ["-o", "/nonexistent-dir/steps.txt", "--plot", plot])
        #expect(r.status != 0)
        #expect(r.stderr.contains("cannot write '/nonexistent-dir/steps.txt'"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
