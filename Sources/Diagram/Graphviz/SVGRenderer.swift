import CGraphviz
import Glibc

/// Graphviz's SVG, written faster: a render plugin (format ``OutputFormat/fastSVG``, `svg:pathway`)
/// that writes the same document as Graphviz 2.43's core SVG renderer (`dot -Tsvg`), byte for
/// byte, for the drawings this package makes.
///
/// The core renderer prints every coordinate with `snprintf("%.02f")` and trims the zeros; that
/// printing is almost half of rendering (the IL-11 diagram: ~0.55 of 1.25 ms). Here numbers are
/// formatted from integers, falling back to the C library only where the two could disagree (a
/// value within 10⁻⁶ of a rounding tie, or beyond 10¹⁵), and the document is gathered in one
/// buffer handed to Graphviz at the end.
///
/// What it writes, element by element, is what the core renderer writes: the XML prologue,
/// DOCTYPE and generator comment; `<svg width height viewBox>`; per page a `<g id class="graph"
/// transform>`; clusters, nodes and edges as `<g id class="cluster|node|edge [class]">` with a
/// `<title>`; links as `<g id="a_…"><a xlink:href xlink:title target>`; `<text>` with anchor,
/// position, font family/weight/style, decorations, size and colour; `<ellipse>`, `<polygon>`
/// (first point repeated), `<path d="M…C…">`, `<polyline>`; fill, stroke, stroke-width,
/// dash arrays and opacities; text escaped as Graphviz escapes it (`-` as `&#45;`, a second
/// space as `&#160;`, entities kept in attributes). Tests compare it with the core renderer on
/// every model's diagrams and on graphs built to exercise each of these.
///
/// Not supported, because the diagrams never use them: gradient fills (drawn in the first
/// colour), layers (`layers=`; no per-layer ids), and edge labels aligned along the edge
/// (`labelangle` text paths). For arbitrary DOT use ``OutputFormat/svg`` (the core renderer).
///
/// **Wiki SVG.** With a ``WikiSVG/Document`` set for the render (``Graphviz/renderWikiSVG``), the same
/// pass writes the document a wiki page embeds, instead of the core renderer's: no DOCTYPE and no
/// comments, an `<svg>` root that scales (`viewBox`, no fixed size) and carries `role="img"`, the
/// model's title, description and metadata; readable `<title>`s for the elements ``WikiSVG`` names;
/// `-` written as itself (Graphviz writes `&#45;` so that its comments stay valid, and there are
/// none); links with an SVG 2 `href` beside `xlink:href`. Everything else is the core renderer's
/// document, byte for byte; the tests check both modes.
///
/// Thread safety: Graphviz calls the plugin only inside a render, under ``GraphvizRuntime``'s
/// lock, so its one buffer is only touched under that lock.
final class SVGRenderer: @unchecked Sendable {
    static let shared = SVGRenderer()

    /// The root graph being rendered (set under the lock before `gvRenderData`).
    var graph: UnsafeMutablePointer<Agraph_t>?
    /// The wiki document to write, or nil for the core renderer's (set under the lock like `graph`).
    var wiki: WikiSVG.Document?
    /// In wiki mode, the readable title of the group just opened, written in place of its `<title>`.
    private var pendingTitle: String?
    /// The document so far: one buffer, grown as needed and kept between renders, so that
    /// writing allocates nothing once it has reached a document's size.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity = 1 << 16

    private init() {
        buffer = .allocate(capacity: capacity)
    }

    // MARK: Output

    @inline(__always) private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = moved
        capacity = larger
    }

    @inline(__always) private func byte(_ value: UInt8) {
        reserve(1)
        buffer[count] = value
        count += 1
    }

    private func put(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        (buffer + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    private func put(_ text: UnsafePointer<CChar>) {
        let length = strlen(text)
        reserve(length)
        UnsafeMutableRawPointer(buffer + count).copyMemory(from: text, byteCount: length)
        count += length
    }

    private func put(_ text: String) {
        for value in text.utf8 { byte(value) }
    }

    /// Hands the document to Graphviz (which gathers it for `gvRenderData`).
    fileprivate func flush(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard count > 0 else { return }
        UnsafeRawPointer(buffer).withMemoryRebound(to: CChar.self, capacity: count) { _ = gvwrite(job, $0, count) }
        count = 0
    }

    // MARK: Numbers

    /// `value` as Graphviz's `gvprintdouble` prints it: `%.02f` with trailing zeros (and a bare
    /// point) removed, values within 10⁻⁸ of zero as `0`.
    private func number(_ value: Double) {
        let value = value > -1e-8 && value < 1e-8 ? 0 : value
        fixed(value, trim: true)
    }

    /// `%.2f` of `value`, its trailing zeros removed when `trim`.
    private func fixed(_ value: Double, trim: Bool) {
        let scaled = value * 100
        let rounded = scaled.rounded()
        guard scaled.isFinite, abs(scaled) < 1e15, abs(abs(scaled - rounded) - 0.5) > 1e-6 else {
            // A tie (or nearly one) or a huge value: let the C library round it, as Graphviz does.
            var text = cFormat("%.2f", value)
            if trim { text = Self.trimmed(text) }
            put(text)
            return
        }
        // printf keeps the sign of a negative value that rounds to zero ("-0.00").
        reserve(24)
        if value < 0 || (value == 0 && value.sign == .minus) {
            buffer[count] = UInt8(ascii: "-")
            count += 1
        }
        let hundredths = UInt64(abs(rounded))
        digits(hundredths / 100)
        let cents = Int(hundredths % 100)
        if trim && cents == 0 { return }
        buffer[count] = UInt8(ascii: ".")
        buffer[count + 1] = UInt8(ascii: "0") + UInt8(cents / 10)
        count += 2
        if !trim || cents % 10 != 0 {
            buffer[count] = UInt8(ascii: "0") + UInt8(cents % 10)
            count += 1
        }
    }

    /// The decimal digits of `whole`.
    private func digits(_ whole: UInt64) {
        var count = 1
        var scale: UInt64 = 10
        while whole >= scale, count < 20 {
            count += 1
            scale = scale &* 10
        }
        reserve(count)
        var rest = whole
        var index = self.count + count - 1
        repeat {
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
        self.count += count
    }

    /// `text` without trailing zeros after a decimal point, and without a bare point.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return String(result)
    }

    private func cFormat(_ format: String, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let count = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, format, $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(max(0, min(count, 63)))),
                          as: UTF8.self)
        }
    }

    private func integer(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        digits(UInt64(value.magnitude))
    }

    // MARK: Escaping (Graphviz's xml_string and xml_string0)

    /// `text` escaped as Graphviz escapes XML: `<`, `>`, `"`, `'`, `-` (for comments) and a
    /// second consecutive space; `&` unless it starts an entity (always when `raw`); with `raw`,
    /// also line breaks.
    private func escaped(_ text: UnsafePointer<CChar>, raw: Bool = false) {
        var p = text
        var previous: CChar = 0
        while p.pointee != 0 {
            let c = p.pointee
            switch UInt8(bitPattern: c) {
            case UInt8(ascii: "&") where raw || !Self.isEntity(p): put("&amp;")
            case UInt8(ascii: "<"): put("&lt;")
            case UInt8(ascii: ">"): put("&gt;")
            case UInt8(ascii: "-"): if wiki == nil { put("&#45;") } else { byte(UInt8(ascii: "-")) }
            case UInt8(ascii: " ") where previous == CChar(UInt8(ascii: " ")): put("&#160;")
            case UInt8(ascii: "\""): put("&quot;")
            case UInt8(ascii: "'"): put("&#39;")
            case UInt8(ascii: "\n") where raw: put("&#10;")
            case UInt8(ascii: "\r") where raw: put("&#13;")
            default: byte(UInt8(bitPattern: c))
            }
            previous = c
            p += 1
        }
    }

    /// Whether `p` (at `&`) starts `&name;`, `&#digits;` or `&#xhex;`.
    private static func isEntity(_ p: UnsafePointer<CChar>) -> Bool {
        func byte(_ q: UnsafePointer<CChar>) -> UInt8 { UInt8(bitPattern: q.pointee) }
        var q = p + 1
        if byte(q) == UInt8(ascii: "#") {
            q += 1
            if byte(q) == UInt8(ascii: "x") || byte(q) == UInt8(ascii: "X") {
                q += 1
                while Self.isHexDigit(byte(q)) { q += 1 }
            } else {
                while byte(q) >= UInt8(ascii: "0") && byte(q) <= UInt8(ascii: "9") { q += 1 }
            }
        } else {
            while Self.isLetter(byte(q)) { q += 1 }
        }
        return byte(q) == UInt8(ascii: ";")
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
            || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }

    // MARK: Pieces

    /// `<g id="…" class="kind class…"` (without the closing `>`).
    private func group(id: UnsafeMutablePointer<CChar>?, kind: StaticString, object: UnsafeMutableRawPointer?) {
        if let wiki {
            pendingTitle = id.flatMap { wiki.titles.isEmpty ? nil : wiki.titles[String(cString: $0)] }
        }
        put("<g id=\"")
        if let id { escaped(id) }
        put("\" class=\"")
        put(kind)
        if let object, let classes = agget(object, classAttribute), classes.pointee != 0 {
            put(" ")
            escaped(classes)
        }
        put("\"")
    }

    private let classAttribute = strdup("class")!
    private let stylesheetAttribute = strdup("stylesheet")!

    private func title(_ name: UnsafePointer<CChar>?) {
        put("<title>")
        if let readable = takePendingTitle() {
            put(readable)
        } else if let name {
            escaped(name)
        }
        put("</title>\n")
    }

    /// In wiki mode, the readable title of the group just opened (escaped), once.
    private func takePendingTitle() -> String? {
        guard let title = pendingTitle else { return nil }
        pendingTitle = nil
        return WikiSVG.escape(title)
    }

    private func color(_ color: gvcolor_t) {
        switch color.type {
        case COLOR_STRING:
            if let string = color.u.string { put(string) }
        case RGBA_BYTE:
            let rgba = color.u.rgba
            if rgba.3 == 0 {
                put("transparent")
            } else {
                hexColor(rgba.0, rgba.1, rgba.2)
            }
        default:
            put("black")
        }
    }

    private func hexColor(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
        reserve(7)
        buffer[count] = UInt8(ascii: "#")
        buffer[count + 1] = hex(r >> 4)
        buffer[count + 2] = hex(r & 15)
        buffer[count + 3] = hex(g >> 4)
        buffer[count + 4] = hex(g & 15)
        buffer[count + 5] = hex(b >> 4)
        buffer[count + 6] = hex(b & 15)
        count += 7
    }

    private func opacity(_ alpha: UInt8) -> String {
        cFormat("%f", Double(Float(alpha)) / 255.0)
    }

    /// ` fill="…" stroke="…"` and the stroke's width, dashes and opacity.
    private func style(_ job: UnsafeMutablePointer<GVJ_t>, filled: Int32) {
        guard let obj = job.pointee.obj else { return }
        put(" fill=\"")
        if filled != 0 {
            let fill = obj.pointee.fillcolor
            color(fill)
            if fill.type == RGBA_BYTE, fill.u.rgba.3 > 0, fill.u.rgba.3 < 255 {
                put("\" fill-opacity=\"")
                put(opacity(fill.u.rgba.3))
            }
        } else {
            put("none")
        }
        put("\" stroke=\"")
        let pen = obj.pointee.pencolor
        color(pen)
        if obj.pointee.penwidth != 1 {
            put("\" stroke-width=\"")
            number(obj.pointee.penwidth)
        }
        if obj.pointee.pen == PEN_DASHED {
            put("\" stroke-dasharray=\"5,2")
        } else if obj.pointee.pen == PEN_DOTTED {
            put("\" stroke-dasharray=\"1,5")
        }
        if pen.type == RGBA_BYTE, pen.u.rgba.3 > 0, pen.u.rgba.3 < 255 {
            put("\" stroke-opacity=\"")
            put(opacity(pen.u.rgba.3))
        }
        put("\"")
    }

    private func point(_ p: pointf) {
        number(p.x)
        put(",")
        number(-p.y)
    }

    // MARK: Callbacks

    fileprivate func beginJob(_ job: UnsafeMutablePointer<GVJ_t>) {
        count = 0
        put("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n")
        if let graph, let sheet = agget(UnsafeMutableRawPointer(graph), stylesheetAttribute), sheet.pointee != 0 {
            put("<?xml-stylesheet href=\"")
            put(sheet)
            put("\" type=\"text/css\"?>\n")
        }
        if wiki != nil { return }
        put("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\n")
        put(" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n")
        put("<!-- Generated by ")
        if let info = job.pointee.common?.pointee.info {
            for (index, separator) in [(0, " version "), (1, " ("), (2, ")\n")] as [(Int, StaticString)] {
                if let text = info[index] { escaped(text) }
                put(separator)
            }
        }
        put(" -->\n")
    }

    fileprivate func beginGraph(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard let obj = job.pointee.obj else { return }
        if let wiki {
            let box = job.pointee.canvasBox
            let viewBox = [box.LL.x, box.LL.y, box.UR.x, box.UR.y].map { cFormat("%.2f", $0) }.joined(separator: " ")
            put(WikiSVG.root(viewBox: viewBox, metadata: wiki.metadata))
            put("\n")
            return
        }
        put("<!--")
        if let name = agnameof(UnsafeMutableRawPointer(obj.pointee.u.g)), name.pointee != 0 {
            put(" Title: ")
            escaped(name)
        }
        put(" Pages: ")
        integer(Int(job.pointee.pagesArraySize.x) * Int(job.pointee.pagesArraySize.y))
        put(" -->\n<svg width=\"")
        integer(Int(job.pointee.width))
        put("pt\" height=\"")
        integer(Int(job.pointee.height))
        put("pt\"\n viewBox=\"")
        let box = job.pointee.canvasBox
        fixed(box.LL.x, trim: false)
        put(" ")
        fixed(box.LL.y, trim: false)
        put(" ")
        fixed(box.UR.x, trim: false)
        put(" ")
        fixed(box.UR.y, trim: false)
        put("\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n")
    }

    fileprivate func endGraph(_ job: UnsafeMutablePointer<GVJ_t>) {
        put("</svg>\n")
        flush(job)
    }

    fileprivate func beginLayer(_ job: UnsafeMutablePointer<GVJ_t>, name: UnsafeMutablePointer<CChar>?) {
        group(id: name, kind: "layer", object: job.pointee.obj.map { UnsafeMutableRawPointer($0.pointee.u.g) })
        put(">\n")
    }

    fileprivate func beginPage(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard let obj = job.pointee.obj else { return }
        let g = obj.pointee.u.g
        group(id: obj.pointee.id, kind: "graph", object: UnsafeMutableRawPointer(g))
        put(" transform=\"scale(")
        number(job.pointee.scale.x)
        put(" ")
        number(job.pointee.scale.y)
        put(") rotate(")
        integer(-Int(job.pointee.rotation))
        put(") translate(")
        number(job.pointee.translation.x)
        put(" ")
        number(-job.pointee.translation.y)
        put(")\">\n")
        if let name = agnameof(UnsafeMutableRawPointer(g)), name.pointee != 0 {
            title(name)
        }
    }

    fileprivate func closeGroup() {
        put("</g>\n")
    }

    fileprivate func beginCluster(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard let obj = job.pointee.obj else { return }
        beginNamedGroup(id: obj.pointee.id, kind: "cluster", object: UnsafeMutableRawPointer(obj.pointee.u.sg))
    }

    fileprivate func beginNode(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard let obj = job.pointee.obj else { return }
        beginNamedGroup(id: obj.pointee.id, kind: "node", object: UnsafeMutableRawPointer(obj.pointee.u.n))
    }

    /// A cluster's or node's group, titled with its name.
    private func beginNamedGroup(id: UnsafeMutablePointer<CChar>?, kind: StaticString, object: UnsafeMutableRawPointer) {
        group(id: id, kind: kind, object: object)
        put(">\n")
        title(agnameof(object))
    }

    fileprivate func beginEdge(_ job: UnsafeMutablePointer<GVJ_t>) {
        guard let obj = job.pointee.obj, let e = obj.pointee.u.e else { return }
        group(id: obj.pointee.id, kind: "edge", object: UnsafeMutableRawPointer(e))
        put(">\n<title>")
        if let readable = takePendingTitle() {
            put(readable)
            put("</title>\n")
            return
        }
        // Graphviz's "\E": tail[:port] -> head[:port] ("--" in undirected graphs).
        if let tail = agnameof(UnsafeMutableRawPointer(CGraphviz_tail(e))) { escaped(tail) }
        if let port = CGraphviz_tailPort(e), port.pointee != 0 {
            put(":")
            escaped(port)
        }
        let hyphen: StaticString = wiki == nil ? "&#45;" : "-"
        put(hyphen)
        put(agisdirected(agroot(UnsafeMutableRawPointer(e))) != 0 ? "&gt;" : hyphen)
        if let head = agnameof(UnsafeMutableRawPointer(CGraphviz_head(e))) { escaped(head) }
        if let port = CGraphviz_headPort(e), port.pointee != 0 {
            put(":")
            escaped(port)
        }
        put("</title>\n")
    }

    fileprivate func beginAnchor(
        href: UnsafeMutablePointer<CChar>?, tooltip: UnsafeMutablePointer<CChar>?,
        target: UnsafeMutablePointer<CChar>?, id: UnsafeMutablePointer<CChar>?
    ) {
        put("<g")
        if let id {
            put(" id=\"a_")
            escaped(id)
            put("\"")
        }
        put("><a")
        if let href, href.pointee != 0 {
            if wiki != nil, id != nil {  // SVG 2 readers want `href`
                put(" href=\"")
                put(href)
                put("\"")
            }
            put(" xlink:href=\"")
            put(href)
            put("\"")
        }
        if let tooltip, tooltip.pointee != 0 {
            put(" xlink:title=\"")
            escaped(tooltip, raw: true)
            put("\"")
        }
        if let target, target.pointee != 0 {
            put(" target=\"")
            escaped(target)
            put("\"")
        }
        put(">\n")
    }

    fileprivate func endAnchor() {
        put("</a>\n</g>\n")
    }

    fileprivate func text(_ job: UnsafeMutablePointer<GVJ_t>, at p: pointf, span: UnsafeMutablePointer<textspan_t>) {
        guard let obj = job.pointee.obj, let font = span.pointee.font else { return }
        put("<text")
        switch UInt8(bitPattern: span.pointee.just) {
        case UInt8(ascii: "l"): put(" text-anchor=\"start\"")
        case UInt8(ascii: "r"): put(" text-anchor=\"end\"")
        default: put(" text-anchor=\"middle\"")
        }
        let y = p.y + span.pointee.yoffset_centerline
        put(" x=\"")
        number(p.x)
        put("\" y=\"")
        number(-y)
        put("\"")
        var weight: UnsafeMutablePointer<CChar>?
        var style: UnsafeMutablePointer<CChar>?
        if let alias = font.pointee.postscript_alias {
            let family: UnsafeMutablePointer<CChar>?
            let kind = graph.map { CGraphviz_fontnames($0) } ?? NATIVEFONTS
            switch kind {
            case PSFONTS:
                (family, weight, style) = (alias.pointee.name, alias.pointee.weight, alias.pointee.style)
            case SVGFONTS:
                (family, weight, style) =
                    (alias.pointee.svg_font_family, alias.pointee.svg_font_weight, alias.pointee.svg_font_style)
            default:
                (family, weight, style) = (alias.pointee.family, alias.pointee.weight, alias.pointee.style)
            }
            put(" font-family=\"")
            if let family { put(family) } else { put("(null)") }
            if let svgFamily = alias.pointee.svg_font_family {
                put(",")
                put(svgFamily)
            }
            put("\"")
            if let weight {
                put(" font-weight=\"")
                put(weight)
                put("\"")
            }
            if let stretch = alias.pointee.stretch {
                put(" font-stretch=\"")
                put(stretch)
                put("\"")
            }
            if let style {
                put(" font-style=\"")
                put(style)
                put("\"")
            }
        } else {
            put(" font-family=\"")
            if let name = font.pointee.name { put(name) } else { put("(null)") }
            put("\"")
        }
        let flags = Int32(font.pointee.flags)
        if flags != 0 {
            if flags & HTML_BF != 0, weight == nil { put(" font-weight=\"bold\"") }
            if flags & HTML_IF != 0, style == nil { put(" font-style=\"italic\"") }
            if flags & (HTML_UL | HTML_S | HTML_OL) != 0 {
                put(" text-decoration=\"")
                var comma = false
                if flags & HTML_UL != 0 {
                    put("underline")
                    comma = true
                }
                if flags & HTML_OL != 0 {
                    put(comma ? ",overline" : "overline")
                    comma = true
                }
                if flags & HTML_S != 0 { put(comma ? ",line-through" : "line-through") }
                put("\"")
            }
            if flags & HTML_SUP != 0 { put(" baseline-shift=\"super\"") }
            if flags & HTML_SUB != 0 { put(" baseline-shift=\"sub\"") }
        }
        put(" font-size=\"")
        fixed(font.pointee.size, trim: false)
        put("\"")
        let pen = obj.pointee.pencolor
        if pen.type == COLOR_STRING {
            if let string = pen.u.string, strcasecmp(string, "black") != 0 {
                put(" fill=\"")
                put(string)
                put("\"")
            }
        } else if pen.type == RGBA_BYTE {
            put(" fill=\"")
            hexColor(pen.u.rgba.0, pen.u.rgba.1, pen.u.rgba.2)
            put("\"")
            if pen.u.rgba.3 > 0, pen.u.rgba.3 < 255 {
                put(" fill-opacity=\"")
                put(opacity(pen.u.rgba.3))
                put("\"")
            }
        }
        put(">")
        if let string = span.pointee.str { escaped(string, raw: true) }
        put("</text>\n")
    }

    fileprivate func ellipse(_ job: UnsafeMutablePointer<GVJ_t>, _ a: UnsafeMutablePointer<pointf>, filled: Int32) {
        put("<ellipse")
        style(job, filled: filled)
        put(" cx=\"")
        number(a[0].x)
        put("\" cy=\"")
        number(-a[0].y)
        put("\" rx=\"")
        number(a[1].x - a[0].x)
        put("\" ry=\"")
        number(a[1].y - a[0].y)
        put("\"/>\n")
    }

    fileprivate func polygon(_ job: UnsafeMutablePointer<GVJ_t>, _ a: UnsafeMutablePointer<pointf>, count: Int, filled: Int32) {
        put("<polygon")
        style(job, filled: filled)
        put(" points=\"")
        for index in 0..<count {
            point(a[index])
            put(" ")
        }
        point(a[0])  // the first point again, as Graphviz writes it
        put("\"/>\n")
    }

    fileprivate func bezier(_ job: UnsafeMutablePointer<GVJ_t>, _ a: UnsafeMutablePointer<pointf>, count: Int, filled: Int32) {
        put("<path")
        style(job, filled: filled)
        put(" d=\"")
        for index in 0..<count {
            put(index == 0 ? "M" : index == 1 ? "C" : " ")
            point(a[index])
        }
        put("\"/>\n")
    }

    fileprivate func polyline(_ job: UnsafeMutablePointer<GVJ_t>, _ a: UnsafeMutablePointer<pointf>, count: Int) {
        put("<polyline")
        style(job, filled: 0)
        put(" points=\"")
        for index in 0..<count {
            point(a[index])
            put(" ")
        }
        put("\"/>\n")
    }

    fileprivate func comment(_ text: UnsafeMutablePointer<CChar>?) {
        if wiki != nil { return }
        put("<!-- ")
        if let text { escaped(text) }
        put(" -->\n")
    }

    // MARK: Plugin tables

    /// The render engine, its features (those of Graphviz's core SVG renderer) and the device
    /// `svg:pathway`. Allocated once, never freed: Graphviz keeps pointers into them.
    static func pluginTypes() -> (render: gvplugin_installed_t, device: gvplugin_installed_t) {
        let engine = UnsafeMutablePointer<gvrender_engine_t>.allocate(capacity: 1)
        engine.initialize(to: gvrender_engine_t())
        engine.pointee.begin_job = { job in job.map { SVGRenderer.shared.beginJob($0) } }
        engine.pointee.end_job = { job in job.map { SVGRenderer.shared.flush($0) } }
        engine.pointee.begin_graph = { job in job.map { SVGRenderer.shared.beginGraph($0) } }
        engine.pointee.end_graph = { job in job.map { SVGRenderer.shared.endGraph($0) } }
        engine.pointee.begin_layer = { job, name, _, _ in job.map { SVGRenderer.shared.beginLayer($0, name: name) } }
        engine.pointee.end_layer = { _ in SVGRenderer.shared.closeGroup() }
        engine.pointee.begin_page = { job in job.map { SVGRenderer.shared.beginPage($0) } }
        engine.pointee.end_page = { _ in SVGRenderer.shared.closeGroup() }
        engine.pointee.begin_cluster = { job in job.map { SVGRenderer.shared.beginCluster($0) } }
        engine.pointee.end_cluster = { _ in SVGRenderer.shared.closeGroup() }
        engine.pointee.begin_node = { job in job.map { SVGRenderer.shared.beginNode($0) } }
        engine.pointee.end_node = { _ in SVGRenderer.shared.closeGroup() }
        engine.pointee.begin_edge = { job in job.map { SVGRenderer.shared.beginEdge($0) } }
        engine.pointee.end_edge = { _ in SVGRenderer.shared.closeGroup() }
        engine.pointee.begin_anchor = { _, href, tooltip, target, id in
            SVGRenderer.shared.beginAnchor(href: href, tooltip: tooltip, target: target, id: id)
        }
        engine.pointee.end_anchor = { _ in SVGRenderer.shared.endAnchor() }
        engine.pointee.textspan = { job, p, span in
            guard let job, let span else { return }
            SVGRenderer.shared.text(job, at: p, span: span)
        }
        engine.pointee.ellipse = { job, a, filled in
            guard let job, let a else { return }
            SVGRenderer.shared.ellipse(job, a, filled: filled)
        }
        engine.pointee.polygon = { job, a, n, filled in
            guard let job, let a, n > 0 else { return }
            SVGRenderer.shared.polygon(job, a, count: Int(n), filled: filled)
        }
        engine.pointee.beziercurve = { job, a, n, _, _, filled in
            guard let job, let a, n > 0 else { return }
            SVGRenderer.shared.bezier(job, a, count: Int(n), filled: filled)
        }
        engine.pointee.polyline = { job, a, n in
            guard let job, let a, n > 0 else { return }
            SVGRenderer.shared.polyline(job, a, count: Int(n))
        }
        engine.pointee.comment = { _, text in SVGRenderer.shared.comment(text) }

        let colors = knownColors.map { strdup($0) }
        let colorTable = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: colors.count)
        colorTable.initialize(from: colors, count: colors.count)
        let renderFeatures = UnsafeMutablePointer<gvrender_features_t>.allocate(capacity: 1)
        renderFeatures.initialize(
            to: gvrender_features_t(
                flags: GVRENDER_Y_GOES_DOWN | GVRENDER_DOES_TRANSFORM | GVRENDER_DOES_LABELS | GVRENDER_DOES_MAPS
                    | GVRENDER_DOES_TARGETS | GVRENDER_DOES_TOOLTIPS,
                default_pad: 4, knowncolors: colorTable, sz_knowncolors: Int32(colors.count), color_type: RGBA_BYTE))
        let deviceFeatures = UnsafeMutablePointer<gvdevice_features_t>.allocate(capacity: 1)
        deviceFeatures.initialize(
            to: gvdevice_features_t(
                flags: GVDEVICE_DOES_TRUECOLOR | GVDEVICE_DOES_LAYERS, default_margin: pointf(x: 0, y: 0),
                default_pagesize: pointf(x: 0, y: 0), default_dpi: pointf(x: 72, y: 72)))
        return (
            render: gvplugin_installed_t(id: 0, type: strdup("pathway"), quality: 1, engine: engine, features: renderFeatures),
            device: gvplugin_installed_t(id: 0, type: strdup("svg:pathway"), quality: 1, engine: nil, features: deviceFeatures)
        )
    }

    /// The SVG colour keywords (SVG 1.1, §4.4), in C-locale order: Graphviz writes a colour
    /// given by one of these names as the name, any other as `#rrggbb`.
    private static let knownColors = [
        "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond",
        "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral", "cornflowerblue",
        "cornsilk", "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray", "darkgreen", "darkgrey",
        "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon",
        "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink",
        "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen", "fuchsia",
        "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "green", "greenyellow", "grey", "honeydew", "hotpink",
        "indianred", "indigo", "ivory", "khaki", "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue",
        "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink",
        "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue",
        "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine", "mediumblue",
        "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise",
        "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite", "navy", "oldlace",
        "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise",
        "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "red", "rosybrown",
        "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue",
        "slateblue", "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato",
        "turquoise", "violet", "wheat", "white", "whitesmoke", "yellow", "yellowgreen",
    ]
}
