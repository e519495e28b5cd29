import PathwayModel
import Plot

/// SVG fit for a wiki page: Graphviz 2.43's SVG document (as its core renderer writes it, one element
/// per line), with these differences, written in the same pass by the SVG render plugin
/// (``SVGRenderer``), so that nothing is parsed back:
///
/// - the `<svg>` element keeps Graphviz's `viewBox` and loses its fixed `width` and `height`, so
///   the drawing scales with its container; it gets `role="img"` and `aria-labelledby`;
/// - a `<title>` (the model's name) and `<desc>` (its description) come first, for screen readers,
///   then a `<metadata>` block naming the model, the view and a SHA-256 of the DOT source the
///   drawing was laid out from (`sha256sum` on `pathway render --format dot` output reproduces it);
/// - each node's and edge's `<title>` (Graphviz puts the node's name there) becomes readable text;
/// - links get an SVG 2 `href` beside Graphviz's `xlink:href`;
/// - no DOCTYPE (an SVG 1.1 DTD nothing needs) and no comments; `-` is written as itself, not as
///   the `&#45;` Graphviz writes so that its comments stay valid, so ids read `species-STAT3` in the
///   file as in the DOM.
///
/// Text stays `<text>` (selectable, searchable); ids and classes are those the diagram set.
public enum WikiSVG {
    /// What the `<title>`, `<desc>` and `<metadata>` say.
    public struct Metadata: Sendable, Hashable {
        public var modelID: String
        public var name: String
        public var description: String
        public var view: String
        public var module: String?
        public var scenario: String?
        public var layout: String
        /// SHA-256 of the DOT source, lowercase hexadecimal.
        public var sourceSHA256: String

        public init(modelID: String, name: String, description: String, view: String, module: String? = nil,
                    scenario: String? = nil, layout: String = "dot", sourceSHA256: String) {
            self.modelID = modelID
            self.name = name
            self.description = description
            self.view = view
            self.module = module
            self.scenario = scenario
            self.layout = layout
            self.sourceSHA256 = sourceSHA256
        }
    }

    /// The metadata of `diagram`, hashing its DOT text.
    public static func metadata(for diagram: PathwayDiagram) -> Metadata {
        Metadata(
            modelID: diagram.modelID, name: diagram.modelName, description: diagram.modelDescription,
            view: diagram.options.view.rawValue, module: diagram.options.module, scenario: diagram.options.scenario,
            layout: diagram.options.layout.rawValue, sourceSHA256: sha256(diagram.graph.dotText))
    }

    /// SHA-256 of `text`'s UTF-8 bytes, lowercase hexadecimal.
    public static func sha256(_ text: String) -> String { SHA256.hexDigest(Array(text.utf8)) }

    /// What a wiki SVG is written with: its metadata and readable titles by element id.
    struct Document: Sendable {
        var metadata: Metadata
        var titles: [String: String]
    }

    /// The wiki SVG of `diagram`, written in one pass by the SVG render plugin (``SVGRenderer``):
    /// Graphviz lays the graph out and the plugin writes the wiki document directly.
    static func render(_ diagram: PathwayDiagram) throws -> [UInt8] {
        try Graphviz.renderWikiSVG(
            diagram.graph, layout: diagram.options.layout,
            document: Document(metadata: metadata(for: diagram), titles: diagram.titles))
    }

    // MARK: Pieces

    /// The `<svg>` start tag without a fixed size (Graphviz's `viewBox`), then the title, description
    /// and metadata.
    static func root(viewBox: String, metadata m: Metadata) -> String {
        let classes = "pathway-diagram pathway-\(m.view)"
        var root = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
        root += " viewBox=\"\(viewBox)\" preserveAspectRatio=\"xMidYMid meet\""
        root += " role=\"img\" aria-labelledby=\"pathway-title pathway-desc\" class=\"\(classes)\">"
        root += "\n<title id=\"pathway-title\">\(escape(m.name))</title>"
        root += "\n<desc id=\"pathway-desc\">\(escape(m.description.trimmingWhitespace))</desc>"
        root += "\n<metadata id=\"pathway-metadata\">"
        root += "\n<pathway:diagram xmlns:pathway=\"urn:pathway:diagram:1\" model=\"\(escape(m.modelID))\""
        root += " name=\"\(escape(m.name))\" view=\"\(escape(m.view))\""
        if let module = m.module { root += " module=\"\(escape(module))\"" }
        if let scenario = m.scenario { root += " scenario=\"\(escape(scenario))\"" }
        root += " layout=\"\(escape(m.layout))\" source=\"dot\" source-sha256=\"\(m.sourceSHA256)\"/>"
        root += "\n</metadata>"
        return root
    }

    /// `text` escaped for XML character data and attribute values.
    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
