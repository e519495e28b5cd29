import Testing
@testable import Diagram

@Suite("DOTWriter")
struct DOTWriterTests {
    @Test("IDs are bare only when unambiguous", arguments: [
        ("EGFR", "EGFR"),
        ("_ras2", "_ras2"),
        ("node", "\"node\""),
        ("Graph", "\"Graph\""),
        ("Strict", "\"Strict\""),
        ("2x", "\"2x\""),
        ("1.5", "\"1.5\""),
        ("", "\"\""),
        ("β-catenin", "\"β-catenin\""),
        ("PI3K/AKT", "\"PI3K/AKT\""),
        ("with space", "\"with space\""),
    ])
    func quoting(input: String, expected: String) {
        #expect(DOTWriter.quotedID(input) == expected)
    }

    @Test("quotes are escaped; Graphviz escapes pass through", arguments: [
        (#"say "hi""#, #""say \"hi\"""#),
        (#"line\nbreak"#, #""line\nbreak""#),
        (#"left\l"#, #""left\l""#),
        (#"a\\b"#, #""a\\b""#),
        ("raw\nnewline", "\"raw\nnewline\""),
    ])
    func escaping(input: String, expected: String) {
        #expect(DOTWriter.quotedID(input) == expected)
    }

    @Test("a backslash that would swallow a quote, a line break or the end is doubled", arguments: [
        (#"trailing\"#, #""trailing\\""#),
        (#"odd\\\"#, #""odd\\\\""#),
        (#"even\\"#, #""even\\""#),
        (#"before\"quote"#, #""before\\\"quote""#),
        ("before\\\nbreak", "\"before\\\\\nbreak\""),
        ("nul\0dropped", "\"nuldropped\""),
    ])
    func swallowingBackslashes(input: String, expected: String) {
        #expect(DOTWriter.quotedID(input) == expected)
    }

    @Test("HTML-like values are written between angle brackets, unchanged")
    func htmlLabels() {
        var graph = GraphDescription(name: "g")
        graph.addNode("n", ["label": .html(#"<B>EGFR</B><BR ALIGN="LEFT"/>&amp; "x""#)])
        #expect(graph.dotText.contains(#"n [label=<<B>EGFR</B><BR ALIGN="LEFT"/>&amp; "x">];"#))
    }

    @Test("attributes keep their written order and replace in place")
    func attributeOrder() {
        var attributes: Attributes = ["shape": "box", "label": "A", "color": "red"]
        attributes["label"] = "B"
        attributes["fontsize"] = "10"
        attributes["color"] = nil
        #expect(attributes.map(\.name) == ["shape", "label", "fontsize"])
        #expect(attributes["label"] == "B")
        #expect(Attributes([Attribute("a", "1"), Attribute("a", "2")]).map(\.value) == ["2"])
    }

    @Test("a complete graph is written byte for byte")
    func golden() {
        var graph = GraphDescription(
            name: "MAPK cascade",
            attributes: ["rankdir": "LR", "label": "EGF → ERK"],
            nodeDefaults: ["shape": "box"],
            edgeDefaults: ["arrowhead": "vee"])
        graph.addNode("EGF", ["id": "sp-EGF", "class": "ligand"])
        graph.addNode("EGFR", ["label": .html("<B>EGFR</B>")])
        graph.addNode("RAS")
        graph.addEdge(from: "EGF", to: "EGFR", ["URL": "/wiki/EGFR", "tooltip": "binds"])
        graph.addEdge(from: "EGFR", to: "RAS", key: "k1")
        graph.addEdge(from: "RAS", to: "ERK", ["key": "ignored", "style": "dashed"])
        graph.subgraphs = [
            .cluster("membrane", attributes: ["label": "Membrane"], nodeIDs: ["EGFR"],
                     subgraphs: [.init(name: "same", attributes: ["rank": "same"], nodeIDs: ["RAS"])]),
        ]
        let expected = """
            digraph "MAPK cascade" {
            \tgraph [rankdir=LR, label="EGF → ERK"];
            \tnode [shape=box];
            \tedge [arrowhead=vee];
            \tEGF [id="sp-EGF", class=ligand];
            \tEGFR [label=<<B>EGFR</B>>];
            \tRAS;
            \tsubgraph cluster_membrane {
            \t\tgraph [label=Membrane];
            \t\tEGFR;
            \t\tsubgraph same {
            \t\t\tgraph [rank=same];
            \t\t\tRAS;
            \t\t}
            \t}
            \tEGF -> EGFR [URL="/wiki/EGFR", tooltip=binds];
            \tEGFR -> RAS [key=k1];
            \tRAS -> ERK [style=dashed];
            }

            """
        #expect(graph.dotText == expected)
        #expect(graph.dotText == graph.dotText)
    }

    @Test("undirected, strict and anonymous graphs")
    func graphKinds() {
        var graph = GraphDescription(name: "", isDirected: false, isStrict: true)
        graph.addEdge(from: "a", to: "b")
        #expect(graph.dotText == "strict graph {\n\ta -- b;\n}\n")
    }
}
