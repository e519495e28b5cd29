import Foundation
import PathwayModel

/// Checks that every reaction's activators, catalysts and inhibitors act on its rate as declared:
/// ∂v/∂S ≥ 0 for an activator or a catalyst, ∂v/∂S ≤ 0 for an inhibitor.
///
/// The modifiers are those of ``Reaction/modifiers``: declared under `modifiers:`, and those the rate
/// law marks itself (`activators:` and Hill `of:` activate, `inhibitors:` inhibit, a Michaelis–Menten
/// `enzyme:` catalyses). The derivative is the compiler's own: the rate with the model's functions and
/// observables inlined (``CompiledModel``'s Jacobian input), differentiated symbolically and simplified.
/// It is evaluated at the initial state and at the states of a short simulation with the model's
/// `simulation:` defaults (t-end, else 100 time units), at ``Options/sampledTimes`` evenly spaced times.
///
/// - A derivative that is 0 symbolically (the rate does not read the species at all) is a warning.
/// - At each sampled state a derivative is taken as 0, and so contradicts nothing, when it is within
///   round-off: `|∂v/∂S| ≤ ε·Σ|terms of ∂v/∂S|` (cancellation), or `|∂v/∂S|·max|S| ≤ ε·Σ|terms of v|`
///   (negligible next to the rate's own terms), with ε = ``Options/relativeTolerance``. NaN (a rate
///   reading a delayed value) counts as 0 too.
/// - A reaction running backwards (v < 0) is sped up by an activator when v grows more negative, so
///   there the sign asked of ∂v/∂S is reversed.
/// - A contradiction at every sampled state where the derivative is not 0 is an error; at some of them,
///   a warning. Either is reported at the modifier's declaration.
public enum ModifierSignCheck {
    public struct Options: Sendable {
        /// Simulated output times after t = 0 at which the derivatives are evaluated (0: only t = 0).
        public var sampledTimes: Int
        /// End of the simulation, in the model's time unit; nil: the model's `simulation: t-end`, else 100.
        public var end: Double?
        /// Check the model with each of its scenarios applied as well (contradictions only; the drug
        /// factors scenarios add are not checked).
        public var scenarios: Bool
        /// ε of the round-off test.
        public var relativeTolerance: Double

        public init(sampledTimes: Int = 20, end: Double? = nil, scenarios: Bool = false, relativeTolerance: Double = 1e-9) {
            self.sampledTimes = sampledTimes
            self.end = end
            self.scenarios = scenarios
            self.relativeTolerance = relativeTolerance
        }
    }

    /// Warnings and errors for modifiers whose declared role the rate law contradicts, in file order.
    public static func diagnostics(for model: Model, options: Options = Options()) -> [Diagnostic] {
        var out = check(model, scenario: nil, options: options)
        if options.scenarios {
            // What the model as written already shows is not repeated for every scenario. A scenario
            // validation refuses (a parameter it would make negative) is left to that error.
            let reported = Set(out.map(\.location))
            for s in model.scenarios {
                guard let perturbed = try? model.applying(s.perturbations) else { continue }
                out += check(perturbed, scenario: s.id, options: options).filter { !reported.contains($0.location) }
            }
        }
        return out.inFileOrder
    }

    // MARK: Implementation

    /// One modifier to check, and where to find what the check needs among the evaluated expressions.
    private struct Item {
        var reaction: Reaction
        var modifier: Modifier
        /// Indices in the evaluated values: ∂v/∂S, its terms, v, v's terms, S.
        var derivativeIndex: Int
        var derivativeTerms: [Int]
        var rateIndex: Int
        var rateTerms: [Int]
        var speciesIndex: Int
    }

    private static func check(_ model: Model, scenario: String?, options: Options) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let compiled: CompiledModel
        do { compiled = try CompiledModel(model) } catch {
            if scenario == nil {
                out.append(Diagnostic(.warning, at: model.location, "the modifiers' signs were not checked: the model does not compile (\(error.message))"))
            }
            return out
        }
        let drugSpecies = Set(model.drugs.map(\.speciesID))
        var expressions: [Expression] = []
        func index(_ e: Expression) -> Int {
            expressions.append(e)
            return expressions.count - 1
        }
        var items: [Item] = []
        for (j, r) in compiled.model.reactions.enumerated() {
            for m in r.modifiers where m.role != .modifier && !drugSpecies.contains(m.species) {
                let rate = compiled.differentiableRates[j]
                let d = rate.derivative(with: m.species)
                if case .number(0) = d {
                    // Scenarios switch reactions off (knockouts): only the model as written is asked this.
                    if scenario == nil {
                        out.append(Diagnostic(.warning, at: declaration(of: m, in: r),
                                              "reaction '\(r.id)' declares '\(m.species)' as \(noun(m.role)), but its rate does not depend on '\(m.species)'"))
                    }
                    continue
                }
                items.append(Item(reaction: r, modifier: m,
                                  derivativeIndex: index(d), derivativeTerms: additiveTerms(d).map(index),
                                  rateIndex: index(rate), rateTerms: additiveTerms(rate).map(index),
                                  speciesIndex: index(.symbol(m.species))))
            }
        }
        guard !items.isEmpty else { return out }
        let evaluator: StateExpressions
        do { evaluator = try StateExpressions(compiled, expressions: expressions) } catch {
            return out // expressions the compiler cannot evaluate outside a run (delays with rateOf)
        }

        // The states sampled: the initial one, then a short simulation's.
        var samples: [(t: Double, state: [Double])] = [(0, compiled.initialState)]
        let end = options.end ?? model.simulation.end ?? 100
        if options.sampledTimes > 0, end > 0, end.isFinite {
            let settings = SimulationSettings(end: end, output: .points(options.sampledTimes + 1))
            if compiled.dimension == 0 {
                samples += settings.outputTimes.dropFirst().map { ($0, []) }
            } else if let run = try? compiled.simulate(settings, observe: compiled.stateNames) {
                // A failed run keeps the states up to its failure: those are checked.
                for (t, row) in zip(run.times, run.values) where t > 0 { samples.append((t, row)) }
            }
        }
        let values = samples.map { evaluator.values(t: $0.t, state: $0.state) }
        let lastTime = samples.last!.t
        let ε = options.relativeTolerance

        for item in items {
            let speciesScale = values.map { abs($0[item.speciesIndex]) }.filter(\.isFinite).max() ?? 0
            var nonzero = 0, contradicted = 0
            var first: (t: Double, derivative: Double, backward: Bool)?
            for (k, v) in values.enumerated() {
                let d = v[item.derivativeIndex]
                let dTerms = item.derivativeTerms.reduce(0) { $0 + abs(v[$1]) }
                let rate = v[item.rateIndex]
                let rateTerms = item.rateTerms.reduce(0) { $0 + abs(v[$1]) }
                guard d.isFinite, d != 0, abs(d) > ε * dTerms else { continue }
                if speciesScale > 0, rateTerms.isFinite, abs(d) * speciesScale <= ε * rateTerms { continue }
                nonzero += 1
                let backward = rate < 0 && abs(rate) > ε * rateTerms
                let effect = (d > 0) != backward // the flux grows with S
                let wanted = item.modifier.role != .inhibitor
                if effect != wanted {
                    contradicted += 1
                    if first == nil { first = (samples[k].t, d, backward) }
                }
            }
            guard let first, contradicted > 0 else { continue }
            let m = item.modifier, r = item.reaction, s = m.species
            let severity: Diagnostic.Severity = contradicted == nonzero ? .error : .warning
            let inhibitor = m.role == .inhibitor
            var message = "reaction '\(r.id)' declares '\(s)' as \(noun(m.role)), but "
            if let scenario { message += "with scenario '\(scenario)' applied " }
            if first.backward {
                message += "it runs \(inhibitor ? "faster" : "slower") backwards with more '\(s)' (v < 0 and "
            } else {
                message += "its rate \(inhibitor ? "rises" : "falls") with '\(s)' ("
            }
            message += "∂v/∂\(s) \(first.derivative > 0 ? ">" : "<") 0 at t = \(time(first.t, model.units))"
            if samples.count > 1 {
                // "at all 21 times sampled up to t = 100 s", "at 3 of 20 times … where it is not 0".
                let scope = nonzero < samples.count ? " where it is not 0" : ""
                let span = "sampled up to t = \(time(lastTime, model.units))\(scope)"
                if nonzero == 1 {
                    message += "; the only time \(span)"
                } else {
                    message += "; at \(contradicted == nonzero ? "all" : "\(contradicted) of") \(nonzero) times \(span)"
                }
            }
            message += ")"
            out.append(Diagnostic(severity, at: declaration(of: m, in: r), message))
        }
        return out
    }

    /// A modifier's declaration, else its reaction's.
    private static func declaration(of m: Modifier, in r: Reaction) -> SourceLocation {
        m.location.line > 0 ? m.location : r.location
    }

    private static func noun(_ role: ModifierRole) -> String {
        switch role {
        case .activator: return "an activator"
        case .catalyst: return "a catalyst"
        case .inhibitor: return "an inhibitor"
        case .modifier: return "a modifier"
        }
    }

    /// The terms of a sum or difference (signs dropped): what the round-off test compares against.
    static func additiveTerms(_ e: Expression) -> [Expression] {
        switch e {
        case .binary(.add, let a, let b), .binary(.subtract, let a, let b): return additiveTerms(a) + additiveTerms(b)
        case .negate(let a): return additiveTerms(a)
        case .call("plus", let args): return args.flatMap(additiveTerms)
        default: return [e]
        }
    }

    /// `0`, `120 s`, `1.5 min`.
    private static func time(_ t: Double, _ units: Units) -> String {
        if t == 0 { return "0" }
        let number = t == t.rounded() && abs(t) < 1e15 ? String(Int64(t)) : String(format: "%.4g", t)
        return "\(number) \(units.time.rawValue)"
    }
}
