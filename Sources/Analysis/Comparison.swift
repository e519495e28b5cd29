import PathwayModel
import Simulator

/// One run of a comparison: a label and the perturbations that make it.
public struct ComparisonRun: Sendable, Hashable {
    public var label: String
    public var perturbations: [Perturbation]

    public init(label: String, perturbations: [Perturbation]) {
        self.label = label
        self.perturbations = perturbations
    }
}

/// The time courses of one run and their summaries.
public struct RunResult: Sendable {
    public var label: String
    public var times: [Double]
    /// `series[k]`: the values of `observe[k]` at `times`.
    public var series: [[Double]]
    public var summaries: [TimeCourseSummary]
    /// Why the run failed, if it did (its numbers are then partial).
    public var failure: String?
    /// Stochastic comparisons: the standard deviation of each readout over the runs (``summaries`` then
    /// holds their means, and ``series`` the mean time course); nil for deterministic runs.
    public var spread: [TimeCourseSummary]? = nil
}

/// Runs compared with the first (the baseline): per observable, peak, time to peak, final value, AUC
/// and fold changes of peak and AUC.
public struct Comparison: Sendable {
    public var observe: [String]
    public var runs: [RunResult]
    public var timeUnit: String
    public var concentrationUnit: String

    /// Runs the baseline (no perturbation, labelled "baseline") and each run, `jobs` at a time.
    public static func run(model: Model, runs: [ComparisonRun], observe: [String], settings: SimulationSettings,
                           jobs: Int = Parallel.availableCores) throws(AnalysisError) -> Comparison {
        guard !observe.isEmpty else { throw AnalysisError(.invalidValue, "nothing to observe") }
        for name in observe { try model.checkObservable(name) }
        let all = [ComparisonRun(label: "baseline", perturbations: [])] + runs
        var models: [Model] = []
        for run in all {
            models.append(try model.perturbed(by: run.perturbations))
        }
        let frozen = models
        let results = ResultBox<RunResult>(count: all.count)
        do {
            try Parallel.orderedMap(Array(all.indices), jobs: jobs, makeContext: { () }, work: { _, i in
                Self.simulate(frozen[i], label: all[i].label, observe: observe, settings: settings)
            }, deliver: { i, r in results.set(i, r) })
        } catch {
            throw AnalysisError(.numerical, "\(error)")
        }
        return Comparison(observe: observe, runs: results.values, timeUnit: model.units.time.rawValue,
                          concentrationUnit: model.units.concentration.rawValue)
    }

    /// The stochastic comparison: each run (the baseline first) is `trajectories` SSA trajectories from
    /// the same seed (common random numbers: run i of every scenario draws from stream i), and each
    /// readout is the mean of the trajectories' readouts, with their standard deviation.
    public static func runStochastic(model: Model, runs: [ComparisonRun], observe: [String], settings: SimulationSettings,
                                     options: StochasticOptions = StochasticOptions(), trajectories: Int, seed: UInt64,
                                     jobs: Int = Parallel.availableCores) throws(AnalysisError) -> Comparison {
        guard !observe.isEmpty else { throw AnalysisError(.invalidValue, "nothing to observe") }
        guard trajectories >= 2 else { throw AnalysisError(.invalidValue, "at least 2 trajectories per run are needed for a spread, not \(trajectories)") }
        for name in observe { try model.checkObservable(name) }
        let all = [ComparisonRun(label: "baseline", perturbations: [])] + runs
        var results: [RunResult] = []
        for run in all {
            let perturbed = try model.perturbed(by: run.perturbations)
            let e: StochasticEnsemble
            do {
                e = try StochasticEnsemble.run(model: perturbed, settings: settings, observe: observe, options: options,
                                               runs: trajectories, seed: seed, jobs: jobs, keep: trajectories)
            } catch {
                throw AnalysisError(.numerical, "run '\(run.label)': \(error)")
            }
            var means: [TimeCourseSummary] = [], sds: [TimeCourseSummary] = []
            for k in observe.indices {
                let each = e.trajectories.map { TimeCourseSummary(times: e.times, values: $0.map { $0[k] }) }
                func stats(_ f: (TimeCourseSummary) -> Double) -> (Double, Double) {
                    var moments = RunningMoments()
                    for s in each { moments.add(f(s)) }
                    return (moments.mean, moments.standardDeviation)
                }
                let p = stats(\.peak), t = stats(\.timeToPeak), f = stats(\.final), a = stats(\.auc)
                means.append(TimeCourseSummary(peak: p.0, timeToPeak: t.0, final: f.0, auc: a.0))
                sds.append(TimeCourseSummary(peak: p.1, timeToPeak: t.1, final: f.1, auc: a.1))
            }
            var r = RunResult(label: run.label, times: e.times, series: observe.indices.map { k in e.mean.map { $0[k] } },
                              summaries: means, failure: nil)
            r.spread = sds
            results.append(r)
        }
        return Comparison(observe: observe, runs: results, timeUnit: model.units.time.rawValue,
                          concentrationUnit: model.units.concentration.rawValue)
    }

    static func simulate(_ model: Model, label: String, observe: [String], settings: SimulationSettings) -> RunResult {
        func failed(_ why: String) -> RunResult {
            RunResult(label: label, times: [], series: observe.map { _ in [] },
                      summaries: observe.map { _ in TimeCourseSummary(times: [], values: []) }, failure: why)
        }
        let compiled: CompiledModel
        do { compiled = try CompiledModel(model) } catch { return failed(error.message) }
        let r: SimulationResult
        do { r = try compiled.simulate(settings, observe: observe) } catch { return failed(error.message) }
        let series = observe.indices.map { k in r.values.map { $0[k] } }
        return RunResult(label: label, times: r.times, series: series,
                         summaries: series.map { TimeCourseSummary(times: r.times, values: $0) },
                         failure: r.status.isSuccess ? nil : r.status.description)
    }

    /// `value / baseline`, NaN when the baseline is zero (and the value is not).
    public static func fold(_ value: Double, _ baseline: Double) -> Double {
        if baseline == 0 { return value == 0 ? 1 : .nan }
        return value / baseline
    }

    public enum Format: String, Sendable, CaseIterable { case text, csv, json }

    /// The comparison as a table.
    public func formatted(_ format: Format) -> String {
        let stochastic = runs.allSatisfy { $0.spread != nil }
        var columns = ["observable", "run", "peak", "time_to_peak", "final", "auc", "peak_fold", "auc_fold"]
        if stochastic { columns += ["peak_sd", "time_to_peak_sd", "final_sd", "auc_sd"] }
        var rows: [[String]] = []
        var numbers: [[Double]] = []
        for (k, name) in observe.enumerated() {
            let base = runs[0].summaries[k]
            for run in runs {
                let s = run.summaries[k]
                var values = [s.peak, s.timeToPeak, s.final, s.auc, Self.fold(s.peak, base.peak), Self.fold(s.auc, base.auc)]
                if let sd = run.spread?[k] { values += [sd.peak, sd.timeToPeak, sd.final, sd.auc] }
                numbers.append(values)
                rows.append([name, run.label])
            }
        }
        switch format {
        case .csv:
            var out = columns.joined(separator: ",") + "\n"
            for (r, n) in zip(rows, numbers) { out += (r + n.map(NumberFormat.exact)).joined(separator: ",") + "\n" }
            return out
        case .json:
            var out = "{\n  \"time_unit\": \"\(timeUnit)\",\n  \"auc\": \"trapezoid rule on the output grid\",\n  \"rows\": [\n"
            out += zip(rows, numbers).map { r, n in
                let fields = zip(columns.dropFirst(2), n).map { "\"\($0)\": \(JSON.number($1))" }
                return "    {\"observable\": \(JSON.string(r[0])), \"run\": \(JSON.string(r[1])), " + fields.joined(separator: ", ") + "}"
            }.joined(separator: ",\n")
            out += "\n  ],\n  \"failures\": {" + runs.compactMap { r in r.failure.map { "\(JSON.string(r.label)): \(JSON.string($0))" } }.joined(separator: ", ") + "}\n}\n"
            return out
        case .text:
            let header = ["observable", "run", "peak", "t_peak (\(timeUnit))", "final", "AUC (·\(timeUnit))", "peak fold", "AUC fold"]
            let body = zip(rows, numbers).map { r, n in
                // Stochastic runs: mean ± sd of the trajectories' readouts.
                r + n.prefix(6).enumerated().map { i, v in
                    stochastic && i < 4 ? "\(NumberFormat.short(v)) ± \(NumberFormat.short(n[6 + i]))" : NumberFormat.short(v)
                }
            }
            var out = TextTable.render(header: header, rows: body, rightAligned: Set(2..<8))
            if stochastic {
                out += "\nStochastic: each readout is the mean ± sd over the trajectories' own readouts (fold changes of the means); every run uses the same seed.\n"
            }
            let points = runs[0].times.count
            out += "\nAUC by the trapezoid rule on the output grid (\(points) points); peak and time to peak are read off the same grid.\n"
            out += "Fold changes are relative to the baseline run (NaN where the baseline is zero).\n"
            for r in runs where r.failure != nil { out += "warning: run '\(r.label)' failed: \(r.failure!)\n" }
            return out
        }
    }
}

/// Fixed-width text tables.
public enum TextTable {
    public static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Minimal JSON writing (deterministic): numbers in their shortest exact form, `null` for NaN and
/// infinities (JSON has neither), strings escaped.
public enum JSON {
    public static func number(_ v: Double) -> String { v.isFinite ? NumberFormat.exact(v) : "null" }
    public static func string(_ s: String) -> String { doubleQuoted(s) }
}
