/// One line of a ``LinePlot``.
public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]

    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}

/// A line plot of several series with labelled axes, nice ticks, optional log axes and a legend,
/// written as a self-contained SVG: a viewBox and no fixed size (it scales to its container), a
/// `<title>` and `<desc>` for screen readers, real text (selectable, searchable), the Okabe–Ito
/// palette with dash patterns. The output depends only on the input: numbers have fixed formatting.
public struct LinePlot: Sendable {
    public var title: String
    public var description: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logX: Bool
    public var logY: Bool
    /// Draw markers at the data points (for sparse data such as dose–responses).
    public var markers: [Bool]

    public init(title: String, description: String = "", xLabel: String, yLabel: String, series: [Series],
                logX: Bool = false, logY: Bool = false, markers: [Bool] = []) {
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
        self.markers = markers
    }

    public func svg() -> String {
        let width = 760.0, height = 460.0
        let legendWidth = series.count > 1 || !(series.first?.name.isEmpty ?? true) ? 180.0 : 20.0
        let left = 84.0, right = width - legendWidth, top = 48.0, bottom = height - 62
        let xAxis = Axis(label: xLabel, covering: series.flatMap(\.x), logarithmic: logX, tight: true)
        let yAxis = Axis(label: yLabel, covering: series.flatMap(\.y), logarithmic: logY, includeZero: !logY)
        func px(_ v: Double) -> Double? { xAxis.fraction(v).map { left + $0 * (right - left) } }
        func py(_ v: Double) -> Double? { yAxis.fraction(v).map { bottom - $0 * (bottom - top) } }

        var s = SVG()
        let desc = description.isEmpty
            ? "\(yLabel) against \(xLabel): " + series.map(\.name).filter { !$0.isEmpty }.joined(separator: ", ")
            : description
        s.open(width: width, height: height, title: title, description: desc)
        s.text(title, x: left, y: 28, size: 16, weight: "bold")
        drawFrame(&s, xAxis: xAxis, yAxis: yAxis, left: left, right: right, top: top, bottom: bottom, px: px, py: py)

        s.raw("<g fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
        for (k, line) in series.enumerated() {
            let colour = Palette.categorical[k % Palette.categorical.count]
            let dash = Palette.dash(k)
            var d = "", pen = false
            for (x, y) in zip(line.x, line.y) {
                guard let X = px(x), let Y = py(y) else {
                    pen = false
                    continue
                }
                d += (pen ? " L" : (d.isEmpty ? "M" : " M")) + "\(SVG.number(X)) \(SVG.number(Y))"
                pen = true
            }
            s.raw("<path d=\"\(d)\" stroke=\"\(colour)\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")><title>\(SVG.escape(line.name))</title></path>")
            if k < markers.count && markers[k] {
                for (x, y) in zip(line.x, line.y) {
                    if let X = px(x), let Y = py(y) {
                        s.raw("<circle cx=\"\(SVG.number(X))\" cy=\"\(SVG.number(Y))\" r=\"3\" fill=\"\(colour)\" stroke=\"none\"/>")
                    }
                }
            }
        }
        s.raw("</g>")

        // Legend.
        if legendWidth > 20 {
            for (k, line) in series.enumerated() {
                let y = top + 8 + Double(k) * 20
                let colour = Palette.categorical[k % Palette.categorical.count]
                let dash = Palette.dash(k)
                s.line(right + 16, y, right + 44, y, stroke: colour, width: 2,
                       extra: dash.isEmpty ? "" : "stroke-dasharray=\"\(dash)\"")
                s.text(line.name, x: right + 50, y: y + 4.5, size: 12)
            }
        }
        s.close()
        return s.text
    }
}

/// Axes, ticks, grid lines and axis labels of a plot area.
func drawFrame(_ s: inout SVG, xAxis: Axis, yAxis: Axis, left: Double, right: Double, top: Double, bottom: Double,
               px: (Double) -> Double?, py: (Double) -> Double?) {
    s.raw("<g stroke=\"#e3e3e3\" stroke-width=\"1\">")
    for t in xAxis.ticks { if let X = px(t.value) { s.line(X, top, X, bottom, stroke: "#e3e3e3") } }
    for t in yAxis.ticks { if let Y = py(t.value) { s.line(left, Y, right, Y, stroke: "#e3e3e3") } }
    s.raw("</g>")
    s.rect(left, top, right - left, bottom - top, fill: "none", extra: "stroke=\"#555555\" stroke-width=\"1\"")
    for t in xAxis.ticks {
        guard let X = px(t.value) else { continue }
        s.line(X, bottom, X, bottom + 5, stroke: "#555555")
        s.text(t.label, x: X, y: bottom + 20, anchor: "middle", size: 12, markup: true)
    }
    for v in xAxis.minorTicks { if let X = px(v), X >= left, X <= right { s.line(X, bottom, X, bottom + 3, stroke: "#555555") } }
    for t in yAxis.ticks {
        guard let Y = py(t.value) else { continue }
        s.line(left - 5, Y, left, Y, stroke: "#555555")
        s.text(t.label, x: left - 8, y: Y + 4, anchor: "end", size: 12, markup: true)
    }
    for v in yAxis.minorTicks { if let Y = py(v), Y >= top, Y <= bottom { s.line(left - 3, Y, left, Y, stroke: "#555555") } }
    s.text(xAxis.label, x: (left + right) / 2, y: bottom + 44, anchor: "middle")
    s.text(yAxis.label, x: 22, y: (top + bottom) / 2, anchor: "middle", rotate: true)
}
