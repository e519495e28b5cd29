import PathwayModel

/// FNV-1a, 64 bits: a small, stable (platform- and run-independent) hash for telling scans apart.
/// Not cryptographic; it guards against mixing up files, not against forgery.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// 16 lowercase hex digits.
    public static func hex(_ text: String) -> String {
        let s = String(hash(text), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Model {
    /// A digest of everything that affects a simulation (species, parameters, compartments, reactions,
    /// their rate laws and computed stoichiometries, rules, events with their delays, priorities and
    /// persistence, functions), independent of file paths and comments, so that the
    /// same model read on two machines gives the same fingerprint.
    public var fingerprint: String {
        var t = "units \(units.time.rawValue) \(units.concentration.rawValue) \(units.volume.rawValue)\n"
        for c in compartments { t += "compartment \(c.id) \(NumberFormat.exact(c.size))\n" }
        for s in species {
            t += "species \(s.id) \(s.compartment) \(NumberFormat.exact(s.initialValue)) \(s.amountValued) \(s.constant) \(s.boundary)\n"
        }
        for p in parameters { t += "parameter \(p.id) \(NumberFormat.exact(p.value))\n" }
        for f in functions { t += "function \(f.id)(\(f.arguments.joined(separator: ","))) \(f.body)\n" }
        for r in reactions {
            t += "reaction \(r.id) \(r.equation) [\(r.compartment ?? "-")] \(r.rateExpression)\n"
            // Stoichiometries that the simulation computes (stoichiometryMath, rules, events).
            for term in r.reactants + r.products {
                if let e = term.expression { t += "stoichiometry \(r.id) \(term.species) \(e)\n" }
            }
        }
        for o in observables { t += "observable \(o.id) \(o.expression)\n" }
        for r in rateRules { t += "rate \(r.variable) \(r.expression)\n" }
        for a in initialAssignments { t += "initial \(a.variable) \(a.expression)\n" }
        for e in events {
            t += "event \(e.id) \(e.trigger) " + e.assignments.map { "\($0.target) \($0.mode.rawValue) \($0.value)" }.joined(separator: "; ")
            // Everything of SBML's event semantics that changes when and how the assignments happen.
            t += " delay=\(e.delay.map { "\($0)" } ?? "-") priority=\(e.priority.map { "\($0)" } ?? "-")"
                + " persistent=\(e.persistent) trigger-time-values=\(e.useValuesFromTriggerTime) initial=\(e.initialValue)\n"
        }
        return FNV1a.hex(t)
    }
}
