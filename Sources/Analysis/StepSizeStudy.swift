import Foundation
import PathwayModel
import Simulator

/// The step-size lesson: how the error of the fixed-step methods falls with the step, the order that
/// the fall measures, the steps the adaptive methods choose, and the largest step at which explicit
/// Euler stays stable, explained by the fastest eigenvalue of the Jacobian.
///
/// * **Reference.** Dormand–Prince 5(4) at rtol 1e-12, atol 1e-14 (Rodas4, then BDF, first when the
///   Jacobian at t₀ says Dormand–Prince would need more than 100 000 stability-limited steps; each
///   loosened tenfold up to 1e-10 when it fails). Its own error — the *floor* of every measured error —
///   is estimated as its difference from the same method run ten times looser (an overestimate).
/// * **Error** of a run: the largest, over the output times and the chosen species, of
///   |y − y_ref| / max_t |y_ref|: the deviation relative to the species' peak in the reference.
///   Runs are compared at the same evenly spaced output times (dense output between steps).
/// * **Unstable** run: a value not finite, or a state variable outside [−c, 10·c], c being its largest
///   magnitude in the reference (at least 10⁻³ of the largest of all): negative by more than its whole
///   range, or ten times past it. A bounded but wrong answer counts too — beyond Euler's linear limit a
///   nonlinear model may settle into a spurious oscillation instead of overflowing (Huang–Ferrell does,
///   with binding intermediates swinging between −0.02 and +0.02 µM where the reference stays below
///   3·10⁻⁴). Inside the limit a value may still dip below zero by less than its range (Euler's
///   sign-alternating but decaying iterates for steps between 1/|λ| and 2/|λ|).
/// * **Order**: ``ConvergenceOrder/fit(steps:errors:stable:floor:floorFactor:ceiling:slopeTolerance:)``.
/// * **Euler's stability**: ``EulerStability``.
public struct StepSizeStudy: Sendable {
    public struct Options: Sendable {
        /// Species or observables whose error is measured (empty: the model's `simulation.observe`,
        /// else every species).
        public var species: [String]
        /// The end of the time span (it starts at 0), in the model's time unit.
        public var end: Double
        /// Fixed-step methods (euler, rk4) run over the ladder; adaptive ones show their steps.
        public var methods: [Method]
        /// The ladder of steps (nil: ``StepSizeStudy/defaultLadder(end:)``).
        public var steps: [Double]?
        /// Tolerances of the adaptive methods whose steps are shown.
        public var rtol: Double
        public var atol: Double
        /// Evenly spaced output times, both ends included, where runs are compared.
        public var outputPoints: Int
        /// Search for the largest stable Euler step (by bisection, ~10 runs).
        public var findLargestStableEulerStep: Bool
        /// The most steps one fixed-step run may take (ladder and stability search).
        public var maxSteps: Int

        public init(species: [String] = [], end: Double, methods: [Method] = [.euler, .rk4, .dopri5], steps: [Double]? = nil,
                    rtol: Double = 1e-6, atol: Double = 1e-9, outputPoints: Int = 101,
                    findLargestStableEulerStep: Bool = true, maxSteps: Int = 2_000_000) {
            self.species = species
            self.end = end
            self.methods = methods
            self.steps = steps
            self.rtol = rtol
            self.atol = atol
            self.outputPoints = outputPoints
            self.findLargestStableEulerStep = findLargestStableEulerStep
            self.maxSteps = maxSteps
        }
    }

    /// The tight solution every run is compared with.
    public struct Reference: Sendable {
        public var method: Method
        public var rtol: Double
        public var atol: Double
        /// Its estimated error in the study's measure (its difference from a run ten times looser).
        public var floor: Double
        public var acceptedSteps: Int
    }

    /// One run of a fixed-step method.
    public struct LadderPoint: Sendable {
        public var step: Double
        /// The study's error (∞ when the run stopped early).
        public var error: Double
        /// What the order fit made of the point.
        public var status: ConvergenceOrder.PointStatus
        /// Why the run counts as unstable (nil when it does not).
        public var instability: String?
    }

    /// A fixed-step method over the ladder.
    public struct FixedStepMethod: Sendable {
        public var method: Method
        /// The order the method has in theory (1 for Euler, 4 for RK4).
        public var theoreticalOrder: Int
        /// The fitted slope of log(error) against log(step); nil with fewer than two usable points.
        public var observedOrder: Double?
        /// Coarse to fine.
        public var points: [LadderPoint]

        /// The steps the fit used.
        public var usedSteps: [Double] { points.filter { $0.status == .used }.map(\.step) }
    }

    /// An adaptive method's run at the study's tolerances.
    public struct AdaptiveMethod: Sendable {
        public var method: Method
        public var rtol: Double
        public var atol: Double
        /// t₀ and the end of every accepted step.
        public var stepTimes: [Double]
        /// The study's error of the run against the reference.
        public var error: Double
        /// Why the run failed (nil on success).
        public var failure: String?
        /// Work counters.
        public var statistics: SolverStatistics

        /// The accepted step sizes, in time order.
        public var steps: [Double] { zip(stepTimes.dropFirst(), stepTimes).map { $0 - $1 } }

        /// Count, smallest, median and largest accepted step, leaving out the last one when there are
        /// others (it is cut to end exactly at t-end, so it can be arbitrarily short).
        public var summary: (count: Int, min: Double, median: Double, max: Double)? {
            let all = steps
            guard !all.isEmpty else { return nil }
            let s = (all.count > 1 ? Array(all.dropLast()) : all).sorted()
            let median = s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
            return (all.count, s.first!, median, s.last!)
        }
    }

    public var species: [String]
    public var end: Double
    public var outputTimes: [Double]
    public var reference: Reference
    /// The steps of the fixed-step runs, coarse to fine.
    public var ladder: [Double]
    /// Whether the default ladder was moved down from t-end/10 to Euler's stability bound.
    public var ladderFromStiffness: Bool
    public var fixedStep: [FixedStepMethod]
    public var adaptive: [AdaptiveMethod]
    public var eulerStability: EulerStability?

    /// What the error numbers mean, for people.
    public static let errorMeasure = "max over output times of |y - y_ref| / max|y_ref| (relative to the species' peak in the reference)"

    /// The most steps the finest run of the default ladder takes.
    public static let ladderBudget = 200_000

    /// Ten steps, each half the one before, from t-end/10 (t-end/10 to t-end/5120), or — when Euler's
    /// stability bound (`eulerBound`, from the fastest eigenvalue) is shorter than half of that — from
    /// t-end/10 halved until it is at most twice the bound, so that the ladder covers the steps where the
    /// methods are stable; but only as far as the finest step takes at most `maxSteps` steps to t-end.
    public static func defaultLadder(end: Double, eulerBound: Double? = nil, maxSteps: Int = ladderBudget) -> [Double] {
        var halvings = 0.0
        if let bound = eulerBound, bound > 0, end / 10 > 2 * bound {
            halvings = log2(end / 10 / (2 * bound)).rounded(.up)
        }
        // The finest step, t-end/10/2^(halvings + 9), takes 5120·2^halvings steps.
        halvings = max(0, min(halvings, log2(Double(maxSteps) / 5120).rounded(.down)))
        return (0..<10).map { end / 10 / pow(2, halvings + Double($0)) }
    }

    /// Runs the study on a model.
    public static func run(model: Model, options: Options) throws(AnalysisError) -> StepSizeStudy {
        guard options.end > 0, options.end.isFinite else {
            throw AnalysisError(.invalidValue, "the end time must be positive, not \(NumberFormat.short(options.end))")
        }
        guard options.outputPoints >= 2 else { throw AnalysisError(.invalidValue, "at least 2 output points are needed") }
        guard !options.methods.isEmpty else { throw AnalysisError(.invalidValue, "no methods to study") }
        var species = options.species
        if species.isEmpty { species = model.simulation.observe.isEmpty ? model.species.map(\.id) : model.simulation.observe }
        for s in species { try model.checkObservable(s) }
        var seen = Set<String>()
        species = species.filter { seen.insert($0).inserted }
        let fixedMethods = unique(options.methods.filter(\.isFixedStep))
        if let steps = options.steps {
            try checkLadder(steps, options: options, unit: model.units.time.rawValue)
            if !fixedMethods.isEmpty && Set(steps).count < 2 {
                throw AnalysisError(.invalidValue, "a ladder of at least 2 step sizes is needed to measure an order (got \(Set(steps).count))")
            }
        }

        let compiled: CompiledModel
        do { compiled = try CompiledModel(model) } catch { throw AnalysisError(.numerical, "cannot compile the model: \(error.message)") }
        guard compiled.dimension > 0 else { throw AnalysisError(.invalidValue, "the model has nothing to integrate (no species change)") }
        let runner = try StepRunner(compiled: compiled, species: species, end: options.end, points: options.outputPoints,
                                    maxSteps: options.maxSteps)
        let reference = try runner.chooseReference()
        let (initial, trajectory, final) = EulerStability.stiffness(runner)
        let bound = [initial?.tightestBound, trajectory?.tightestBound].compactMap { $0 }.min()
        let ladder = Array(Set(options.steps ?? defaultLadder(end: options.end, eulerBound: bound, maxSteps: ladderBudget))).sorted(by: >)

        var fixed: [FixedStepMethod] = []
        for method in fixedMethods {
            var errors: [Double] = [], stable: [Bool] = [], why: [String?] = []
            for h in ladder {
                let result = try runner.run(method, step: h)
                let instability = runner.instability(of: result)
                why.append(instability)
                stable.append(instability == nil)
                errors.append(instability == nil ? runner.error(of: result) : .infinity)
            }
            let fit = ConvergenceOrder.fit(steps: ladder, errors: errors, stable: stable, floor: reference.floor)
            let points = ladder.indices.map { LadderPoint(step: ladder[$0], error: errors[$0], status: fit.status[$0], instability: why[$0]) }
            fixed.append(FixedStepMethod(method: method, theoreticalOrder: method == .euler ? 1 : 4,
                                         observedOrder: fit.order, points: points))
        }

        var adaptive: [AdaptiveMethod] = []
        for method in unique(options.methods.filter { !$0.isFixedStep }) {
            let result = try runner.run(method, rtol: options.rtol, atol: options.atol, recordSteps: true)
            let failure = result.status.isSuccess ? nil : result.status.description
            adaptive.append(AdaptiveMethod(method: method, rtol: options.rtol, atol: options.atol, stepTimes: result.stepTimes,
                                           error: failure == nil ? runner.error(of: result) : .infinity,
                                           failure: failure, statistics: result.statistics))
        }

        var stability: EulerStability?
        if options.findLargestStableEulerStep {
            stability = try EulerStability.find(runner, initial: initial, trajectory: trajectory, final: final)
        }
        return StepSizeStudy(species: species, end: options.end, outputTimes: runner.grid, reference: reference,
                             ladder: ladder, ladderFromStiffness: options.steps == nil && ladder[0] < options.end / 10 * (1 - 1e-12),
                             fixedStep: fixed, adaptive: adaptive, eulerStability: stability)
    }

    static func checkLadder(_ steps: [Double], options: Options, unit: String) throws(AnalysisError) {
        for h in steps {
            guard h > 0, h.isFinite else { throw AnalysisError(.invalidValue, "steps must be positive, not \(NumberFormat.short(h))") }
            guard h <= options.end else {
                throw AnalysisError(.invalidValue, "the step \(NumberFormat.short(h)) \(unit) is longer than the time span (t-end \(NumberFormat.short(options.end)) \(unit))")
            }
            guard options.end / h <= Double(options.maxSteps) else {
                throw AnalysisError(.invalidValue, "the step \(NumberFormat.short(h)) \(unit) needs more than \(options.maxSteps) steps up to t-end \(NumberFormat.short(options.end)) \(unit); use larger steps")
            }
        }
    }

    static func unique(_ methods: [Method]) -> [Method] {
        var seen = Set<Method>()
        return methods.filter { seen.insert($0).inserted }
    }
}

/// Runs one compiled model again and again on the same output grid and judges the runs against the
/// reference: the working part of ``StepSizeStudy``.
final class StepRunner {
    let compiled: CompiledModel
    let end: Double
    let grid: [Double]
    /// The chosen species first, then every state variable not among them.
    let names: [String]
    let speciesCount: Int
    /// Column of each state variable (in state order) in `names`.
    let stateColumns: [Int]
    let maxSteps: Int
    /// The reference's rows (every name) at the grid times.
    private(set) var reference: [[Double]] = []
    /// Per chosen species: the largest magnitude in the reference.
    private(set) var scales: [Double] = []
    /// Per state variable: its largest magnitude in the reference, at least 10⁻³ of the largest of all.
    private(set) var stateScales: [Double] = []

    init(compiled: CompiledModel, species: [String], end: Double, points: Int, maxSteps: Int) throws(AnalysisError) {
        self.compiled = compiled
        self.end = end
        self.maxSteps = maxSteps
        grid = (0..<points).map { $0 == points - 1 ? end : end * Double($0) / Double(points - 1) }
        var names = species
        var columns: [Int] = []
        for s in compiled.stateNames {
            if let k = names.firstIndex(of: s) {
                columns.append(k)
            } else {
                columns.append(names.count)
                names.append(s)
            }
        }
        self.names = names
        speciesCount = species.count
        stateColumns = columns
    }

    /// Simulates with a method: fixed-step with `step`, else adaptive at the tolerances.
    func run(_ method: Method, step: Double? = nil, rtol: Double = 1e-6, atol: Double = 1e-9, recordSteps: Bool = false,
             maxSteps: Int? = nil) throws(AnalysisError) -> SimulationResult {
        var settings = SimulationSettings(end: end, output: .times(grid), method: method, rtol: rtol, atol: atol,
                                          fixedStep: step, maxSteps: maxSteps ?? self.maxSteps)
        if let step { settings.maxSteps = max(settings.maxSteps, Int((end / step).rounded(.up)) + 16) }
        // Fixed-step runs are judged by the study's own test (a slight undershoot is not a failure).
        settings.checkNegative = step == nil
        settings.recordSteps = recordSteps
        do { return try compiled.simulate(settings, observe: names) } catch {
            throw AnalysisError(.numerical, error.message)
        }
    }

    /// The study's error of a run: the largest |y − y_ref| / max|y_ref| over the grid and the chosen
    /// species (∞ when the run stopped early).
    func error(of result: SimulationResult) -> Double { error(of: result.values) }

    func error(of rows: [[Double]]) -> Double {
        guard rows.count == reference.count else { return .infinity }
        var worst = 0.0
        for (row, ref) in zip(rows, reference) {
            for k in 0..<speciesCount {
                let e = abs(row[k] - ref[k]) / scales[k]
                if !(e <= worst) { worst = e } // NaN propagates
            }
        }
        return worst
    }

    /// Why a run counts as unstable, or nil when it does not.
    func instability(of result: SimulationResult) -> String? {
        let unit = compiled.model.units.time.rawValue
        switch result.status {
        case .success: break
        case .nonFinite(_, let t): return "NaN or infinity at t = \(NumberFormat.short(t)) \(unit)"
        default: return result.status.description
        }
        for (i, row) in result.values.enumerated() {
            for (k, c) in stateColumns.enumerated() {
                let v = row[c]
                if !v.isFinite { return "'\(compiled.stateNames[k])' not finite at t = \(NumberFormat.short(result.times[i])) \(unit)" }
                if v > 10 * stateScales[k] || v < -stateScales[k] {
                    return "'\(compiled.stateNames[k])' = \(NumberFormat.short(v)) at t = \(NumberFormat.short(result.times[i])) \(unit), "
                        + "outside [−c, 10·c] for its scale c = \(NumberFormat.short(stateScales[k]))"
                }
            }
        }
        if result.values.count < grid.count { return "stopped early" }
        return nil
    }

    /// The state vector of a row.
    func state(of row: [Double]) -> [Double] { stateColumns.map { row[$0] } }

    /// The eigenvalues of the Jacobian at (t, y).
    func eigenvalues(t: Double, state: [Double]) -> [ComplexValue]? {
        let n = compiled.dimension
        var j = [Double](repeating: 0, count: n * n)
        let ok = state.withUnsafeBufferPointer { y in
            j.withUnsafeMutableBufferPointer { compiled.jacobian(t: t, y: y.baseAddress!, into: $0.baseAddress!) }
        }
        guard ok else { return nil }
        return Eigenvalues.of(j, order: n)
    }

    /// Picks and runs the reference; sets `reference`, `scales` and `stateScales`.
    func chooseReference() throws(AnalysisError) -> StepSizeStudy.Reference {
        // An explicit reference is hopeless when stability caps its step far below the time scale.
        compiled.reset()
        let spectralRadius = eigenvalues(t: 0, state: compiled.initialState)?.map(\.magnitude).max() ?? 0
        let stiff = end * spectralRadius / 3.3 > 100_000
        let methods: [Method] = stiff ? [.rosenbrock, .bdf, .dopri5] : [.dopri5, .rosenbrock, .bdf]
        var failures: [String] = []
        for rtol in [1e-12, 1e-11, 1e-10] {
            for method in methods {
                let atol = rtol * 1e-2
                let tight = try run(method, rtol: rtol, atol: atol, maxSteps: 1_000_000)
                guard tight.status.isSuccess else {
                    failures.append("\(method.rawValue) at rtol \(NumberFormat.short(rtol)): \(tight.status)")
                    continue
                }
                let loose = try run(method, rtol: 10 * rtol, atol: 10 * atol, maxSteps: 1_000_000)
                guard loose.status.isSuccess else { continue }
                reference = tight.values
                scales = (0..<speciesCount).map { k in reference.map { abs($0[k]) }.max() ?? 0 }
                let largest = scales.max() ?? 0
                // A species that stays at zero is measured against the others' scale (or absolutely).
                scales = scales.map { $0 > 0 ? $0 : (largest > 0 ? largest : 1) }
                let magnitudes = stateColumns.map { c in reference.map { abs($0[c]) }.max() ?? 0 }
                let overall = magnitudes.max() ?? 0
                stateScales = magnitudes.map { max($0, 1e-3 * overall, overall > 0 ? 0 : 1) }
                let floor = max(error(of: loose.values), 1e-16)
                return StepSizeStudy.Reference(method: method, rtol: rtol, atol: atol, floor: floor,
                                               acceptedSteps: tight.statistics.acceptedSteps)
            }
        }
        throw AnalysisError(.numerical, "no reference solution could be computed: " + failures.joined(separator: "; "))
    }
}
