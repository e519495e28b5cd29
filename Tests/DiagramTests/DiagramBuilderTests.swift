import Foundation
import PathwayTestSupport
import PathwayModel
import Testing
@testable import Diagram

@Suite("DiagramBuilder")
struct DiagramBuilderTests {
    @Test("the worked example's activity view is drawn as its golden DOT")
    func workedExampleActivity() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        try expectGolden(DiagramBuilder.graph(for: model, view: .activity).dotText, "worked-example.activity.dot")
    }

    @Test("the worked example's process view is drawn as its golden DOT")
    func workedExampleProcess() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        try expectGolden(DiagramBuilder.graph(for: model, view: .process).dotText, "worked-example.process.dot")
    }

    @Test("a scenario with a drug and a knockout is drawn as its golden DOT")
    func workedExampleScenarios() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        try expectGolden(DiagramBuilder.graph(for: model, view: .activity, scenario: "blocked").dotText,
                         "worked-example.activity.blocked.dot")
        try expectGolden(DiagramBuilder.graph(for: model, view: .process, scenario: "no-receptor").dotText,
                         "worked-example.process.no-receptor.dot")
    }

    @Test("the worked example's influences: EGF → EGFR → ERK, DUSP6 ⊣ ERK")
    func workedExampleInfluences() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        let edges = influenceEdges(try DiagramBuilder.graph(for: model))
        #expect(edges == ["L activation R", "R activation K", "P inhibition K"])
    }

    @Test("the IL-11 receptor and JAK–STAT modules: the chain, STAT3's targets and SOCS3's feedback")
    func il11Influences() throws {
        let path = Repository.exists("models/il11.yaml") ? "models/il11.yaml" : "models/il11-jak-stat.yaml"
        let model = try Repository.model(path)
        let edges = Set(influenceEdges(try DiagramBuilder.graph(for: model)))
        for expected in [
            "IL11 activation IL11RA", "IL11RA activation GP130", "GP130 activation JAK1", "JAK1 activation STAT3",
            // The nuclear forms are their own node: imported into, inducing genes, dephosphorylated there.
            "STAT3 activation STAT3_nuclear", "STAT3_nuclear transcription SOCS3", "STAT3_nuclear transcription BCL2L1",
            "PP2 inhibition STAT3_nuclear", "SOCS3 inhibition JAK1", "PP1 inhibition STAT3",
        ] {
            #expect(edges.contains(expected), "missing \(expected)")
        }
        #expect(!edges.contains("JAK1 activation SOCS3"))
        #expect(!edges.contains("STAT3 inhibition JAK1"))
        #expect(!edges.contains("STAT3 transcription SOCS3") && !edges.contains("PP2 inhibition STAT3"))
        guard path == "models/il11.yaml" else { return }
        // SHP2 dephosphorylates the active receptor back to the hexamer; PP2A returns AKT pT308 to
        // AKT·PIP3; PI3K makes PIP3 out of PIP2 and PTEN turns it back; AKT switches BAD off.
        #expect(!edges.contains("AKT activation BAD"))
        for expected in ["SHP2 inhibition JAK1", "PP2A inhibition AKT", "PIP2 conversion PIP3", "PI3K activation PIP3",
                         "PTEN inhibition PIP3", "AKT inhibition BAD"] {
            #expect(edges.contains(expected), "missing \(expected)")
        }
    }

    @Test("--module draws one module, with the species it borrows marked external")
    func module() throws {
        let model = try Repository.model("models/il11-jak-stat.yaml")
        let graph = try DiagramBuilder.graph(for: model, view: .process, module: "il11-jak-stat")
        let ids = Set(graph.nodes.map(\.id))
        #expect(ids.contains("species-STAT3"))
        #expect(ids.contains("species-IL11R_active"))
        #expect(!ids.contains("species-IL11RA"))
        let borrowed = graph.nodes.first { $0.id == "species-IL11R_active" }
        #expect(borrowed?.attributes["class"]?.description.contains("external") == true)
        #expect(throws: DiagramError.unknownModule("nope", available: ["il11-jak-stat", "il11-receptor"])) {
            try DiagramBuilder.graph(for: model, module: "nope")
        }
    }

    @Test("unknown scenarios and layouts are errors that name the valid choices")
    func badOptions() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        #expect(throws: DiagramError.unknownScenario("nope", available: ["no-receptor", "blocked", "slow-binding"])) {
            try DiagramBuilder.graph(for: model, scenario: "nope")
        }
        #expect(throws: DiagramError.unsupportedLayout("circo")) {
            try DiagramBuilder.diagram(for: model, options: DiagramOptions(layout: .circo))
        }
    }

    @Test("every model in models/ draws in both views without Graphviz warnings", arguments: DiagramView.allCases)
    func allModels(view: DiagramView) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("models"))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        for file in files {
            let model = try Repository.model("models/" + file)
            let diagram = try DiagramBuilder.diagram(for: model, options: DiagramOptions(view: view))
            let rendering = try Graphviz.rendering(diagram.graph, format: .svg)
            #expect(rendering.warnings.isEmpty, "\(file): \(rendering.warnings)")
            let ids = diagram.graph.nodes.map(\.id)
            #expect(Set(ids).count == ids.count, "\(file): duplicate node ids")
        }
    }

    @Test("process view: phosphorylation cycles run from the resting form down and back up")
    func processCycles() throws {
        let model = try Repository.model("models/kholodenko-2000.yaml")
        let graph = try DiagramBuilder.graph(for: model, view: .process)
        func arc(_ id: String) -> GraphDescription.Edge? { graph.edges.first { $0.attributes["id"]?.description == id } }
        // MKK -> v3 (phosphorylation) forward; v6 (dephosphorylation) -> MKK laid out from MKK.
        #expect(arc("arc-v3-consumption-MKK")?.tail == "species-MKK")
        #expect(arc("arc-v3-consumption-MKK")?.attributes["dir"] == nil)
        let back = arc("arc-v6-production-MKK")
        #expect(back?.tail == "species-MKK" && back?.head == "reaction-v6")
        #expect(back?.attributes["dir"] == "back" && back?.attributes["arrowtail"] == "normal")
        // The graph given to dot has no cycle of visible edges: dot need not break any itself.
        var next: [String: [String]] = [:]
        for e in graph.edges where e.attributes["style"] != "invis" { next[e.tail, default: []].append(e.head) }
        let components = StronglyConnected.components(of: graph.nodes.map(\.id), edges: next)
        #expect(Set(components.values).count == graph.nodes.count)
    }

    @Test("process view: no module bands; stoichiometry at the species' end; a pure modifier beside its step")
    func processLayout() throws {
        let model = try Repository.model("models/il11.yaml")
        let graph = try DiagramBuilder.graph(for: model, view: .process)
        func all(_ s: [GraphDescription.Subgraph]) -> [GraphDescription.Subgraph] { s + s.flatMap { all($0.subgraphs) } }
        let subgraphs = all(graph.subgraphs)
        #expect(!subgraphs.contains { $0.attributes["id"]?.description.hasPrefix("module-") == true })
        #expect(!graph.edges.contains { $0.attributes["label"] != nil })
        let dimer = graph.edges.first { $0.attributes["id"]?.description.hasPrefix("arc-stat3_dimerisation-consumption") == true }
        #expect(dimer.map { $0.attributes["taillabel"] == "2" || $0.attributes["headlabel"] == "2" } == true)
        #expect(subgraphs.contains { $0.attributes["rank"] == "same" && $0.nodeIDs.contains("species-RAF_phosphatase") })
        let activity = try DiagramBuilder.graph(for: model, view: .activity)
        #expect(all(activity.subgraphs).contains { $0.attributes["id"]?.description.hasPrefix("module-") == true })
    }

    @Test("edges that run upwards are turned round for layout but drawn as before")
    func reversedEdges() {
        let edge = GraphDescription.Edge(from: "a", to: "b", ["arrowhead": "tee", "color": "red"])
        let reversed = DrawPlan.reversedForLayout(edge)
        #expect(reversed.tail == "b" && reversed.head == "a")
        #expect(reversed.attributes["dir"] == "back")
        #expect(reversed.attributes["arrowtail"] == "tee")
        #expect(reversed.attributes["color"] == "red")
    }
}

/// "tail arc head" for each influence edge (as drawn, whatever its layout direction), entity ids only.
func influenceEdges(_ graph: GraphDescription) -> [String] {
    graph.edges.compactMap { edge -> String? in
        guard let id = edge.attributes["id"]?.description, id.hasPrefix("influence-") else { return nil }
        let backwards = edge.attributes["dir"] == "back"
        let (t, h) = backwards ? (edge.head, edge.tail) : (edge.tail, edge.head)
        let classes = edge.attributes["class"]?.description.split(separator: " ") ?? []
        let arc = classes.count > 1 ? String(classes[1]) : ""
        return "\(t.dropFirst("entity-".count)) \(arc) \(h.dropFirst("entity-".count))"
    }
}
