import Foundation
import PathwayTestSupport
import Testing

@Suite("pathway render", .serialized)
struct RenderCommandTests {
    static func temporaryDirectory() throws -> URL { try makeTemporaryDirectory("pathway-render") }

    static var model: String { Repository.exists("models/il11.yaml") ? "models/il11.yaml" : "models/il11-jak-stat.yaml" }

    @Test("renders SVG to a file, byte-identical run after run")
    func svgToFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.svg").path, b = dir.appendingPathComponent("b.svg").path
        #expect(try PathwayBinary.run(["render", Self.model, "-o", a]).status == 0)
        #expect(try PathwayBinary.run(["render", Self.model, "-o", b]).status == 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: a))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: b))))
        #expect(String(decoding: first, as: UTF8.self).contains("viewBox="))
    }

    @Test("SVG and DOT go to standard output without -o; the format follows -o's extension")
    func stdoutAndExtension() throws {
        let dot = try PathwayBinary.run(["render", "models/kholodenko-2000.yaml", "--format", "dot", "--view", "process"])
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph"))
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("k.png").path
        #expect(try PathwayBinary.run(["render", "models/kholodenko-2000.yaml", "-o", png]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("a batch renders every model into --out-dir, named after the model files")
    func batch() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("models"))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        let result = try PathwayBinary.run(["render"] + files.map { "models/" + $0 } + ["--out-dir", dir.path, "--format", "pdf"])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(written == files.map { $0.replacingOccurrences(of: ".yaml", with: ".pdf") })
    }

    @Test("bad input: a one-line error, a non-zero status, nothing written", arguments: [
        (["--view", "pretty"], "error: unknown view 'pretty' (valid views: activity, process)"),
        (["--format", "gif"], "error: unknown format 'gif' (valid formats: svg, png, pdf, dot)"),
        (["--layout", "circo"], "error: unknown layout 'circo' (valid layouts: dot, neato)"),
        (["--module", "nope"], "unknown module 'nope'"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--knockout", "SOCS3"], "error: --knockout SOCS3: unknown species 'SOCS3' (did you mean one of 'SOCS3_mRNAn', 'SOCS3_mRNA', 'SOCS3_protein'?)"),
        (["--format", "png"], "error: PNG output is binary: give -o FILE or --out-dir DIR"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var args = ["render", Repository.path(Self.model)] + arguments
        if !arguments.contains("png") { args += ["-o", dir.appendingPathComponent("out.svg").path] }
        let result = try PathwayBinary.run(args, in: dir)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("error: ") == true)
        #expect(result.stderr.contains(message))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("ad-hoc perturbations are drawn as a scenario's are: the same knocked-out node, the marks named in the title and legend")
    func adHocPerturbationsAreDrawn() throws {
        guard Repository.exists("models/il11.yaml") else { return }
        let plain = try PathwayBinary.run(["render", "models/il11.yaml", "--format", "dot"])
        let adHoc = try PathwayBinary.run(["render", "models/il11.yaml", "--format", "dot", "--knockout", "SHP2"])
        let scenario = try PathwayBinary.run(["render", "models/il11.yaml", "--format", "dot", "--scenario", "shp2-knockout"])
        #expect(plain.status == 0 && adHoc.status == 0 && scenario.status == 0, "\(adHoc.stderr)")
        func knockedOut(_ dot: String) -> [Substring] {
            dot.split(separator: "\n").filter { $0.contains("knocked-out") && !$0.contains("->") }
        }
        #expect(knockedOut(plain.stdout).isEmpty)
        #expect(knockedOut(adHoc.stdout).count == 1)
        #expect(knockedOut(adHoc.stdout) == knockedOut(scenario.stdout))
        #expect(adHoc.stdout.contains("— SHP2 knocked out"))
        #expect(adHoc.stdout.contains("<I>SHP2 knocked out</I>"))
        let drug = try PathwayBinary.run(["render", "models/il11.yaml", "--format", "dot", "--drug", "trametinib=100nM"])
        #expect(drug.stdout.contains("— trametinib 100 nM"))
        #expect(drug.stdout.contains("blocked by"))
    }

    @Test("neato layouts are byte-identical run after run (splines=true routed an edge differently 1 run in 4–8)")
    func neatoIsDeterministic() throws {
        let runs = try (0..<6).map { _ in
            try PathwayBinary.run(["render", Self.model, "--view", "process", "--layout", "neato", "--format", "svg"]).stdout
        }
        #expect(runs.allSatisfy { $0 == runs[0] && $0.contains("viewBox=") })
    }

    @Test("an unwritable output path is a one-line error")
    func unwritable() throws {
        let missing = try PathwayBinary.run(["render", Self.model, "-o", "/nonexistent-dir/x.svg"])
        #expect(missing.status != 0)
        #expect(missing.stderr == "error: cannot write '/nonexistent-dir/x.svg': directory '/nonexistent-dir' does not exist\n")
        let proc = try PathwayBinary.run(["render", Self.model, "--out-dir", "/proc/self"])
        #expect(proc.status != 0)
        #expect(proc.stderr.hasPrefix("error: "))
        // A missing --out-dir is made (as `mkdir -p`); a path that is a file is refused, and nothing is written.
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let nested = dir.appendingPathComponent("new/diagrams")
        let made = try PathwayBinary.run(["render", Self.model, "--out-dir", nested.path])
        #expect(made.status == 0, "\(made.stderr)")
        let name = URL(fileURLWithPath: Self.model).deletingPathExtension().lastPathComponent + ".svg"
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(name).path))
        let file = dir.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let notDir = try PathwayBinary.run(["render", Self.model, "--out-dir", file.path])
        #expect(notDir.status == 1)
        #expect(notDir.stderr == "error: cannot write into '\(file.path)': it is not a directory\n")
        let under = try PathwayBinary.run(["render", Self.model, "--out-dir", file.appendingPathComponent("sub").path])
        #expect(under.status == 1)
        #expect(under.stderr == "error: cannot create '\(file.appendingPathComponent("sub").path)': '\(file.path)' is not a directory\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == "x")
    }

    @Test("help documents the output rules")
    func help() throws {
        let result = try PathwayBinary.run(["render", "--help"])
        let text = result.stdout
        #expect(text.contains("--out-dir"))
        #expect(text.contains("standard output"))
    }
}
