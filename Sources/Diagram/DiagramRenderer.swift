import PathwayModel

/// Lays out and renders diagrams in process (see ``Graphviz``).
public enum DiagramRenderer {
    /// Resolution of PNG output: twice the CSS pixel, so text stays sharp on a wiki page.
    public static let pngDPI = 144

    /// `diagram` as `format`: wiki SVG, PNG, PDF, or its DOT source.
    /// - Throws: ``DiagramError/graphviz(_:)`` when Graphviz fails (a missing plugin, a layout error).
    public static func render(_ diagram: PathwayDiagram, format: DiagramFormat) throws(DiagramError) -> [UInt8] {
        switch format {
        case .dot:
            return Array(diagram.graph.dotText.utf8)
        case .svg:
            // The core renderer's document, written by this package's faster SVG plugin.
            let svg = try graphviz(diagram.graph, layout: diagram.options.layout, format: .fastSVG)
            return WikiSVG.postprocess(svg, for: diagram)
        case .png:
            var graph = diagram.graph
            graph.attributes["dpi"] = .string(String(pngDPI))
            return try graphviz(graph, layout: diagram.options.layout, format: .png)
        case .pdf:
            return try graphviz(diagram.graph, layout: diagram.options.layout, format: .pdf)
        }
    }

    /// `model` drawn with `options` and rendered as `format`.
    public static func render(_ model: Model, options: DiagramOptions, format: DiagramFormat) throws(DiagramError) -> [UInt8] {
        try render(DiagramBuilder.diagram(for: model, options: options), format: format)
    }

    private static func graphviz(_ graph: GraphDescription, layout: LayoutEngine, format: OutputFormat) throws(DiagramError) -> [UInt8] {
        do {
            return try Graphviz.render(graph, layout: layout, format: format)
        } catch let error as GraphvizError {
            throw .graphviz(error)
        } catch {
            throw .graphviz(.renderFailed(format: format.rawValue, messages: ["\(error)"]))
        }
    }
}
