import PathwayModel

/// A node of the activity view that no drawn influence touches: it would stand alone on the page.
public struct StrandedNode: Hashable, Sendable {
    /// The node's id (a gene product, or a `node:` name).
    public var node: String
    /// The first species drawn as it, in model order.
    public var species: String
    /// Where that species is defined.
    public var location: SourceLocation
}

extension DiagramBuilder {
    /// The nodes of `model`'s activity view (whole model, no scenario) that no influence touches,
    /// in the order they are drawn: each is a species the rules of `docs/diagrams.md` leave without
    /// an arrow, usually because the model does not say what it does (a missing catalyst, an
    /// `active` flag, an `entity`).
    public static func strandedNodes(in model: Model) -> [StrandedNode] {
        guard let selection = try? Selection(model: model, options: DiagramOptions(view: .activity)) else { return [] }
        let view = ActivityView(selection)
        var touched: Set<String> = []
        for i in view.influences() {
            touched.insert(i.tail)
            touched.insert(i.head)
        }
        var out: [StrandedNode] = []
        var seen: Set<String> = []
        for s in selection.species where view.isForm(s) {
            let node = view.entities(of: s)[0]
            guard !touched.contains(node), seen.insert(node).inserted else { continue }
            out.append(StrandedNode(node: node, species: s.id, location: s.location))
        }
        return out
    }

    /// ``strandedNodes(in:)`` as warnings at each species' definition, for `pathway validate`.
    public static func strandedNodeWarnings(in model: Model) -> [Diagnostic] {
        let all = strandedNodes(in: model).map {
            Diagnostic(.warning, at: $0.location,
                       "species '\($0.species)' is drawn as node '\($0.node)' in the activity view but no drawn influence touches it")
        }
        return all.summarisingRepeats("species drawn without any influence")
    }
}
