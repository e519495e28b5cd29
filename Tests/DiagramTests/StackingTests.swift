import Foundation
import PathwayTestSupport
import PathwayModel
import Testing
@testable import Diagram

@Suite("Stacking compartments")
struct StackingTests {
    private static func edges(_ pairs: [(String, String)]) -> [GraphDescription.Edge] {
        pairs.map { GraphDescription.Edge(from: $0.0, to: $0.1) }
    }

    @Test("a chain is held by its ends; a node tied by rank=same needs no edge of its own")
    func chainAndTie() {
        let stacking = Stacking(edges: Self.edges([("a", "b"), ("b", "c")]), tied: [("c", "p")])
        #expect(stacking.last(of: ["a", "b", "c", "p"]) == ["c"])
        #expect(stacking.first(of: ["a", "b", "c", "p"]) == ["a"])
        // An isolated node is both first and last.
        #expect(stacking.last(of: ["a", "b", "c", "x"]) == ["c", "x"])
        #expect(stacking.first(of: ["a", "b", "c", "x"]) == ["a", "x"])
    }

    @Test("edges leaving the band do not count; a last cycle keeps an edge from every node")
    func bandsAndCycles() {
        let stacking = Stacking(
            edges: Self.edges([("a", "b"), ("b", "a"), ("z", "a"), ("b", "out")])
                + [GraphDescription.Edge(from: "a", to: "y", ["constraint": "false"])],
            tied: [])
        #expect(stacking.last(of: ["z", "a", "b", "y"]) == ["a", "b", "y"])
        #expect(stacking.first(of: ["z", "a", "b", "y"]) == ["z", "y"])
    }

    @Test("IL-11: every compartment lies below the one outside it, the legend below all")
    func il11Bands() throws {
        guard Repository.exists("models/il11.yaml") else { return }
        let diagram = try DiagramBuilder.diagram(for: Repository.model("models/il11.yaml"), options: DiagramOptions())
        // Members of each compartment cluster, without those of compartments drawn inside it.
        func members(_ sub: GraphDescription.Subgraph) -> [String] {
            sub.nodeIDs + sub.subgraphs.filter { !($0.attributes["id"]?.description.hasPrefix("compartment-") ?? false) }
                .flatMap(members)
        }
        var byCompartment: [String: [String]] = [:]
        func walk(_ subs: [GraphDescription.Subgraph]) {
            for sub in subs {
                if let id = sub.attributes["id"]?.description, id.hasPrefix("compartment-") {
                    byCompartment[id] = members(sub).filter { $0.hasPrefix("entity-") }
                }
                walk(sub.subgraphs)
            }
        }
        walk(diagram.graph.subgraphs)
        let order = ["compartment-extracellular", "compartment-membrane", "compartment-cytoplasm", "compartment-nucleus"]
        #expect(order.allSatisfy { !(byCompartment[$0] ?? []).isEmpty })

        // Node centres from Graphviz's plain output (y grows upwards).
        let plain = String(decoding: try Graphviz.render(diagram.graph, format: "plain"), as: UTF8.self)
        var y: [String: Double] = [:]
        for line in plain.split(separator: "\n") where line.hasPrefix("node ") {
            let fields = line.split(separator: " ")
            let name = fields[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            y[name] = Double(fields[3])
        }
        let bands = order.map { byCompartment[$0] ?? [] } + [["legend"]]
        for (upper, lower) in zip(bands, bands.dropFirst()) {
            let lowestAbove = try #require(upper.compactMap { y[$0] }.min())
            let highestBelow = try #require(lower.compactMap { y[$0] }.max())
            #expect(lowestAbove > highestBelow, "\(upper) should lie above \(lower)")
        }
        // Far fewer invisible edges than one per node and junction.
        let invisible = diagram.graph.edges.filter { $0.attributes["style"] == "invis" }.count
        #expect(invisible < 30)
    }
}
