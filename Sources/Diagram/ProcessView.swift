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
        var planner = ProcessPlanner(selection)
        for s in selection.species { planner.addSpecies(s) }
        for r in selection.reactions { planner.addReaction(r) }
        planner.pairLoneModifiers()
        return planner.finish()
    }

    /// The arcs to lay out head to tail (see ``DrawPlan/reversedForLayout(_:)``), so that the
    /// drawing runs from the species present at the start, through each step, to what it makes.
    ///
    /// - An arc between compartments runs inwards (down the stack of compartments), as the
    ///   stacking of compartments needs.
    /// - Within a compartment, the product arcs of a dephosphorylation or inactivation, and arcs
    ///   that make a species present at the start out of one that is not (an enzyme released from
    ///   its complex, a complex falling back to the resting form), run back up (`returns`): a
    ///   phosphorylation cycle is drawn as a loop with the resting form on top, not as a chain that
    ///   goes on down the page.
    /// - Any cycle left is broken where a depth-first search from the `roots` (the species present
    ///   at the start, in model order, then every node in `order`) closes it, following
    ///   consumption and production arcs before modifier arcs.
    ///
    /// dot would break cycles itself, but from wherever its own search starts: in the IL-11 model
    /// it ran STAT3's cycle from the phospho-form down to the resting form.
    static func orient(_ edges: [GraphDescription.Edge], kinds: [DiagramStyle.Arc], depth: [String: Double],
                       returns: Set<Int>, roots: [String], order: [String]) -> Set<Int>
    {
        var reversed: Set<Int> = []
        var flow: [String: [(edge: Int, head: String)]] = [:]
        var modifiers: [String: [(edge: Int, head: String)]] = [:]
        for (i, e) in edges.enumerated() {
            let dt = depth[e.tail]
            let dh = depth[e.head]
            if let dt, let dh, dt != dh {
                if dh < dt { reversed.insert(i) }
                continue
            }
            let back = returns.contains(i)
            if back { reversed.insert(i) }
            let (from, to) = back ? (e.head, e.tail) : (e.tail, e.head)
            if kinds[i] == .consumption || kinds[i] == .production {
                flow[from, default: []].append((i, to))
            } else {
                modifiers[from, default: []].append((i, to))
            }
        }
        // Iterative depth-first search; an edge into a node still on the path closes a cycle.
        var state: [String: Bool] = [:]  // false: on the path; true: done
        for root in roots + order where state[root] == nil {
            state[root] = false
            var path: [(node: String, next: Int)] = [(root, 0)]
            while let (node, k) = path.last {
                let out = (flow[node] ?? []) + (modifiers[node] ?? [])
                guard k < out.count else {
                    state[node] = true
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next = k + 1
                let (edge, head) = out[k]
                switch state[head] {
                case nil:
                    state[head] = false
                    path.append((head, 0))
                case false?:
                    if reversed.contains(edge) { reversed.remove(edge) } else { reversed.insert(edge) }
                case true?:
                    break
                }
            }
        }
        return reversed
    }
}

/// The process view's plan while it is built: nodes and arcs so far, the ids taken, each node's compartment
/// depth and each arc's kind (for ``ProcessView/orient(_:kinds:depth:returns:roots:order:)``).
private struct ProcessPlanner {
    let selection: Selection
    let speciesByID: [String: Species]
    /// Species present at the start: the states a signal leaves, not those it reaches.
    let present: Set<String>
    var plan = DrawPlan()
    var nodeID: [String: String] = [:]
    var reactionNodeID: [String: String] = [:]
    var used: Set<String> = []
    /// The compartment depth of each node (a transport step: halfway between its compartments).
    var depth: [String: Double] = [:]
    /// Each arc's kind, by edge index.
    var arcKinds: [DiagramStyle.Arc] = []
    /// Production arcs that lead back to a species present at the start (see `orient`).
    var returns: Set<Int> = []

    init(_ selection: Selection) {
        self.selection = selection
        var speciesByID: [String: Species] = [:]
        for s in selection.model.species { speciesByID[s.id] = s }
        self.speciesByID = speciesByID
        present = Set(selection.species.filter { $0.initialValue > 0 || $0.boundary || $0.constant }.map(\.id))
    }

    /// `base`, or `base` with underscores appended, not yet taken.
    mutating func unique(_ base: String) -> String {
        var id = base
        while used.contains(id) { id += "_" }
        used.insert(id)
        return id
    }

    /// A species node: its role's shape and colours, label, classes, link and tooltip.
    mutating func addSpecies(_ s: Species) {
        let model = selection.model
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
        if external, selection.options.module != nil { tip += " (from module \(s.module))" }
        if ko { tip += "; knocked out in this scenario" }
        a["tooltip"] = .string(tip)
        plan.use(role)
        let content = NodeContent(label: label, state: s.display.state, species: [s.id], activeSpecies: [], readout: nil, knockedOut: ko)
        plan.nodes.append(PlannedNode(id: id, compartment: s.compartment, module: s.module, attributes: a, title: tip,
                                      content: content))
        depth[id] = selection.compartments.depth[s.compartment].map(Double.init)
    }

    /// A reaction: its process node, then its arcs.
    mutating func addReaction(_ r: Reaction) {
        let comps = selection.compartments
        let participants = orderedUnique((r.reactants + r.products).compactMap { speciesByID[$0.species]?.compartment })
        // A step between compartments drawn one inside the other sits in the outer one, beside
        // the inner one's border; a step between stacked compartments (a membrane and the
        // space on either side) sits in the one the model gives it, at the edge its arcs cross.
        // (Outside every cluster, dot put such steps beside the clusters, far from their species.)
        let levels = participants.compactMap { comps.depth[$0] }
        let stated = r.compartment.flatMap { participants.contains($0) ? $0 : nil }
        let compartment: String? =
            participants.count > 1 ? comps.commonAncestor(participants) ?? stated
            : participants.first ?? r.compartment
        let stepDepth: Double? =
            compartment.flatMap { comps.depth[$0] }.map(Double.init)
            ?? levels.min().map { Double($0 + levels.max()!) / 2 }
        let rid = unique("reaction-" + ElementID.sanitize(r.id))
        reactionNodeID[r.id] = rid
        let blockedBy = selection.blocked[r.id]
        var a: Attributes =
            switch r.kind {
            case .binding, .sequestration:
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
        depth[rid] = stepDepth
        addArcs(of: r, node: rid, compartment: compartment, depth: stepDepth, blocked: blockedBy != nil)
    }

    /// Consumption arcs from the reactants (or a source), production arcs to the products (or a sink),
    /// catalysis from a species on both sides, and each modifier's arc.
    mutating func addArcs(of r: Reaction, node rid: String, compartment: String?, depth stepDepth: Double?, blocked: Bool) {
        let productIDs = Set(r.products.map(\.species))
        let reactantIDs = Set(r.reactants.map(\.species))
        let inputs = r.reactants.filter { !productIDs.contains($0.species) }
        let outputs = r.products.filter { !reactantIDs.contains($0.species) }
        if inputs.isEmpty {
            let source = emptySet("source", of: r, compartment: compartment, depth: stepDepth)
            arc(of: r, source, rid, .consumption, species: nil, reversibleTail: r.reversible, blocked: blocked)
        }
        for t in inputs {
            guard let n = nodeID[t.species] else { continue }
            arc(of: r, n, rid, .consumption, species: t.species, coefficient: t.coefficient, reversibleTail: r.reversible,
                blocked: blocked)
        }
        let leavesStart = inputs.contains { !present.contains($0.species) }
        let resets = r.kind == .dephosphorylation || r.kind == .inactivation
        for t in outputs {
            guard let n = nodeID[t.species] else { continue }
            if !inputs.isEmpty && (resets || leavesStart && present.contains(t.species)) {
                returns.insert(plan.edges.count)
            }
            arc(of: r, rid, n, .production, species: t.species, coefficient: t.coefficient, blocked: blocked)
        }
        if outputs.isEmpty {
            let sink = emptySet("sink", of: r, compartment: compartment, depth: stepDepth)
            arc(of: r, rid, sink, .production, species: nil, blocked: blocked)
        }
        for t in r.reactants where productIDs.contains(t.species) {
            guard let n = nodeID[t.species] else { continue }
            arc(of: r, n, rid, .catalysis, species: t.species)
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
            arc(of: r, n, rid, kind, species: m.species)
        }
    }

    /// An SBGN source or sink (∅) for reaction r; returns its id.
    mutating func emptySet(_ role: String, of r: Reaction, compartment: String?, depth stepDepth: Double?) -> String {
        let id = unique("\(role)-" + ElementID.sanitize(r.id))
        plan.nodes.append(PlannedNode(id: id, compartment: compartment, module: r.module, attributes: [
            "shape": "circle", "label": "∅", "fixedsize": "true", "width": "0.24", "fontsize": "11",
            "color": "#777777", "fontcolor": "#555555", "id": .string(id), "class": .string("empty-set \(role)"),
            "tooltip": .string(role == "source" ? "synthesis (source)" : "degradation (sink)"),
        ], title: role == "source" ? "source of \(r.id)" : "sink of \(r.id)"))
        depth[id] = stepDepth
        return id
    }

    /// One arc of reaction r from `tail` to `head`: its kind's style, the stoichiometry at the species' end
    /// when it is not 1, blocked and knocked-out styles, id, classes and tooltip.
    mutating func arc(of r: Reaction, _ tail: String, _ head: String, _ kind: DiagramStyle.Arc, species: String?,
                      coefficient: Double = 1, reversibleTail: Bool = false, blocked: Bool = false)
    {
        var e = kind.attributes
        let k = kind
        if reversibleTail {
            e["dir"] = "both"
            e["arrowtail"] = "normal"
        }
        if coefficient != 1 {
            // At the species' end of the arc: a mid-arc label is a node of its own to dot,
            // which lengthens the arc by a rank and can leave the number far from it.
            let whole = coefficient == coefficient.rounded() && abs(coefficient) < 1e9
            e[kind == .production ? "headlabel" : "taillabel"] = .string(whole ? String(Int(coefficient)) : String(coefficient))
            e["labeldistance"] = "1.6"
            e["labelangle"] = "35"
        }
        if kind == .consumption || kind == .production { e["weight"] = "4" }
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
        arcKinds.append(k)
        plan.use(k)
        plan.edges.append(GraphDescription.Edge(from: tail, to: head, e))
        plan.edgeTitles[id] = tip
    }

    /// A species that only acts on steps (a phosphatase, a drug) sits beside the process node of
    /// the first of them, so that the modifier arc is short and meets the node from the side.
    mutating func pairLoneModifiers() {
        var flowSpecies: Set<String> = []
        var targets: [String: [String]] = [:]
        for r in selection.reactions {
            for t in r.reactants + r.products { flowSpecies.insert(t.species) }
            for m in r.modifiers { targets[m.species, default: []].append(r.id) }
        }
        var paired: Set<String> = []
        for s in selection.species where !flowSpecies.contains(s.id) {
            guard let n = nodeID[s.id],
                  let rid = (targets[s.id] ?? []).compactMap({ reactionNodeID[$0] }).first(where: { !paired.contains($0) })
            else { continue }
            paired.insert(rid)
            plan.sameRank.append((n, rid))
        }
    }

    /// The plan, with the arcs to lay out head to tail.
    func finish() -> DrawPlan {
        var plan = plan
        let roots = selection.species.filter { present.contains($0.id) }.compactMap { nodeID[$0.id] }
        plan.feedback = ProcessView.orient(plan.edges, kinds: arcKinds, depth: depth, returns: returns, roots: roots,
                                           order: plan.nodes.map(\.id))
        return plan
    }
}
