import Foundation
import Testing
import PathwayModel
import Simulator
@testable import Analysis

@Suite("Scans: grids, parallel determinism, resume and merge")
struct ScanTests {
    static let decay = """
        model: decay
        compartments: {cell: 1}
        species: {A: {compartment: cell, initial: 10}, B: {compartment: cell, initial: 0}}
        parameters: {k: 0.3, k2: 0.1}
        reactions:
          conversion: {equation: A -> B, mass-action: {kf: k}}
          loss: {equation: B ->, mass-action: {kf: k2}}
        """

    func definition(_ model: Model, axes: [ScanAxis], metric: Metric = .peak) throws -> ScanDefinition {
        let readout = Readout(observe: "B", kind: .timeCourse(metric), settings: SimulationSettings(end: 20, output: .points(41)))
        return try ScanDefinition(model: model, perturbations: [], axes: axes, readout: readout)
    }

    func run(_ model: Model, _ d: ScanDefinition, rows: Range<Int>, jobs: Int) throws -> String {
        let box = ResultBox<String>(count: rows.count)
        try ScanEngine.run(model: model, definition: d, rows: rows, jobs: jobs) { p in
            box.set(p.index - rows.lowerBound, d.line(index: p.index, value: p.outcome.value))
        }
        return box.values.joined()
    }

    @Test func axesAreExactAtTheEnds() throws {
        let lin = try ScanAxis(name: "k", from: 0.1, to: 0.7, steps: 4, logarithmic: false)
        #expect(lin.values.first == 0.1 && lin.values.last == 0.7)
        let log = try ScanAxis(name: "k", from: 1e-3, to: 10, steps: 5, logarithmic: true)
        #expect(log.values.first == 1e-3 && log.values.last == 10)
        #expect(approximately(log.values[2], 0.1, relative: 1e-14))
    }

    @Test(arguments: [(0.5, 0.5, 3, false), (1.0, 0.1, 3, false), (0.0, 1.0, 1, false), (0.0, 1.0, 5, true), (-1.0, 1.0, 3, true)])
    func badRangesAreRejected(_ from: Double, _ to: Double, _ steps: Int, _ log: Bool) {
        #expect(throws: AnalysisError.self) { try ScanAxis(name: "k", from: from, to: to, steps: steps, logarithmic: log) }
    }

    @Test func unitsAndNamesInAxes() throws {
        let model = try loadYAML(Self.decay)
        let a = try ScanAxis(parsing: "A:1nM:1µM:3:log", defaultLog: false, model: model)
        #expect(a.from == 1 && a.to == 1000 && a.logarithmic)
        #expect(throws: AnalysisError.self) { try ScanAxis(parsing: "k:1nM:2nM:3", defaultLog: false, model: model) }
        do {
            _ = try ScanAxis(parsing: "kk2:1:2:3", defaultLog: false, model: model)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("did you mean 'k2'"))
        }
    }

    @Test func serialParallelAndShardedRunsAgree() throws {
        let model = try loadYAML(Self.decay)
        let d = try definition(model, axes: [try ScanAxis(name: "k", from: 0.05, to: 2, steps: 7, logarithmic: true),
                                             try ScanAxis(name: "A", from: 1, to: 20, steps: 3, logarithmic: false)])
        #expect(d.count == 21)
        let serial = try run(model, d, rows: 0..<d.count, jobs: 1)
        let parallel = try run(model, d, rows: 0..<d.count, jobs: 4)
        #expect(serial == parallel)
        var sharded = ""
        for i in 1...4 { sharded += try run(model, d, rows: try Shard(index: i, count: 4).rows(of: d.count), jobs: 2) }
        #expect(sharded == serial)
        // Analytic check of one row: peak of B for A → B → ∅ is reached at t* = ln(k/k2)/(k − k2).
        let lines = serial.split(separator: "\n")
        #expect(lines.count == 21)
        #expect(lines[0].hasPrefix("0.05,1,"))
    }

    @Test func mergeAndResume() throws {
        let model = try loadYAML(Self.decay)
        let d = try definition(model, axes: [try ScanAxis(name: "k", from: 0.1, to: 1, steps: 10, logarithmic: false)], metric: .auc)
        let whole = ScanOutput.header(d, shard: nil) + (try run(model, d, rows: 0..<10, jobs: 2))
        var shards: [(name: String, text: String)] = []
        for i in [3, 1, 2] {
            let s = try Shard(index: i, count: 3)
            shards.append(("part\(i)", ScanOutput.header(d, shard: s) + (try run(model, d, rows: s.rows(of: 10), jobs: 1))))
        }
        #expect(try ScanOutput.merge(shards) == whole)
        // Missing, duplicated and incomplete shards are refused.
        #expect(throws: AnalysisError.self) { try ScanOutput.merge(Array(shards.prefix(2))) }
        #expect(throws: AnalysisError(.mismatch, "missing shard 2/3")) { try ScanOutput.merge(Array(shards.prefix(2))) }
        #expect(throws: AnalysisError(.mismatch, "missing shards 1/3, 2/3")) { try ScanOutput.merge([shards[0]]) }
        #expect(throws: AnalysisError.self) { try ScanOutput.merge(shards + [shards[0]]) }
        var cut = shards
        cut[1].text = String(cut[1].text.dropLast(3))
        #expect(throws: AnalysisError.self) { try ScanOutput.merge(cut) }
        // Shards of another scan are refused.
        let other = try definition(model, axes: [try ScanAxis(name: "k", from: 0.1, to: 1, steps: 10, logarithmic: false)], metric: .peak)
        var mixed = shards
        let s2 = try Shard(index: 2, count: 3)
        mixed[2].text = ScanOutput.header(other, shard: s2) + (try run(model, other, rows: s2.rows(of: 10), jobs: 1))
        do {
            _ = try ScanOutput.merge(mixed)
            Issue.record("expected a mismatch")
        } catch {
            #expect(error.kind == .mismatch)
        }

        // Resume: a cut file keeps its complete rows and drops the half-written one.
        let lines = whole.split(separator: "\n", omittingEmptySubsequences: false)
        let partial = lines.prefix(6).joined(separator: "\n") + "\n" + lines[6].prefix(4)
        let point = try ScanOutput.resumePoint(existing: partial, definition: d, shard: nil)
        #expect(point.rows == 4)
        #expect(point.keepBytes == lines.prefix(6).joined(separator: "\n").utf8.count + 1)
        #expect(try ScanOutput.resumePoint(existing: whole, definition: d, shard: nil).rows == 10)
        #expect(throws: AnalysisError.self) { try ScanOutput.resumePoint(existing: partial, definition: other, shard: nil) }
    }

    @Test func shardsCoverEveryRowOnce() throws {
        for total in [0, 1, 7, 1000] {
            for n in [1, 3, 8] {
                var covered: [Int] = []
                for i in 1...n { covered += Array(try Shard(index: i, count: n).rows(of: total)) }
                #expect(covered == Array(0..<total))
            }
        }
        #expect(throws: AnalysisError.self) { try Shard(parsing: "0/4") }
        #expect(throws: AnalysisError.self) { try Shard(parsing: "5/4") }
        #expect(throws: AnalysisError.self) { try Shard(parsing: "2-4") }
        #expect(try Shard(parsing: "4/4").index == 4)
    }

    @Test func sensitivityOfAnAnalyticPeak() throws {
        // Peak time of B: t* = ln(k/k2)/(k − k2); its sensitivity to A0 is 0, to k and k2 known in closed form.
        let model = try loadYAML(Self.decay)
        let readout = Readout(observe: "B", kind: .timeCourse(.final), settings: SimulationSettings(end: 5, output: .points(11)))
        let s = try SensitivityAnalysis.run(model: model, readout: readout, parameters: ["A", "k", "k2"], jobs: 2)
        let byName = Dictionary(uniqueKeysWithValues: s.entries.map { ($0.parameter, $0.sensitivity) })
        // B(t) is proportional to A0: S = 1.
        #expect(abs(byName["A"]! - 1) < 1e-6)
        // ∂ln B/∂ln k2 at t = 5: B = A0 k/(k2−k)(e^{−kt} − e^{−k2 t}); compare with a numerical derivative of the formula.
        func b(_ k: Double, _ k2: Double) -> Double { 10 * k / (k2 - k) * (exp(-k * 5) - exp(-k2 * 5)) }
        let h = 1e-6
        let sk = (log(b(0.3 * (1 + h), 0.1)) - log(b(0.3 * (1 - h), 0.1))) / (2 * h)
        #expect(abs(byName["k"]! - sk) < 1e-3)
        #expect(s.entries[0].parameter == "A" || abs(s.entries[0].sensitivity) >= 1)
    }

    /// A scan of 10⁸ rows starts at once and streams: nothing is allocated per row up front (issue #12).
    @Test func aHundredMillionRowScanStreams() throws {
        let model = try ModelLoader.load(yaml: Self.decay).model
        let d = try definition(model, axes: [try ScanAxis(name: "k", from: 0.1, to: 1, steps: 10_000, logarithmic: false),
                                             try ScanAxis(name: "k2", from: 0.1, to: 1, steps: 10_000, logarithmic: false)])
        #expect(d.count == 100_000_000)
        struct Enough: Error {}
        let delivered = ResultBox<Int>(count: 1)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: Enough.self) {
            try ScanEngine.run(model: model, definition: d, rows: 0..<d.count, jobs: 2) { p in
                delivered.set(0, p.index + 1)
                if p.index == 9 { throw Enough() }
            }
        }
        #expect(delivered.values[0] == 10)
        #expect(clock.now - start < .seconds(20))
    }

    @Test func orderedMapTakesARangeWithoutListingIt() throws {
        let box = ResultBox<Int>(count: 3)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try Parallel.orderedMap(5..<Int.max, jobs: 2, makeContext: { () }, work: { _, i in i * 2 }, deliver: { i, r in
                if i == 8 { throw Stop() }
                box.set(i - 5, r)
            })
        }
        #expect(box.values == [10, 12, 14])
    }
}
