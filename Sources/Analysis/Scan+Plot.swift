import PathwayModel
import Plot
import Synchronization

extension ScanDefinition {
    /// The largest scan that is plotted (its rows are held in memory to plot them).
    public static let maximumPlottedRows = 1_000_000

    /// The scan as SVG: a line over the one axis, or a heat map over two (the first axis across).
    /// `rows` are the output's rows (axis values, then the readout), in grid order.
    public func plot(rows: [[Double]], model: Model, logY: Bool) -> String {
        let d = self
        let title = d.readout.label
        let desc = "\(d.readout.label) of \(model.name.isEmpty ? model.id : model.name) over " + d.axes.map(\.name).joined(separator: " and ")
        func axisLabel(_ name: String) -> String {
            model.species(named: name) != nil && model.parameter(named: name) == nil ? "\(name) (\(model.units.concentration.rawValue))" : name
        }
        if d.axes.count == 1 {
            return LinePlot(title: title, description: desc, xLabel: axisLabel(d.axes[0].name), yLabel: d.readout.label,
                            series: [Series(name: "", x: rows.map { $0[0] }, y: rows.map { $0[d.axes.count] })],
                            logX: d.axes[0].logarithmic, logY: logY, markers: [rows.count <= 60]).svg()
        }
        let xs = d.axes[0].values, ys = d.axes[1].values
        var grid = [[Double]](repeating: [Double](repeating: .nan, count: ys.count), count: xs.count)
        for (k, row) in rows.enumerated() where k < xs.count * ys.count { grid[k / ys.count][k % ys.count] = row[d.axes.count] }
        return HeatMap(title: title, description: desc, xLabel: axisLabel(d.axes[0].name), yLabel: axisLabel(d.axes[1].name), colourLabel: d.readout.label,
                       x: xs, y: ys, values: grid).svg()
    }
}

/// The failed points of a scan as they are delivered (from any thread): the first few messages and
/// the count, behind a lock.
public final class ScanFailures: Sendable {
    private struct State {
        var messages: [String] = []
        var count = 0
    }
    private let state = Mutex(State())
    /// How many messages are kept (a scan of 10⁸ rows must not keep one per row).
    public static let kept = 5

    public init() {}

    public var count: Int { state.withLock { $0.count } }

    /// Notes `point` when it failed.
    public func add(_ point: ScanPoint) {
        guard let why = point.outcome.failure else { return }
        state.withLock { s in
            if s.count < Self.kept {
                s.messages.append("row \(point.index + 1) (\(point.values.map { NumberFormat.short($0) }.joined(separator: ", "))): \(why)")
            }
            s.count += 1
        }
    }

    /// The kept messages, a line for those left out, and the count against `of` points computed.
    public func messages(of total: Int) -> [String] {
        state.withLock { s in
            var messages = s.messages
            if s.count > Self.kept { messages.append("… and \(s.count - Self.kept) more failed points") }
            return messages + ["\(s.count) of \(total) points failed (their value is NaN)"]
        }
    }
}

/// Delivered rows (axis values, then the readout), kept to plot a scan that is not written to a file.
public final class ScanRows: Sendable {
    private let storage = Mutex<[[Double]]>([])
    public init() {}
    public var rows: [[Double]] { storage.withLock { $0 } }
    public func add(_ p: ScanPoint) { storage.withLock { $0.append(p.values + [p.outcome.value]) } }
}
