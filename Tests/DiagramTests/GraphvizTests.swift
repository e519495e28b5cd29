import Dispatch
import Foundation
import FoundationXML
import Testing
@testable import Diagram

/// A small pathway with every SVG pass-through attribute on a node, an edge and a cluster.
private func signallingGraph() -> GraphDescription {
    var graph = GraphDescription(name: "EGF", attributes: ["rankdir": "TB"], nodeDefaults: ["shape": "box"])
    graph.addNode("EGFR", [
        "id": "sp-EGFR", "class": "receptor kinase", "URL": "/wiki/EGFR", "tooltip": "EGF receptor",
        "label": .html("<B>EGFR</B>"),
    ])
    graph.addNode("GRB2", ["label": "GRB2\\nadaptor"])
    graph.addNode("SOS")
    graph.addEdge(from: "EGFR", to: "GRB2", ["id": "r-bind", "class": "binding", "URL": "/wiki/Binding", "tooltip": "binds"])
    graph.addEdge(from: "GRB2", to: "SOS")
    graph.addEdge(from: "SOS", to: "RAS", ["arrowhead": "tee"])
    graph.subgraphs = [
        .cluster("membrane", attributes: ["label": "Membrane", "id": "cmp-membrane", "class": "compartment"],
                 nodeIDs: ["EGFR"]),
        .cluster("cytosol", attributes: ["label": "Cytosol"], nodeIDs: ["GRB2", "SOS"],
                 subgraphs: [.cluster("ras", attributes: ["style": "dashed"], nodeIDs: ["RAS"])]),
    ]
    return graph
}

/// A 30-node layered graph whose layout depends on node order (many ties to break).
private func tieBreakingGraph(seed: UInt32) -> GraphDescription {
    var graph = GraphDescription(name: "ties\(seed)")
    var state = seed
    func next(_ bound: Int) -> Int {
        state = state &* 1_103_515_245 &+ 12345
        return Int((state >> 16) % UInt32(bound))
    }
    for layer in 0..<5 {
        for index in 0..<6 { graph.addNode("n\(layer)_\(index)") }
    }
    for layer in 0..<4 {
        for index in 0..<6 {
            graph.addEdge(from: "n\(layer)_\(index)", to: "n\(layer + 1)_\(next(6))")
            graph.addEdge(from: "n\(layer)_\(index)", to: "n\(layer + 1)_\(next(6))")
        }
    }
    graph.subgraphs = [
        .cluster("a", nodeIDs: (0..<6).map { "n1_\($0)" }),
        .cluster("b", nodeIDs: (0..<3).map { "n3_\($0)" }),
    ]
    return graph
}

private func svgText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// An attribute by its qualified name. (swift-corelibs-foundation's
/// `XMLElement.attribute(forName:)` returns nil for unprefixed attributes of elements in a
/// default namespace, which is every element of an SVG document.)
private func value(of name: String, in element: XMLElement) -> String? {
    element.attributes?.first { $0.name == name }?.stringValue
}

private func element(in document: XMLDocument, _ xpath: String) throws -> XMLElement? {
    try document.nodes(forXPath: xpath).first as? XMLElement
}

@Suite("Graphviz in process")
struct GraphvizTests {
    @Test("SVG parses as XML and carries id, class, URL and tooltip")
    func svgPassThrough() throws {
        let svg = try Graphviz.render(signallingGraph(), format: .svg)
        let document = try XMLDocument(data: Data(svg), options: [])
        #expect(document.rootElement()?.name == "svg")

        // Node: `id` and `class` land on the node's <g> ("node" + the class),
        // `URL` becomes an <a xlink:href> inside it and `tooltip` that link's xlink:title.
        let node = try #require(try element(in: document, "//*[@id='sp-EGFR']"))
        #expect(node.name == "g")
        #expect(value(of: "class", in: node) == "node receptor kinase")
        #expect(node.elements(forName: "title").first?.stringValue == "EGFR")
        let link = try #require(try element(in: document, "//*[@id='sp-EGFR']//*[local-name()='a']"))
        #expect(value(of: "xlink:href", in: link) == "/wiki/EGFR")
        #expect(value(of: "xlink:title", in: link) == "EGF receptor")

        let edge = try #require(try element(in: document, "//*[@id='r-bind']"))
        #expect(value(of: "class", in: edge) == "edge binding")
        #expect(edge.elements(forName: "title").first?.stringValue == "EGFR->GRB2")
        let edgeLink = try #require(try element(in: document, "//*[@id='r-bind']//*[local-name()='a']"))
        #expect(value(of: "xlink:href", in: edgeLink) == "/wiki/Binding")
        #expect(value(of: "xlink:title", in: edgeLink) == "binds")

        let cluster = try #require(try element(in: document, "//*[@id='cmp-membrane']"))
        #expect(value(of: "class", in: cluster) == "cluster compartment")
        #expect(cluster.elements(forName: "title").first?.stringValue == "cluster_membrane")

        // Without an `id`, Graphviz numbers nodes in creation order: SOS is the third.
        let sos = try #require(try element(in: document, "//*[@class='node'][*[local-name()='title']='SOS']"))
        #expect(value(of: "id", in: sos) == "node3")
        // The HTML label is markup, not text.
        #expect(svgText(svg).contains("font-weight=\"bold\""))
        #expect(!svgText(svg).contains("&lt;B&gt;"))
    }

    @Test("the same graph renders to identical bytes twice, and after other graphs")
    func repeatable() throws {
        let graph = tieBreakingGraph(seed: 7)
        let first = try Graphviz.render(graph, format: .svg)
        #expect(try Graphviz.render(graph, format: .svg) == first)
        for seed in 1...25 {
            _ = try Graphviz.render(tieBreakingGraph(seed: UInt32(seed) * 31), format: .svg)
            _ = try Graphviz.render(dot: tieBreakingGraph(seed: UInt32(seed)).dotText, format: .dot)
        }
        #expect(try Graphviz.render(graph, format: .svg) == first)
        #expect(try Graphviz.render(dot: graph.dotText, format: .svg) == first)
    }

    @Test("building a description and parsing its DOT text give the same graph")
    func builderMatchesParser() throws {
        var graph = signallingGraph()
        // Names and values that exercise quoting, escapes and keywords.
        graph.addNode("node", ["label": #"say "hi"\lleft\n"#, "tooltip": "two\nlines"])
        graph.addNode("β-catenin", ["label": #"trailing\"#, "xlabel": #"odd\"quote"#])
        graph.addNode("", ["label": "empty id"])
        graph.addEdge(from: "node", to: "β-catenin", key: "k 1", ["label": .html("<I>x</I> &lt; y")])
        graph.addEdge(from: "node", to: "β-catenin", key: "k 2")
        graph.subgraphs.append(.init(name: "same rank", attributes: ["rank": "same"], nodeIDs: ["node", ""]))
        for format in [OutputFormat.canon, .svg] {
            let built = try Graphviz.render(graph, format: format)
            let parsed = try Graphviz.render(dot: graph.dotText, format: format)
            #expect(svgText(built) == svgText(parsed), "format \(format)")
        }
    }

    @Test(
        "in-process SVG equals `dot -Tsvg` run as a separate process",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")))
    func matchesDotCommand() throws {
        for graph in [signallingGraph(), tieBreakingGraph(seed: 3)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
            process.arguments = ["-Tsvg"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(graph.dotText.utf8))
            try input.fileHandleForWriting.close()
            let expected = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(svgText(try Graphviz.render(graph, format: .svg)) == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test("PNG and PDF render through the cairo plugin")
    func rasterAndPDF() throws {
        let graph = signallingGraph()
        let png = try Graphviz.render(graph, format: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let pdf = try Graphviz.render(graph, format: .pdf)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(try Graphviz.render(graph, format: .png) == png)
    }

    @Test("every standard layout engine renders", arguments: LayoutEngine.standard)
    func engines(engine: LayoutEngine) throws {
        let svg = try Graphviz.render(signallingGraph(), layout: engine, format: .svg)
        #expect(svgText(svg).hasSuffix("</svg>\n"))
    }

    @Test("an unknown layout engine names the valid ones")
    func unknownEngine() throws {
        let error = #expect(throws: GraphvizError.self) {
            try Graphviz.render(signallingGraph(), layout: "spring", format: .svg)
        }
        guard case .unknownLayoutEngine(let name, let available) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(name == "spring")
        #expect(Set(LayoutEngine.standard.map(\.rawValue)).isSubset(of: available))
        let message = String(describing: try #require(error))
        #expect(message.contains("dot, neato, fdp, sfdp, circo, twopi, osage, patchwork"))
    }

    @Test("an unknown output format lists the available ones")
    func unknownFormat() throws {
        let error = #expect(throws: GraphvizError.self) {
            try Graphviz.render(signallingGraph(), format: "tikz")
        }
        guard case .unsupportedFormat(let name, let available, let provider) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(name == "tikz")
        #expect(available.contains("svg") && available.contains("png"))
        #expect(provider == nil)
        // Formats that a missing plugin would explain name the Debian package.
        #expect(OutputFormat.png.debianProvider?.contains("libgvc6") == true)
    }

    @Test("a renderer that no plugin provides fails with Graphviz's message")
    func unknownRenderer() {
        let error = #expect(throws: GraphvizError.self) {
            try Graphviz.render(signallingGraph(), format: "png:nosuchrenderer")
        }
        #expect(error == .renderFailed(format: "png:nosuchrenderer", messages: ["renderer for png:nosuchrenderer is unavailable"]))
    }

    @Test("DOT syntax errors come back as errors, not on stderr")
    func syntaxErrors() {
        #expect(throws: GraphvizError.syntaxError(messages: ["syntax error in line 2 near '}'"])) {
            try Graphviz.render(dot: "digraph {\n a -> }\n", format: .svg)
        }
        #expect(throws: GraphvizError.noGraphInInput) {
            try Graphviz.render(dot: "  // nothing\n", format: .svg)
        }
        #expect(throws: GraphvizError.multipleGraphs(count: 2)) {
            try Graphviz.render(dot: "digraph { a }\ndigraph { b }\n", format: .svg)
        }
        // The reader is left clean: the next parse starts fresh at line 1.
        #expect(throws: GraphvizError.syntaxError(messages: ["syntax error in line 1 near '->'"])) {
            try Graphviz.render(dot: "graph { a -> b }", format: .svg)
        }
        #expect((try? Graphviz.render(dot: "digraph { a -> b }", format: .svg)) != nil)
    }

    @Test("a malformed HTML label fails the layout; warnings are returned")
    func layoutErrorsAndWarnings() throws {
        var broken = GraphDescription()
        broken.addNode("a", ["label": .html("<B>x</I>")])
        let error = #expect(throws: GraphvizError.self) { try Graphviz.render(broken, format: .svg) }
        guard case .layoutFailed("dot", let messages) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(messages.contains { $0.contains("mismatched tag") && $0.contains("node a") })

        var odd = GraphDescription()
        odd.addEdge(from: "a", to: "b", ["arrowhead": "sideways"])
        let rendering = try Graphviz.rendering(odd, format: .svg)
        #expect(rendering.warnings == [#"Arrow type "sideways" unknown - ignoring"#])
        // Warnings do not leak into the next render.
        #expect(try Graphviz.rendering(signallingGraph(), format: .svg).warnings.isEmpty)
    }

    @Test("a rank subgraph that pulls a node out of its cluster is refused before dot aborts")
    func rankConflict() throws {
        var graph = signallingGraph()
        graph.subgraphs.append(.init(name: "top", attributes: ["rank": "same"], nodeIDs: ["EGFR", "SOS"]))
        #expect(
            throws: GraphvizError.unsupportedGraph(reasons: [
                #"node "EGFR" is in cluster_membrane but also in rank subgraph "top" outside it"#,
                #"node "SOS" is in cluster_cytosol but also in rank subgraph "top" outside it"#,
            ])
        ) { try Graphviz.render(graph, format: .svg) }

        // Inside the cluster it is fine.
        var nested = signallingGraph()
        nested.subgraphs[1].subgraphs.append(.init(name: "row", attributes: ["rank": "same"], nodeIDs: ["GRB2", "SOS"]))
        #expect(nested.rankConstraintConflicts().isEmpty)
        _ = try Graphviz.render(nested, format: .svg)
    }

    @Test("8 tasks × 20 renders give identical bytes")
    func concurrentTasks() async throws {
        let graphs = [signallingGraph(), tieBreakingGraph(seed: 11)]
        let expected = try graphs.map { try Graphviz.render($0, format: .svg) }
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var mismatches = 0
                    for round in 0..<20 {
                        let which = (task + round) % 2
                        let output =
                            round % 3 == 0
                            ? try Graphviz.render(dot: graphs[which].dotText, format: .svg)
                            : try Graphviz.render(graphs[which], format: .svg)
                        if output != expected[which] { mismatches += 1 }
                    }
                    return mismatches
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test("concurrentPerform on 8 threads gives identical bytes")
    func concurrentThreads() throws {
        let graph = tieBreakingGraph(seed: 5)
        let expected = try Graphviz.render(graph, format: .svg)
        let results = ResultBox(count: 8 * 10)
        DispatchQueue.concurrentPerform(iterations: 8 * 10) { index in
            results.set(index, (try? Graphviz.render(graph, format: .svg)) == expected)
        }
        #expect(results.all)
    }
}

/// Collects per-iteration results from `concurrentPerform`.
private final class ResultBox: @unchecked Sendable {
    // Sound: `values` is only touched under `lock`.
    private let lock = NSLock()
    private var values: [Bool]
    init(count: Int) { values = Array(repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.withLock { values[index] = value } }
    var all: Bool { lock.withLock { values.allSatisfy { $0 } } }
}
