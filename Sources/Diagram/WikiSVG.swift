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
        String(decoding: postprocess(Array(svg.utf8), metadata: metadata, titles: titles), as: UTF8.self)
    }

    /// `svg` for `diagram`, with its metadata and titles.
    public static func postprocess(_ svg: String, for diagram: PathwayDiagram) -> String {
        postprocess(svg, metadata: metadata(for: diagram), titles: diagram.titles)
    }

    /// `svg` (Graphviz's output, UTF-8) for `diagram`, with its metadata and titles.
    public static func postprocess(_ svg: [UInt8], for diagram: PathwayDiagram) -> [UInt8] {
        postprocess(svg, metadata: metadata(for: diagram), titles: diagram.titles)
    }

    /// `svg` (Graphviz's output, UTF-8) made fit for a wiki page, in one pass over its bytes: each
    /// line is copied once (with `&#45;` turned back into `-` on the way) and then kept, dropped
    /// or rewritten; only the `<svg>` start tag, the titles and the links are rebuilt.
    public static func postprocess(_ svg: [UInt8], metadata: Metadata, titles: [String: String] = [:]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(svg.count + 1024)
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        var skipUntil: [UInt8]?  // the end of a DOCTYPE or a comment spanning lines
        var rootTag: [UInt8]?  // the <svg> start tag, gathered over its lines
        var rootWritten = false
        var pendingTitle: String?
        var first = true
        func emit(_ bytes: some Collection<UInt8>) {
            if !first { out.append(UInt8(ascii: "\n")) }
            first = false
            out.append(contentsOf: bytes)
        }
        svg.withUnsafeBufferPointer { input in
            let count = input.count
            var start = 0
            while start <= count {
                var end = start
                while end < count, input[end] != UInt8(ascii: "\n") { end += 1 }
                let raw = UnsafeBufferPointer(rebasing: input[start..<end])
                start = end + 1
                if let terminator = skipUntil {
                    if Bytes.find(terminator, in: raw) != nil { skipUntil = nil }
                    continue
                }
                if Bytes.hasPrefix(raw, Bytes.doctype) {
                    if Bytes.find(Bytes.greaterThan, in: raw) == nil { skipUntil = Bytes.greaterThan }
                    continue
                }
                if Bytes.hasPrefix(raw, Bytes.commentStart) {
                    if Bytes.find(Bytes.commentEnd, in: raw) == nil { skipUntil = Bytes.commentEnd }
                    continue
                }
                Bytes.copyUnescapingHyphens(raw, into: &line)
                if rootTag != nil || (!rootWritten && Bytes.hasPrefix(line, Bytes.svgStart)) {
                    if rootTag != nil { rootTag!.append(UInt8(ascii: "\n")) } else { rootTag = [] }
                    rootTag!.append(contentsOf: line)
                    if line.contains(UInt8(ascii: ">")) {
                        emit(root(rootTag!, metadata: metadata).utf8)
                        rootTag = nil
                        rootWritten = true
                    }
                    continue
                }
                if let replacement = pendingTitle, Bytes.hasPrefix(line, Bytes.titleStart) {
                    emit(Bytes.titleStart)
                    out.append(contentsOf: escape(replacement).utf8)
                    out.append(contentsOf: Bytes.titleEnd)
                    pendingTitle = nil
                    continue
                }
                pendingTitle = nil
                guard Bytes.hasPrefix(line, Bytes.groupStart) else {
                    emit(line)
                    continue
                }
                if !titles.isEmpty, let id = Bytes.attribute(Bytes.idAttribute, in: line), let t = titles[id] {
                    pendingTitle = t
                }
                if Bytes.hasPrefix(line, Bytes.linkGroupStart), let href = Bytes.attribute(Bytes.hrefAttribute, in: line),
                   let at = Bytes.find(Bytes.linkStart, in: line)
                {
                    // `<a xlink:href=` becomes `<a href="..." xlink:href=`: SVG 2 readers want `href`.
                    emit(line[..<at])
                    out.append(contentsOf: Bytes.linkOpen)
                    out.append(contentsOf: href.utf8)
                    out.append(contentsOf: Bytes.linkRest)
                    out.append(contentsOf: line[(at + Bytes.linkStart.count)...])
                    continue
                }
                emit(line)
            }
        }
        return out
    }

    // MARK: Pieces

    /// The `<svg>` start tag without a fixed size, then the title, description and metadata.
    private static func root(_ tag: [UInt8], metadata m: Metadata) -> String {
        let viewBox = Bytes.attribute(Bytes.viewBoxAttribute, in: tag) ?? "0 0 100 100"
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
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Byte-level pieces of ``WikiSVG/postprocess(_:metadata:titles:)-([UInt8],_,_)``.
private enum Bytes {
    static let doctype = Array("<!DOCTYPE".utf8)
    static let commentStart = Array("<!--".utf8)
    static let commentEnd = Array("-->".utf8)
    static let greaterThan = Array(">".utf8)
    static let svgStart = Array("<svg".utf8)
    static let titleStart = Array("<title>".utf8)
    static let titleEnd = Array("</title>".utf8)
    static let groupStart = Array("<g id=\"".utf8)
    static let linkGroupStart = Array("<g id=\"a_".utf8)
    static let linkStart = Array("<a xlink:href=".utf8)
    static let linkOpen = Array("<a href=\"".utf8)
    static let linkRest = Array("\" xlink:href=".utf8)
    static let idAttribute = Array("id".utf8)
    static let hrefAttribute = Array("xlink:href".utf8)
    static let viewBoxAttribute = Array("viewBox".utf8)
    static let hyphenEntity = Array("&#45;".utf8)

    static func hasPrefix(_ bytes: some Collection<UInt8>, _ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
    }

    /// The offset of the first occurrence of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.withUnsafeBufferPointer { find(needle, in: $0) }
    }

    /// `raw` into `line` (emptied first), each `&#45;` turned into `-`.
    static func copyUnescapingHyphens(_ raw: UnsafeBufferPointer<UInt8>, into line: inout [UInt8]) {
        line.removeAll(keepingCapacity: true)
        var i = 0
        let count = raw.count
        while i < count {
            let byte = raw[i]
            if byte == UInt8(ascii: "&"), i + 5 <= count, raw[i + 1] == UInt8(ascii: "#"), raw[i + 2] == UInt8(ascii: "4"),
               raw[i + 3] == UInt8(ascii: "5"), raw[i + 4] == UInt8(ascii: ";")
            {
                line.append(UInt8(ascii: "-"))
                i += 5
            } else {
                line.append(byte)
                i += 1
            }
        }
    }

    /// The value of `name="..."` in `line`, preceded by a space or a line break (no unescaping).
    static func attribute(_ name: [UInt8], in line: [UInt8]) -> String? {
        line.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            var i = 1
            while i + name.count + 2 <= count {
                let before = bytes[i - 1]
                if before == UInt8(ascii: " ") || before == UInt8(ascii: "\n") {
                    var k = 0
                    while k < name.count, bytes[i + k] == name[k] { k += 1 }
                    if k == name.count, bytes[i + k] == UInt8(ascii: "="), bytes[i + k + 1] == UInt8(ascii: "\"") {
                        let valueStart = i + k + 2
                        var close = valueStart
                        while close < count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
                        guard close < count else { return nil }
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<close]), as: UTF8.self)
                    }
                }
                i += 1
            }
            return nil
        }
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
