import Foundation

/// A heat map of values on a grid (x across, y up) with a colour bar, as SVG (viridis colours; cells
/// without a finite value are grey). Cells are equal-sized: the grid is drawn in index space and the
/// axes label the grid values, so log-spaced scans look even.
public struct HeatMap: Sendable {
    public var title: String
    public var description: String
    public var xLabel: String
    public var yLabel: String
    public var colourLabel: String
    public var x: [Double]
    public var y: [Double]
    /// `values[i][j]`: the value at x[i], y[j].
    public var values: [[Double]]

    public init(title: String, description: String = "", xLabel: String, yLabel: String, colourLabel: String,
                x: [Double], y: [Double], values: [[Double]]) {
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colourLabel = colourLabel
        self.x = x
        self.y = y
        self.values = values
    }

    public func svg() -> String {
        let width = 760.0, height = 500.0
        let left = 96.0, right = 590.0, top = 48.0, bottom = height - 70
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let colourAxis = Axis(label: colourLabel, covering: finite, logarithmic: false)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        let cw = (right - left) / Double(max(x.count, 1)), ch = (bottom - top) / Double(max(y.count, 1))

        var s = SVG()
        s.open(width: width, height: height, title: title,
               description: description.isEmpty ? "\(colourLabel) over \(xLabel) and \(yLabel)" : description)
        s.title(title, x: left, y: 28, maxWidth: width - left - 16)
        s.raw("<g shape-rendering=\"crispEdges\">")
        for i in x.indices {
            for j in y.indices {
                let v = i < values.count && j < values[i].count ? values[i][j] : .nan
                let fill = v.isFinite ? Palette.sequential((v - lo) / span) : "#bbbbbb"
                s.raw("<rect x=\"\(SVG.number(left + Double(i) * cw))\" y=\"\(SVG.number(bottom - Double(j + 1) * ch))\" width=\"\(SVG.number(cw + 0.3))\" height=\"\(SVG.number(ch + 0.3))\" fill=\"\(fill)\"><title>\(SVG.escape("\(xLabel) \(Self.label(x[i])), \(yLabel) \(Self.label(y[j])): \(Self.label(v))"))</title></rect>")
            }
        }
        s.raw("</g>")
        s.rect(left, top, right - left, bottom - top, fill: "none", extra: "stroke=\"#555555\" stroke-width=\"1\"")
        // Axis labels at up to 7 grid values.
        for i in Self.labelled(x.count) {
            let X = left + (Double(i) + 0.5) * cw
            s.line(X, bottom, X, bottom + 5, stroke: "#555555")
            s.text(Self.label(x[i]), x: X, y: bottom + 20, anchor: "middle", size: 12)
        }
        for j in Self.labelled(y.count) {
            let Y = bottom - (Double(j) + 0.5) * ch
            s.line(left - 5, Y, left, Y, stroke: "#555555")
            s.text(Self.label(y[j]), x: left - 8, y: Y + 4, anchor: "end", size: 12)
        }
        s.text(xLabel, x: (left + right) / 2, y: bottom + 46, anchor: "middle")
        s.text(yLabel, x: 22, y: (top + bottom) / 2, anchor: "middle", rotate: true)

        // Colour bar.
        let bx = right + 40, bw = 22.0
        let steps = 64
        for k in 0..<steps {
            let t0 = Double(k) / Double(steps)
            let y0 = bottom - (t0 + 1 / Double(steps)) * (bottom - top)
            s.rect(bx, y0, bw, (bottom - top) / Double(steps) + 0.3, fill: Palette.sequential(t0 + 0.5 / Double(steps)), extra: "shape-rendering=\"crispEdges\"")
        }
        s.rect(bx, top, bw, bottom - top, fill: "none", extra: "stroke=\"#555555\" stroke-width=\"1\"")
        for t in colourAxis.ticks where t.value >= lo - 1e-12 * span && t.value <= hi + 1e-12 * span {
            let Y = bottom - (t.value - lo) / span * (bottom - top)
            s.line(bx + bw, Y, bx + bw + 5, Y, stroke: "#555555")
            s.text(t.label, x: bx + bw + 8, y: Y + 4, size: 12, markup: true)
        }
        s.text(colourLabel, x: width - 14, y: (top + bottom) / 2, anchor: "middle", rotate: true)
        s.close()
        return s.text
    }

    static func labelled(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        if n <= 7 { return Array(0..<n) }
        let stride = (n - 1 + 5) / 6
        var out = Array(Swift.stride(from: 0, to: n, by: stride))
        if out.last != n - 1 { out.append(n - 1) }
        if out.count >= 2, out[out.count - 1] - out[out.count - 2] < stride / 2 { out.remove(at: out.count - 2) }
        return out
    }

    /// Three significant digits, plainly written between 10⁻³ and 10⁵ (`0.126`, `775`, `1000`).
    static func label(_ v: Double) -> String {
        guard v.isFinite else { return "n/a" }
        if v == 0 { return "0" }
        let m = abs(v)
        guard m >= 1e-3, m < 1e5 else { return String(format: "%.2e", v) }
        let digits = max(0, 2 - Int(floor(log10(m))))
        var text = String(format: "%.\(digits)f", v)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
