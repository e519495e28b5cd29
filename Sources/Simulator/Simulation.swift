import Foundation
import PathwayModel

/// The integration method, by the name the command line uses.
public enum Method: String, CaseIterable, Sendable {
    /// The default: right for stiff signalling models (see ``AutoIntegrator``).
    case auto
    /// Fixed-step explicit Euler (first order): for teaching.
    case euler
    /// Fixed-step classic Runge–Kutta (fourth order).
    case rk4
    /// Adaptive Dormand–Prince 5(4) with dense output.
    case dopri5
    /// Adaptive, L-stable Rosenbrock method (Rodas4) with the analytic Jacobian.
    case rosenbrock
    /// Adaptive variable-order BDF/NDF (orders 1–5) with a reused Jacobian, in the style of CVODE.
    case bdf

    public var integrator: any Integrator {
        switch self {
        case .auto: return AutoIntegrator()
        case .euler: return Euler()
        case .rk4: return RungeKutta4()
        case .dopri5: return DormandPrince54()
        case .rosenbrock: return Rodas4()
        case .bdf: return BDF()
        }
    }

    public var isFixedStep: Bool { self == .euler || self == .rk4 }
}

/// What to simulate: the time span, where to report values, and how to integrate.
public struct SimulationSettings: Sendable {
    public enum Output: Sendable, Equatable {
        /// N evenly spaced points from start to end, both included.
        case points(Int)
        /// Every `step` from start to end (and the end itself).
        case step(Double)
        /// Given times.
        case times([Double])
    }

    public var start: Double
    public var end: Double
    public var output: Output
    public var method: Method
    /// Relative tolerance of the adaptive methods (default 1e-6).
    public var rtol: Double
    /// Absolute tolerance, in the model's concentration unit (default 1e-9).
    public var atol: Double
    /// Step of the fixed-step methods; default: the output spacing.
    public var fixedStep: Double?
    public var maxSteps: Int
    /// Stop when a concentration goes negative beyond the tolerance (on by default; SBML models may
    /// have quantities that legitimately go negative).
    public var checkNegative = true
    /// Record where every accepted step ends (``SimulationResult/stepTimes``; off by default).
    public var recordSteps = false
    /// Seed of the generator that orders events due at the same instant with equal (or no) priority
    /// (``EventOrderGenerator``); the same seed gives the same run.
    public var seed: UInt64 = EventOrderGenerator.defaultSeed

    public init(start: Double = 0, end: Double, output: Output = .points(201), method: Method = .auto,
                rtol: Double = 1e-6, atol: Double = 1e-9, fixedStep: Double? = nil, maxSteps: Int = 500_000) {
        self.start = start
        self.end = end
        self.output = output
        self.method = method
        self.rtol = rtol
        self.atol = atol
        self.fixedStep = fixedStep
        self.maxSteps = maxSteps
    }

    /// The output times.
    public var outputTimes: [Double] {
        switch output {
        case .points(let n):
            if n <= 1 { return [end] }
            let d = (end - start) / Double(n - 1)
            var t = (0..<n).map { start + Double($0) * d }
            t[n - 1] = end
            return t
        case .step(let h):
            let n = Int(((end - start) / h).rounded(.down))
            var t = (0...n).map { start + Double($0) * h }
            if let last = t.last, end - last > h * 1e-9 { t.append(end) } else { t[t.count - 1] = end }
            return t
        case .times(let ts):
            return ts
        }
    }
}

/// A simulated time course: the values of the chosen species and observables at the output times.
public struct SimulationResult: Sendable {
    public var names: [String]
    public var times: [Double]
    /// `values[i][k]`: name k at time i.
    public var values: [[Double]]
    public var status: SolverStatus
    public var statistics: SolverStatistics
    /// Wall time of the integration, in seconds.
    public var solveSeconds: Double
    /// t₀ and the end of every accepted step, when ``SimulationSettings/recordSteps`` asked for them
    /// (consecutive differences are the step sizes); empty otherwise.
    public var stepTimes: [Double] = []
    /// How many times events due at once with equal priority were ordered at random (by
    /// ``SimulationSettings/seed``); 0 when the order never depended on the seed.
    public var randomEventChoices = 0

    public func column(_ name: String) -> [Double]? {
        guard let k = names.firstIndex(of: name) else { return nil }
        return values.map { $0[k] }
    }
}

/// A simulation that could not be set up (bad settings or names). Solver failures are not thrown:
/// they come back in ``SimulationResult/status`` with the partial result.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Where in the model file the construct at fault is (a rate rule, a reaction), when known.
    public var location: SourceLocation?
    /// The construct the simulator cannot honour in this model, by name, when that is the reason (a
    /// differential–algebraic system not of index 1); nil for bad settings and names.
    public var unsupportedConstruct: String?
    public var description: String { message }

    public init(message: String, location: SourceLocation? = nil, unsupportedConstruct: String? = nil) {
        self.message = message
        self.location = location
        self.unsupportedConstruct = unsupportedConstruct
    }
}

extension CompiledModel {
    /// The largest output grid a simulation accepts (ten million points).
    public static let maximumOutputPoints = 10_000_000

    /// Integrates the model and reports `observe` (species, observables, parameters) at the output times.
    /// With an empty `observe`, every species and observable is reported (but the fast-reaction rewrite's
    /// own variables, ``internalNames``).
    public func simulate(_ settings: SimulationSettings, observe: [String] = []) throws(SimulationError) -> SimulationResult {
        guard settings.end > settings.start, settings.end.isFinite, settings.start.isFinite else {
            throw SimulationError(message: "the time span must be positive: end \(settings.end) is not after start \(settings.start)")
        }
        guard settings.rtol > 0, settings.rtol < 1, settings.atol > 0, settings.atol.isFinite else {
            throw SimulationError(message: "tolerances must be positive, with rtol below 1 (got rtol \(settings.rtol), atol \(settings.atol))")
        }
        let names = observe.isEmpty ? model.species.map(\.id) + model.observables.map(\.id).filter { !internalNames.contains($0) } : observe
        let reader: ValueReader
        do { reader = try values(of: names) } catch { throw SimulationError(message: error.message) }
        // Check the output grid before building it: its size must be sensible.
        let span = settings.end - settings.start
        switch settings.output {
        case .points(let n):
            guard n >= 2 else { throw SimulationError(message: "at least 2 output points are needed, not \(n)") }
            guard n <= Self.maximumOutputPoints else {
                throw SimulationError(message: "\(n) output points is more than the \(Self.maximumOutputPoints) allowed")
            }
        case .step(let h):
            guard h > 0, h.isFinite else { throw SimulationError(message: "the output step must be positive, not \(h)") }
            guard span / h <= Double(Self.maximumOutputPoints) else {
                throw SimulationError(message: "an output step of \(h) gives more than \(Self.maximumOutputPoints) points over the time span; use a larger step")
            }
        case .times(let ts):
            guard ts.allSatisfy(\.isFinite), zip(ts, ts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw SimulationError(message: "output times must be finite and in increasing order")
            }
        }
        let times = settings.outputTimes
        var options = SolverOptions(rtol: settings.rtol, atol: settings.atol, maxSteps: settings.maxSteps)
        if settings.method.isFixedStep {
            let spacing = times.count > 1 ? span / Double(times.count - 1) : span
            let h = settings.fixedStep ?? spacing
            guard h > 0, h.isFinite else { throw SimulationError(message: "the step must be positive, not \(h)") }
            guard span / h <= Double(settings.maxSteps) else {
                throw SimulationError(message: "a step of \(h) needs more than \(settings.maxSteps) steps over the time span; use a larger step")
            }
            options.stepSize = h
        }
        reset()
        delays?.startTime = settings.start
        if dimension == 0 {
            // Nothing is integrated: every value is computed from time alone, at its own time.
            var row = [Double](repeating: 0, count: names.count)
            let rows = times.map { t in
                reader.read(t: t, state: [], into: &row)
                return row
            }
            return SimulationResult(names: names, times: times, values: rows, status: .success,
                                    statistics: SolverStatistics(), solveSeconds: 0)
        }
        options.nonNegativeComponents = nonNegativeComponents
        options.checkNegative = settings.checkNegative

        // Algebraic rules solved by BDF with a mass matrix: consistent values at the start (after
        // events, BDF's restart makes them consistent).
        var start = initialState
        var integrator = settings.method.integrator
        if !algebraicComponents.isEmpty {
            guard settings.method == .auto || settings.method == .bdf else {
                throw SimulationError(message: "the model's algebraic rules make it a differential–algebraic system, which only the bdf method solves (auto uses it for such models), not \(settings.method.rawValue)")
            }
            try makeConsistent(&start, at: settings.start)
            integrator = BDF()
        }

        let (timed, triggered, handler) = integratorEvents(seed: settings.seed)
        var problem = ODEProblem(function: self, initialState: start, timeSpan: settings.start...settings.end,
                                 timedEvents: timed, triggeredEvents: triggered, eventHandler: handler)
        if let delays {
            // Delays: the run keeps its history, and a step is no longer than the shortest delay at the
            // start (so that values within the step are interpolated, not extrapolated).
            problem.stepRecorder = HistoryRecorder(model: self, history: delays)
            start.withUnsafeBufferPointer { refreshEventValues(t: settings.start, state: $0.baseAddress!) }
            let shortest = delays.tauRegisters.map { registers[$0] }.filter { $0 > 0 && $0.isFinite }.min()
            if let shortest, options.stepSize == nil { options.maxStep = shortest }
        }
        var stepTimes: StepTimeRecorder?
        if settings.recordSteps {
            stepTimes = StepTimeRecorder(passingTo: problem.stepRecorder)
            problem.stepRecorder = stepTimes
        }
        let clock = ContinuousClock()
        let started = clock.now
        let solution = integrator.solve(problem, output: .times(times), options: options)
        let elapsed = clock.now - started
        // Values at each recorded time (observables are computed from the recorded state; event-changed
        // parameters are state variables, so their value at that time is recorded too).
        var rows: [[Double]] = []
        rows.reserveCapacity(solution.count)
        var row = [Double](repeating: 0, count: names.count)
        var recorded = solution.states
        if settings.checkNegative {
            // Negative values that passed the check are solver noise (inside the band of
            // SolverOptions.checkNegative): they are reported as 0. The true values are ≥ 0, so this
            // never moves a value further from them; the integrator itself kept them as they were.
            for i in 0..<solution.count {
                for k in nonNegativeComponents where recorded[i * dimension + k] < 0 { recorded[i * dimension + k] = 0 }
            }
        }
        recorded.withUnsafeBufferPointer { states in
            for i in 0..<solution.count {
                reader.read(t: solution.times[i], y: states.baseAddress! + i * dimension, into: &row)
                rows.append(row)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var result = SimulationResult(names: names, times: solution.times, values: rows,
                                      status: solution.status, statistics: solution.statistics, solveSeconds: seconds)
        result.stepTimes = stepTimes?.times ?? []
        result.randomEventChoices = (handler as? EventRuntime)?.randomChoices ?? 0
        return result
    }
}
