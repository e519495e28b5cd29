import PathwayModel

/// The process view: every species and every reaction (SBGN Process Description).
///
/// A reaction is a small process node: a filled dot for a binding (SBGN association), a double
/// circle for a dissociation, a square otherwise. Reactants are joined to it by consumption arcs
/// (with an arrowhead at the reactant when the step is reversible), products by production
/// arcs, with the stoichiometry written on the arc when it is not 1. Modifiers act on the process
/// node: catalysis (open circle), stimulation (open arrow), inhibition (bar), modulation (open
/// diamond); a species on both sides of the equation (a template) is drawn as a catalyst.
/// Synthesis and degradation start from or end in an SBGN source/sink (∅).
struct ProcessView {
    let selection: Selection

    init(_ selection: Selection) { self.selection = selection }

    func plan() -> DrawPlan {
        var plan = DrawPlan()
        let model = selection.model
        var speciesByID: [String: Species] = [:]
        for s in model.species { speciesByID[s.id] = s }
        var nodeID: [String: String] = [:]
        var used: Set<String> = []
        func unique(_ base: String) -> String {
            var id = base
            while used.contains(id) { id += "_" }
            used.insert(id)
            return id
        }
        let module = selection.options.module

        for s in selection.species {
            let id = unique("species-" + ElementID.sanitize(s.id))
            nodeID[s.id] = id
            let role = s.display.role ?? (s.display.entities.count > 1 ? .complex : .protein)
            let ko = selection.knockedOut.contains(s.id)
            let external = selection.external.contains(s.id)
            var a = DiagramStyle.nodeAttributes(role: role, active: s.display.active, external: external, knockedOut: ko)
            let label = s.display.label ?? s.id
            a["label"] = DiagramStyle.label(label, state: s.display.state, fontColor: ko ? "#9a9a9a" : nil)
            a["id"] = .string(id)
            var classes = ["species", DiagramStyle.cssClass(role)]
            if s.display.active { classes.append("active") }
            if external { classes.append("external") }
            if ko { classes.append("knocked-out") }
            a["class"] = .string(classes.joined(separator: " "))
            if let link = s.display.link { a["URL"] = .string(link) }
            var tip = label
            if let st = s.display.state { tip += " \(st)" }
            tip += " [\(s.id)]: " + DiagramStyle.style(for: role).name
            if s.display.entities.count > 1 { tip += " of " + s.display.entities.joined(separator: ", ") }
            tip += ", in " + (model.compartment(named: s.compartment)?.label ?? s.compartment)
            if external, module != nil { tip += " (from module \(s.module))" }
            if ko { tip += "; knocked out in this scenario" }
            a["tooltip"] = .string(tip)
            plan.use(role)
            plan.nodes.append(PlannedNode(id: id, compartment: s.compartment, module: s.module, attributes: a, title: tip))
        }

        for r in selection.reactions {
            let participants = (r.reactants + r.products).compactMap { speciesByID[$0.species]?.compartment }
            let compartment = selection.compartments.commonAncestor(orderedUnique(participants)) ?? r.compartment
            let rid = unique("reaction-" + ElementID.sanitize(r.id))
            let blockedBy = selection.blocked[r.id]
            var a: Attributes =
                switch r.kind {
                case .binding:
                    ["shape": "circle", "style": "filled", "fillcolor": "#333333", "color": "#333333", "width": "0.13"]
                case .dissociation:
                    ["shape": "doublecircle", "style": "filled", "fillcolor": "white", "color": "#333333", "width": "0.1"]
                default:
                    ["shape": "square", "style": "filled", "fillcolor": "white", "color": "#333333", "width": "0.15"]
                }
            a["fixedsize"] = "true"
            a["label"] = ""
            if blockedBy != nil {
                a["fillcolor"] = "#b0175a"
                a["color"] = "#b0175a"
            }
            a["id"] = .string(rid)
            var classes = ["reaction", r.kind?.rawValue ?? "process"]
            if blockedBy != nil { classes.append("blocked") }
            a["class"] = .string(classes.joined(separator: " "))
            var tip = (r.label ?? r.id) + " [\(r.id)]: " + r.equation
            if let b = blockedBy { tip += "; " + b }
            a["tooltip"] = .string(tip)
            plan.nodes.append(PlannedNode(id: rid, compartment: compartment, module: r.module, attributes: a, title: tip))

            func emptySet(_ role: String) -> String {
                let id = unique("\(role)-" + ElementID.sanitize(r.id))
                plan.nodes.append(PlannedNode(id: id, compartment: compartment, module: r.module, attributes: [
                    "shape": "circle", "label": "∅", "fixedsize": "true", "width": "0.24", "fontsize": "11",
                    "color": "#777777", "fontcolor": "#555555", "id": .string(id), "class": .string("empty-set \(role)"),
                    "tooltip": .string(role == "source" ? "synthesis (source)" : "degradation (sink)"),
                ], title: role == "source" ? "source of \(r.id)" : "sink of \(r.id)"))
                return id
            }

            let productIDs = Set(r.products.map(\.species))
            let reactantIDs = Set(r.reactants.map(\.species))
            func arc(_ tail: String, _ head: String, _ kind: DiagramStyle.Arc, species: String?, coefficient: Double = 1,
                     reversibleTail: Bool = false, blocked: Bool = false)
            {
                var e = kind.attributes
                let k = kind
                if reversibleTail {
                    e["dir"] = "both"
                    e["arrowtail"] = "normal"
                }
                if coefficient != 1 {
                    let whole = coefficient == coefficient.rounded() && abs(coefficient) < 1e9
                    e["label"] = .string(whole ? String(Int(coefficient)) : String(coefficient))
                }
                var classes = ["arc", k.rawValue]
                if blocked {
                    for attribute in DiagramStyle.blockedArc { e[attribute.name] = attribute.value }
                    classes.append("blocked")
                }
                if let s = species, selection.knockedOut.contains(s) {
                    for attribute in DiagramStyle.knockedOutArc { e[attribute.name] = attribute.value }
                    classes.append("knocked-out")
                }
                let id = unique("arc-\(ElementID.sanitize(r.id))-\(k.rawValue)-\(ElementID.sanitize(species ?? "empty"))")
                e["id"] = .string(id)
                e["class"] = .string(classes.joined(separator: " "))
                let speciesLabel = species.map { speciesByID[$0]?.display.label ?? $0 } ?? "∅"
                let tip = "\(speciesLabel) — \(k.legendText) — \(r.label ?? r.id)"
                e["tooltip"] = .string(tip)
                if k == .inhibition { plan.feedback.insert(plan.edges.count) }
                plan.use(k)
                plan.edges.append(GraphDescription.Edge(from: tail, to: head, e))
                plan.edgeTitles[id] = tip
            }

            let blocked = blockedBy != nil
            let inputs = r.reactants.filter { !productIDs.contains($0.species) }
            let outputs = r.products.filter { !reactantIDs.contains($0.species) }
            if inputs.isEmpty {
                arc(emptySet("source"), rid, .consumption, species: nil, reversibleTail: r.reversible, blocked: blocked)
            }
            for t in inputs {
                guard let n = nodeID[t.species] else { continue }
                arc(n, rid, .consumption, species: t.species, coefficient: t.coefficient, reversibleTail: r.reversible,
                    blocked: blocked)
            }
            for t in outputs {
                guard let n = nodeID[t.species] else { continue }
                arc(rid, n, .production, species: t.species, coefficient: t.coefficient, blocked: blocked)
            }
            if outputs.isEmpty {
                arc(rid, emptySet("sink"), .production, species: nil, blocked: blocked)
            }
            for t in r.reactants where productIDs.contains(t.species) {
                guard let n = nodeID[t.species] else { continue }
                arc(n, rid, .catalysis, species: t.species)
            }
            for m in r.modifiers {
                guard let n = nodeID[m.species] else { continue }
                let kind: DiagramStyle.Arc =
                    switch m.role {
                    case .catalyst: .catalysis
                    case .activator: .stimulation
                    case .inhibitor: speciesByID[m.species]?.display.role == .drug ? .drugInhibition : .inhibition
                    case .modifier: .modulation
                    }
                arc(n, rid, kind, species: m.species)
            }
        }
        return plan
    }
}
