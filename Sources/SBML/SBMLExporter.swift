import Foundation
import PathwayModel

/// Writes models as SBML Level 3 Version 2.
///
/// - Units: the time unit, the volume unit and a substance unit (concentration unit × volume unit)
///   become unit definitions and the model's defaults.
/// - Species keep their values: `initialConcentration`, or `initialAmount` with
///   `hasOnlySubstanceUnits` for amount-valued species. A constant species is also a boundary
///   species (SBML forbids reactions to name a constant non-boundary species).
/// - Kinetic laws are amounts per time: a reaction with a compartment gets `compartment * (rate)`.
/// - Observables become non-constant parameters with assignment rules.
/// - Events: `when` triggers carry over (`initialValue="true"`: a condition already true at the start
///   does not fire, as in the simulator); timed events become `time >= t` triggers with
///   `initialValue="false"` (so an event at 0 fires at the start), one event per occurrence when the
///   count is known, else one periodic trigger. `add` is written `x + value`. Delays, priorities,
///   persistence and `useValuesFromTriggerTime` carry over (`initialValue` too, for `when` triggers).
/// - Diagram roles and reaction kinds become SBO terms; labels names; sources and notes XHTML notes.
///
/// Fast reactions (`fast: true`): Level 3 Version 2 has no `fast` attribute, so a model with one is written
/// as Level 3 Version 1, which has it (every reaction then carries `fast`), and checked with libSBML; what
/// that level cannot say (MathML that Version 2 added) is refused with libSBML's message.
///
/// Drugs and scenarios are not SBML: apply a scenario first (``Model/applying(scenario:)``) to export it.
public enum SBMLExporter {
    /// The model as SBML text.
    public static func export(_ model: Model) throws(SBMLExportError) -> String {
        let t = try tree(for: model)
        let xml = LibSBML.write(t)
        guard t.version == 1 else { return xml }
        // Level 3 Version 1 for the fast reactions: nothing of Version 2 may remain.
        let errors = validate(xml: xml, file: "<export>").filter { $0.severity == .error }
        guard errors.isEmpty else {
            let fast = model.reactions.first { $0.fast }!
            throw SBMLExportError(errors.prefix(3).map { e in
                Diagnostic(.error, at: fast.location, "reaction '\(fast.id)' is fast, which only SBML Level 3 Version 1 can say, and the model as Version 1 is not valid: \(e.message)")
            })
        }
        return xml
    }

    /// libSBML's full consistency check of SBML text (units included): errors and warnings, located.
    public static func validate(xml: String, file: String = "<sbml>") -> [Diagnostic] {
        LibSBML.validate(xml: xml).map { m in
            Diagnostic(m.isError ? .error : .warning, at: SourceLocation(file: file, line: m.line, column: m.column),
                       "\(m.text) [libSBML \(m.id)]")
        }
    }

    /// The reactions, each with its kinetic law in amount per time (the compartment times the YAML rate) and the
    /// species its rate reads declared as modifiers; what SBML Level 3 Version 2 cannot say goes to `problems`.
    private static func reactions(of model: Model, problems: inout [Diagnostic]) -> [SBMLTree.ReactionNode] {
        var out: [SBMLTree.ReactionNode] = []
        let speciesIDs = Set(model.species.map(\.id))
        for r in model.reactions {
            var node = SBMLTree.ReactionNode(id: r.id, name: r.label)
            node.reversible = r.reversible
            node.compartment = r.compartment.flatMap { $0.isEmpty ? nil : $0 }
            node.fast = r.fast
            for t in r.reactants + r.products {
                if let e = t.expression {
                    problems.append(Diagnostic(.error, at: r.location, "the stoichiometry of '\(t.species)' in reaction '\(r.id)' is an expression (\(e)), which the export does not write"))
                }
            }
            node.reactants = r.reactants.map { .init(species: $0.species, stoichiometry: $0.coefficient) }
            node.products = r.products.map { .init(species: $0.species, stoichiometry: $0.coefficient) }
            let rate = r.rateExpression
            var modifiers = r.modifiers.map(\.species)
            let participants = Set(r.reactants.map(\.species) + r.products.map(\.species))
            for s in rate.symbols where speciesIDs.contains(s) && !participants.contains(s) && !modifiers.contains(s) {
                modifiers.append(s)
            }
            node.modifiers = modifiers.filter { !participants.contains($0) }
            let amountRate: Expression = node.compartment.map { .symbol($0) * rate } ?? rate
            node.kineticLaw = .init(math: MathNode(amountRate))
            node.sboTerm = r.kind.flatMap(SBO.term(for:))
            node.notes = r.note
            out.append(node)
        }
        return out
    }

    /// The events; a repeated timed event becomes one event per occurrence (or, without a count, a periodic
    /// trigger true for the first half of each period).
    private static func events(of model: Model, problems: inout [Diagnostic]) -> [SBMLTree.EventNode] {
        var out: [SBMLTree.EventNode] = []
        for e in model.events {
            if e.delay != nil && e.useValuesFromTriggerTime && e.assignments.contains(where: { $0.mode == .add }) {
                // SBML would compute `x + value` when the event triggers; the simulator adds at execution.
                problems.append(Diagnostic(.error, at: e.location, "event '\(e.id)' adds with a delay and values from the trigger time, which SBML cannot express; use 'set'"))
            }
            let delay = e.delay.map(MathNode.init)
            let priority = e.priority.map(MathNode.init)
            func assignments() -> [SBMLTree.EventAssignmentNode] {
                e.assignments.map { a in
                    let value = a.mode == .add ? .symbol(a.target) + a.value : a.value
                    return .init(variable: a.target, math: MathNode(value))
                }
            }
            switch e.trigger {
            case .when(let condition):
                out.append(.init(id: sanitize(e.id), name: e.note, trigger: MathNode(condition), persistent: e.persistent,
                                      initialValue: e.initialValue, delay: delay, hasDelay: delay != nil,
                                      priority: priority, hasPriority: priority != nil,
                                      useValuesFromTriggerTime: e.useValuesFromTriggerTime, assignments: assignments()))
            case .at(let time, let every, let count):
                if let every, every > 0 {
                    if let count {
                        for k in 0..<max(count, 0) {
                            let tk = time + Double(k) * every
                            out.append(.init(id: sanitize(e.id) + "_\(k + 1)", name: e.note,
                                                  trigger: MathNode(.binary(.greaterEqual, .time, .number(tk))),
                                                  persistent: true, initialValue: false, delay: delay, hasDelay: delay != nil,
                                                  priority: priority, hasPriority: priority != nil,
                                                  useValuesFromTriggerTime: e.useValuesFromTriggerTime,
                                                  assignments: assignments()))
                        }
                    } else {
                        // Fires at t0, t0 + every, …: true from each occurrence for half a period.
                        let since = Expression.time - .number(time)
                        let phase = since - .number(every) * .call("floor", [since / .number(every)])
                        let condition = Expression.binary(.and, .binary(.greaterEqual, .time, .number(time)),
                                                          .binary(.less, phase, .number(every / 2)))
                        out.append(.init(id: sanitize(e.id), name: e.note, trigger: MathNode(condition),
                                              persistent: true, initialValue: false, delay: delay, hasDelay: delay != nil,
                                                  priority: priority, hasPriority: priority != nil,
                                                  useValuesFromTriggerTime: e.useValuesFromTriggerTime,
                                              assignments: assignments()))
                    }
                } else {
                    out.append(.init(id: sanitize(e.id), name: e.note,
                                          trigger: MathNode(.binary(.greaterEqual, .time, .number(time))),
                                          persistent: true, initialValue: false, delay: delay, hasDelay: delay != nil,
                                                  priority: priority, hasPriority: priority != nil,
                                                  useValuesFromTriggerTime: e.useValuesFromTriggerTime,
                                          assignments: assignments()))
                }
            }
        }
        return out
    }

    static func tree(for model: Model) throws(SBMLExportError) -> SBMLTree {
        var problems: [Diagnostic] = []
        var t = SBMLTree()
        t.level = 3
        // Fast reactions exist in Level 3 Version 1 only.
        t.version = model.reactions.contains(where: \.fast) ? 1 : 2
        var m = SBMLTree.ModelNode()
        m.id = sanitize(model.id)
        m.name = model.name
        var notes = model.description
        if model.modules.count > 1 {
            notes += (notes.isEmpty ? "" : "\n") + "Composed of the modules " + model.modules.map(\.id).joined(separator: ", ") + "."
        }
        m.notes = notes.isEmpty ? nil : notes

        // Units.
        let u = model.units
        m.unitDefinitions.append(.init(id: "time_unit", units: [.init(kind: "second", multiplier: u.time.seconds)]))
        let volumeScale = Int((log10(u.volume.litres)).rounded())
        m.unitDefinitions.append(.init(id: "volume_unit", units: [.init(kind: "litre", scale: volumeScale)]))
        switch u.concentration {
        case .perCell:
            m.unitDefinitions.append(.init(id: "substance_unit", units: [.init(kind: "item")]))
        case .arbitrary:
            m.unitDefinitions.append(.init(id: "substance_unit", units: [.init(kind: "dimensionless")]))
        default:
            let molarScale = Int((log10(u.concentration.molar ?? 1)).rounded())
            m.unitDefinitions.append(.init(id: "substance_unit", units: [.init(kind: "mole", scale: molarScale + volumeScale)]))
        }
        m.timeUnits = "time_unit"
        m.volumeUnits = "volume_unit"
        m.substanceUnits = "substance_unit"
        m.extentUnits = "substance_unit"

        for f in model.functions {
            m.functions.append(.init(id: f.id, math: .lambda(arguments: f.arguments, body: MathNode(f.body))))
        }
        for c in model.compartments {
            m.compartments.append(.init(id: c.id, name: c.label == c.id ? nil : c.label, size: c.size,
                                        spatialDimensions: Double(c.dimensions), constant: true,
                                        units: c.dimensions == 3 ? "volume_unit" : nil))
        }

        let ruled = Set(model.rateRules.map(\.variable) + model.algebraicRules.map(\.variable))
        let assigned = Set(model.events.flatMap { $0.assignments.map(\.target) })
        for s in model.species {
            var node = SBMLTree.SpeciesNode(id: s.id, name: s.display.label, compartment: s.compartment)
            if s.amountValued { node.initialAmount = s.initialValue } else { node.initialConcentration = s.initialValue }
            node.hasOnlySubstanceUnits = s.amountValued
            node.boundaryCondition = s.boundary || s.constant
            node.constant = s.constant
            node.sboTerm = s.display.role.flatMap(SBO.term(for:))
            let details = [s.display.state.map { "State: \($0)" }, s.display.link.map { "Link: \($0)" },
                           s.display.entities.isEmpty ? nil : "Entities: " + s.display.entities.joined(separator: ", "),
                           s.display.active ? "Active form" : nil, s.display.inactive ? "Inactive form" : nil,
                           s.display.node.map { "Activity node: \($0)" }, s.display.role.map { "Role: \($0.rawValue)" },
                           s.display.note].compactMap { $0 }
            node.notes = details.isEmpty ? nil : details.joined(separator: "\n")
            m.species.append(node)
        }
        for p in model.parameters {
            let notes = [p.source.map { "Source: \($0)" }, p.unit.map { "Unit: \($0)" }, p.note].compactMap { $0 }
            m.parameters.append(.init(id: p.id, value: p.value, constant: !ruled.contains(p.id) && !assigned.contains(p.id),
                                      notes: notes.isEmpty ? nil : notes.joined(separator: "\n")))
        }
        for o in model.observables {
            let notes = [o.label, o.unit.map { "Unit: \($0)" }, o.entity.map { "Entity: \($0)" }, o.note].compactMap { $0 }
            m.parameters.append(.init(id: o.id, name: o.label, value: nil, constant: false,
                                      notes: notes.isEmpty ? nil : notes.joined(separator: "\n")))
            m.rules.append(.init(kind: .assignment, variable: o.id, math: MathNode(o.expression)))
        }
        for r in model.rateRules {
            m.rules.append(.init(kind: .rate, variable: r.variable, math: MathNode(r.expression)))
        }
        for r in model.algebraicRules {
            m.rules.append(.init(kind: .algebraic, variable: "", math: MathNode(r.expression)))
        }
        for ia in model.initialAssignments {
            m.initialAssignments.append(.init(symbol: ia.variable, math: MathNode(ia.expression)))
        }

        m.reactions = reactions(of: model, problems: &problems)
        m.events = events(of: model, problems: &problems)

        let ids = m.compartments.map(\.id) + m.species.map(\.id) + m.parameters.map(\.id) + m.reactions.map(\.id)
            + m.functions.map(\.id) + m.events.compactMap(\.id)
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted {
            problems.append(Diagnostic(.error, at: model.location, "'\(id)' names two elements; SBML needs distinct identifiers"))
        }
        for id in ids where !isValidIdentifier(id) {
            problems.append(Diagnostic(.error, at: model.location, "'\(id)' is not a valid SBML identifier"))
        }
        if !problems.isEmpty { throw SBMLExportError(problems) }
        t.model = m
        return t
    }

    /// An SBML identifier from a model or event name (`egf-mini` → `egf_mini`).
    static func sanitize(_ id: String) -> String {
        var out = String(id.unicodeScalars.map { isValidIdentifier(String($0)) || ("0"..."9").contains($0) ? Character($0) : "_" })
        if let f = out.unicodeScalars.first, ("0"..."9").contains(f) { out = "_" + out }
        return out.isEmpty ? "model" : out
    }
}
