import PathwayModel

/// A model drawn as a graph, ready to lay out, with what a wiki page needs to know about it.
public struct PathwayDiagram: Sendable, Hashable {
    /// The graph to lay out (see ``Graphviz``); its DOT text is ``GraphDescription/dotText``.
    public var graph: GraphDescription
    public var options: DiagramOptions
    public var modelID: String
    public var modelName: String
    public var modelDescription: String
    /// A readable title for each node and edge, keyed by its SVG element id (the SVG `<title>`
    /// Graphviz would otherwise fill with the node's name).
    public var titles: [String: String]
    /// Each painted node's level over the run, by node id, when sparklines were asked for.
    public var sparklines: [String: [Double]] = [:]
    /// What each molecule node stands for, by node id (for painting frames of an animation).
    var contents: [String: NodeContent] = [:]

    /// The ids of the nodes that stand for molecules (those results can colour), sorted.
    public var moleculeNodes: [String] { contents.keys.sorted() }
}

/// Turns a ``Model`` into a ``GraphDescription`` in an SBGN-like style (see `docs/diagrams.md`).
///
/// Everything about the output is a function of the model and the options: nodes and edges come
/// in model order, so the same model gives the same DOT text, and the same layout, every time.
public enum DiagramBuilder {
    /// The graph of `model` in `view`, limited to `module`, with `scenario` applied.
    public static func graph(
        for model: Model, view: DiagramView = .activity, module: String? = nil, scenario: String? = nil
    ) throws(DiagramError) -> GraphDescription {
        try diagram(for: model, options: DiagramOptions(view: view, module: module, scenario: scenario)).graph
    }

    /// The diagram of `model` with `options`.
    public static func diagram(for model: Model, options: DiagramOptions) throws(DiagramError) -> PathwayDiagram {
        guard DiagramOptions.supportedLayouts.contains(options.layout) else {
            throw .unsupportedLayout(options.layout.rawValue)
        }
        let selection = try Selection(model: model, options: options)
        var plan =
            switch options.view {
            case .activity: ActivityView(selection).plan()
            case .process: ProcessView(selection).plan()
            }
        plan.resolveBackEdges(selection.compartments)
        return assemble(plan, selection: selection, options: options)
    }

    // MARK: Assembly

    private static func assemble(_ plan: DrawPlan, selection: Selection, options: DiagramOptions) -> PathwayDiagram {
        let model = selection.model
        var graph = emptyGraph(of: model, options: options)

        var titles: [String: String] = [:]
        var nodes = plan.nodes
        var sparklines: [String: [Double]] = [:]
        if let levels = options.levels { sparklines = LevelPainter.paint(&nodes, model: model, levels: levels) }
        var contents: [String: NodeContent] = [:]
        for node in nodes { if let c = node.content { contents[node.id] = c } }
        for node in nodes {
            graph.addNode(node.id, node.attributes)
            titles[node.id] = node.title
        }

        // Compartment clusters, nested as they are drawn, with module bands inside.
        let comps = selection.compartments
        var members: [String: [PlannedNode]] = [:]
        for node in plan.nodes {
            if let c = node.compartment, comps.isKnown(c) {
                members[c, default: []].append(node)
            }
        }
        let drawn = comps.drawn(withMembers: Set(members.keys))
        // Bands only in the activity view: in the process view the reactions of a module reach into
        // the species of the others, and bands pulled its process nodes away from them.
        let bands = options.view == .activity && options.groupsModules && options.module == nil && model.modules.count > 1
        /// Pairs drawn on one rank (they share a cluster), for stacking below.
        var tied: [(String, String)] = []
        /// A regulator beside what it regulates, when both are in the same cluster.
        func sameRank(within ids: Set<String>) -> [GraphDescription.Subgraph] {
            plan.sameRank.filter { ids.contains($0.0) && ids.contains($0.1) }.map { pair in
                tied.append(pair)
                return GraphDescription.Subgraph(name: "rank_\(pair.0)", attributes: ["rank": "same"], nodeIDs: [pair.1, pair.0])
            }
        }
        var clusterCompartment: [String: String] = [:]
        func cluster(_ id: String) -> GraphDescription.Subgraph {
            clusterCompartment["compartment-\(ElementID.sanitize(id))"] = id
            let c = model.compartment(named: id)
            titles["compartment-\(ElementID.sanitize(id))"] = "Compartment: " + (c?.label ?? id)
            var a = DiagramStyle.compartmentAttributes(comps.kind(of: id), label: c?.label ?? id)
            a["id"] = .string("compartment-\(ElementID.sanitize(id))")
            a["class"] = .string("compartment \(comps.cssKind(of: id))")
            var sub = GraphDescription.Subgraph.cluster(ElementID.sanitize(id), attributes: a)
            let direct = members[id] ?? []
            let modulesHere = orderedUnique(direct.map { $0.module ?? "" })
            if bands && modulesHere.count > 1 {
                for module in modulesHere {
                    let ids = direct.filter { ($0.module ?? "") == module }.map(\.id)
                    var b = band(module: module, compartment: id, nodeIDs: ids, model: model)
                    b.subgraphs += sameRank(within: Set(ids))
                    if let bid = b.attributes["id"], let label = b.attributes["label"] {
                        titles[bid.description] = "Module: \(label.description)"
                    }
                    sub.subgraphs.append(b)
                }
            } else {
                sub.nodeIDs = direct.map(\.id)
                sub.subgraphs += sameRank(within: Set(sub.nodeIDs))
            }
            for child in drawn where comps.drawingParent[child] == id {
                sub.subgraphs.append(cluster(child))
            }
            return sub
        }
        for id in drawn where comps.drawingParent[id] == nil {
            graph.subgraphs.append(cluster(id))
        }

        // Compartments stacked in the order a signal travels: every node of one depth (outside,
        // membrane, inside, nucleus, ...) above an invisible junction above every node of the next,
        // so that each compartment is a band below the one outside it. The legend is the last band.
        // Only the band's last nodes lead to the junction and only its first nodes hang from it
        // (see `Stacking`): the rest follow through the band's own edges. Invisible edges cost as
        // much to rank, order and route as visible ones, and one to every node made the layout
        // twice as slow and pulled regulators and late nodes of a band up towards the junction.
        var levels: [(ids: [String], compartments: [String])] = []
        let depths = orderedUnique(drawn.compactMap { comps.depth[$0] }).sorted()
        for d in depths {
            let here = drawn.filter { comps.depth[$0] == d && !(members[$0] ?? []).isEmpty }
            let ids = here.flatMap { members[$0] ?? [] }.map(\.id)
            if !ids.isEmpty { levels.append((ids, here)) }
        }
        // A junction sits in the innermost cluster around the band below it (so it takes no room
        // outside the drawing); the junction above the legend sits outside every cluster.
        var junctionHome: [String: [String]] = [:]
        if options.showsLegend {
            graph.addNode("legend", [
                "shape": "plaintext", "margin": "0", "fontsize": "10",
                "id": "legend", "class": "legend",
                "label": DiagramStyle.legend(roles: plan.roles, arcs: plan.arcs, marks: Self.marksHeading(options, unit: model.units.concentration),
                                             levels: options.levels.map { LevelPainter.legendEntry($0, view: options.view) }),
            ])
            titles["legend"] = "Legend"
            if !levels.isEmpty { levels.append((["legend"], [])) }
        }
        let stacking = Stacking(edges: plan.edges, tied: tied)
        for (k, (upper, lower)) in zip(levels, levels.dropFirst()).enumerated() {
            let junction = "stack-\(k + 1)"
            graph.addNode(junction, [
                "shape": "point", "style": "invis", "width": "0", "height": "0", "label": "",
                "id": .string(junction), "class": "layout-helper",
            ])
            if let home = comps.commonAncestor(lower.compartments) { junctionHome[home, default: []].append(junction) }
            for id in stacking.last(of: upper.ids) { graph.addEdge(from: id, to: junction, ["style": "invis", "weight": "0"]) }
            for id in stacking.first(of: lower.ids) { graph.addEdge(from: junction, to: id, ["style": "invis", "weight": "0"]) }
        }
        func placeJunctions(_ subgraphs: inout [GraphDescription.Subgraph]) {
            for i in subgraphs.indices {
                if let id = subgraphs[i].attributes["id"]?.description, id.hasPrefix("compartment-") {
                    let compartment = clusterCompartment[id] ?? ""
                    subgraphs[i].nodeIDs += junctionHome[compartment] ?? []
                }
                placeJunctions(&subgraphs[i].subgraphs)
            }
        }
        placeJunctions(&graph.subgraphs)

        for edge in plan.edges {
            graph.edges.append(edge)
            if let id = edge.attributes["id"], let t = plan.edgeTitles[id.description] {
                titles[id.description] = t
            }
        }

        return PathwayDiagram(
            graph: graph, options: options, modelID: model.id, modelName: model.name.isEmpty ? model.id : model.name,
            modelDescription: model.description, titles: titles, sparklines: sparklines, contents: contents)
    }

    /// The graph's own attributes (direction, fonts, spacing, title, id and class; neato's overlap removal)
    /// and its node and edge defaults, before anything is added to it.
    private static func emptyGraph(of model: Model, options: DiagramOptions) -> GraphDescription {
        var attributes: Attributes = [
            "rankdir": "TB",
            "fontname": .string(DiagramStyle.fontName),
            "fontsize": "14",
            "labelloc": "t",
            "label": .string(title(of: model, options: options)),
            "nodesep": "0.3",
            "ranksep": "0.45",
            "newrank": "true",
            "compound": "true",
            "pad": "0.2",
            "target": "_top",
            "id": .string("pathway-\(model.id)"),
            "class": .string("pathway \(options.view.rawValue)"),
        ]
        if options.layout == .neato {
            attributes["overlap"] = "false"
            // Graphviz 2.43's spline router under neato (`splines=true`) routes an edge differently from run to run
            // (1 in 4–8 runs of the process views, also with ASLR off); polylines are the same every time.
            attributes["splines"] = "polyline"
            attributes["sep"] = "+6"
        }
        return GraphDescription(
            name: model.id,
            attributes: attributes,
            nodeDefaults: [
                "fontname": .string(DiagramStyle.fontName), "fontsize": .string(DiagramStyle.nodeFontSize),
                "margin": "0.08,0.04", "height": "0.3", "target": "_top",
            ],
            edgeDefaults: ["fontname": .string(DiagramStyle.fontName), "fontsize": "10", "arrowsize": "0.8"])
    }

    private static func band(module: String, compartment: String, nodeIDs: [String], model: Model) -> GraphDescription.Subgraph {
        let index = model.modules.firstIndex { $0.id == module } ?? 0
        let tint = DiagramStyle.moduleTints[index % DiagramStyle.moduleTints.count]
        let name = model.modules.first { $0.id == module }.map { shortModuleName($0) } ?? module
        let id = ElementID.sanitize(compartment) + "__" + ElementID.sanitize(module.isEmpty ? "main" : module)
        return .cluster(id, attributes: [
            "label": .string(name), "labeljust": "r", "style": "rounded,filled", "fillcolor": .string(tint),
            "color": .string(tint), "penwidth": "1", "fontname": .string(DiagramStyle.fontName + "-Oblique"),
            "fontsize": "10", "fontcolor": "#777777", "margin": "6",
            "id": .string("module-\(id)"), "class": .string("module \(ElementID.sanitize(module))"),
        ], nodeIDs: nodeIDs)
    }

    /// A module's name short enough for a band label: up to the first comma, colon or " with ".
    static func shortModuleName(_ module: Module) -> String {
        var name = module.name.isEmpty ? module.id : module.name
        for separator in [" with ", ",", ":", " (", ";"] {
            if let r = name.range(of: separator) { name = String(name[..<r.lowerBound]) }
        }
        return name
    }

    private static func title(of model: Model, options: DiagramOptions) -> String {
        var text = model.name.isEmpty ? model.id : model.name
        if let module = options.module, let m = model.modules.first(where: { $0.id == module }) {
            text = m.name.isEmpty ? m.id : m.name
        }
        if let scenario = options.scenario {
            let s = model.scenario(named: scenario)
            text += " — scenario: " + ((s?.description.isEmpty ?? true) ? scenario : s!.description)
        }
        if !options.perturbations.isEmpty {
            text += " — " + options.perturbations.map { $0.diagramLabel(unit: model.units.concentration) }.joined(separator: ", ")
        }
        return text
    }

    /// The legend's note of what is marked: `scenario: NAME`, the ad-hoc perturbations, or both; nil when neither.
    private static func marksHeading(_ options: DiagramOptions, unit: ConcentrationUnit) -> String? {
        var parts: [String] = []
        if let scenario = options.scenario { parts.append("scenario: \(scenario)") }
        parts += options.perturbations.map { $0.diagramLabel(unit: unit) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

// MARK: - What both views produce

/// A node placed in a compartment (and module), before clustering.
struct PlannedNode {
    var id: String
    var compartment: String?
    var module: String?
    var attributes: Attributes
    var title: String
    /// What the node stands for, for painting results on it (molecule nodes only).
    var content: NodeContent? = nil
}

/// Nodes and edges of one view, the roles and arcs used (for the legend), and each edge's
/// compartment span (for stacking).
struct DrawPlan {
    var nodes: [PlannedNode] = []
    var edges: [GraphDescription.Edge] = []
    var edgeTitles: [String: String] = [:]
    var roles: [Role] = []
    var arcs: [DiagramStyle.Arc] = []
    /// Edges known to run against the flow of the signal (feedback), by index.
    var feedback: Set<Int> = []
    /// Regulators drawn on the same rank as the one node they act on: (regulator, target).
    var sameRank: [(String, String)] = []

    mutating func use(_ role: Role) { if !roles.contains(role) { roles.append(role) } }
    mutating func use(_ arc: DiagramStyle.Arc) { if !arcs.contains(arc) { arcs.append(arc) } }

    /// An edge laid out from head to tail but drawn as before (`dir=back`, arrowheads swapped):
    /// dot then ranks its head above its tail and routes it as a short downward edge, where
    /// `constraint=false` would leave long loops around the drawing.
    static func reversedForLayout(_ edge: GraphDescription.Edge) -> GraphDescription.Edge {
        var a = edge.attributes
        let head = a["arrowhead"] ?? "normal"
        let tail = a["arrowtail"] ?? "normal"
        let dir = a["dir"]?.description ?? "forward"
        a["arrowhead"] = nil
        a["arrowtail"] = nil
        a["dir"] = nil
        // Labels and ports at an end stay at the same node.
        for (h, t) in [("headlabel", "taillabel"), ("headport", "tailport")] {
            let atHead = a[h]
            a[h] = a[t]
            a[t] = atHead
        }
        switch dir {
        case "both":
            a["dir"] = "both"
            a["arrowtail"] = head
            a["arrowhead"] = tail
        case "back":
            a["arrowhead"] = tail
        case "none":
            a["dir"] = "none"
        default:
            a["dir"] = "back"
            a["arrowtail"] = head
        }
        return GraphDescription.Edge(from: edge.head, to: edge.tail, key: edge.key, a)
    }

    /// Turns edges that run upwards (to an outer compartment) or against the signal's flow
    /// (feedback) round for layout (see ``reversedForLayout(_:)``).
    mutating func resolveBackEdges(_ comps: CompartmentLayout) {
        var compartmentOf: [String: String] = [:]
        for n in nodes { if let c = n.compartment { compartmentOf[n.id] = c } }
        for i in edges.indices where edges[i].attributes["style"] != "invis" {
            let t = compartmentOf[edges[i].tail].flatMap { comps.depth[$0] }
            let h = compartmentOf[edges[i].head].flatMap { comps.depth[$0] }
            let upwards = t != nil && h != nil && h! < t!
            if upwards || feedback.contains(i) {
                edges[i] = Self.reversedForLayout(edges[i])
            }
        }
        // Roles and arcs in a fixed order for the legend.
        roles = Role.allCases.filter(roles.contains)
        arcs = DiagramStyle.Arc.allCases.filter(arcs.contains)
    }
}

// MARK: - Selection: the part of the model drawn, with the scenario applied

struct Selection {
    /// The model with the scenario applied (drugs appear as species and modifiers).
    let model: Model
    let options: DiagramOptions
    let reactions: [Reaction]
    let species: [Species]
    /// Species drawn because the module's reactions use them, though another module defines them.
    let external: Set<String>
    let knockedOut: Set<String>
    /// Blocked reactions and why (`inhibited 80%`, `blocked by Ruxolitinib`).
    let blocked: [String: String]
    let compartments: CompartmentLayout

    init(model original: Model, options: DiagramOptions) throws(DiagramError) {
        var model = original
        var knockedOut: Set<String> = []
        var blocked: [String: String] = [:]
        if let name = options.scenario {
            guard let scenario = original.scenario(named: name) else {
                throw .unknownScenario(name, available: original.scenarios.map(\.id))
            }
            do {
                model = try original.applying(scenario.perturbations)
            } catch {
                throw .invalidScenario(name, message: error.diagnostics.map(\.message).joined(separator: "; "))
            }
            Self.mark(scenario.perturbations, in: original, knockedOut: &knockedOut, blocked: &blocked)
        }
        if !options.perturbations.isEmpty {
            do {
                model = try model.applying(options.perturbations)
            } catch {
                throw .invalidPerturbations(message: error.diagnostics.map(\.message).joined(separator: "; "))
            }
            Self.mark(options.perturbations, in: original, knockedOut: &knockedOut, blocked: &blocked)
        }
        var reactions = model.reactions
        var species = model.species
        var external: Set<String> = []
        if let module = options.module {
            guard model.modules.contains(where: { $0.id == module }) else {
                throw .unknownModule(module, available: model.modules.map(\.id))
            }
            reactions = model.reactions.filter { $0.module == module }
            var used: Set<String> = []
            for r in reactions {
                for t in r.reactants + r.products { used.insert(t.species) }
                for m in r.modifiers { used.insert(m.species) }
            }
            species = model.species.filter { $0.module == module || used.contains($0.id) }
            external = Set(species.filter { $0.module != module }.map(\.id))
        }
        self.model = model
        self.options = options
        self.reactions = reactions
        self.species = species
        self.external = external
        self.knockedOut = knockedOut
        self.blocked = blocked
        self.compartments = CompartmentLayout(model.compartments)
    }

    /// What a drawing marks for these perturbations: knocked-out species, and reactions inhibited or
    /// blocked by a drug (with why).
    private static func mark(_ perturbations: [Perturbation], in model: Model,
                             knockedOut: inout Set<String>, blocked: inout [String: String]) {
        for p in perturbations {
            switch p {
            case .knockout(let s): knockedOut.insert(s)
            case .inhibit(let r, let fraction):
                blocked[r] = "inhibited \(Int((fraction * 100).rounded()))%"
            case .drug(let d, _):
                if let drug = model.drug(named: d) {
                    for t in drug.targets { blocked[t] = "blocked by \(drug.label ?? drug.id)" }
                }
            default: break
            }
        }
    }
}

// MARK: - Compartments

/// How compartments are drawn: which cluster sits inside which, and how deep each is.
///
/// `outside` gives the nesting. A volume inside another volume (the nucleus in the cytoplasm)
/// is drawn inside it; a membrane and the volume it encloses are drawn as bands stacked below
/// the space outside them, since boxes nested four deep read badly. `depth` (the length of the
/// `outside` chain) orders the bands from top to bottom: extracellular, membrane, cytoplasm, nucleus.
struct CompartmentLayout {
    var drawingParent: [String: String] = [:]
    var depth: [String: Int] = [:]
    var order: [String: Int] = [:]
    private var byID: [String: Compartment] = [:]

    init(_ compartments: [Compartment]) {
        for (i, c) in compartments.enumerated() {
            byID[c.id] = c
            order[c.id] = i
        }
        for c in compartments {
            var d = 0
            var seen: Set<String> = [c.id]
            var current = c
            while let o = current.outside, let parent = byID[o], !seen.contains(o) {
                d += 1
                seen.insert(o)
                current = parent
            }
            depth[c.id] = d
            if let o = c.outside, let parent = byID[o], c.dimensions == 3, parent.dimensions == 3, parent.outside != nil {
                drawingParent[c.id] = o
            }
        }
    }

    func isKnown(_ id: String) -> Bool { byID[id] != nil }

    /// The compartments to draw: those with members and their drawing ancestors, in model order.
    func drawn(withMembers used: Set<String>) -> [String] {
        var keep = used
        for id in used {
            var p = drawingParent[id]
            while let q = p {
                keep.insert(q)
                p = drawingParent[q]
            }
        }
        return byID.keys.filter(keep.contains).sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
    }

    func kind(of id: String) -> DiagramStyle.CompartmentKind {
        guard let c = byID[id] else { return .inside }
        if c.dimensions == 2 { return .membrane }
        if c.id.lowercased().contains("nucle") || c.label.lowercased().contains("nucle") { return .nucleus }
        if c.outside == nil { return .outside }
        return .inside
    }

    func cssKind(of id: String) -> String {
        switch kind(of: id) {
        case .outside: "outside"
        case .membrane: "membrane"
        case .inside: "inside"
        case .nucleus: "nucleus"
        }
    }

    /// The innermost drawn compartment enclosing all of `ids` (nil: none).
    func commonAncestor(_ ids: [String]) -> String? {
        func chain(_ id: String) -> [String] {
            var out = [id]
            var p = drawingParent[id]
            while let q = p { out.insert(q, at: 0); p = drawingParent[q] }
            return out
        }
        let chains = ids.filter(isKnown).map(chain)
        guard var common = chains.first else { return nil }
        for c in chains.dropFirst() {
            var k = 0
            while k < common.count, k < c.count, common[k] == c[k] { k += 1 }
            common = Array(common.prefix(k))
        }
        return common.last
    }
}

// MARK: - Element ids

enum ElementID {
    /// `text` with every character outside `[A-Za-z0-9_-]` replaced by `_`, for ids and classes.
    static func sanitize(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_" || scalar == "-"
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        return out.isEmpty ? "_" : out
    }
}

func orderedUnique<T: Hashable>(_ items: [T]) -> [T] {
    var seen: Set<T> = []
    return items.filter { seen.insert($0).inserted }
}

extension Perturbation {
    /// A short phrase for a diagram's title and legend: `SHP2 knocked out`, `raf_activation inhibited 80%`,
    /// `trametinib 100 nM` (`unit`: the model's concentration unit).
    func diagramLabel(unit: ConcentrationUnit) -> String {
        switch self {
        case .knockout(let s): "\(s) knocked out"
        case .inhibit(let r, let fraction): "\(r) inhibited \(Int((fraction * 100).rounded()))%"
        case .drug(let d, let c): "\(d) \(Self.number(c)) \(unit.rawValue)"
        case .dose(let s, _, _, _, _): "\(s) dosed"
        case .setParameter(let n, let v), .setInitial(let n, let v): "\(n) = \(Self.number(v))"
        case .scaleParameter(let n, let f): "\(n) × \(Self.number(f))"
        }
    }

    /// `500`, `0.25`: whole numbers without a decimal point, others as Swift's shortest round-trip form.
    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}
