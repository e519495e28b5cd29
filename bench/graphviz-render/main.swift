// gv-bench: in-process Graphviz SVG rendering against `/usr/bin/dot -Tsvg` as a subprocess.
//
//   swift run -c release graphviz-render-bench [--runs N] [--emit-dot] [--profile N] [--dot FILE]...
//
// 1. Builds a 60-node layered signalling graph with nested clusters, then prints the median
//    wall-clock time of N renders (default 30) for each way of rendering it.
// 2. Draws the combined IL-11 model (models/il11.yaml) as its activity diagram and times the
//    in-process render against `dot -Tsvg` on the same DOT text (median of N runs each), and
//    the steps from model to wiki SVG (diagram, DOT text and its hash, post-processing).
// 3. Times `pathway render models/*.yaml --out-dir DIR` (the `pathway` binary built next to this one).
//
// --dot FILE (repeatable) times only the given DOT files, in process and through `dot -Tsvg`,
// printing the median and the minimum (the minimum is steadier on a busy machine).
// --profile N renders the IL-11 diagram N times in process and exits (with --dot: each file), for
// `perf record -g`; nothing else runs, so the profile holds only the in-process work.

import Diagram
import Dispatch
import Foundation
import PathwayModel

// MARK: The graph

/// Six layers of ten species (receptors → adaptors → kinases → MAPKs → transcription factors →
/// target genes), in three compartments, with edges from each species to two or three species
/// of the next layer chosen by a fixed linear congruential sequence, plus a few feedback edges.
func layeredPathway() -> GraphDescription {
    let layers = ["receptor", "adaptor", "kinase", "mapk", "tf", "gene"]
    let perLayer = 10
    var graph = GraphDescription(
        name: "pathway",
        attributes: ["rankdir": "TB", "fontname": "Helvetica", "label": "Synthetic MAPK cascade"],
        nodeDefaults: ["shape": "box", "style": "rounded,filled", "fillcolor": "#eef3ff", "fontname": "Helvetica"],
        edgeDefaults: ["arrowsize": "0.7"])
    func id(_ layer: Int, _ index: Int) -> String { "\(layers[layer])_\(index)" }
    for layer in layers.indices {
        for index in 0..<perLayer {
            var attributes: Attributes = [
                "id": .string("sp-\(id(layer, index))"),
                "class": .string("species \(layers[layer])"),
                "URL": .string("/wiki/\(id(layer, index))"),
                "tooltip": .string("\(layers[layer]) \(index)"),
            ]
            if index % 4 == 0 {
                attributes["label"] = .html("<B>\(layers[layer].uppercased())</B><BR/>\(index)")
            } else {
                attributes["label"] = .string("\(layers[layer])\\n\(index)")
            }
            graph.addNode(id(layer, index), attributes)
        }
    }
    var state: UInt32 = 12345
    func next(_ bound: Int) -> Int {
        state = state &* 1_103_515_245 &+ 12345
        return Int((state >> 16) % UInt32(bound))
    }
    for layer in 0..<(layers.count - 1) {
        for index in 0..<perLayer {
            for _ in 0..<(2 + next(2)) {
                graph.addEdge(
                    from: id(layer, index), to: id(layer + 1, next(perLayer)),
                    ["class": layer % 2 == 0 ? "activation" : "phosphorylation"])
            }
        }
    }
    for index in 0..<4 {
        graph.addEdge(
            from: id(5, index * 2), to: id(2, next(perLayer)),
            ["style": "dashed", "arrowhead": "tee", "constraint": "false", "class": "feedback"])
    }
    func members(_ layerRange: Range<Int>, _ indices: [Int]) -> [String] {
        layerRange.flatMap { layer in indices.map { id(layer, $0) } }
    }
    graph.subgraphs = [
        .cluster("membrane", attributes: ["label": "Plasma membrane", "style": "filled", "fillcolor": "#fff7e6"],
                 nodeIDs: members(0..<2, Array(0..<perLayer))),
        .cluster("cytoplasm", attributes: ["label": "Cytoplasm"],
                 nodeIDs: members(2..<3, Array(0..<perLayer)),
                 subgraphs: [
                    .cluster("mapk_module", attributes: ["label": "MAPK module", "style": "dashed"],
                             nodeIDs: members(3..<4, Array(0..<perLayer))),
                 ]),
        .cluster("nucleus", attributes: ["label": "Nucleus", "style": "filled", "fillcolor": "#eaf7ea"],
                 nodeIDs: members(4..<6, Array(0..<perLayer))),
    ]
    return graph
}

// MARK: Timing

func median(_ samples: [Duration]) -> Duration {
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

/// The wall-clock time of each of `runs` calls of `body`, after one warm-up call.
func samples(runs: Int, _ body: () throws -> Void) rethrows -> [Duration] {
    try body()  // warm-up: plugin loading, font cache, page cache
    let clock = ContinuousClock()
    var samples: [Duration] = []
    for _ in 0..<max(runs, 1) {
        samples.append(try clock.measure(body))
    }
    return samples
}

func measure(runs: Int, _ body: () throws -> Void) rethrows -> Duration {
    median(try samples(runs: runs, body))
}

struct DotFailed: Error, CustomStringConvertible {
    let status: Int32
    var description: String { "/usr/bin/dot exited with status \(status)" }
}

enum Wait { case waitUntilExit, terminationHandler }

/// Runs `dot -Tsvg` on `input` and returns its stdout.
func runDot(_ input: Data, wait: Wait) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
    process.arguments = ["-Tsvg"]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    let exited = DispatchSemaphore(value: 0)
    if wait == .terminationHandler {
        process.terminationHandler = { _ in exited.signal() }
    }
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    switch wait {
    case .waitUntilExit: process.waitUntilExit()
    case .terminationHandler: exited.wait()
    }
    guard process.terminationStatus == 0 else {
        throw DotFailed(status: process.terminationStatus)
    }
    return output
}

// MARK: Main

var runs = 30
var emitDOT = false
var profileIterations = 0
var dotFiles: [String] = []
var dotFormat: OutputFormat = .svg
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--runs": runs = arguments.popFirst().flatMap(Int.init) ?? runs
    case "--emit-dot": emitDOT = true
    case "--dot": if let file = arguments.popFirst() { dotFiles.append(file) }
    case "--format": if let format = arguments.popFirst() { dotFormat = OutputFormat(rawValue: format) }
    case "--profile": profileIterations = arguments.popFirst().flatMap(Int.init) ?? 500

    default:
        print("usage: gv-bench [--runs N] [--emit-dot] [--profile N] [--dot FILE]... [--format F]")
        exit(2)
    }
}

if !dotFiles.isEmpty {
    // Times DOT files as they are: in process from the text, and through `dot -Tsvg`.
    do {
        for file in dotFiles {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            if profileIterations > 0 {
                for _ in 0..<profileIterations { _ = try Graphviz.render(dot: text, format: dotFormat) }
                continue
            }
            let inProcess = try samples(runs: runs) { _ = try Graphviz.render(dot: text, format: dotFormat) }
            let subprocess = try samples(runs: runs) { _ = try runDot(Data(text.utf8), wait: .terminationHandler) }
            print(String(format: "%@: in-process %.2f ms (min %.2f), dot -Tsvg %.2f ms (min %.2f), ratio %.1fx", file,
                         milliseconds(median(inProcess)), milliseconds(inProcess.min()!),
                         milliseconds(median(subprocess)), milliseconds(subprocess.min()!),
                         milliseconds(median(subprocess)) / milliseconds(median(inProcess))))
        }
    } catch {
        FileHandle.standardError.write(Data("gv-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

let graph = layeredPathway()
let dotText = graph.dotText
if emitDOT {
    print(dotText, terminator: "")
    exit(0)
}

func row(_ label: String, _ duration: Duration) {
    print(label.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%8.2f ms", milliseconds(duration)))
}
/// Renders once each way, checks that the outputs agree, then times them.
func run(graph: GraphDescription, dotText: String, runs: Int) throws {
    let dotData = Data(dotText.utf8)

    let inProcess = try Graphviz.render(graph, format: .svg)
    let fromText = try Graphviz.render(dot: dotText, format: .svg)
    let subprocess = try runDot(dotData, wait: .terminationHandler)
    print("graph: \(graph.nodes.count) nodes, \(graph.edges.count) edges, 4 clusters; SVG \(inProcess.count) bytes")
    print("in-process SVG == in-process from DOT text: \(inProcess == fromText)")
    print("in-process SVG == `dot -Tsvg` output:       \(inProcess == [UInt8](subprocess))")

    let buildAndRender = try measure(runs: runs) { _ = try Graphviz.render(graph, format: .svg) }
    let parseAndRender = try measure(runs: runs) { _ = try Graphviz.render(dot: dotText, format: .svg) }
    let writeDOT = measure(runs: runs) { _ = graph.dotText }
    let dotHandler = try measure(runs: runs) { _ = try runDot(dotData, wait: .terminationHandler) }
    let dotWaitUntilExit = try measure(runs: runs) { _ = try runDot(dotData, wait: .waitUntilExit) }

    print("median of \(runs) runs each:")
    row("in-process, GraphDescription -> SVG", buildAndRender)
    row("in-process, DOT text -> SVG", parseAndRender)
    row("DOTWriter alone (GraphDescription -> DOT text)", writeDOT)
    row("subprocess /usr/bin/dot -Tsvg (terminationHandler)", dotHandler)
    row("subprocess /usr/bin/dot -Tsvg (waitUntilExit)", dotWaitUntilExit)
    print(String(format: "ratio subprocess / in-process: %.1fx (terminationHandler), %.1fx (waitUntilExit)",
                 milliseconds(dotHandler) / milliseconds(buildAndRender),
                 milliseconds(dotWaitUntilExit) / milliseconds(buildAndRender)))
}

/// The combined IL-11 activity diagram, in process and through `dot -Tsvg`, then the CLI batch.
func runModels(runs: Int, profileIterations: Int) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let modelsDirectory = root.appendingPathComponent("models")
    let il11 = modelsDirectory.appendingPathComponent("il11.yaml").path
    guard FileManager.default.fileExists(atPath: il11) else {
        print("\nmodels/il11.yaml not found; skipping the IL-11 diagram")
        return
    }
    let model = try ModelLoader.load(path: il11).model
    let diagram = try DiagramBuilder.diagram(for: model, options: DiagramOptions(view: .activity))
    let text = diagram.graph.dotText
    let data = Data(text.utf8)
    let svg = try Graphviz.render(diagram.graph, format: .svg)
    let clusters = text.split(separator: "\n").filter { $0.contains("subgraph") && $0.contains("cluster_") }.count
    print("\nIL-11 activity diagram: \(diagram.graph.nodes.count) nodes, \(diagram.graph.edges.count) edges,"
        + " \(clusters) clusters; SVG \(svg.count) bytes")
    print("in-process SVG == `dot -Tsvg` output: \(svg == [UInt8](try runDot(data, wait: .terminationHandler)))")
    let fast = try Graphviz.render(diagram.graph, format: .fastSVG)
    print("fast SVG renderer == core SVG renderer: \(fast == svg)")
    if fast != svg, let path = ProcessInfo.processInfo.environment["GV_BENCH_DIFF"] {
        try Data(svg).write(to: URL(fileURLWithPath: path + ".core.svg"))
        try Data(fast).write(to: URL(fileURLWithPath: path + ".fast.svg"))
    }

    if profileIterations > 0 {
        // For `perf record`: only the in-process work, nothing else in the profile.
        for _ in 0..<profileIterations {
            _ = try DiagramRenderer.render(
                DiagramBuilder.diagram(for: model, options: DiagramOptions(view: .activity)), format: .svg)
        }
        exit(0)
    }

    let layoutOnly = try measure(runs: runs) { _ = try Graphviz.render(diagram.graph, format: .svg) }
    let fastRenderer = try measure(runs: runs) { _ = try Graphviz.render(diagram.graph, format: .fastSVG) }
    let coldText = try measure(runs: runs) {
        try Graphviz.forgetTextMeasurements()
        _ = try Graphviz.render(diagram.graph, format: .fastSVG)
    }
    let fromText = try measure(runs: runs) { _ = try Graphviz.render(dot: text, format: .svg) }
    let whole = try measure(runs: runs) {
        _ = try DiagramRenderer.render(
            DiagramBuilder.diagram(for: model, options: DiagramOptions(view: .activity)), format: .svg)
    }
    let build = try measure(runs: runs) { _ = try DiagramBuilder.diagram(for: model, options: DiagramOptions(view: .activity)) }
    let writeDOT = measure(runs: runs) { _ = diagram.graph.dotText }
    let metadata = measure(runs: runs) { _ = WikiSVG.metadata(for: diagram) }
    let wiki = try measure(runs: runs) { _ = try DiagramRenderer.render(diagram, format: .svg) }
    let subprocess = try measure(runs: runs) { _ = try runDot(data, wait: .terminationHandler) }
    print("median of \(runs) runs each:")
    row("in-process, GraphDescription -> SVG (core renderer)", layoutOnly)
    row("in-process, GraphDescription -> SVG (fast renderer)", fastRenderer)
    row("  the same, every label measured afresh by pango", coldText)
    row("in-process, DOT text -> SVG (core renderer)", fromText)
    row("in-process, model -> diagram -> wiki SVG", whole)
    row("  of which: model -> diagram (DiagramBuilder)", build)
    row("  of which: DOT text (for the hash)", writeDOT)
    row("  of which: metadata (DOT text + SHA-256)", metadata)
    row("  of which: diagram -> wiki SVG (layout, one-pass plugin, metadata)", wiki)
    row("subprocess /usr/bin/dot -Tsvg, same DOT text", subprocess)
    print(String(format: "ratio dot -Tsvg / in-process: %.1fx with the fast renderer (target >= 5x), %.1fx with the core renderer",
                 milliseconds(subprocess) / milliseconds(fastRenderer), milliseconds(subprocess) / milliseconds(layoutOnly)))

    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pathway")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        print("\n\(binary.path) not built; skipping `pathway render --out-dir`")
        return
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: modelsDirectory.path)
        .filter { $0.hasSuffix(".yaml") }.sorted().map { modelsDirectory.appendingPathComponent($0).path }
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("graphviz-render-bench-\(getpid())")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    let batchRuns = max(3, runs / 6)
    let batch = try measure(runs: batchRuns) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["render"] + files + ["--out-dir", out.path]
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        exited.wait()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "pathway render failed"])
        }
    }
    print("\n`pathway render models/*.yaml --out-dir DIR` (\(files.count) models, SVG), median of \(batchRuns) runs:")
    row("whole process (load, draw, lay out, write)", batch)
}

do {
    try run(graph: graph, dotText: dotText, runs: runs)
    try runModels(runs: runs, profileIterations: profileIterations)
} catch {
    FileHandle.standardError.write(Data("gv-bench: \(error)\n".utf8))
    exit(1)
}
