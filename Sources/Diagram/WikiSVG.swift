/// Turns Graphviz's SVG into SVG fit for a wiki page. A pure, deterministic text transformation
/// of the SVG that Graphviz 2.43's core renderer writes (one element per line):
///
/// - the `<svg>` element keeps Graphviz's `viewBox` and loses its fixed `width` and `height`, so
///   the drawing scales with its container; it gets `role="img"` and `aria-labelledby`;
/// - a `<title>` (the model's name) and `<desc>` (its description) come first, for screen readers,
///   then a `<metadata>` block naming the model, the view and a SHA-256 of the DOT source the
///   drawing was laid out from (`sha256sum` on `pathway render --format dot` output reproduces it);
/// - each node's and edge's `<title>` (Graphviz puts the node's name there) becomes readable text;
/// - links get an SVG 2 `href` beside Graphviz's `xlink:href`;
/// - the DOCTYPE (an SVG 1.1 DTD nothing needs) and Graphviz's comments go; `&#45;`, which Graphviz
///   writes for every `-` so that its comments stay valid, becomes `-` again, so ids read
///   `species-STAT3` in the file as in the DOM.
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

    /// `svg` (Graphviz's output) made fit for a wiki page; `titles` maps element ids to readable titles.
    public static func postprocess(_ svg: String, metadata: Metadata, titles: [String: String] = [:]) -> String {
        var out: [String] = []
        var skipUntil: String?  // the end of a DOCTYPE or a comment spanning lines
        var rootTag: String?  // the <svg> start tag, gathered over its lines
        var pendingTitle: String?
        for raw in svg.split(separator: "\n", omittingEmptySubsequences: false) {
            if let end = skipUntil {
                if raw.contains(end) { skipUntil = nil }
                continue
            }
            if raw.hasPrefix("<!DOCTYPE") {
                if !raw.contains(">") { skipUntil = ">" }
                continue
            }
            if raw.hasPrefix("<!--") {
                if !raw.contains("-->") { skipUntil = "-->" }
                continue
            }
            let line = raw.contains("&#45;") ? String(raw.replacing("&#45;", with: "-")) : String(raw)
            if rootTag != nil || (line.hasPrefix("<svg") && out.allSatisfy({ !$0.hasPrefix("<svg") })) {
                rootTag = (rootTag.map { $0 + "\n" } ?? "") + line
                if line.contains(">") {
                    out.append(root(rootTag!, metadata: metadata))
                    rootTag = nil
                }
                continue
            }
            if let replacement = pendingTitle, line.hasPrefix("<title>") {
                out.append("<title>" + escape(replacement) + "</title>")
                pendingTitle = nil
                continue
            }
            pendingTitle = nil
            if line.hasPrefix("<g id=\""), let id = attribute("id", in: Substring(line)), let t = titles[id] {
                pendingTitle = t
            }
            if line.hasPrefix("<g id=\"a_"), let href = attribute("xlink:href", in: Substring(line)) {
                out.append(line.replacing("<a xlink:href=", with: "<a href=\"\(href)\" xlink:href="))
                continue
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// `svg` for `diagram`, with its metadata and titles.
    public static func postprocess(_ svg: String, for diagram: PathwayDiagram) -> String {
        postprocess(svg, metadata: metadata(for: diagram), titles: diagram.titles)
    }

    // MARK: Pieces

    /// The `<svg>` start tag without a fixed size, then the title, description and metadata.
    private static func root(_ tag: String, metadata m: Metadata) -> String {
        let viewBox = attribute("viewBox", in: Substring(tag)) ?? "0 0 100 100"
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

    /// The value of `name="..."` in `line` (no unescaping).
    static func attribute(_ name: String, in line: Substring) -> String? {
        guard let r = line.firstRange(of: " " + name + "=\"") ?? line.firstRange(of: "\n" + name + "=\"") else { return nil }
        guard let close = line[r.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(line[r.upperBound..<close])
    }

    /// `text` escaped for XML character data and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
