import PathwayModel

/// The activity view: one node per gene product, edges for who activates or inhibits whom
/// (SBGN Activity Flow).
///
/// Species fold into gene products through `display.entities`: a species with one entity is a
/// form of it (STAT3 and pSTAT3 are both STAT3); a complex is made of several. A species with
/// `display.node` is drawn as that node instead (the nuclear STAT3 forms as `STAT3_nuclear`); in a
/// complex, the part that is the node's gene product is. Influences are read off the reactions:
///
/// - **activation**: a step that makes an active form of X (or is a phosphorylation or activation of
///   X, or turns a declared inactive form of X back) is driven by its catalysts, activators and
///   modifiers, by species on both sides of the equation (templates), and by the partners of X in a
///   reactant complex: each activates X;
/// - an **active complex** (`active: true`, several entities) is a chain of activations between its
///   entities, in the order the model lists them (IL-11 → IL-11Rα → gp130 → JAK1);
/// - **inhibition**: an inhibitor of an activating step inhibits X; the catalysts and complex
///   partners of a step that switches X off inhibit X. A step switches X off when it is a
///   dephosphorylation, inactivation or inhibitory phosphorylation, or a phosphorylation or
///   activation whose product form is declared inactive (`active: false`) or whose active reactant
///   form becomes a form that is not. Its target is X when an inactive form of X comes out, when an
///   active form of X is bound into an inactive complex (AKT pT308 back to AKT·PIP3), when an
///   active molecule is turned into another one (PTEN: PIP3 to PIP2, so PTEN ⊣ PIP3), and the
///   effector of an active complex when its inactive twin (the same entities) comes out of it or
///   of a complex built from it (SHP2 on the active receptor: SHP2 ⊣ JAK1). A species that binds an
///   active form or complex into a complex that does nothing further (SOCS3 on the active receptor),
///   and every partner in a `sequestration`, inhibits what it holds;
/// - **transcription**: the activators of a transcription of X's mRNA or gene induce X;
/// - **translocation**: a transport that moves an active form from one node to another (the pSTAT3
///   dimer into the nucleus) is an arc from the one to the other;
/// - **conversion**: a step that turns one declared molecule into a different one (PIP2 to PIP3) is
///   an arc from the one to the other, unless it switches its reactant off.
///
/// A complex's influence is carried by its *effector*: for an active complex the last entity of its
/// chain; otherwise the partner most likely to act (kinase, then phosphatase, GTPase, enzyme, transcription factor, adaptor, inhibitor, receptor, protein,
/// ligand; the last listed among equals). Partners released unchanged from a complex (the enzyme of
/// an enzyme–substrate complex) are catalysts, not products. Self-influences are dropped and
/// duplicate edges merged, keeping the reactions they come from.
struct ActivityView {
    let selection: Selection
    let model: Model
    private var speciesByID: [String: Species] = [:]
    // Computed once: what each reaction does, and the gene products, by id.
    private var releasedCache: [String: Set<String>] = [:]
    private var effectCache: [String: Effect] = [:]
    private var entityCache: [String: Entity] = [:]
    private var productive: Set<String> = []
    /// The nodes each species is drawn as (its gene products, with `node:` applied).
    private var nodeCache: [String: [String]] = [:]
    /// The gene product each `node:` stands for: that of the first single-entity species naming it.
    private var nodeProduct: [String: String] = [:]
    /// Single-entity species by their gene product, and the first species naming each product (in
    /// model order): looked up per product instead of searching all species (linear in large models).
    private var formsByEntity: [String: [Species]] = [:]
    private var firstContaining: [String: Species] = [:]

    init(_ selection: Selection) {
        self.selection = selection
        self.model = selection.model
        for s in model.species { speciesByID[s.id] = s }
        for s in model.species where s.display.entities.count <= 1 {
            if let n = s.display.node, nodeProduct[n] == nil { nodeProduct[n] = s.display.entities.first ?? s.id }
        }
        for s in model.species { nodeCache[s.id] = computeNodes(s) }
        for r in model.reactions { releasedCache[r.id] = computeReleasedPartners(of: r) }
        for r in model.reactions { effectCache[r.id] = computeEffect(of: r) }
        var ids: [String] = []
        for s in model.species {
            let products = entities(of: s)
            ids += products
            if products.count == 1 { formsByEntity[products[0], default: []].append(s) }
            for p in products where firstContaining[p] == nil { firstContaining[p] = s }
        }
        for e in orderedUnique(ids) { entityCache[e] = computeEntity(e) }
        for r in model.reactions where effect(of: r) == .activating && !targets(of: r, effect: .activating).isEmpty {
            for t in r.reactants { productive.insert(t.species) }
        }
    }

    // MARK: Gene products

    struct Entity {
        var id: String
        var label: String
        var role: Role
        var compartment: String?
        var module: String
        var link: String?
        /// The state of the first active form that has one (`pY705`), shown as a badge; for a `node:`,
        /// that of the species it is drawn as.
        var activeState: String?
        var hasActiveForm: Bool
        var forms: [String]
    }

    /// The nodes `s` is drawn as: its gene products (itself, when it names none), with the one its
    /// `node:` stands for replaced by that node.
    func entities(of s: Species) -> [String] { nodeCache[s.id] ?? computeNodes(s) }

    private func computeNodes(_ s: Species) -> [String] {
        var out = geneProducts(of: s)
        guard let n = s.display.node else { return out }
        if out.count == 1 { return [n] }
        if let product = nodeProduct[n], let i = out.firstIndex(of: product) { out[i] = n }
        return out
    }

    /// The gene products `s` is, or is made of, whatever node it is drawn as.
    func geneProducts(of s: Species) -> [String] { s.display.entities.isEmpty ? [s.id] : s.display.entities }
    func isForm(_ s: Species) -> Bool { entities(of: s).count == 1 }
    func isActive(_ s: Species) -> Bool { s.display.active }
    /// Declared inactive (`active: false`), not merely not said to be active.
    func isInactive(_ s: Species) -> Bool { s.display.inactive }
    /// Whether the model says which gene product or molecule `s` is (`entity`, `entities` or `node`).
    func isDeclared(_ s: Species) -> Bool { !s.display.entities.isEmpty || s.display.node != nil }

    private static let geneRoles: Set<Role> = [.mrna, .gene]
    /// Roles whose partner in a complex can be what switches a target off.
    private static let inactivatingRoles: Set<Role> = [.phosphatase, .kinase, .enzyme, .gtpase, .inhibitor]

    func entity(_ id: String) -> Entity { entityCache[id] ?? computeEntity(id) }

    private func computeEntity(_ id: String) -> Entity {
        let forms = formsByEntity[id] ?? []
        // A `node:` is drawn as its first active species, else its first.
        let members = forms.filter { $0.display.node == id }
        let nodeRep = members.first { $0.display.active } ?? members.first
        let rep = nodeRep
            ?? forms.first { $0.id == id }
            ?? forms.first { !$0.display.active && !Self.geneRoles.contains($0.display.role ?? .protein) }
            ?? forms.first { !Self.geneRoles.contains($0.display.role ?? .protein) }
            ?? forms.first
        let link = rep?.display.link ?? forms.compactMap(\.display.link).first
        let activeState = nodeRep != nil ? nodeRep?.display.state
            : forms.first { $0.display.active && $0.display.state != nil }?.display.state
        var e = Entity(
            id: id, label: rep?.display.label ?? id, role: rep?.display.role ?? .protein,
            compartment: rep?.compartment, module: rep?.module ?? "", link: link,
            activeState: activeState, hasActiveForm: forms.contains { $0.display.active },
            forms: forms.map(\.id))
        if rep == nil, let complex = firstContaining[id] {
            e.compartment = complex.compartment
            e.module = complex.module
        }
        if !forms.isEmpty, forms.allSatisfy({ Self.geneRoles.contains($0.display.role ?? .protein) }) {
            // A gene known only by its transcripts: drawn as the gene, where it is transcribed.
            e.role = .gene
            e.label = Self.withoutMRNA(e.label)
            let formIDs = Set(forms.map(\.id))
            if let tx = model.reactions.first(where: { r in
                r.kind == .transcription && r.products.contains { formIDs.contains($0.species) } && r.compartment != nil
            }) {
                e.compartment = tx.compartment
            }
        }
        if e.role == .mrna { e.role = .gene }
        return e
    }

    /// Whether `text` contains `word` as a whole word.
    static func mentions(_ text: String, _ word: String) -> Bool {
        guard !word.isEmpty else { return false }
        let separators: (Character) -> Bool = { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return text.split(whereSeparator: separators).contains { $0 == word }
    }

    static func withoutMRNA(_ label: String) -> String {
        let words = label.split(separator: " ").filter { $0.lowercased() != "mrna" }
        return words.isEmpty ? label : words.joined(separator: " ")
    }

    /// The partner of complex `s` that carries its influence, leaving out `excluded`.
    func effector(_ s: Species, excluding excluded: Set<String>) -> String? {
        let candidates = entities(of: s).filter { !excluded.contains($0) }
        guard candidates.count > 1 else { return candidates.first }
        // An active complex signals through the end of its chain (the model lists it in signal order).
        if isActive(s) { return candidates.last }
        func rank(_ e: String) -> Int {
            let role = entityRole(e)
            switch role {
            case .kinase: return 0
            case .phosphatase: return 1
            case .gtpase: return 2
            case .enzyme: return 3
            case .transcriptionFactor: return 4
            case .adaptor: return 5
            case .inhibitor: return 6
            case .receptor: return 7
            case .protein, .other, .complex: return 8
            case .lipid, .smallMolecule: return 9
            case .drug: return 10
            case .gene, .mrna: return 11
            case .ligand: return 12
            }
        }
        var best = candidates[0]
        for c in candidates.dropFirst() where rank(c) <= rank(best) { best = c }
        return best
    }

    private func entityRole(_ e: String) -> Role {
        if let cached = entityCache[e] { return cached.role }
        if let s = speciesByID[e], isForm(s) { return s.display.role ?? .protein }
        return model.species.first { isForm($0) && entities(of: $0)[0] == e }?.display.role ?? .protein
    }

    // MARK: Reactions

    enum Effect { case activating, inactivating, neutral, transcription, sequestering }

    func effect(of r: Reaction) -> Effect { effectCache[r.id] ?? computeEffect(of: r) }

    private func computeEffect(of r: Reaction) -> Effect {
        switch r.kind {
        case .transcription: return .transcription
        case .inhibitoryPhosphorylation: return .inactivating
        case .sequestration: return .sequestering
        case .phosphorylation, .activation: return switchesOff(r) ? .inactivating : .activating
        case .dephosphorylation, .inactivation: return switchesOn(r) ? .activating : .inactivating
        case .synthesis:
            let allGenes = !r.products.isEmpty && r.products.allSatisfy {
                Self.geneRoles.contains(speciesByID[$0.species]?.display.role ?? .protein)
            }
            return allGenes && !r.modifiers.isEmpty ? .transcription : .neutral
        case .binding, .dissociation, .transport, .degradation, .translation:
            return .neutral
        case .conversion, .catalysis, nil:
            if switchesOff(r, declaredOnly: true) { return .inactivating }
            let released = releasedPartners(of: r)
            let reactantActive = Set(reactantForms(of: r).filter(isActive).map { entities(of: $0)[0] })
            let reactantInactive = Set(reactantForms(of: r).filter { !isActive($0) }.map { entities(of: $0)[0] })
            for t in r.products where !released.contains(t.species) {
                guard let s = speciesByID[t.species] else { continue }
                if isForm(s) {
                    let x = entities(of: s)[0]
                    if isActive(s) && !reactantActive.contains(x) { return .activating }
                    if !isActive(s) && reactantActive.contains(x) && !reactantInactive.contains(x) { return .inactivating }
                } else if isActive(s) {
                    return .activating
                }
            }
            return switchesOn(r, declaredOnly: true) ? .activating : .neutral
        }
    }

    /// The reactants of `r` that are single-entity forms.
    func reactantForms(of r: Reaction) -> [Species] {
        r.reactants.compactMap { speciesByID[$0.species] }.filter(isForm)
    }

    /// The product forms of `r` (not released partners), each with the reactant forms of its node.
    private func formChanges(of r: Reaction) -> [(product: Species, before: [Species])] {
        let released = releasedPartners(of: r)
        let reactants = reactantForms(of: r)
        return r.products.compactMap { speciesByID[$0.species] }
            .filter { isForm($0) && !released.contains($0.id) }
            .map { p in (p, reactants.filter { entities(of: $0)[0] == entities(of: p)[0] && $0.id != p.id }) }
    }

    /// Whether a phosphorylation or activation switches its target off: its product form is declared
    /// inactive (from a form that is not), or (`declaredOnly` false) an active form becomes one that is not.
    private func switchesOff(_ r: Reaction, declaredOnly: Bool = false) -> Bool {
        formChanges(of: r).contains { p, before in
            if isInactive(p) && !before.contains(where: isInactive) { return true }
            return !declaredOnly && !isActive(p) && !before.isEmpty && before.allSatisfy(isActive)
        }
    }

    /// Whether a dephosphorylation or inactivation switches its target on: it turns a declared inactive
    /// form into one that is not, or (`declaredOnly` false) makes an active form from forms that are not.
    private func switchesOn(_ r: Reaction, declaredOnly: Bool = false) -> Bool {
        formChanges(of: r).contains { p, before in
            if !isInactive(p) && before.contains(where: isInactive) && !before.contains(where: isActive) { return true }
            return !declaredOnly && isActive(p) && !before.isEmpty && !before.contains(where: isActive)
        }
    }

    /// Products of `r` that were partners binding into one of its reactant complexes and leave
    /// it unchanged: the enzyme of an enzyme–substrate complex.
    func releasedPartners(of r: Reaction) -> Set<String> { releasedCache[r.id] ?? computeReleasedPartners(of: r) }

    private func computeReleasedPartners(of r: Reaction) -> Set<String> {
        var out: Set<String> = []
        let complexes = r.reactants.map(\.species).filter { id in speciesByID[id].map { !isForm($0) } ?? false }
        guard !complexes.isEmpty else { return out }
        let productIDs = Set(r.products.map(\.species))
        for f in model.reactions where f.id != r.id && f.reactants.count >= 2 {
            guard f.products.contains(where: { complexes.contains($0.species) }) else { continue }
            for t in f.reactants where productIDs.contains(t.species) { out.insert(t.species) }
        }
        return out
    }

    /// The gene products whose activity `r` changes.
    func targets(of r: Reaction, effect: Effect) -> [String] {
        let released = releasedPartners(of: r)
        var out: [String] = []
        let products = r.products.compactMap { speciesByID[$0.species] }.filter { !released.contains($0.id) }
        switch effect {
        case .activating:
            let revived = Set(reactantForms(of: r).filter(isInactive).map { entities(of: $0)[0] })
            for s in products {
                if isForm(s) {
                    let x = entities(of: s)[0]
                    if isActive(s) || r.kind == .phosphorylation || r.kind == .activation || (revived.contains(x) && !isInactive(s)) {
                        out.append(x)
                    }
                } else if isActive(s), let e = effector(s, excluding: []) {
                    out.append(e)
                } else if let state = s.display.state {
                    // A partner modified inside a complex: the one its state names ("SHP2 pY542").
                    out += entities(of: s).filter { Self.mentions(state, $0) || Self.mentions(state, entity($0).label) }
                }
            }
        case .inactivating:
            let reactants = reactantForms(of: r).filter { f in !r.products.contains { $0.species == f.id } }
            let activeReactants = reactants.filter(isActive)
            for s in products where !isActive(s) {
                if isForm(s) {
                    let x = entities(of: s)[0]
                    // One declared molecule turned into another (PIP3 to PIP2): the one consumed loses its activity.
                    let converted = reactants.contains { entities(of: $0)[0] == x } || !isDeclared(s) ? []
                        : reactants.filter { isDeclared($0) && !isInactive($0) }.map { entities(of: $0)[0] }
                    out += converted.isEmpty ? [x] : converted
                } else {
                    // An active form bound into an inactive complex (AKT pT308 back to AKT·PIP3).
                    let parts = Set(entities(of: s))
                    out += activeReactants.map { entities(of: $0)[0] }.filter(parts.contains)
                    // The inactive twin of an active complex, made from it or from a complex built on it.
                    if let twin = activeTwin(of: s),
                       r.reactants.contains(where: { carries($0.species, twin.id) }),
                       let e = effector(twin, excluding: []) {
                        out.append(e)
                    }
                }
            }
        case .transcription:
            for s in products where isForm(s) { out.append(entities(of: s)[0]) }
        case .neutral:
            for s in products { if let e = effector(s, excluding: []) { out.append(e) } }
            if products.isEmpty {
                for t in r.reactants { if let s = speciesByID[t.species], let e = effector(s, excluding: []) { out.append(e) } }
            }
        case .sequestering:
            break
        }
        return orderedUnique(out)
    }

    /// The active complex with the same entities as the inactive complex `s` (the active receptor
    /// for the hexamer), if there is one.
    private func activeTwin(of s: Species) -> Species? {
        let parts = Set(entities(of: s))
        return model.species.first { !isForm($0) && isActive($0) && $0.id != s.id && Set(entities(of: $0)) == parts }
    }

    /// Whether complex `c` is the active complex `a` or was built from it: assembled from it and
    /// other species (in either direction of a reversible step), or changed one to one from such a
    /// complex by a step that does not switch it off (SHP2 phosphorylated on the active receptor).
    private func carries(_ c: String, _ a: String) -> Bool {
        var seen: Set<String> = []
        var queue = [c]
        while let x = queue.popLast() {
            if x == a { return true }
            guard seen.insert(x).inserted, let sx = speciesByID[x], !isForm(sx) else { continue }
            for f in model.reactions {
                let made = f.products.contains { $0.species == x }
                let unmade = f.reversible && f.reactants.contains { $0.species == x }
                guard made || unmade else { continue }
                let sources = (made ? f.reactants : f.products).map(\.species)
                if sources.count >= 2 {
                    queue += sources
                } else if sources.count == 1, let source = speciesByID[sources[0]], !isForm(source),
                          effect(of: f) != .inactivating {
                    queue.append(source.id)
                }
            }
        }
        return false
    }

    // MARK: Influences

    struct Influence {
        var tail: String
        var head: String
        var arc: DiagramStyle.Arc
        var reactions: [String]
        /// Reactions whose blocking blocks this edge (the edge's head is what they change).
        var blockable: [String]
        /// What the tail does, for the tooltip, when the arc's own word does not say it
        /// (`is imported into the nucleus`); such an edge is a translocation.
        var verb: String? = nil
    }

    func influences() -> [Influence] {
        var list: [Influence] = []
        var index: [String: Int] = [:]
        func add(_ tail: String?, _ head: String, _ arc: DiagramStyle.Arc, _ reaction: String?, blockable: Bool = true,
                 verb: String? = nil) {
            guard let tail, tail != head else { return }
            let key = "\(tail)\u{1}\(head)\u{1}\(arc.rawValue)\u{1}\(verb ?? "")"
            if let i = index[key] {
                if let reaction, !list[i].reactions.contains(reaction) { list[i].reactions.append(reaction) }
                if blockable, let reaction, !list[i].blockable.contains(reaction) { list[i].blockable.append(reaction) }
            } else {
                index[key] = list.count
                list.append(Influence(
                    tail: tail, head: head, arc: arc, reactions: reaction.map { [$0] } ?? [],
                    blockable: blockable ? (reaction.map { [$0] } ?? []) : [], verb: verb))
            }
        }
        let drugEntities = Set(model.species.filter { $0.display.role == .drug }.flatMap { entities(of: $0) })
        func inhibitionArc(_ tail: String?) -> DiagramStyle.Arc {
            tail.map(drugEntities.contains) == true ? .drugInhibition : .inhibition
        }

        // Active complexes: chains of activation between their entities.
        for s in selection.species where !isForm(s) && isActive(s) {
            let makers = selection.reactions.filter { r in r.products.contains { $0.species == s.id } }
                .filter { effect(of: $0) == .activating && !releasedPartners(of: $0).contains(s.id) }.map(\.id)
            let parts = entities(of: s)
            let effectorID = effector(s, excluding: [])
            for (a, b) in zip(parts, parts.dropFirst()) {
                add(a, b, .activation, makers.first, blockable: b == effectorID)
                for m in makers.dropFirst() { add(a, b, .activation, m, blockable: b == effectorID) }
            }
        }

        for r in selection.reactions {
            let fx = effect(of: r)
            let xs = targets(of: r, effect: fx)
            let released = releasedPartners(of: r)
            let reactantIDs = Set(r.reactants.map(\.species))
            let productIDs = Set(r.products.map(\.species))
            let templates = r.reactants.map(\.species).filter { productIDs.contains($0) }
            for x in xs {
                var positive: [Species] = []
                var negative: [Species] = []
                for m in r.modifiers {
                    guard let s = speciesByID[m.species] else { continue }
                    if m.role == .inhibitor { negative.append(s) } else { positive.append(s) }
                }
                positive += templates.compactMap { speciesByID[$0] }
                var partners: [Species] = []
                if fx == .activating || fx == .inactivating {
                    partners += r.reactants.compactMap { speciesByID[$0.species] }
                        .filter { !isForm($0) && !templates.contains($0.id) }
                    partners += released.compactMap { speciesByID[$0] }.filter { !reactantIDs.contains($0.id) }
                }
                switch fx {
                case .activating:
                    for s in positive + partners { add(effector(s, excluding: [x]), x, .activation, r.id) }
                    for s in negative { let t = effector(s, excluding: [x]); add(t, x, inhibitionArc(t), r.id) }
                case .inactivating:
                    for s in positive { add(effector(s, excluding: [x]), x, .inhibition, r.id) }
                    // A partner switches X off only if it can: an enzyme, not the complex's own receptor or
                    // a substrate docked on it (constitutive dephosphorylation of the receptor carrying STAT3).
                    for s in partners {
                        guard let t = effector(s, excluding: [x]), Self.inactivatingRoles.contains(entityRole(t)) else { continue }
                        add(t, x, .inhibition, r.id)
                    }
                case .transcription:
                    for s in positive { add(effector(s, excluding: [x]), x, .transcription, r.id) }
                    for s in negative { let t = effector(s, excluding: [x]); add(t, x, inhibitionArc(t), r.id) }
                case .neutral:
                    for s in positive { add(effector(s, excluding: [x]), x, .activation, r.id) }
                    for s in negative { let t = effector(s, excluding: [x]); add(t, x, inhibitionArc(t), r.id) }
                case .sequestering:
                    break
                }
            }
            // Sequestration: binding an active form or complex into a complex that does nothing, or
            // any binding the model calls a sequestration (the active reactant, else the first, is held).
            let reactants = r.reactants.compactMap { speciesByID[$0.species] }
            var held: Species?
            if fx == .sequestering {
                let active = reactants.filter(isActive)
                held = active.count == 1 ? active[0] : reactants.first
            } else if r.kind == .binding || r.kind == nil, r.products.count == 1,
                      let c = speciesByID[r.products[0].species], !isForm(c), !isActive(c), !isProductive(c.id)
            {
                let active = reactants.filter(isActive)
                if active.count == 1, reactants.count > 1 { held = active[0] }
            }
            if let a = held {
                for b in reactants where b.id != a.id {
                    guard let head = effector(a, excluding: Set(entities(of: b))) else { continue }
                    let tail = effector(b, excluding: Set(entities(of: a)))
                    add(tail, head, inhibitionArc(tail), r.id)
                }
            }
            // Translocation: an active form carried from one node to another.
            if r.kind == .transport {
                for a in reactantForms(of: r) where isActive(a) {
                    for t in r.products {
                        guard let b = speciesByID[t.species], isForm(b), isActive(b) else { continue }
                        add(entities(of: a)[0], entities(of: b)[0], .activation, r.id, verb: movement(from: a, to: b))
                    }
                }
            }
            // Conversion: one declared molecule made into a different one (PIP2 to PIP3).
            if Self.converts(r.kind), fx != .inactivating {
                let inputs = reactantForms(of: r).filter { isDeclared($0) && !productIDs.contains($0.id) }
                for t in r.products where !released.contains(t.species) && !reactantIDs.contains(t.species) {
                    guard let b = speciesByID[t.species], isForm(b), isDeclared(b) else { continue }
                    for a in inputs where geneProducts(of: a) != geneProducts(of: b) {
                        add(entities(of: a)[0], entities(of: b)[0], .conversion, r.id)
                    }
                }
            }
        }
        return list
    }

    /// Kinds of step that may turn one molecule into another (not a move, a binding, or making or
    /// breaking down a molecule).
    private static func converts(_ kind: ReactionKind?) -> Bool {
        switch kind {
        case .phosphorylation, .dephosphorylation, .activation, .inactivation, .inhibitoryPhosphorylation,
             .conversion, .catalysis, nil:
            return true
        case .binding, .dissociation, .transport, .transcription, .translation, .degradation, .synthesis, .sequestration:
            return false
        }
    }

    /// How species `a` moves to where `b` is, in words: `is imported into the nucleus`.
    private func movement(from a: Species, to b: Species) -> String {
        let comps = selection.compartments
        let into = comps.kind(of: b.compartment) == .nucleus, outOf = comps.kind(of: a.compartment) == .nucleus
        if into && !outOf { return "is imported into the nucleus" }
        if outOf && !into { return "is exported from the nucleus" }
        if a.compartment == b.compartment { return "translocates" }
        return "translocates to the " + (model.compartment(named: b.compartment)?.label ?? b.compartment).lowercased()
    }

    /// The observables that read out each node (`entity:` naming the node, or the gene product of
    /// forms drawn as it when no node has that name), in model order.
    private func readouts(for nodes: [String]) -> [String: [Observable]] {
        let drawn = Set(nodes)
        var out: [String: [Observable]] = [:]
        for o in model.observables {
            guard let e = o.entity else { continue }
            var heads = drawn.contains(e) ? [e] : []
            if heads.isEmpty {
                heads = orderedUnique(selection.species.filter { isForm($0) && geneProducts(of: $0) == [e] }
                    .map { entities(of: $0)[0] }.filter(drawn.contains))
            }
            for h in heads { out[h, default: []].append(o) }
        }
        return out
    }

    /// Whether complex `id` goes on to activate something (an enzyme–substrate complex).
    private func isProductive(_ id: String) -> Bool { productive.contains(id) }

    // MARK: Plan

    func plan() -> DrawPlan {
        var plan = DrawPlan()
        let influences = influences()

        // Gene products: those of the drawn forms, then any an influence names, in model order.
        var ids: [String] = []
        for s in selection.species where isForm(s) { ids.append(entities(of: s)[0]) }
        for i in influences { ids.append(i.tail); ids.append(i.head) }
        ids = orderedUnique(ids)
        var firstForm: [String: Int] = [:]
        var firstMention: [String: Int] = [:]
        for (i, s) in model.species.enumerated() {
            firstForm[s.id] = firstForm[s.id] ?? i
            if isForm(s) { firstForm[entities(of: s)[0]] = firstForm[entities(of: s)[0]] ?? i }
            for e in entities(of: s) { firstMention[e] = firstMention[e] ?? i }
        }
        let position = ids.map { firstForm[$0] ?? firstMention[$0] ?? Int.max }
        ids = ids.indices.sorted { (position[$0], $0) < (position[$1], $1) }.map { ids[$0] }

        let knockedOutEntities = Set(selection.knockedOut.compactMap { id -> String? in
            guard let s = speciesByID[id], isForm(s) else { return nil }
            return entities(of: s)[0]
        })
        let selectedModule = selection.options.module
        let readouts = readouts(for: ids)
        var nodeID: [String: String] = [:]
        var used: Set<String> = []
        for e in ids {
            var id = "entity-" + ElementID.sanitize(e)
            while used.contains(id) { id += "_" }
            used.insert(id)
            nodeID[e] = id
        }
        for e in ids {
            let info = entity(e)
            let ko = knockedOutEntities.contains(e)
            let external = selectedModule.map { info.module != $0 } ?? false
            var a = DiagramStyle.nodeAttributes(role: info.role, active: false, external: external, knockedOut: ko)
            a["label"] = DiagramStyle.label(info.label, state: info.activeState, fontColor: ko ? "#9a9a9a" : nil)
            a["id"] = .string(nodeID[e]!)
            var classes = ["entity", DiagramStyle.cssClass(info.role)]
            if info.hasActiveForm { classes.append("has-active-form") }
            if external { classes.append("external") }
            if ko { classes.append("knocked-out") }
            a["class"] = .string(classes.joined(separator: " "))
            if let link = info.link { a["URL"] = .string(link) }
            var tip = info.label
            if info.label != e { tip += " (\(e))" }
            tip += ": " + DiagramStyle.style(for: info.role).name
            if let st = info.activeState { tip += info.hasActiveForm ? ", active form \(st)" : ", \(st)" }
            for o in readouts[e] ?? [] { tip += "; read out as \(o.id)" + (o.label.map { ": \($0)" } ?? "") }
            if ko { tip += "; knocked out in this scenario" }
            a["tooltip"] = .string(tip)
            plan.use(info.role)
            let inNode = model.species.filter { entities(of: $0).contains(e) }
            let content = NodeContent(
                label: info.label, state: info.activeState, species: inNode.map(\.id),
                activeSpecies: inNode.filter(isActive).map(\.id),
                readout: (readouts[e] ?? []).first { $0.unit == "1" }?.id, knockedOut: ko)
            plan.nodes.append(PlannedNode(id: nodeID[e]!, compartment: info.compartment, module: info.module, attributes: a,
                                          title: tip, content: content))
        }

        // Distances from the sources along activations, to spot feedback.
        var incoming: [String: [String]] = [:]
        var outgoing: [String: [String]] = [:]
        for i in influences where i.arc == .activation || i.arc == .transcription || i.arc == .conversion {
            incoming[i.head, default: []].append(i.tail)
            outgoing[i.tail, default: []].append(i.head)
        }
        // A node that is only inhibited and acts on nothing (BAD under AKT) is an end, not a source:
        // it lies one step past its inhibitors, so that the inhibitions run downwards.
        let tails = Set(influences.map(\.tail))
        let ends = Set(influences.map(\.head)).subtracting(tails).subtracting(incoming.keys)
        var distance: [String: Int] = [:]
        var queue = ids.filter { (incoming[$0] ?? []).isEmpty && !ends.contains($0) }
        for q in queue { distance[q] = 0 }
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in outgoing[u] ?? [] where distance[v] == nil {
                distance[v] = distance[u]! + 1
                queue.append(v)
            }
        }
        for e in ids where ends.contains(e) {
            distance[e] = influences.filter { $0.head == e }.compactMap { distance[$0.tail] }.max().map { $0 + 1 }
        }

        // Pure regulators (a phosphatase acting on one kinase) sit beside their target.
        var targetsOf: [String: Set<String>] = [:]
        var regulated: Set<String> = []
        for i in influences {
            targetsOf[i.tail, default: []].insert(i.head)
            regulated.insert(i.head)
            if i.arc != .inhibition { targetsOf[i.tail, default: []].insert("\u{0}") }
        }
        var pairedTargets: Set<String> = []
        for e in ids where !regulated.contains(e) {
            guard let heads = targetsOf[e], heads.count == 1, let target = heads.first, target != "\u{0}",
                  let a = nodeID[e], let b = nodeID[target], !pairedTargets.contains(target) else { continue }
            pairedTargets.insert(target)
            plan.sameRank.append((a, b))
        }

        var edgeIDs: Set<String> = []
        for i in influences {
            guard let t = nodeID[i.tail], let h = nodeID[i.head] else { continue }
            let kind = i.verb == nil ? i.arc.rawValue : "translocation"
            var id = "influence-\(ElementID.sanitize(i.tail))-\(kind)-\(ElementID.sanitize(i.head))"
            while edgeIDs.contains(id) { id += "_" }
            edgeIDs.insert(id)
            var a = i.arc.attributes
            var classes = ["influence", i.arc.rawValue]
            if i.verb != nil { classes.append("translocation") }
            let verb: String =
                switch i.arc {
                case .activation: "activates"
                case .inhibition, .drugInhibition: "inhibits"
                case .transcription: "induces transcription of"
                case .conversion: "is converted into"
                default: "acts on"
                }
            var tip = i.verb.map { "\(entity(i.tail).label) \($0)" } ?? "\(entity(i.tail).label) \(verb) \(entity(i.head).label)"
            if !i.reactions.isEmpty { tip += " (" + i.reactions.joined(separator: ", ") + ")" }
            let blockedBy = i.blockable.compactMap { selection.blocked[$0] }
            if !blockedBy.isEmpty, i.arc != .drugInhibition {
                for attribute in DiagramStyle.blockedArc { a[attribute.name] = attribute.value }
                classes.append("blocked")
                tip += "; " + orderedUnique(blockedBy).joined(separator: ", ")
            }
            if knockedOutEntities.contains(i.tail) || knockedOutEntities.contains(i.head) {
                for attribute in DiagramStyle.knockedOutArc { a[attribute.name] = attribute.value }
                classes.append("knocked-out")
            }
            a["id"] = .string(id)
            a["class"] = .string(classes.joined(separator: " "))
            a["tooltip"] = .string(tip)
            if let dt = distance[i.tail], let dh = distance[i.head], dh < dt { plan.feedback.insert(plan.edges.count) }
            plan.use(i.arc)
            plan.edges.append(GraphDescription.Edge(from: t, to: h, a))
            plan.edgeTitles[id] = tip
        }
        return plan
    }
}
