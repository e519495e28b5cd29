import Foundation

/// Human- and machine-readable descriptions of a model (`pathway info`): species, reactions,
/// parameters and their sources, modules, scenarios, conservation laws.
public enum ModelDescription {
    /// The model as text for a terminal, one section per kind of element.
    public static func text(_ m: Model) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        func section(_ title: String, _ count: Int) { line(); line("\(title) (\(count))") }
        let u = m.units
        line("\(m.name) [\(m.id)]")
        if !m.description.isEmpty { line(wrap(m.description, indent: "  ")) }
        line("Units: time \(u.time.rawValue), concentration \(u.concentration.rawValue), volume \(u.volume.rawValue)")

        if m.modules.count > 1 {
            section("Modules", m.modules.count)
            for mod in m.modules {
                let inc = mod.includes.isEmpty ? "" : "  includes \(mod.includes.joined(separator: ", "))"
                line("  \(mod.id.padded(22)) \(mod.file)\(inc)")
            }
        }
        section("Compartments", m.compartments.count)
        for c in m.compartments {
            let outside = c.outside.map { ", inside \($0)" } ?? ""
            line("  \(c.id.padded(22)) size \(fmt(c.size)) \(u.volume.rawValue)\(outside)  \(c.label)")
        }
        section("Species", m.species.count)
        let idWidth = min(28, (m.species.map(\.id.count).max() ?? 0) + 2)
        for s in m.species {
            var flags: [String] = []
            if s.constant { flags.append("constant") }
            if s.boundary { flags.append("boundary") }
            if s.amountValued { flags.append("amount") }
            let role = s.display.role?.rawValue ?? ""
            var label = s.display.label ?? ""
            if let st = s.display.state { label += " \(st)" }
            let flagText = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
            line("  \(s.id.padded(idWidth)) \(s.compartment.padded(14)) \(fmt(s.initialValue).padded(10, left: true)) \(u.concentration.rawValue)  \(role.padded(20)) \(label)\(flagText)")
        }
        section("Reactions", m.reactions.count)
        for r in m.reactions {
            line("  \(r.id): \(r.equation)")
            line("      rate (\(r.rateLaw.name)) = \(r.rateExpression)")
            if !r.modifiers.isEmpty {
                line("      modifiers: " + r.modifiers.map { "\($0.species) (\($0.role.rawValue))" }.joined(separator: ", "))
            }
        }
        section("Parameters", m.parameters.count)
        let pWidth = min(24, (m.parameters.map(\.id.count).max() ?? 0) + 2)
        for p in m.parameters {
            let unit = p.unit.map { " \($0)" } ?? ""
            let source = p.source.map { "  — \($0)" } ?? "  — (no source)"
            line("  \(p.id.padded(pWidth)) = \(fmt(p.value))\(unit)\(source)")
        }
        if !m.functions.isEmpty {
            section("Functions", m.functions.count)
            for f in m.functions { line("  \(f.id)(\(f.arguments.joined(separator: ", "))) = \(f.body)") }
        }
        if !m.observables.isEmpty {
            section("Observables", m.observables.count)
            for o in m.observables { line("  \(o.id) = \(o.expression)") }
        }
        if !m.rateRules.isEmpty {
            section("Rate rules", m.rateRules.count)
            for r in m.rateRules { line("  d\(r.variable)/dt = \(r.expression)") }
        }
        if !m.initialAssignments.isEmpty {
            section("Initial assignments", m.initialAssignments.count)
            for a in m.initialAssignments { line("  \(a.variable)(0) = \(a.expression)") }
        }
        if !m.events.isEmpty {
            section("Events", m.events.count)
            for e in m.events { line("  \(e.id): \(describe(e.trigger, u)): \(describe(e.assignments))") }
        }
        if !m.drugs.isEmpty {
            section("Drugs", m.drugs.count)
            for d in m.drugs {
                let cl = d.clearance.map { ", clearance \(fmt($0.value))\($0.unit.map { " \($0)" } ?? "")" } ?? ""
                line("  \(d.id): targets \(d.targets.joined(separator: ", ")); IC50 \(fmt(d.ic50.value)) \(u.concentration.rawValue)\(cl)")
            }
        }
        if !m.scenarios.isEmpty {
            section("Scenarios", m.scenarios.count)
            for s in m.scenarios {
                line("  \(s.id)\(s.description.isEmpty ? "" : ": \(s.description)")")
                for p in s.perturbations { line("      \(describe(p, u))") }
            }
        }
        let laws = m.conservationLaws
        section("Conservation laws", laws.count)
        for law in laws { line("  \(law)") }
        return out
    }

    static func describe(_ t: EventTrigger, _ u: Units) -> String {
        switch t {
        case .at(let time, let every, let count):
            var s = "at t = \(fmt(time)) \(u.time.rawValue)"
            if let every { s += ", every \(fmt(every)) \(u.time.rawValue)" }
            if let count { s += ", \(count) times" }
            return s
        case .when(let c): return "when \(c)"
        }
    }

    static func describe(_ a: [EventAssignment]) -> String {
        a.map { $0.mode == .set ? "\($0.target) = \($0.value)" : "\($0.target) += \($0.value)" }.joined(separator: ", ")
    }

    static func describe(_ p: Perturbation, _ u: Units) -> String {
        switch p {
        case .knockout(let s): return "knock out \(s)"
        case .inhibit(let r, let f): return "inhibit \(r) by \(fmt(f * 100))%"
        case .drug(let d, let c): return "drug \(d) at \(fmt(c)) \(u.concentration.rawValue)"
        case .dose(let s, let a, let t, let every, let count):
            var text = "dose \(fmt(a)) \(u.concentration.rawValue) of \(s) at t = \(fmt(t)) \(u.time.rawValue)"
            if let every { text += ", every \(fmt(every)) \(u.time.rawValue)" }
            if let count { text += ", \(count) times" }
            return text
        case .setParameter(let n, let v): return "set \(n) = \(fmt(v))"
        case .scaleParameter(let n, let f): return "scale \(n) × \(fmt(f))"
        case .setInitial(let s, let v): return "initial \(s) = \(fmt(v)) \(u.concentration.rawValue)"
        }
    }

    static func fmt(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v == v.rounded(), abs(v) < 1e7 { return String(Int64(v)) }
        if abs(v) >= 1e-3 && abs(v) < 1e7 {
            var s = String(format: "%.6g", v)
            if s.contains("e") { s = "\(v)" }
            return s
        }
        return String(format: "%.4g", v)
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var lines: [String] = [], current = indent
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if current.count + word.count + 1 > width && current != indent {
                lines.append(current)
                current = indent
            }
            current += (current == indent ? "" : " ") + word
        }
        if current != indent { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// The model as JSON. Numbers that JSON cannot hold (infinities and NaN, which YAML's `.inf` and
    /// `.nan` and SBML's `INF` and `NaN` can write) become `null`.
    /// - Returns: nil if the text still cannot be written (the caller reports it: never print nothing).
    public static func json(_ m: Model) -> String? {
        var root: [String: Any] = [
            "id": m.id, "name": m.name, "description": m.description,
            "units": ["time": m.units.time.rawValue, "concentration": m.units.concentration.rawValue, "volume": m.units.volume.rawValue],
        ]
        root["modules"] = m.modules.map { ["id": $0.id, "name": $0.name, "file": $0.file, "includes": $0.includes] as [String: Any] }
        root["compartments"] = m.compartments.map { c -> [String: Any] in
            var d: [String: Any] = ["id": c.id, "label": c.label, "size": c.size, "dimensions": c.dimensions, "module": c.module]
            if let o = c.outside { d["outside"] = o }
            return d
        }
        root["species"] = m.species.map { s -> [String: Any] in
            var d: [String: Any] = ["id": s.id, "compartment": s.compartment, "initial": s.initialValue,
                                    "constant": s.constant, "boundary": s.boundary, "amount": s.amountValued, "module": s.module]
            if let r = s.display.role { d["role"] = r.rawValue }
            if let l = s.display.label { d["label"] = l }
            if let st = s.display.state { d["state"] = st }
            if !s.display.entities.isEmpty { d["entities"] = s.display.entities }
            if s.display.active { d["active"] = true }
            if s.display.inactive { d["active"] = false }
            if let n = s.display.node { d["node"] = n }
            if let l = s.display.link { d["link"] = l }
            return d
        }
        root["reactions"] = m.reactions.map { r -> [String: Any] in
            var d: [String: Any] = ["id": r.id, "equation": r.equation, "rate_law": r.rateLaw.name,
                                    "rate": r.rateExpression.description, "reversible": r.reversible, "module": r.module,
                                    "modifiers": r.modifiers.map { ["species": $0.species, "role": $0.role.rawValue] }]
            if let c = r.compartment { d["compartment"] = c }
            if let k = r.kind { d["kind"] = k.rawValue }
            return d
        }
        root["parameters"] = m.parameters.map { p -> [String: Any] in
            var d: [String: Any] = ["id": p.id, "value": p.value, "module": p.module]
            if let u = p.unit { d["unit"] = u }
            if let s = p.source { d["source"] = s }
            return d
        }
        root["observables"] = m.observables.map { o -> [String: Any] in
            var d: [String: Any] = ["id": o.id, "expression": o.expression.description]
            if let e = o.entity { d["entity"] = e }
            return d
        }
        root["events"] = m.events.map { ["id": $0.id, "trigger": describe($0.trigger, m.units), "assignments": describe($0.assignments)] }
        root["drugs"] = m.drugs.map { d -> [String: Any] in
            var o: [String: Any] = ["id": d.id, "targets": d.targets, "ic50": d.ic50.value]
            if let c = d.clearance { o["clearance"] = c.value }
            return o
        }
        root["scenarios"] = m.scenarios.map { s in
            ["id": s.id, "description": s.description, "perturbations": s.perturbations.map { describe($0, m.units) }] as [String: Any]
        }
        var simulation: [String: Any] = ["observe": m.simulation.observe]
        if let e = m.simulation.end { simulation["end"] = e }
        if let p = m.simulation.points { simulation["points"] = p }
        root["simulation"] = simulation
        root["conservation_laws"] = m.conservationLaws.map { law in
            ["species": law.terms.map(\.species), "weights": law.terms.map(\.weight), "total": law.total,
             "text": law.description] as [String: Any]
        }
        let object = jsonSafe(root)
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// `value` with every non-finite number replaced by `null` (JSON has no infinities or NaN).
    static func jsonSafe(_ value: Any) -> Any {
        switch value {
        case let d as Double where type(of: value) == Double.self:
            return d.isFinite ? d : NSNull()
        case let a as [Any]:
            return a.map(jsonSafe)
        case let o as [String: Any]:
            return o.mapValues(jsonSafe)
        default:
            return value
        }
    }
}

extension String {
    fileprivate func padded(_ width: Int, left: Bool = false) -> String {
        count >= width ? self : (left ? String(repeating: " ", count: width - count) + self : self + String(repeating: " ", count: width - count))
    }
}
