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

/// A reference line drawn behind the data (thin, grey, dashed), such as a slope guide on log–log axes.
/// Its label goes next to its first visible point: to the right when there is room, else below and to
/// the left. Guides do not change the axes: they are clipped to the plot area.
public struct Guide: Sendable {
    public var label: String
    public var x: [Double]
    public var y: [Double]

    public init(label: String, x: [Double], y: [Double]) {
        self.label = label
        self.x = x
        self.y = y
    }
}

/// A line plot of several series with labelled axes, nice ticks, optional log axes and a legend,
/// written as a self-contained SVG: a viewBox and no fixed size (it scales to its container), a
/// `<title>` and `<desc>` for screen readers, real text (selectable, searchable), the Okabe–Ito
/// palette with dash patterns. The output depends only on the input: numbers have fixed formatting.
/// A shaded range around a series (a mean ± 1 sd, say), in that series' colour.
public struct Band: Sendable {
    /// The index of the series whose colour the band takes.
    public var series: Int
    public var x: [Double]
    public var lower: [Double]
    public var upper: [Double]

    public init(series: Int, x: [Double], lower: [Double], upper: [Double]) {
        self.series = series
        self.x = x
        self.lower = lower
        self.upper = upper
    }
}

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
    /// Reference lines behind the data.
    public var guides: [Guide]
    /// Shaded ranges behind the lines.
    public var bands: [Band] = []

    public init(title: String, description: String = "", xLabel: String, yLabel: String, series: [Series],
                logX: Bool = false, logY: Bool = false, markers: [Bool] = [], guides: [Guide] = []) {
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
        self.markers = markers
        self.guides = guides
    }

    public func svg() -> String {
        let width = 760.0, height = 460.0
        let legendWidth = series.count > 1 || !(series.first?.name.isEmpty ?? true) ? 180.0 : 20.0
        let left = 84.0, right = width - legendWidth, top = 48.0, bottom = height - 62
        let xAxis = Axis(label: xLabel, covering: series.flatMap(\.x), logarithmic: logX, tight: true)
        let yAxis = Axis(label: yLabel, covering: series.flatMap(\.y) + bands.flatMap { $0.lower + $0.upper }, logarithmic: logY, includeZero: !logY)
        func px(_ v: Double) -> Double? { xAxis.fraction(v).map { left + $0 * (right - left) } }
        func py(_ v: Double) -> Double? { yAxis.fraction(v).map { bottom - $0 * (bottom - top) } }

        var s = SVG()
        let desc = description.isEmpty
            ? "\(yLabel) against \(xLabel): " + series.map(\.name).filter { !$0.isEmpty }.joined(separator: ", ")
            : description
        s.open(width: width, height: height, title: title, description: desc)
        s.title(title, x: left, y: 28, maxWidth: width - left - 16)
        drawFrame(&s, xAxis: xAxis, yAxis: yAxis, left: left, right: right, top: top, bottom: bottom, px: px, py: py)
        drawGuides(&s, left: left, right: right, top: top, bottom: bottom, xAxis: xAxis, yAxis: yAxis)
        for band in bands {
            let colour = Palette.categorical[band.series % Palette.categorical.count]
            var points: [String] = []
            for (x, y) in zip(band.x, band.upper) + zip(band.x, band.lower).reversed() {
                // Values off a logarithmic axis are pinned to its edge.
                if let X = px(x) { points.append("\(SVG.number(X)),\(SVG.number(py(y) ?? bottom))") }
            }
            s.raw("<polygon points=\"\(points.joined(separator: " "))\" fill=\"\(colour)\" fill-opacity=\"0.18\" stroke=\"none\"/>")
        }

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

extension LinePlot {
    /// Guides, clipped to the plot area (Liang–Barsky, in screen coordinates), each labelled just inside
    /// the area where it enters it.
    func drawGuides(_ s: inout SVG, left: Double, right: Double, top: Double, bottom: Double, xAxis: Axis, yAxis: Axis) {
        for guide in guides {
            // Screen coordinates without clamping (points may lie far outside).
            let points: [(Double, Double)?] = zip(guide.x, guide.y).map { x, y in
                guard let fx = xAxis.fraction(x), let fy = yAxis.fraction(y) else { return nil }
                return (left + fx * (right - left), bottom - fy * (bottom - top))
            }
            var d = ""
            var labelAt: (Double, Double)?
            for k in points.indices.dropFirst() {
                guard let a = points[k - 1], let b = points[k],
                      let (p, q) = Self.clip(a, b, left: left, right: right, top: top, bottom: bottom) else { continue }
                d += (d.isEmpty ? "M" : " M") + "\(SVG.number(p.0)) \(SVG.number(p.1)) L\(SVG.number(q.0)) \(SVG.number(q.1))"
                if labelAt == nil { labelAt = p }
            }
            guard !d.isEmpty, let at = labelAt else { continue }
            s.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"><title>\(SVG.escape(guide.label))</title></path>")
            // Right of that point when there is room, else below and left of it; always inside the area.
            let room = right - at.0 >= 8 * Double(guide.label.count) + 10
            let x = room ? max(at.0 + 6, left + 6) : max(at.0 - 6, left + 6)
            let y = min(max(at.1 + (room ? 4 : 16), top + 14), bottom - 6)
            let anchor = room ? "start" : "end"
            // A white halo keeps the label readable where it crosses data.
            s.raw("<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\"\(anchor == "end" ? " text-anchor=\"end\"" : "") font-size=\"11\" fill=\"#555555\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(SVG.escape(guide.label))</text>")
        }
    }

    /// The part of segment a–b inside the rectangle, or nil (Liang–Barsky).
    static func clip(_ a: (Double, Double), _ b: (Double, Double), left: Double, right: Double, top: Double, bottom: Double)
        -> ((Double, Double), (Double, Double))?
    {
        let dx = b.0 - a.0, dy = b.1 - a.1
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, a.0 - left), (dx, right - a.0), (-dy, a.1 - top), (dy, bottom - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; t0 = max(t0, r) } else { if r < t0 { return nil }; t1 = min(t1, r) }
            }
        }
        return ((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy))
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
