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
            let wiki = try wikiSVG(diagram)
            guard !diagram.sparklines.isEmpty, let levels = diagram.options.levels else { return wiki }
            let times = levels.results.times
            let marker = times.count > 1 && times.last! > times[0] ? (levels.time - times[0]) / (times.last! - times[0]) : nil
            return Array(ResultsSVG.addSparklines(String(decoding: wiki, as: UTF8.self), series: diagram.sparklines, marker: marker).utf8)
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

    /// An SVG whose node colours follow `levels.results` through `frames` (times in the model's unit,
    /// with `labels` as the read-out), looping every `seconds`; its static colours are the last frame's.
    public static func animation(_ model: Model, options: DiagramOptions, frames: [Double], labels: [String],
                                 seconds: Double) throws(DiagramError) -> [UInt8] {
        guard var levels = options.levels, let last = frames.last else {
            return try render(model, options: options, format: .svg)
        }
        var o = options
        levels.time = last
        levels.timeLabel = "the time shown at the top left"
        o.levels = levels
        let diagram = try DiagramBuilder.diagram(for: model, options: o)
        let colours = frameColours(diagram, model: model, results: levels.results, baseline: levels.baseline, frames: frames)
        let svg = String(decoding: try render(diagram, format: .svg), as: UTF8.self)
        return Array(ResultsSVG.animate(svg, frames: colours, labels: labels, seconds: seconds).utf8)
    }

    /// The fill of every molecule node of `diagram` at each of `frames`, from `results` (the level on
    /// the viridis scale, or with a `baseline` the change on the RdBu scale; constant molecules grey).
    public static func frameColours(_ diagram: PathwayDiagram, model: Model, results: DiagramResults, baseline: DiagramResults? = nil,
                                    frames: [Double]) -> [[String: String]] {
        var colours: [[String: String]] = []
        for t in frames {
            var frame: [String: String] = [:]
            for (id, content) in diagram.contents where !content.knockedOut {
                guard let level = NodeLevel.compute(content, model: model, results: results, at: t) else { continue }
                if case .ofMaximum = level.kind, NodeLevel.isConstant(content, model: model, results: results) {
                    frame[id] = LevelPainter.constantColour
                } else if let baseline {
                    let base = NodeLevel.compute(content, model: model, results: baseline, at: t)?.value ?? 0
                    frame[id] = ColourScale.divergent(level.value - base)
                } else {
                    frame[id] = ColourScale.sequential(level.value)
                }
            }
            colours.append(frame)
        }
        return colours
    }

    private static func wikiSVG(_ diagram: PathwayDiagram) throws(DiagramError) -> [UInt8] {
        do {
            return try WikiSVG.render(diagram)
        } catch let error as GraphvizError {
            throw .graphviz(error)
        } catch {
            throw .graphviz(.renderFailed(format: OutputFormat.fastSVG.rawValue, messages: ["\(error)"]))
        }
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
