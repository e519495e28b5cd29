/// Writes a model in the YAML model format (docs/model-format.md), for `pathway convert x.xml x.yaml`.
///
/// Rate laws are written as expressions (`rate:`), with `rate-units: amount` when the reaction has no
/// compartment (as for SBML kinetic laws). Drugs and scenarios are written too. Everything the format
/// cannot say (source locations, module structure) is left out; the written file is one module.
public enum YAMLModelWriter {
    /// The model as YAML. Throws for what the format cannot say rather than writing something else:
    /// stoichiometries given by expressions (from SBML stoichiometryMath or rules).
    public static func write(_ model: Model) throws(ModelError) -> String {
        let variable = model.reactions.filter { r in (r.reactants + r.products).contains { $0.expression != nil } }
        if !variable.isEmpty {
            throw ModelError(variable.map {
                Diagnostic(.error, at: $0.location, "reaction '\($0.id)' has a stoichiometry given by an expression, which the YAML format cannot express (keep the model as SBML)")
            })
        }
        var out = headerLines(model)
        let sections = [
            compartmentsSection(model), speciesSection(model), parametersSection(model), functionsSection(model),
            reactionsSection(model), observablesSection(model), rateRulesSection(model), algebraicRulesSection(model),
            initialAssignmentsSection(model), eventsSection(model), drugsSection(model), scenariosSection(model),
            simulationSection(model),
        ]
        for section in sections where !section.isEmpty {
            out.append("")
            out.append(contentsOf: section)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The model's id, name, description and units.
    private static func headerLines(_ model: Model) -> [String] {
        var out: [String] = []
        out.append("model: \(key(model.id.isEmpty ? "model" : model.id))")
        if !model.name.isEmpty { out.append("name: \(quote(model.name))") }
        if !model.description.isEmpty { out.append("description: \(quote(model.description))") }
        out.append("")
        out.append("units: {time: \(model.units.time.rawValue), concentration: \(quote(model.units.concentration.rawValue)), volume: \(quote(model.units.volume.rawValue))}")
        return out
    }

    /// The `compartments:` section (none when the model has nothing for it).
    private static func compartmentsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.compartments.isEmpty {
            out.append("compartments:")
            for c in model.compartments {
                var fields = ["size: \(number(c.size))"]
                if c.dimensions != 3 { fields.append("dimensions: \(c.dimensions)") }
                if let o = c.outside { fields.append("outside: \(key(o))") }
                if c.label != c.id { fields.append("label: \(quote(c.label))") }
                out.append("  \(key(c.id)): {\(fields.joined(separator: ", "))}")
            }
        }
        return out
    }

    /// The `species:` section (always written).
    private static func speciesSection(_ model: Model) -> [String] {
        var out: [String] = []
        out.append("species:")
        for s in model.species {
            out.append("  \(key(s.id)):")
            out.append("    compartment: \(key(s.compartment))")
            if s.amountValued { out.append("    amount: true") }
            out.append("    initial: \(number(s.initialValue))")
            if s.constant { out.append("    constant: true") }
            if s.boundary { out.append("    boundary: true") }
            let d = s.display
            if let r = d.role { out.append("    role: \(r.rawValue)") }
            if let l = d.label { out.append("    label: \(quote(l))") }
            if let st = d.state { out.append("    state: \(quote(st))") }
            if d.entities.count == 1 { out.append("    entity: \(key(d.entities[0]))") }
            if d.entities.count > 1 { out.append("    entities: [\(d.entities.map(key).joined(separator: ", "))]") }
            if d.active { out.append("    active: true") }
            if d.inactive { out.append("    active: false") }
            if let n = d.node { out.append("    node: \(key(n))") }
            if let l = d.link { out.append("    link: \(quote(l))") }
            if let n = d.note { out.append("    note: \(quote(n))") }
        }
        return out
    }

    /// The `parameters:` section (none when the model has nothing for it).
    private static func parametersSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.parameters.isEmpty {
            out.append("parameters:")
            for p in model.parameters {
                var fields = ["value: \(number(p.value))"]
                if let u = p.unit { fields.append("unit: \(quote(u))") }
                if let s = p.source { fields.append("source: \(quote(s))") }
                if let n = p.note { fields.append("note: \(quote(n))") }
                if p.positive { fields.append("positive: true") }
                out.append("  \(key(p.id)): {\(fields.joined(separator: ", "))}")
            }
        }
        return out
    }

    /// The `functions:` section (none when the model has nothing for it).
    private static func functionsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.functions.isEmpty {
            out.append("functions:")
            for f in model.functions {
                out.append("  \(key(f.id)): {arguments: [\(f.arguments.map(key).joined(separator: ", "))], body: \(quote(f.body.description))}")
            }
        }
        return out
    }

    /// The `reactions:` section (none when the model has nothing for it).
    private static func reactionsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.reactions.isEmpty {
            out.append("reactions:")
            for r in model.reactions {
                out.append("  \(key(r.id)):")
                out.append("    equation: \(quote(r.equation))")
                out.append("    rate: \(quote(r.rateExpression.description))")
                if let c = r.compartment, !c.isEmpty {
                    out.append("    compartment: \(key(c))")
                } else {
                    out.append("    rate-units: amount")
                }
                if !r.modifiers.isEmpty {
                    out.append("    modifiers: {\(r.modifiers.map { "\(key($0.species)): \($0.role.rawValue)" }.joined(separator: ", "))}")
                }
                if let k = r.kind { out.append("    kind: \(k.rawValue)") }
                if let l = r.label { out.append("    label: \(quote(l))") }
                if let n = r.note { out.append("    note: \(quote(n))") }
                if r.fast { out.append("    fast: true") }
            }
        }
        return out
    }

    /// The `observables:` section (none when the model has nothing for it).
    private static func observablesSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.observables.isEmpty {
            out.append("observables:")
            for o in model.observables {
                var fields = ["expression: \(quote(o.expression.description))"]
                if let l = o.label { fields.append("label: \(quote(l))") }
                if let u = o.unit { fields.append("unit: \(quote(u))") }
                if let e = o.entity { fields.append("entity: \(key(e))") }
                if let n = o.note { fields.append("note: \(quote(n))") }
                out.append("  \(key(o.id)): {\(fields.joined(separator: ", "))}")
            }
        }
        return out
    }

    /// The `rate-rules:` section (none when the model has nothing for it).
    private static func rateRulesSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.rateRules.isEmpty {
            out.append("rate-rules:")
            for r in model.rateRules { out.append("  \(key(r.variable)): \(quote(r.expression.description))") }
        }
        return out
    }

    /// The `algebraic-rules:` section (none when the model has nothing for it).
    private static func algebraicRulesSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.algebraicRules.isEmpty {
            out.append("algebraic-rules:")
            for r in model.algebraicRules { out.append("  \(key(r.variable)): \(quote(r.expression.description))") }
        }
        return out
    }

    /// The `initial-assignments:` section (none when the model has nothing for it).
    private static func initialAssignmentsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.initialAssignments.isEmpty {
            out.append("initial-assignments:")
            for a in model.initialAssignments { out.append("  \(key(a.variable)): \(quote(a.expression.description))") }
        }
        return out
    }

    /// The `events:` section (none when the model has nothing for it).
    private static func eventsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.events.isEmpty {
            out.append("events:")
            for e in model.events {
                var fields: [String] = []
                switch e.trigger {
                case .at(let t, let every, let count):
                    fields.append("at: \(number(t))")
                    if let every { fields.append("every: \(number(every))") }
                    if let count { fields.append("count: \(count)") }
                case .when(let c):
                    fields.append("when: \(quote(c.description))")
                }
                for mode in [EventAssignment.Mode.set, .add] {
                    let items = e.assignments.filter { $0.mode == mode }
                    if !items.isEmpty {
                        fields.append("\(mode.rawValue): {\(items.map { "\(key($0.target)): \(quote($0.value.description))" }.joined(separator: ", "))}")
                    }
                }
                if let d = e.delay { fields.append("delay: \(quote(d.description))") }
                if let p = e.priority { fields.append("priority: \(quote(p.description))") }
                if !e.persistent { fields.append("persistent: false") }
                if e.useValuesFromTriggerTime { fields.append("values-from-trigger-time: true") }
                if !e.initialValue { fields.append("initial-value: false") }
                if let n = e.note { fields.append("note: \(quote(n))") }
                out.append("  \(key(e.id)): {\(fields.joined(separator: ", "))}")
            }
        }
        return out
    }

    /// The `drugs:` section (none when the model has nothing for it).
    private static func drugsSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.drugs.isEmpty {
            out.append("drugs:")
            for d in model.drugs {
                out.append("  \(key(d.id)):")
                if let l = d.label { out.append("    label: \(quote(l))") }
                out.append("    targets: [\(d.targets.map(key).joined(separator: ", "))]")
                out.append("    ic50: \(parameter(d.ic50))")
                if let c = d.clearance { out.append("    clearance: \(parameter(c))") }
                if let c = d.compartment { out.append("    compartment: \(key(c))") }
                if let l = d.link { out.append("    link: \(quote(l))") }
                if let n = d.note { out.append("    note: \(quote(n))") }
            }
        }
        return out
    }

    /// The `scenarios:` section (none when the model has nothing for it).
    private static func scenariosSection(_ model: Model) -> [String] {
        var out: [String] = []
        if !model.scenarios.isEmpty {
            out.append("scenarios:")
            for s in model.scenarios {
                out.append("  \(key(s.id)):")
                if !s.description.isEmpty { out.append("    description: \(quote(s.description))") }
                out.append(contentsOf: scenarioLines(s.perturbations))
            }
        }
        return out
    }

    /// The `simulation:` section (none when the model has nothing for it).
    private static func simulationSection(_ model: Model) -> [String] {
        var out: [String] = []
        let sim = model.simulation
        if sim.end != nil || sim.points != nil || !sim.observe.isEmpty {
            out.append("simulation:")
            if let e = sim.end { out.append("  t-end: \(number(e))") }
            if let p = sim.points { out.append("  points: \(p)") }
            if !sim.observe.isEmpty { out.append("  observe: [\(sim.observe.map(key).joined(separator: ", "))]") }
        }
        return out
    }
    private static func scenarioLines(_ perturbations: [Perturbation]) -> [String] {
        var knockout: [String] = [], inhibit: [String] = [], drugs: [String] = [], set: [String] = []
        var scale: [String] = [], initial: [String] = [], doses: [String] = []
        for p in perturbations {
            switch p {
            case .knockout(let s): knockout.append(key(s))
            case .inhibit(let r, let f): inhibit.append("\(key(r)): \(number(f))")
            case .drug(let d, let c): drugs.append("\(key(d)): \(number(c))")
            case .setParameter(let n, let v): set.append("\(key(n)): \(number(v))")
            case .scaleParameter(let n, let f): scale.append("\(key(n)): \(number(f))")
            case .setInitial(let s, let v): initial.append("\(key(s)): \(number(v))")
            case .dose(let s, let a, let t, let every, let count):
                var fields = ["species: \(key(s))", "amount: \(number(a))", "at: \(number(t))"]
                if let every { fields.append("every: \(number(every))") }
                if let count { fields.append("count: \(count)") }
                doses.append("{\(fields.joined(separator: ", "))}")
            }
        }
        var out: [String] = []
        if !knockout.isEmpty { out.append("    knockout: [\(knockout.joined(separator: ", "))]") }
        for (name, items) in [("inhibit", inhibit), ("drugs", drugs), ("set", set), ("scale", scale), ("initial", initial)]
            where !items.isEmpty {
            out.append("    \(name): {\(items.joined(separator: ", "))}")
        }
        if !doses.isEmpty { out.append("    doses: [\(doses.joined(separator: ", "))]") }
        return out
    }

    private static func parameter(_ p: Parameter) -> String {
        var fields = ["value: \(number(p.value))"]
        if let u = p.unit { fields.append("unit: \(quote(u))") }
        if let s = p.source { fields.append("source: \(quote(s))") }
        return "{\(fields.joined(separator: ", "))}"
    }

    /// Shortest text that reads back as the same double.
    static func number(_ v: Double) -> String {
        if v.isNaN { return ".nan" }
        if v.isInfinite { return v > 0 ? ".inf" : "-.inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// Words YAML 1.1 reads as booleans or null: quoted when used as names.
    private static let specialWords: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"]

    static func key(_ s: String) -> String {
        specialWords.contains(s.lowercased()) ? quote(s) : s
    }

    static func quote(_ s: String) -> String { doubleQuoted(s) }
}
