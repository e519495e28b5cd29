import Foundation
import PathwayModel
import PathwayTestSupport
import Testing
@testable import Diagram

/// The two Graphviz plugins: the SVG renderer (format `svg:pathway`) must write the core SVG
/// renderer's document byte for byte, and remembered text measurements must change nothing.
@Suite("Graphviz plugins")
struct GraphvizPluginTests {
    /// Every diagram the shipped models give: both views, each module, each scenario.
    private static func shippedDiagrams() throws -> [(String, GraphDescription)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("models"))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        var diagrams: [(String, GraphDescription)] = []
        for file in files {
            let model = try Repository.model("models/" + file)
            var options: [DiagramOptions] = [DiagramOptions(view: .activity), DiagramOptions(view: .process)]
            if model.modules.count > 1 {
                options += model.modules.dropFirst().map { DiagramOptions(view: .activity, module: $0.id) }
            }
            options += model.scenarios.map { DiagramOptions(view: .activity, scenario: $0.id) }
            for option in options {
                let label = "\(file) \(option.view) \(option.module ?? "") \(option.scenario ?? "")"
                diagrams.append((label, try DiagramBuilder.diagram(for: model, options: option).graph))
            }
        }
        return diagrams
    }

    @Test("the fast SVG renderer writes the core renderer's SVG for every shipped diagram")
    func fastRendererMatchesCoreOnShippedDiagrams() throws {
        let diagrams = try Self.shippedDiagrams()
        #expect(diagrams.count > 20)
        for (label, graph) in diagrams {
            let core = try Graphviz.render(graph, format: .svg)
            let fast = try Graphviz.render(graph, format: .fastSVG)
            #expect(fast == core, "\(label): the fast renderer's SVG differs from the core renderer's")
        }
    }

    /// A graph that makes Graphviz emit every element and attribute the renderer writes: links
    /// with tooltips and targets, escaping (entities, `&`, `<`, quotes, apostrophes, runs of
    /// spaces, line breaks in tooltips), colour names, `#rrggbb` and translucent colours, pen
    /// widths, dashes and dots, ellipses, polygons, paths, polylines (underline), HTML fonts
    /// (bold, italic, underline, overline, strike-through, sub- and superscripts), PostScript
    /// font aliases, comments, a stylesheet, edge ports and a cluster. (The linked table cell has
    /// an `ID`: without one Graphviz numbers cell anchors from a counter that lives as long as
    /// the process, so two renders in one process would differ there whichever renderer wrote them.)
    static let exercisingDOT = #"""
        digraph "everything & more" {
            graph [stylesheet="style.css", comment="a -- comment", fontname="Times-Roman", label="Title <&amp; co>"];
            node [fontname="Helvetica-Bold"];
            subgraph cluster_c {
                label="Cluster  with   spaces"; style="dashed,filled"; fillcolor="#ffeeaa80"; color=steelblue; penwidth=2.5;
                a [shape=ellipse, URL="/genes/a?x=1&y=2", tooltip="line one\nline 'two' \"quoted\"", target=_blank,
                   id="node-a", class="entity kinase", style=filled, fillcolor=lightyellow];
                b [shape=record, label="{<p1> left|<p2> right &amp; more}", color="#3366cc"];
            }
            c [shape=plaintext, fontname="Courier", label=<<TABLE BORDER="1" CELLBORDER="0"><TR><TD HREF="/t" TOOLTIP="cell tip" ID="cell-1"><B>bold</B> <I>italic</I> <U>under</U></TD></TR><TR><TD><S>struck</S> <O>over</O> x<SUB>2</SUB> y<SUP>3</SUP></TD></TR></TABLE>>];
            d [shape=box, style="rounded,dotted", fontname="Times-Italic", fontcolor="#aa000080", label="x - y = 'z'"];
            e [shape=point, color=transparent];
            f [shape=cylinder, fontname="Palatino-BoldItalic", fontcolor=darkgreen];
            a -> b:p1 [label="binds", color="#00000055", style=dashed, arrowhead=tee, penwidth=0.5];
            b:p2 -> c [headlabel="h", taillabel="t", URL="/edge", tooltip="edge tip", arrowhead=odiamond];
            c -> d [dir=both, arrowtail=inv, color="red:blue"];
            d -> e [style=invis];
            d -> f [constraint=false, splines=ortho];
        }
        """#

    @Test("the fast SVG renderer writes the core renderer's SVG for each element and escape")
    func fastRendererMatchesCoreOnEveryElement() throws {
        for layout in [LayoutEngine.dot, .neato] {
            let core = try Graphviz.render(dot: Self.exercisingDOT, layout: layout, format: .svg)
            let fast = try Graphviz.render(dot: Self.exercisingDOT, layout: layout, format: .fastSVG)
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: core, as: UTF8.self), "layout \(layout)")
            // neato closes subgraphs, which in Graphviz 2.43 empties the root's name map; the
            // ID discipline still knows every name, so titles name nodes, not `%4`.
            #expect(!String(decoding: core, as: UTF8.self).contains("<title>%"), "layout \(layout)")
        }
        // Each of these really was written (so the comparison above covers them).
        let svg = String(decoding: try Graphviz.render(dot: Self.exercisingDOT, format: .fastSVG), as: UTF8.self)
        for piece in [
            "<?xml-stylesheet href=\"style.css\"", "xlink:href=\"/genes/a?x=1&y=2\"", "&#10;", "&#39;", "&quot;",
            "&#160;", "&amp;", "&lt;", "target=\"_blank\"", "fill-opacity=\"0.", "stroke-opacity=\"0.",
            "stroke-dasharray=\"5,2\"", "stroke-dasharray=\"1,5\"", "stroke-width=\"2.5\"", "<ellipse", "<polygon",
            "<path", "<polyline", "font-weight=\"bold\"", "font-style=\"italic\"", "text-decoration=\"underline\"",
            "text-decoration=\"overline\"", "line-through", "baseline-shift=\"sub\"", "baseline-shift=\"super\"",
            "<!-- a &#45;&#45; comment -->", "b:p2&#45;&gt;c", "class=\"node entity kinase\"", "fill=\"lightyellow\"",
            "stroke=\"#3366cc\"", "font-family=\"Times,serif\"",
        ] {
            #expect(svg.contains(piece), "expected \(piece) in the SVG")
        }
    }

    @Test("numbers are printed as Graphviz prints them: ties, tiny values, whole and large numbers")
    func numberFormatting() throws {
        // A pen width reaches the renderer's number printing unchanged (stroke-width), so these
        // exercise it directly: exact ties of %.2f (0.125 and 0.375 are exact in binary; 2.675
        // is just below its tie), values within 1e-8 of zero and just outside, whole numbers and
        // large ones. Coordinates, with their negative values, come from the layout.
        let widths = ["0.125", "0.375", "2.675", "1e-9", "0.004", "0.006", "3", "123456.789", "0.995"]
        var dot = "digraph g {\n"
        for (index, width) in widths.enumerated() {
            dot += "  n\(index) [penwidth=\"\(width)\"];\n"
        }
        dot += "  n0 -> n1 -> n2; n3 -> n4 [penwidth=0.5]; }"
        let core = try Graphviz.render(dot: dot, format: .svg)
        let fast = try Graphviz.render(dot: dot, format: .fastSVG)
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: core, as: UTF8.self))
        let svg = String(decoding: fast, as: UTF8.self)
        // 0.995 and 2.675 lie just below their ties in binary; 1e-9 and 0.004 print as "0".
        for printed in ["0.12", "0.38", "2.67", "0", "0.01", "3", "123456.79", "0.99", "0.5"] {
            #expect(svg.contains("stroke-width=\"\(printed)\""), "stroke-width \(printed)")
        }
    }

    @Test("undirected graphs title their edges with --")
    func undirectedEdgeTitles() throws {
        let dot = "graph g { a -- b [id=\"e1\"]; }"
        let fast = try Graphviz.render(dot: dot, format: .fastSVG)
        #expect(fast == (try Graphviz.render(dot: dot, format: .svg)))
        #expect(String(decoding: fast, as: UTF8.self).contains("<title>a&#45;&#45;b</title>"))
    }

    @Test("remembered text measurements give the same drawing as measuring afresh")
    func textMeasurementMemory() throws {
        let model = try Repository.model("models/il11.yaml")
        let graph = try DiagramBuilder.diagram(for: model, options: DiagramOptions(view: .activity)).graph
        // Under Graphviz's lock: other tests render at the same time.
        try Graphviz.forgetTextMeasurements()
        let fresh = try Graphviz.render(graph, format: .svg)
        let hitsBefore = try Graphviz.textMeasurementHits()
        let remembered = try Graphviz.render(graph, format: .svg)
        #expect(remembered == fresh)
        // The second render measured nothing anew: every label came from memory.
        #expect(try Graphviz.textMeasurementHits() > hitsBefore + 30)
        // PNG bypasses the memory (cairo draws pango's layouts) and still renders.
        let png = try Graphviz.render(graph, format: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try Graphviz.render(graph, format: .svg) == fresh)
    }

    @Test("formats drawn by cairo measure text afresh; the core's formats may remember")
    func formatsThatRemember() {
        #expect(OutputFormat.fastSVG.drawsPangoLayouts == false)
        #expect(OutputFormat.png.drawsPangoLayouts)
        #expect(OutputFormat("svg:cairo").drawsPangoLayouts)
        #expect(OutputFormat.svg.drawsPangoLayouts == false)
    }
}
