import Foundation

/// Builds SVG text with fixed number formatting, so the same plot gives the same bytes.
struct SVG {
    private(set) var text = ""

    /// Coordinates with two decimals, trailing zeros trimmed (`12.5`, `3`, `-0.25`).
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    static func escape(_ s: String) -> String { XMLText.escape(s) }

    mutating func raw(_ s: String) { text += s + "\n" }

    mutating func open(width: Double, height: Double, title: String, description: String) {
        raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\" aria-labelledby=\"plot-title plot-desc\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">")
        raw("<title id=\"plot-title\">\(Self.escape(title))</title>")
        raw("<desc id=\"plot-desc\">\(Self.escape(description))</desc>")
        raw("<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>")
    }

    mutating func close() { raw("</svg>") }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, extra: String = "") {
        raw("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\"\(extra.isEmpty ? "" : " " + extra)/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, extra: String = "") {
        raw("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(w))\" height=\"\(Self.number(h))\" fill=\"\(fill)\"\(extra.isEmpty ? "" : " " + extra)/>")
    }

    /// Text; `anchor` is start, middle or end; `rotate` turns it by −90° about (x, y).
    /// A plot's title in bold at 16 px, smaller (down to 10 px) when it would not fit in `maxWidth`
    /// (estimated at 0.6 em a character, about the average advance of bold DejaVu and Liberation Sans).
    mutating func title(_ s: String, x: Double, y: Double, maxWidth: Double) {
        let estimated = Double(s.count) * 16 * 0.6
        let size = estimated > maxWidth ? max(10, (16 * maxWidth / estimated * 10).rounded(.down) / 10) : 16
        text(s, x: x, y: y, size: size, weight: "bold")
    }

    mutating func text(_ s: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil, weight: String? = nil,
                       rotate: Bool = false, markup: Bool = false) {
        var attrs = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
        if anchor != "start" { attrs += " text-anchor=\"\(anchor)\"" }
        if let size { attrs += " font-size=\"\(Self.number(size))\"" }
        if let weight { attrs += " font-weight=\"\(weight)\"" }
        if rotate { attrs += " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" }
        raw("<text \(attrs) fill=\"#222222\">\(markup ? s : Self.escape(s))</text>")
    }
}

/// Text for XML and HTML documents.
public enum XMLText {
    /// `s` with `& < > "` escaped, for text and attribute values (the one escaper of the package:
    /// plots, diagrams' labels and wiki SVG, the report).
    public static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s {
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
