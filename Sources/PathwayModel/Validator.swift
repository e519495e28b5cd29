/// Checks a composed model for consistency: every name resolves, nothing is defined twice, constant
/// species stay constant, rules form no cycles. Fills in what can be inferred (reaction compartments).
public enum Validator {
    /// Validates a model built in code (for example imported from SBML); locations are the elements'.
    public static func validate(_ model: inout Model) -> [Diagnostic] {
        validate(&model, sites: sites(of: model))
    }

    static func validate(_ model: inout Model, sites: [ExpressionSite]) -> [Diagnostic] {
        var sink = DiagnosticSink()
        checkNamespaces(model, &sink)
        inferReactionCompartments(&model)
        checkFunctionArguments(model, &sink)
        let names = ModelNames(model)
        checkCompartments(model, names, &sink)
        checkExpressions(sites, model, names, &sink)
        checkReactions(model, names, &sink)
        checkAssignedVariables(model, names, &sink)
        checkComplexNodes(model, &sink)
        checkObservableCycles(model, &sink)
        checkFunctionCycles(model, &sink)
        checkParameterValues(model, sites: sites, &sink)
        sink.warnings(model.parameters.filter { $0.source == nil && !$0.location.file.hasPrefix("<") },
                      summarised: "parameters without a source", at: \.location) { p in
            "parameter '\(p.id)' has no 'source': say where the number comes from"
        }
        return sink.diagnostics
    }

    /// The ids of each kind of element, which the checks look names up in.
    struct ModelNames {
        let compartments: Set<String>
        let speciesIDs: Set<String>
        let parameterIDs: Set<String>
        let observableIDs: Set<String>
        let reactionIDs: Set<String>
        let drugIDs: Set<String>
        let speciesByID: [String: Species]
        let symbols: Set<String>
        /// Gene products and activity-view nodes, which observables may read out.
        let entityIDs: Set<String>

        init(_ model: Model) {
            compartments = Set(model.compartments.map(\.id))
            speciesIDs = Set(model.species.map(\.id))
            parameterIDs = Set(model.parameters.map(\.id))
            observableIDs = Set(model.observables.map(\.id))
            reactionIDs = Set(model.reactions.map(\.id))
            drugIDs = Set(model.drugs.map(\.id))
            speciesByID = Dictionary(model.species.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            symbols = Set(model.symbolNames)
            var entityIDs = Set(model.species.compactMap(\.display.node))
            for s in model.species { entityIDs.formUnion(s.display.entities.isEmpty ? [s.id] : s.display.entities) }
            self.entityIDs = entityIDs
        }
    }

    /// A function's arguments are named once each.
    private static func checkFunctionArguments(_ model: Model, _ sink: inout DiagnosticSink) {
        for f in model.functions {
            var seen = Set<String>(), reported = Set<String>()
            for a in f.arguments where !seen.insert(a).inserted && reported.insert(a).inserted {
                sink.error(f.location, "function '\(f.id)' has two arguments named '\(a)'")
            }
        }
    }

    /// The model has species; compartments lie in known compartments, species in known compartments.
    private static func checkCompartments(_ model: Model, _ names: ModelNames, _ sink: inout DiagnosticSink) {
        let compartments = names.compartments
        if model.species.isEmpty {
            sink.error(model.location, "model '\(model.id)' defines no species")
        }
        for c in model.compartments {
            if let o = c.outside, !compartments.contains(o) {
                sink.error(c.location, "compartment '\(c.id)' lies outside unknown compartment '\(o)'\(suggestion(for: o, in: compartments))")
            }
        }
        for s in model.species where !s.compartment.isEmpty && !compartments.contains(s.compartment) {
            sink.error(s.location, "unknown compartment '\(s.compartment)' for species '\(s.id)'\(suggestion(for: s.compartment, in: compartments))")
        }
    }

    /// Every name in every expression resolves (species, reactions, drugs, parameters, observables or
    /// entities where an expression names one of those), and every function exists and gets its number of
    /// arguments.
    private static func checkExpressions(
        _ sites: [ExpressionSite], _ model: Model, _ names: ModelNames, _ sink: inout DiagnosticSink
    ) {
        let speciesIDs = names.speciesIDs
        let parameterIDs = names.parameterIDs
        let observableIDs = names.observableIDs
        let reactionIDs = names.reactionIDs
        let drugIDs = names.drugIDs
        let symbols = names.symbols
        let entityIDs = names.entityIDs
        let functionArity = Dictionary(model.functions.map { ($0.id, $0.arguments.count) }, uniquingKeysWith: { a, _ in a })
        for site in sites {
            if case .call(let kind, let args) = site.expression, args.count == 1, case .symbol(let name) = args[0],
               ["species", "reaction", "drug", "parameter", "observe", "entity"].contains(kind) {
                let (pool, noun): (Set<String>, String) = {
                    switch kind {
                    case "species": return (speciesIDs, "species")
                    case "reaction": return (reactionIDs, "reaction")
                    case "drug": return (drugIDs, "drug")
                    case "parameter": return (parameterIDs, "parameter")
                    case "entity": return (entityIDs, "gene product or node")
                    default: return (speciesIDs.union(observableIDs), "species or observable")
                    }
                }()
                if !pool.contains(name) {
                    sink.error(site.location, "unknown \(noun) '\(name)' in \(site.context)\(suggestion(for: name, in: pool))")
                }
                continue
            }
            for name in site.expression.symbols where !site.localNames.contains(name) {
                let pool = site.speciesOnly ? speciesIDs : symbols
                if !pool.contains(name) {
                    let noun = site.speciesOnly ? "species" : "name"
                    sink.error(site.location(of: name),
                               "unknown \(noun) '\(name)' in \(site.context)\(suggestion(for: name, in: pool))")
                }
            }
            for f in site.expression.calledFunctions where !BuiltinFunction.isBuiltin(f) {
                guard let arity = functionArity[f] else {
                    let pool = Array(BuiltinFunction.arity.keys) + Array(functionArity.keys)
                    sink.error(site.location(of: f), "unknown function '\(f)' in \(site.context)\(suggestion(for: f, in: pool))")
                    continue
                }
                site.expression.visit { e in
                    if case .call(f, let args) = e, args.count != arity {
                        sink.error(site.location(of: f), "function '\(f)' takes \(arity) argument\(arity == 1 ? "" : "s"), not \(args.count), in \(site.context)")
                    }
                }
            }
        }
    }

    /// Reactions: known compartments; no constant species or species set by a rate rule changed (unless a
    /// boundary species); a reactant that is also a plain modifier is worth a warning.
    private static func checkReactions(_ model: Model, _ names: ModelNames, _ sink: inout DiagnosticSink) {
        let compartments = names.compartments
        let speciesByID = names.speciesByID
        let ruled = Set(model.rateRules.map(\.variable))
        for r in model.reactions {
            if let c = r.compartment, !c.isEmpty, !compartments.contains(c) {
                sink.error(r.location, "unknown compartment '\(c)' for reaction '\(r.id)'\(suggestion(for: c, in: compartments))")
            }
            for (name, coefficient) in r.netStoichiometry where coefficient != 0 {
                guard let s = speciesByID[name] else { continue }
                if s.constant && !s.boundary {
                    sink.error(r.location, "reaction '\(r.id)' changes constant species '\(name)': a constant species cannot be produced or consumed (mark it 'boundary: true' to keep it fixed while reactions use it)")
                }
                if ruled.contains(name) && !s.boundary {
                    sink.error(r.location, "reaction '\(r.id)' changes species '\(name)', which a rate rule also sets; mark it 'boundary: true' or drop one")
                }
            }
            let reactantIDs = Set(r.reactants.map(\.species))
            for m in r.modifiers where reactantIDs.contains(m.species) && m.role == .modifier {
                sink.warning(r.location, "species '\(m.species)' is both a reactant and a modifier of reaction '\(r.id)'")
            }
        }
    }

    /// Rules, initial assignments, events and drugs change only what may change.
    private static func checkAssignedVariables(_ model: Model, _ names: ModelNames, _ sink: inout DiagnosticSink) {
        let compartments = names.compartments
        let speciesIDs = names.speciesIDs
        let parameterIDs = names.parameterIDs
        let observableIDs = names.observableIDs
        let speciesByID = names.speciesByID
        let symbols = names.symbols
        for rule in model.rateRules {
            if observableIDs.contains(rule.variable) {
                sink.error(rule.location, "'\(rule.variable)' is an observable (computed from the state), so it cannot also have a rate rule")
            } else if !speciesIDs.contains(rule.variable) && !parameterIDs.contains(rule.variable) && !compartments.contains(rule.variable) {
                sink.error(rule.location, "rate rule for unknown '\(rule.variable)'\(suggestion(for: rule.variable, in: speciesIDs.union(parameterIDs)))")
            } else if compartments.contains(rule.variable) {
                sink.error(rule.location, "a rate rule on compartment '\(rule.variable)' (a changing volume) is not supported")
            } else if let s = speciesByID[rule.variable], s.constant {
                sink.error(rule.location, "rate rule for constant species '\(rule.variable)'")
            }
        }
        let determined = Set(model.rateRules.map(\.variable) + model.initialAssignments.map(\.variable)
                             + model.events.flatMap { $0.assignments.map(\.target) })
        for rule in model.algebraicRules {
            if !parameterIDs.contains(rule.variable) {
                sink.error(rule.location, "algebraic rule for '\(rule.variable)', which is not a parameter (an algebraic rule determines a parameter)\(suggestion(for: rule.variable, in: parameterIDs))")
            } else if determined.contains(rule.variable) {
                sink.error(rule.location, "'\(rule.variable)' is determined by its algebraic rule, so no rate rule, initial assignment or event may set it")
            } else if !rule.expression.symbols.contains(rule.variable) {
                sink.error(rule.location, "the algebraic rule for '\(rule.variable)' does not contain '\(rule.variable)': 0 = \(rule.expression) cannot determine it")
            }
        }
        for ia in model.initialAssignments where !speciesIDs.contains(ia.variable) && !parameterIDs.contains(ia.variable) && !compartments.contains(ia.variable) {
            sink.error(ia.location, "initial assignment of unknown '\(ia.variable)'\(suggestion(for: ia.variable, in: speciesIDs.union(parameterIDs)))")
        }
        for e in model.events {
            for a in e.assignments {
                if observableIDs.contains(a.target) {
                    sink.error(e.location, "event '\(e.id)' assigns observable '\(a.target)', which is computed from the state; assign a species or a parameter")
                } else if let s = speciesByID[a.target], s.constant {
                    sink.error(e.location, "event '\(e.id)' changes constant species '\(a.target)'")
                } else if compartments.contains(a.target) {
                    sink.error(e.location, "event '\(e.id)' changes compartment '\(a.target)': changing volumes are not supported")
                }
            }
        }
        for d in model.drugs {
            if let c = d.compartment, !compartments.contains(c) {
                sink.error(d.location, "unknown compartment '\(c)' for drug '\(d.id)'\(suggestion(for: c, in: compartments))")
            }
            if symbols.contains(d.speciesID) {
                sink.error(d.location, "drug '\(d.id)' needs the name '\(d.speciesID)' for its concentration, but the model already uses it")
            }
        }
    }

    /// A complex drawn partly as a node: one of its parts must be that node's gene product.
    private static func checkComplexNodes(_ model: Model, _ sink: inout DiagnosticSink) {
        var firstSingleForm: [String: Species] = [:] // node → its first single-entity species
        for s in model.species where s.display.entities.count <= 1 {
            if let n = s.display.node, firstSingleForm[n] == nil { firstSingleForm[n] = s }
        }
        for s in model.species where s.display.entities.count > 1 {
            guard let n = s.display.node else { continue }
            let product = firstSingleForm[n].map { $0.display.entities.first ?? $0.id }
            if product.map({ !s.display.entities.contains($0) }) ?? true {
                sink.warning(s.location, "complex '\(s.id)' is drawn partly as node '\(n)', but "
                    + (product.map { "none of its entities is '\($0)', the gene product of that node" }
                        ?? "no single-entity species has 'node: \(n)' to say which gene product it stands for"))
            }
        }
    }

    /// Parameters declared `positive: true` are > 0, rate-law constants ≥ 0 (see ``Model/valueRequirement(ofParameter:)``),
    /// in the model and in every scenario's `set:` and `scale:`.
    private static func checkParameterValues(_ model: Model, sites: [ExpressionSite], _ sink: inout DiagnosticSink) {
        var requirements: [String: ValueRequirement] = [:]
        let all = model.valueRequirements
        for p in model.parameters {
            guard let req = all[p.id] else { continue }
            requirements[p.id] = req
            if !req.allows(p.value) {
                sink.error(p.valueLocation ?? p.location, "parameter '\(p.id)' \(req.rule) but is \(Expression.format(number: p.value))")
            }
        }
        guard !requirements.isEmpty else { return }
        for s in model.scenarios {
            var values = Dictionary(model.parameters.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
            for p in s.perturbations {
                let name: String, value: Double, change: String
                switch p {
                case .setParameter(let n, let v):
                    (name, value, change) = (n, v, "sets parameter '\(n)' to \(Expression.format(number: v))")
                case .scaleParameter(let n, let f):
                    guard let old = values[n] else { continue }
                    (name, value, change) = (n, old * f, "scales parameter '\(n)' by \(Expression.format(number: f)) to \(Expression.format(number: old * f))")
                default:
                    continue
                }
                guard values[name] != nil else { continue } // a species' initial value
                values[name] = value
                guard let req = requirements[name], !req.allows(value) else { continue }
                let at = sites.first { $0.context == "scenario '\(s.id)'" && $0.expression == .call("parameter", [.symbol(name)]) }?.location
                sink.error(at ?? s.location, "scenario '\(s.id)' \(change), but parameter '\(name)' \(req.rule)")
            }
        }
    }

    /// Species, parameters, compartments, observables, reactions and functions share one namespace (as in SBML).
    private static func checkNamespaces(_ model: Model, _ sink: inout DiagnosticSink) {
        var seen: [String: (String, SourceLocation)] = [:]
        func claim(_ id: String, _ kind: String, _ loc: SourceLocation) {
            if let (other, where_) = seen[id] {
                if other == kind { return } // duplicates within a kind are reported by composition
                sink.error(loc, "'\(id)' names both a \(other) (at \(where_)) and a \(kind); use distinct names")
            } else {
                seen[id] = (kind, loc)
            }
            if id == "time" || BuiltinFunction.constants[id] != nil || BuiltinFunction.isBuiltin(id) {
                sink.error(loc, "'\(id)' is a reserved name in expressions; choose another name for this \(kind)")
            }
        }
        for c in model.compartments { claim(c.id, "compartment", c.location) }
        for s in model.species { claim(s.id, "species", s.location) }
        for p in model.parameters { claim(p.id, "parameter", p.location) }
        for o in model.observables { claim(o.id, "observable", o.location) }
        for r in model.reactions { claim(r.id, "reaction", r.location) }
        for f in model.functions { claim(f.id, "function", f.location) }
    }

    /// A reaction without an explicit compartment takes its first reactant's, else its first product's.
    static func inferReactionCompartments(_ model: inout Model) {
        let known = Set(model.compartments.map(\.id))
        let byID = Dictionary(model.species.filter { known.contains($0.compartment) }.map { ($0.id, $0.compartment) },
                              uniquingKeysWith: { a, _ in a })
        for i in model.reactions.indices where model.reactions[i].compartment == "" {
            let r = model.reactions[i]
            model.reactions[i].compartment = (r.reactants + r.products).lazy.compactMap { byID[$0.species] }.first
                ?? model.compartments.first?.id ?? ""
        }
    }

    /// A function may not call itself, directly or through others (inlining it would never end).
    private static func checkFunctionCycles(_ model: Model, _ sink: inout DiagnosticSink) {
        let calls = Dictionary(model.functions.map { ($0.id, $0.body.calledFunctions) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:] // 1 visiting, 2 done
        var cycle: [String]?
        func visit(_ id: String, _ path: [String]) {
            if cycle != nil || state[id] == 2 { return }
            if state[id] == 1 {
                let start = path.firstIndex(of: id) ?? 0
                cycle = Array(path[start...]) + [id]
                return
            }
            state[id] = 1
            for f in calls[id] ?? [] where calls[f] != nil { visit(f, path + [id]) }
            state[id] = 2
        }
        for f in model.functions {
            visit(f.id, [])
            if let cycle {
                let at = model.functions.first { $0.id == cycle[0] }?.location ?? f.location
                sink.error(at, cycle.count == 2
                    ? "function '\(cycle[0])' calls itself; functions cannot be recursive"
                    : "functions call each other in a cycle: \(cycle.joined(separator: " -> ")); functions cannot be recursive")
                return
            }
        }
    }

    private static func checkObservableCycles(_ model: Model, _ sink: inout DiagnosticSink) {
        let deps = Dictionary(model.observables.map { ($0.id, $0.expression.symbols) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:] // 1 visiting, 2 done
        func visit(_ id: String, _ path: [String]) -> [String]? {
            if state[id] == 2 { return nil }
            if state[id] == 1 { return path + [id] }
            state[id] = 1
            for d in deps[id] ?? [] where deps[d] != nil {
                if let cycle = visit(d, path + [id]) { return cycle }
            }
            state[id] = 2
            return nil
        }
        for o in model.observables {
            if let cycle = visit(o.id, []) {
                let start = cycle.firstIndex(of: cycle.last!) ?? 0
                sink.error(o.location, "observables depend on each other in a cycle: \(cycle[start...].joined(separator: " -> "))")
                return
            }
        }
    }

    /// Expression sites of a model built in code, located at their elements.
    static func sites(of model: Model) -> [ExpressionSite] {
        var out: [ExpressionSite] = []
        func add(_ e: Expression, _ loc: SourceLocation, _ ctx: String, local: Set<String> = [], speciesOnly: Bool = false) {
            out.append(ExpressionSite(expression: e, text: nil, location: loc, context: ctx, localNames: local, speciesOnly: speciesOnly))
        }
        for r in model.reactions {
            let ctx = "reaction '\(r.id)'"
            for t in r.reactants + r.products { add(.symbol(t.species), r.location, ctx, speciesOnly: true) }
            for m in r.modifiers { add(.symbol(m.species), r.location, ctx, speciesOnly: true) }
            for e in r.rateLaw.expressions { add(e, r.location, "the rate of \(ctx)") }
            for s in r.rateLaw.speciesReferences { add(.symbol(s), r.location, ctx, speciesOnly: true) }
        }
        for f in model.functions { add(f.body, f.location, "function '\(f.id)'", local: Set(f.arguments)) }
        for o in model.observables {
            add(o.expression, o.location, "observable '\(o.id)'")
            if let e = o.entity { add(.call("entity", [.symbol(e)]), o.location, "observable '\(o.id)'") }
        }
        for rr in model.rateRules { add(rr.expression, rr.location, "the rate rule for '\(rr.variable)'") }
        for ar in model.algebraicRules { add(ar.expression, ar.location, "the algebraic rule for '\(ar.variable)'") }
        for ia in model.initialAssignments { add(ia.expression, ia.location, "the initial assignment of '\(ia.variable)'") }
        for e in model.events {
            if case .when(let c) = e.trigger { add(c, e.location, "the trigger of event '\(e.id)'") }
            if let d = e.delay { add(d, e.location, "the delay of event '\(e.id)'") }
            if let p = e.priority { add(p, e.location, "the priority of event '\(e.id)'") }
            for a in e.assignments {
                add(.symbol(a.target), e.location, "event '\(e.id)'")
                add(a.value, e.location, "event '\(e.id)'")
            }
        }
        for d in model.drugs {
            for t in d.targets { add(.call("reaction", [.symbol(t)]), d.location, "the targets of drug '\(d.id)'") }
        }
        return out
    }
}

extension RateLaw {
    /// The expressions a rate law holds (rate constants, Hill exponents, custom formulas).
    public var expressions: [Expression] {
        switch self {
        case .massAction(let f, let r): return [f] + (r.map { [$0] } ?? [])
        case .michaelisMenten(_, let vmax, let kcat, _, let km): return [vmax, kcat, km].compactMap { $0 }
        case .hill(_, let v, let k, let n): return [v, k, n]
        case .expression(let e): return [e]
        case .regulated(let inner, let a, let i):
            return inner.expressions + (a + i).flatMap { [$0.constant, $0.hill] }
        case .scaled(let inner, let f): return inner.expressions + [f]
        }
    }

    /// Species a rate law names outside its expressions (substrate, enzyme, activator, regulators).
    public var speciesReferences: [String] {
        switch self {
        case .massAction, .expression: return []
        case .michaelisMenten(let s, _, _, let e, _): return [s] + (e.map { [$0] } ?? [])
        case .hill(let of, _, _, _): return [of]
        case .regulated(let inner, let a, let i): return inner.speciesReferences + (a + i).map(\.species)
        case .scaled(let inner, _): return inner.speciesReferences
        }
    }
}
