import Foundation
import PathwayModel

/// A simulated time course to paint on a diagram: values of species and observables over time.
public struct DiagramResults: Sendable, Hashable {
    public var times: [Double]
    /// Values by species or observable id, one per time.
    public var columns: [String: [Double]]

    public init(times: [Double], columns: [String: [Double]]) {
        self.times = times
        self.columns = columns
    }

    /// The value of `name` at `t`, linearly interpolated between output times (nil outside the run or
    /// for a name the results do not have).
    public func value(_ name: String, at t: Double) -> Double? {
        guard let column = columns[name], let first = times.first, let last = times.last,
              t >= first - 1e-9 * Swift.max(1, abs(first)), t <= last + 1e-9 * Swift.max(1, abs(last)) else { return nil }
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid } else { hi = mid }
        }
        let (t0, t1) = (times[lo], times[hi])
        guard t1 > t0 else { return column[lo] }
        let w = Swift.min(1, Swift.max(0, (t - t0) / (t1 - t0)))
        return column[lo] + w * (column[hi] - column[lo])
    }
}

/// How a diagram shows simulation results: node colours at one time (or the change against a
/// baseline), and optionally each node's time course drawn small inside it.
public struct LevelOptions: Sendable, Hashable {
    public var results: DiagramResults
    /// The time the colours show, in the model's time unit.
    public var time: Double
    /// The time as a reader writes it ("30 min").
    public var timeLabel: String
    /// Colour the change against this run instead of the level (a diverging scale).
    public var baseline: DiagramResults?
    /// What the coloured run is, for the legend and tooltips ("shp2-knockout").
    public var runLabel: String?
    /// Draw each node's time course (its level over the whole run) small inside it.
    public var sparklines: Bool

    public init(results: DiagramResults, time: Double, timeLabel: String, baseline: DiagramResults? = nil,
                runLabel: String? = nil, sparklines: Bool = false) {
        self.results = results
        self.time = time
        self.timeLabel = timeLabel
        self.baseline = baseline
        self.runLabel = runLabel
        self.sparklines = sparklines
    }
}

/// What a drawn node stands for, so that results can be painted on it.
struct NodeContent: Sendable, Hashable {
    /// The text on the node and its state badge.
    var label: String
    var state: String?
    /// Every species drawn into the node (its forms, and complexes that contain it).
    var species: [String]
    /// Those of `species` that are active forms or active complexes.
    var activeSpecies: [String]
    /// An observable that reads the node out as a fraction (`entity:` and unit "1"), if any.
    var readout: String?
    var knockedOut = false
}

/// Colour scales that are perceptually uniform and safe for colour-blind readers.
public enum ColourScale {
    /// Viridis (van der Walt & Smith, matplotlib), sampled at 0, 0.1, …, 1: dark purple to yellow.
    static let viridis: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d), (0x2a, 0x78, 0x8e),
        (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70), (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26),
        (0xfd, 0xe7, 0x25),
    ]
    /// ColorBrewer RdBu (11 classes), reversed: blue for a fall, white for none, red for a rise.
    static let diverging: [(Double, Double, Double)] = [
        (0x05, 0x30, 0x61), (0x21, 0x66, 0xac), (0x43, 0x93, 0xc3), (0x92, 0xc5, 0xde), (0xd1, 0xe5, 0xf0),
        (0xf7, 0xf7, 0xf7), (0xfd, 0xdb, 0xc7), (0xf4, 0xa5, 0x82), (0xd6, 0x60, 0x4d), (0xb2, 0x18, 0x2b),
        (0x67, 0x00, 0x1f),
    ]

    /// The sequential colour of `x` in 0…1 (clamped), as `#rrggbb`.
    public static func sequential(_ x: Double) -> String { hex(interpolate(viridis, x)) }

    /// The diverging colour of `x` in −1…1 (clamped), as `#rrggbb`.
    public static func divergent(_ x: Double) -> String { hex(interpolate(diverging, (x + 1) / 2)) }

    /// Whether text on `colour` should be white (the colour is dark).
    public static func needsLightText(_ colour: String) -> Bool {
        let v = Array(colour.utf8.dropFirst()).chunks(2).map { Double(Int(String(decoding: $0, as: UTF8.self), radix: 16) ?? 0) / 255 }
        guard v.count == 3 else { return false }
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        let luminance = 0.2126 * linear(v[0]) + 0.7152 * linear(v[1]) + 0.0722 * linear(v[2])
        return luminance < 0.2
    }

    static func interpolate(_ table: [(Double, Double, Double)], _ x: Double) -> (Double, Double, Double) {
        let t = x.isNaN ? 0 : Swift.min(1, Swift.max(0, x))
        let position = t * Double(table.count - 1)
        let i = Swift.min(table.count - 2, Int(position))
        let w = position - Double(i)
        let (a, b) = (table[i], table[i + 1])
        return (a.0 + w * (b.0 - a.0), a.1 + w * (b.1 - a.1), a.2 + w * (b.2 - a.2))
    }

    static func hex(_ c: (Double, Double, Double)) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for v in [c.0, c.1, c.2] {
            let n = Swift.min(255, Swift.max(0, Int(v.rounded())))
            out.append(digits[n / 16])
            out.append(digits[n % 16])
        }
        return out
    }
}

private extension Array {
    func chunks(_ n: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: n).map { self[$0..<Swift.min($0 + n, count)] }
    }
}

/// The level a node shows, computed from results.
///
/// - A node with a readout observable (`entity:` naming it, unit "1") shows that fraction.
/// - A node with active forms shows the fraction of its molecules that are in an active form or an
///   active complex, counting amounts (concentration × compartment size, so a nuclear and a
///   cytoplasmic form weigh by their volumes).
/// - Any other node shows its total amount as a fraction of the largest total over the run.
struct NodeLevel {
    var value: Double
    /// What the value is, for tooltips ("9.9% of STAT3 active").
    var kind: Kind
    var total: Double

    enum Kind { case readout(String), activeFraction, ofMaximum }

    static func compute(_ content: NodeContent, model: Model, results: DiagramResults, at t: Double) -> NodeLevel? {
        if let readout = content.readout, let v = results.value(readout, at: t) {
            return NodeLevel(value: v, kind: .readout(readout), total: .nan)
        }
        guard let series = amounts(content, model: model, results: results) else { return nil }
        if !content.activeSpecies.isEmpty {
            let total = series.total(at: t, results.times), active = series.active(at: t, results.times)
            return NodeLevel(value: total > 0 ? active / total : 0, kind: .activeFraction, total: total)
        }
        let maximum = series.totals.max() ?? 0
        let total = series.total(at: t, results.times)
        return NodeLevel(value: maximum > 0 ? total / maximum : 0, kind: .ofMaximum, total: total)
    }

    /// The node's level at every output time (for sparklines and animation).
    static func series(_ content: NodeContent, model: Model, results: DiagramResults) -> [Double]? {
        if let readout = content.readout, let column = results.columns[readout] { return column }
        guard let s = amounts(content, model: model, results: results) else { return nil }
        if !content.activeSpecies.isEmpty {
            return zip(s.totals, s.actives).map { $0 > 0 ? $1 / $0 : 0 }
        }
        let maximum = s.totals.max() ?? 0
        return s.totals.map { maximum > 0 ? $0 / maximum : 0 }
    }

    struct Amounts {
        var totals: [Double]
        var actives: [Double]
        func total(at t: Double, _ times: [Double]) -> Double { NodeLevel.interpolate(totals, times, t) }
        func active(at t: Double, _ times: [Double]) -> Double { NodeLevel.interpolate(actives, times, t) }
    }

    static func amounts(_ content: NodeContent, model: Model, results: DiagramResults) -> Amounts? {
        let n = results.times.count
        var totals = [Double](repeating: 0, count: n), actives = [Double](repeating: 0, count: n)
        var found = false
        let active = Set(content.activeSpecies)
        for id in content.species {
            guard let column = results.columns[id], let s = model.species.first(where: { $0.id == id }) else { continue }
            found = true
            let size = s.amountValued ? 1 : (model.compartment(named: s.compartment)?.size ?? 1)
            for k in 0..<Swift.min(n, column.count) {
                let amount = Swift.max(0, column[k]) * size
                totals[k] += amount
                if active.contains(id) { actives[k] += amount }
            }
        }
        return found ? Amounts(totals: totals, actives: actives) : nil
    }

    static func interpolate(_ values: [Double], _ times: [Double], _ t: Double) -> Double {
        DiagramResults(times: times, columns: ["v": values]).value("v", at: t) ?? values.last ?? 0
    }

    /// Whether the node's total amount stays within a millionth of its maximum over the run.
    static func isConstant(_ content: NodeContent, model: Model, results: DiagramResults) -> Bool {
        guard let a = amounts(content, model: model, results: results), let hi = a.totals.max(), let lo = a.totals.min() else { return false }
        return hi - lo <= 1e-6 * abs(hi)
    }

    /// The value as a reader reads it.
    func describe(_ content: NodeContent, unit: String) -> String {
        switch kind {
        case .readout(let id): return "\(Self.percent(value)) (\(id))"
        case .activeFraction: return "\(Self.percent(value)) of \(content.label) active"
        case .ofMaximum: return "\(Self.number(total)) \(unit), \(Self.percent(value)) of its maximum over the run"
        }
    }

    static func percent(_ x: Double) -> String { number(100 * x, digits: 3) + "%" }

    static func number(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(x))))
        let decimals = Swift.max(0, digits - 1 - magnitude)
        var scaled = (abs(x) * pow(10, Double(decimals))).rounded()
        var text = ""
        for _ in 0..<decimals {
            let d = Int(scaled.truncatingRemainder(dividingBy: 10))
            text = String(d) + text
            scaled = (scaled / 10).rounded(.down)
        }
        let integer = String(Int(scaled))
        let body = decimals > 0 ? integer + "." + text : integer
        return (x < 0 ? "−" : "") + body
    }
}

/// Paints results on planned nodes: fill colour, text colour, tooltip; sparkline room in the label.
enum LevelPainter {
    /// Paints `nodes` and returns each painted node's series over the run (for sparklines), by node id.
    @discardableResult
    static func paint(_ nodes: inout [PlannedNode], model: Model, levels: LevelOptions) -> [String: [Double]] {
        let t = levels.time
        var values: [Int: (NodeLevel, NodeLevel?)] = [:]
        for (i, node) in nodes.enumerated() {
            guard let c = node.content, let level = NodeLevel.compute(c, model: model, results: levels.results, at: t) else { continue }
            let base = levels.baseline.flatMap { NodeLevel.compute(c, model: model, results: $0, at: t) }
            values[i] = (level, base)
        }
        let span = differenceSpan(levels: levels, values: Array(values.values))
        let amountUnit = "\(model.units.concentration.rawValue)·\(model.units.volume.rawValue)"
        var series: [String: [Double]] = [:]
        for i in values.keys.sorted() {
            guard let (level, base) = values[i], let c = nodes[i].content else { continue }
            var a = nodes[i].attributes
            var tip = nodes[i].title
            let when = " at \(levels.timeLabel)"
            if c.knockedOut {
                tip += "; \(level.describe(c, unit: amountUnit))\(when)"
            } else if levels.baseline != nil {
                let diff = level.value - (base?.value ?? 0)
                let colour = ColourScale.divergent(diff / span)
                a["fillcolor"] = .string(colour)
                a["fontcolor"] = .string(ColourScale.needsLightText(colour) ? "#ffffff" : "#000000")
                let run = levels.runLabel ?? "perturbed"
                tip += "; \(run): \(level.describe(c, unit: amountUnit)), baseline \(NodeLevel.percent(base?.value ?? 0)) "
                    + "(\(diff >= 0 ? "+" : "−")\(NodeLevel.number(abs(100 * diff))) points)\(when)"
            } else if case .ofMaximum = level.kind, NodeLevel.isConstant(c, model: model, results: levels.results) {
                a["fillcolor"] = .string(LevelPainter.constantColour)
                a["fontcolor"] = "#000000"
                tip += "; constant over the run"
            } else {
                let colour = ColourScale.sequential(level.value)
                a["fillcolor"] = .string(colour)
                a["fontcolor"] = .string(ColourScale.needsLightText(colour) ? "#ffffff" : "#000000")
                tip += "; \(level.describe(c, unit: amountUnit))\(when)"
            }
            var sparkline = false
            // A sparkline only where something happens (a flat line says nothing and crowds the node).
            if levels.sparklines, let s = NodeLevel.series(c, model: model, results: levels.results),
               let hi = s.max(), let lo = s.min(), hi - lo > 1e-9 * max(abs(hi), 1e-300) {
                series[nodes[i].id] = LevelPainter.thinned(s, to: 60)
                sparkline = true
            }
            // The badge keeps dark text on its white ground whatever the node's text colour.
            a["label"] = DiagramStyle.label(c.label, state: c.state, fontColor: c.knockedOut ? "#9a9a9a" : "#333333",
                                             reserveSparkline: sparkline)
            // Some shapes (gene arrows) do not grow with their label: give the sparkline its room.
            if sparkline { a["height"] = c.state == nil ? "0.58" : "0.78" }
            a["tooltip"] = .string(tip)
            var classes = a["class"]?.description ?? ""
            classes += classes.isEmpty ? "painted" : " painted"
            a["class"] = .string(classes)
            nodes[i].attributes = a
            nodes[i].title = tip
        }
        return series
    }

    /// The fill of a node whose amount does not change over the run (a constant phosphatase).
    static let constantColour = "#d9d9d9"

    /// At most `n` values of `series`, evenly picked (the first and the last kept).
    static func thinned(_ series: [Double], to n: Int) -> [Double] {
        guard series.count > n, n >= 2 else { return series }
        return (0..<n).map { series[Int((Double($0) * Double(series.count - 1) / Double(n - 1)).rounded())] }
    }

    /// The half-width of the diverging scale: the largest change, rounded up to a tenth of its decade
    /// (at least one percentage point), so that the strongest change reaches the scale's end.
    static func differenceSpan(levels: LevelOptions, values: [(NodeLevel, NodeLevel?)]) -> Double {
        guard levels.baseline != nil else { return 1 }
        let largest = values.map { abs($0.0.value - ($0.1?.value ?? 0)) }.max() ?? 0
        guard largest > 0.01 else { return 0.01 }
        let decade = pow(10, floor(log10(largest)))
        return ceil(largest / decade * 10) / 10 * decade
    }

    /// The legend row naming the colour scale and its ends.
    static func legendEntry(_ levels: LevelOptions, view: DiagramView = .activity) -> String {
        let cells = 11
        var swatches = ""
        let title: String, low: String, high: String
        if levels.baseline != nil {
            // The span depends on the values; the legend states it in percentage points.
            let what = view == .activity ? "Change in active fraction" : "Change in share of the maximum"
            title = "\(what), \(DiagramStyle.escapeHTML(levels.runLabel ?? "perturbed")) − baseline, at \(DiagramStyle.escapeHTML(levels.timeLabel)) (RdBu)"
            low = "fall"
            high = "rise"
            for k in 0..<cells { swatches += swatch(ColourScale.divergent(-1 + 2 * Double(k) / Double(cells - 1))) }
        } else {
            let what = view == .activity ? "Active fraction" : "Share of each species' maximum over the run"
            title = "\(what) at \(DiagramStyle.escapeHTML(levels.timeLabel)) (viridis; light grey: constant)"
            low = "0%"
            high = "100%"
            for k in 0..<cells { swatches += swatch(ColourScale.sequential(Double(k) / Double(cells - 1))) }
        }
        return "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR>"
            + "<TD ALIGN=\"LEFT\">\(title)  </TD><TD>\(low) </TD>\(swatches)<TD> \(high)</TD></TR></TABLE></TD></TR>"
    }

    static func swatch(_ colour: String) -> String {
        "<TD BGCOLOR=\"\(colour)\" WIDTH=\"14\" HEIGHT=\"12\"></TD>"
    }
}
