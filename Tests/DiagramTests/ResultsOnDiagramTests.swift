import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PathwayModel
import PathwayTestSupport
import Testing
@testable import Diagram

/// Simulation results on the diagram: the colour scales, node levels, sparklines, the animation and
/// small multiples (library), and `pathway render --at/--compare/--animate/--results` (built binary).
@Suite("Results on the diagram")
struct ResultsOnDiagramTests {
    static func luminance(_ hex: String) -> Double {
        let bytes = Array(hex.utf8.dropFirst())
        func channel(_ k: Int) -> Double {
            let v = Double(Int(String(decoding: bytes[(2 * k)..<(2 * k + 2)], as: UTF8.self), radix: 16)!) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    @Test func sequentialScaleIsMonotoneInLightnessWithTheViridisEnds() {
        let xs = (0...40).map { Double($0) / 40 }
        let l = xs.map { Self.luminance(ColourScale.sequential($0)) }
        #expect(zip(l, l.dropFirst()).allSatisfy { $0 < $1 }, "\(l)")
        #expect(ColourScale.sequential(0) == "#440154" && ColourScale.sequential(1) == "#fde725")
        #expect(ColourScale.sequential(-3) == ColourScale.sequential(0) && ColourScale.sequential(7) == ColourScale.sequential(1))
        #expect(ColourScale.needsLightText(ColourScale.sequential(0)) && !ColourScale.needsLightText(ColourScale.sequential(1)))
    }

    @Test func divergingScaleIsWhiteAtNoChangeAndDarkensBothWays() {
        #expect(ColourScale.divergent(0) == "#f7f7f7")
        #expect(ColourScale.divergent(-1) == "#053061" && ColourScale.divergent(1) == "#67001f")
        let up = stride(from: 0.0, through: 1.0, by: 0.1).map { Self.luminance(ColourScale.divergent($0)) }
        let down = stride(from: 0.0, through: 1.0, by: 0.1).map { Self.luminance(ColourScale.divergent(-$0)) }
        #expect(zip(up, up.dropFirst()).allSatisfy { $0 > $1 } && zip(down, down.dropFirst()).allSatisfy { $0 > $1 })
    }

    static let model: Model = {
        let yaml = """
            model: toy
            compartments: {cell: 2, nucleus: 0.5}
            species:
              K: {compartment: cell, initial: 1, role: kinase, entity: K, active: true}
              X: {compartment: cell, initial: 3, role: protein, entity: X}
              Xp: {compartment: cell, role: protein, entity: X, state: pS1, active: true}
              Xn: {compartment: nucleus, role: protein, entity: X}
            parameters:
              k: {value: 1, source: test}
            reactions:
              phos: {equation: X -> Xp, michaelis-menten: {kcat: k, enzyme: K, km: k}, kind: phosphorylation}
            """
        return try! ModelLoader.load(yaml: yaml).model
    }()

    /// At t = 1, X is 1 nM (cytoplasm, 2 pL) + 3 nM active (2 pL) + 4 nM (nucleus, 0.5 pL): 6 of 10 amount units active.
    static let results = DiagramResults(times: [0, 1, 2], columns: [
        "K": [1, 1, 1], "X": [3, 1, 0], "Xp": [0, 3, 4], "Xn": [0, 4, 4],
    ])

    @Test func aNodeIsColouredByTheActiveShareOfItsAmount() throws {
        let options = DiagramOptions(levels: LevelOptions(results: Self.results, time: 1, timeLabel: "1 s", sparklines: true))
        let diagram = try DiagramBuilder.diagram(for: Self.model, options: options)
        let x = try #require(diagram.graph.nodes.first { $0.id == "entity-X" })
        #expect(x.attributes["fillcolor"]?.description == ColourScale.sequential(0.6))
        #expect(diagram.titles["entity-X"]?.contains("60.0% of X active at 1 s") == true, "\(diagram.titles["entity-X"] ?? "")")
        #expect(diagram.sparklines["entity-X"] == [0, 0.6, 0.8])
        let legend = try #require(diagram.graph.nodes.first { $0.id == "legend" })
        #expect(legend.attributes["label"]?.description.contains("Active fraction at 1 s (viridis") == true)
        let svg = String(decoding: try DiagramRenderer.render(diagram, format: .svg), as: UTF8.self)
        #expect(svg.contains("<g class=\"sparkline\">"))
        _ = try XMLDocument(xmlString: svg)
    }

    @Test func aComparisonIsColouredByTheChange() throws {
        let baseline = DiagramResults(times: [0, 1, 2], columns: ["K": [1, 1, 1], "X": [3, 3, 3], "Xp": [0, 1, 1], "Xn": [0, 4, 4]])
        let options = DiagramOptions(levels: LevelOptions(results: Self.results, time: 1, timeLabel: "1 s", baseline: baseline, runLabel: "drug"))
        let diagram = try DiagramBuilder.diagram(for: Self.model, options: options)
        let x = try #require(diagram.graph.nodes.first { $0.id == "entity-X" })
        // 0.6 against 0.2: the largest change of the picture, so the scale's red end.
        #expect(x.attributes["fillcolor"]?.description == ColourScale.divergent(1))
        #expect(diagram.titles["entity-X"]?.contains("+40.0 points") == true, "\(diagram.titles["entity-X"] ?? "")")
    }

    @Test func theAnimationIsValidSVGWithKeyframesAndNoScript() throws {
        let options = DiagramOptions(levels: LevelOptions(results: Self.results, time: 2, timeLabel: "2 s"))
        let bytes = try DiagramRenderer.animation(Self.model, options: options, frames: [0, 1, 2], labels: ["0 s", "1 s", "2 s"], seconds: 6)
        let svg = String(decoding: bytes, as: UTF8.self)
        _ = try XMLDocument(xmlString: svg)
        #expect(!svg.lowercased().contains("<script"))
        #expect(svg.contains("@keyframes lv-entity-X") && svg.contains("animation: lv-entity-X 6s linear infinite"))
        #expect(svg.contains("prefers-reduced-motion: reduce"))
        #expect(svg.components(separatedBy: "class=\"time-frame\"").count - 1 == 3)
        // Without motion the static picture is the last frame.
        #expect(svg.contains("class=\"level-fill\" fill=\"\(ColourScale.sequential(0.8))\""))
    }

    @Test func smallMultiplesKeepIdsUnique() throws {
        var panels: [String] = []
        for t in [0.0, 2.0] {
            let options = DiagramOptions(levels: LevelOptions(results: Self.results, time: t, timeLabel: "\(t) s"))
            panels.append(String(decoding: try DiagramRenderer.render(Self.model, options: options, format: .svg), as: UTF8.self))
        }
        let svg = ResultsSVG.smallMultiples(panels, titles: ["0 s", "2 s"], title: "toy", description: "two times")
        _ = try XMLDocument(xmlString: svg)
        let ids = svg.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(Set(ids).count == ids.count)
        #expect(svg.contains("id=\"p1-entity-X\"") && svg.contains("id=\"p2-entity-X\""))
    }
}

@Suite("pathway render with results (built binary)", .serialized)
struct RenderResultsCommandTests {
    @Test func atATimeColoursTheIL11Diagram() throws {
        let dir = try makeTemporaryDirectory("pathway-render-results")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.svg").path, b = dir.appendingPathComponent("b.svg").path
        #expect(try PathwayBinary.run(["render", "models/il11.yaml", "--at", "30min", "--sparklines", "-o", a]).status == 0)
        #expect(try PathwayBinary.run(["render", "models/il11.yaml", "--at", "30min", "--sparklines", "-o", b]).status == 0)
        let svg = try String(contentsOfFile: a, encoding: .utf8)
        #expect(svg == (try String(contentsOfFile: b, encoding: .utf8)), "deterministic")
        #expect(svg.contains("Active fraction at 30 min (viridis"))
        #expect(svg.contains("(pSTAT3_fraction) at 30 min"))
        let panels = dir.appendingPathComponent("p.svg").path
        #expect(try PathwayBinary.run(["render", "models/il11.yaml", "--at", "5min,1h", "-o", panels]).status == 0)
        #expect(try String(contentsOfFile: panels, encoding: .utf8).contains(">1 h</text>"))
    }

    @Test func theAnimatedIL11DiagramIsSmallAndScriptFree() throws {
        let dir = try makeTemporaryDirectory("pathway-render-results")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("anim.svg").path
        let r = try PathwayBinary.run(["render", "models/il11.yaml", "--animate", "--t-end", "4h", "-o", file])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(data.count < 1_000_000, "\(data.count) bytes")
        let svg = String(decoding: data, as: UTF8.self)
        #expect(!svg.lowercased().contains("<script") && svg.contains("@keyframes"))
    }

    @Test(arguments: [
        (["--at", "9h", "--t-end", "4h"], "error: --at 9 h is outside the simulated range 0 s to 4 h"),
        (["--at", "30min", "--compare", "socs3-knockuot"], "did you mean 'socs3-knockout'"),
        (["--animate", "--frames", "1"], "error: --frames must be between 2 and 600, not 1"),
        (["--results", "nope.csv", "--knockout", "SHP2"], "--results colours a run already made: --compare and perturbations need a simulation"),
        (["--at", "soon"], "error: --at: 'soon' is not a duration"),
    ])
    func badInputIsOneLineAndWritesNothing(_ arguments: [String], _ message: String) throws {
        let dir = try makeTemporaryDirectory("pathway-render-results")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.svg").path
        let r = try PathwayBinary.run(["render", "models/il11.yaml"] + arguments + ["-o", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func resultsFromAFileAreCheckedAgainstTheModel() throws {
        let dir = try makeTemporaryDirectory("pathway-render-results")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("bad.csv").path, out = dir.appendingPathComponent("x.svg").path
        try "time,STAT3,STAT33\n0,1,2\n60,1,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try PathwayBinary.run(["render", "models/il11.yaml", "--results", csv, "-o", out])
        #expect(r.status != 0)
        #expect(r.stderr == "\(csv):1:12: error: column 'STAT33' is not a species or observable of model 'il11' (did you mean 'STAT3'?)\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        let good = dir.appendingPathComponent("sim.csv").path
        #expect(try PathwayBinary.run(["simulate", "models/il11.yaml", "--t-end", "1h", "-o", good]).status == 0)
        let ok = try PathwayBinary.run(["render", "models/il11.yaml", "--results", good, "--at", "30min", "-o", out])
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}
