import PathwayModel
import Simulator

/// What one run of a model is reduced to: a time-course metric of one species or observable, or its
/// value at steady state.
public struct Readout: Sendable {
    public enum Kind: Sendable, Hashable {
        /// Simulate with the settings and summarise the time course.
        case timeCourse(Metric)
        /// Solve for the steady state (``SteadyStateSolver``) and read the value there.
        case steadyState
    }

    /// A time-course readout of stochastic trajectories (`--method ssa`): the metric of each of `runs`
    /// trajectories, run i drawing from stream i of `seed` at every grid point (common random numbers,
    /// so that neighbouring points differ by their parameters, not by their noise); the readout's value
    /// is the mean, its spread the sample standard deviation.
    public struct Stochastic: Sendable {
        public var runs: Int
        public var seed: UInt64
        public var options: StochasticOptions

        public init(runs: Int, seed: UInt64, options: StochasticOptions = StochasticOptions()) {
            self.runs = runs
            self.seed = seed
            self.options = options
        }

        /// A stable text naming every setting (for scan definitions).
        var canonical: String {
            "stochastic=ssa runs=\(runs) seed=\(seed) ssa-algorithm=\(options.algorithm.rawValue) counts=\(options.counts.rawValue)"
        }
    }

    /// A species, observable or parameter.
    public var observe: String
    public var kind: Kind
    public var settings: SimulationSettings
    /// Set for a stochastic readout (time courses only).
    public var stochastic: Stochastic?

    public init(observe: String, kind: Kind, settings: SimulationSettings, stochastic: Stochastic? = nil) {
        self.observe = observe
        self.kind = kind
        self.settings = settings
        self.stochastic = stochastic
    }

    /// `pSTAT3 peak`, `MAPK_PP at steady state`.
    public var label: String {
        switch kind {
        case .timeCourse(let m): return "\(observe) \(m.rawValue)"
        case .steadyState: return "\(observe) at steady state"
        }
    }
}

extension SimulationSettings {
    /// A stable text naming every setting (for scan definitions).
    var canonical: String {
        let output: String
        switch self.output {
        case .points(let n): output = "points=\(n)"
        case .step(let s): output = "step=\(NumberFormat.exact(s))"
        case .times(let t): output = "times=" + t.map(NumberFormat.exact).joined(separator: ";")
        }
        return "start=\(NumberFormat.exact(start)) end=\(NumberFormat.exact(end)) \(output) method=\(method.rawValue) "
            + "rtol=\(NumberFormat.exact(rtol)) atol=\(NumberFormat.exact(atol))"
            + (fixedStep.map { " dt=\(NumberFormat.exact($0))" } ?? "")
    }
}

extension Model {
    /// Checks that `name` is something a readout can observe (species, observable or parameter).
    public func checkObservable(_ name: String) throws(AnalysisError) {
        let pool = species.map(\.id) + observables.map(\.id) + parameters.map(\.id)
        guard !pool.contains(name) else { return }
        throw AnalysisError(.unknownName, "unknown species or observable '\(name)'\(suggestion(for: name, in: pool))")
    }

    /// Checks that `name` can be varied: a parameter or a species (its initial value).
    public func checkVariable(_ name: String) throws(AnalysisError) {
        let pool = parameters.map(\.id) + species.map(\.id)
        guard !pool.contains(name) else { return }
        throw AnalysisError(.unknownName, "unknown parameter or species '\(name)'\(suggestion(for: name, in: pool))")
    }
}

/// Evaluates a readout for given values of some parameters or initial amounts, reusing one compiled
/// model (``CompiledModel/setValue(_:_:)``, no recompiling). Not thread-safe: one per thread.
///
/// A name that an initial assignment reads cannot be changed after compilation (the assignment has
/// already run), so for those the model is perturbed and recompiled at every evaluation instead.
public final class ReadoutEvaluator {
    public let readout: Readout
    public let variables: [String]
    private let model: Model
    private let compiled: CompiledModel
    private let recompile: Bool
    private let solver = SteadyStateSolver()

    public init(model: Model, readout: Readout, variables: [String]) throws(AnalysisError) {
        try model.checkObservable(readout.observe)
        for v in variables { try model.checkVariable(v) }
        self.model = model
        self.readout = readout
        self.variables = variables
        do { compiled = try CompiledModel(model) } catch {
            throw AnalysisError(.numerical, "cannot compile the model: \(error.message)")
        }
        let read = Set(model.initialAssignments.flatMap { $0.expression.symbols })
        recompile = variables.contains { read.contains($0) }
    }

    /// The outcome of one evaluation: the readout's value (NaN on failure) and why it failed; for a
    /// stochastic readout the value is the mean over the trajectories and `spread` their standard deviation.
    public struct Outcome: Sendable, Hashable {
        public var value: Double
        public var failure: String?
        public var spread: Double?
    }

    /// `runs` evaluations on `jobs` threads (an evaluator of `readout` over `variables` on each), run i with
    /// the values `values(i)`; the outcomes in run order.
    static func outcomes(model: Model, readout: Readout, variables: [String], runs: Int, jobs: Int,
                         values: @Sendable (Int) -> [Double]) throws(AnalysisError) -> [Outcome] {
        let box = ResultBox<Outcome>(count: runs)
        do {
            try Parallel.orderedMap(Array(0..<runs), jobs: jobs, makeContext: {
                try ReadoutEvaluator(model: model, readout: readout, variables: variables)
            }, work: { evaluator, i in evaluator.evaluate(values(i)) }, deliver: { i, o in box.set(i, o) })
        } catch let error as AnalysisError {
            throw error
        } catch {
            throw AnalysisError(.numerical, "\(error)")
        }
        return box.values
    }

    /// The readout with `values[i]` assigned to `variables[i]`.
    public func evaluate(_ values: [Double]) -> Outcome {
        precondition(values.count == variables.count)
        var target = compiled
        if recompile {
            let changes = zip(variables, values).map { Perturbation.setParameter(name: $0, value: $1) }
            do { target = try CompiledModel(try model.applying(changes)) } catch {
                return Outcome(value: .nan, failure: "\(error)")
            }
        } else {
            for (name, value) in zip(variables, values) { compiled.setValue(name, value) }
        }
        switch readout.kind {
        case .timeCourse(let metric) where readout.stochastic != nil:
            return Self.stochasticOutcome(target, readout: readout, stochastic: readout.stochastic!, metric: metric)
        case .timeCourse(let metric):
            do {
                let r = try target.simulate(readout.settings, observe: [readout.observe])
                guard r.status.isSuccess else { return Outcome(value: .nan, failure: r.status.description) }
                let summary = TimeCourseSummary(times: r.times, values: r.values.map { $0[0] })
                return Outcome(value: summary.value(of: metric), failure: nil)
            } catch {
                return Outcome(value: .nan, failure: error.message)
            }
        case .steadyState:
            do {
                let ss = try solver.solve(target)
                return Outcome(value: try Self.read(readout.observe, at: ss, in: target), failure: nil)
            } catch {
                return Outcome(value: .nan, failure: error.message)
            }
        }
    }

    /// The mean and standard deviation of `metric` over the stochastic trajectories (Welford's update,
    /// in run order).
    static func stochasticOutcome(_ compiled: CompiledModel, readout: Readout, stochastic s: Readout.Stochastic, metric: Metric) -> Outcome {
        do {
            let simulator = try StochasticSimulator(compiled, settings: readout.settings, observe: [readout.observe], options: s.options)
            var moments = RunningMoments()
            for run in 0..<s.runs {
                let (r, _) = try simulator.trajectory(seed: s.seed, run: UInt64(run))
                moments.add(TimeCourseSummary(times: r.times, values: r.values.map { $0[0] }).value(of: metric))
            }
            return Outcome(value: moments.mean, failure: nil, spread: moments.standardDeviation)
        } catch {
            return Outcome(value: .nan, failure: error.message, spread: .nan)
        }
    }

    /// A species, observable or parameter at a steady state.
    static func read(_ name: String, at ss: SteadyState, in compiled: CompiledModel) throws(AnalysisError) -> Double {
        do {
            let reader = try compiled.values(of: [name])
            var out = [0.0]
            reader.read(t: 0, state: ss.values, into: &out)
            return out[0]
        } catch {
            throw AnalysisError(.unknownName, error.message)
        }
    }
}
