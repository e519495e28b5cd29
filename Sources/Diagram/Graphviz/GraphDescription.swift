/// A graph to lay out with Graphviz, as a plain Swift value.
///
/// Everything is ordered: attributes keep the order in which they were set, and nodes, edges and
/// subgraphs keep the order of their arrays. That order is also the order in which the graph is
/// built (in process) or written (as DOT), so a description always produces the same layout.
///
/// Build order, identical for ``Graphviz/render(_:layout:format:)`` and ``dotText``:
/// 1. graph attributes, default node attributes, default edge attributes;
/// 2. ``nodes`` in order, each with its attributes;
/// 3. ``subgraphs`` depth first; a member id that is not in ``nodes`` creates the node there;
/// 4. ``edges`` in order; an endpoint that does not exist yet is created, as in DOT.
public struct GraphDescription: Sendable, Hashable {
    /// The graph's name: the SVG `<title>` of the graph. Empty means anonymous.
    public var name: String
    /// `digraph` (edges `->`) when true, `graph` (edges `--`) when false.
    public var isDirected: Bool
    /// A strict graph merges parallel edges between the same pair of nodes.
    public var isStrict: Bool
    /// Attributes of the graph itself (`rankdir`, `label`, `fontname`, ...).
    public var attributes: Attributes
    /// Defaults for every node (`node [...]` in DOT).
    public var nodeDefaults: Attributes
    /// Defaults for every edge (`edge [...]` in DOT).
    public var edgeDefaults: Attributes
    public var nodes: [Node]
    public var edges: [Edge]
    /// Top-level subgraphs and clusters; each may nest further ones.
    public var subgraphs: [Subgraph]

    public init(
        name: String = "G",
        isDirected: Bool = true,
        isStrict: Bool = false,
        attributes: Attributes = [:],
        nodeDefaults: Attributes = [:],
        edgeDefaults: Attributes = [:],
        nodes: [Node] = [],
        edges: [Edge] = [],
        subgraphs: [Subgraph] = []
    ) {
        self.name = name
        self.isDirected = isDirected
        self.isStrict = isStrict
        self.attributes = attributes
        self.nodeDefaults = nodeDefaults
        self.edgeDefaults = edgeDefaults
        self.nodes = nodes
        self.edges = edges
        self.subgraphs = subgraphs
    }

    /// Appends a node.
    public mutating func addNode(_ id: String, _ attributes: Attributes = [:]) {
        nodes.append(Node(id, attributes))
    }

    /// Appends an edge from `tail` to `head`.
    public mutating func addEdge(
        from tail: String, to head: String, key: String? = nil, _ attributes: Attributes = [:]
    ) {
        edges.append(Edge(from: tail, to: head, key: key, attributes))
    }
}

extension GraphDescription {
    /// A node: its id (the Graphviz node name, shown as the label unless `label` is set) and
    /// its attributes.
    public struct Node: Sendable, Hashable {
        public var id: String
        public var attributes: Attributes

        public init(_ id: String, _ attributes: Attributes = [:]) {
            self.id = id
            self.attributes = attributes
        }
    }

    /// An edge between two node ids. Edges with a `key` are distinct objects even between the
    /// same nodes; in a strict graph a second edge without a key merges into the first.
    /// The key is ``key``: an attribute named `key` is ignored.
    public struct Edge: Sendable, Hashable {
        public var tail: String
        public var head: String
        public var key: String?
        public var attributes: Attributes

        public init(from tail: String, to head: String, key: String? = nil, _ attributes: Attributes = [:]) {
            self.tail = tail
            self.head = head
            self.key = key
            self.attributes = attributes
        }

        /// ``attributes`` without `key`, which DOT would take as the edge key.
        var attributesExceptKey: Attributes {
            Attributes(attributes.filter { $0.name != "key" })
        }
    }

    /// A subgraph. Graphviz draws it as a box only when its name starts with `cluster`
    /// (see ``cluster(_:attributes:nodeIDs:subgraphs:)``); other subgraphs group nodes for
    /// attributes such as `rank=same`.
    ///
    /// As in DOT, a subgraph's attributes are also the defaults of the subgraphs nested in it.
    public struct Subgraph: Sendable, Hashable {
        public var name: String
        public var attributes: Attributes
        /// Ids of the nodes that belong to this subgraph (and so to its ancestors).
        public var nodeIDs: [String]
        public var subgraphs: [Subgraph]

        public init(
            name: String, attributes: Attributes = [:], nodeIDs: [String] = [], subgraphs: [Subgraph] = []
        ) {
            self.name = name
            self.attributes = attributes
            self.nodeIDs = nodeIDs
            self.subgraphs = subgraphs
        }

        /// A cluster (drawn as a box) named `cluster_<id>`.
        public static func cluster(
            _ id: String, attributes: Attributes = [:], nodeIDs: [String] = [], subgraphs: [Subgraph] = []
        ) -> Subgraph {
            Subgraph(name: "cluster_" + id, attributes: attributes, nodeIDs: nodeIDs, subgraphs: subgraphs)
        }

        /// Whether Graphviz treats this subgraph as a cluster.
        public var isCluster: Bool { name.hasPrefix("cluster") }
    }
}

// MARK: - Attributes

/// An attribute value: an ordinary Graphviz string, or an HTML-like label.
public enum AttributeValue: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// An ordinary string. Graphviz's own escapes keep their meaning in labels
    /// (`\n`, `\l`, `\r`, `\N`, `\G`, ...).
    case string(String)
    /// An HTML-like label: the markup between the outer `<` and `>`, e.g. `<B>EGFR</B>`.
    /// Its `<` and `>` must balance (Graphviz's lexer counts them); markup text is not escaped.
    case html(String)

    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public var description: String {
        switch self {
        case .string(let text): text
        case .html(let markup): "<" + markup + ">"
        }
    }
}

/// One attribute: a name and a value.
public struct Attribute: Sendable, Hashable {
    public var name: String
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// Attributes in the order they were first set, one value per name.
///
/// A dictionary literal keeps its written order: `["shape": "box", "label": .html("<B>x</B>")]`.
/// Setting a name again replaces its value in place.
public struct Attributes: Sendable, Hashable, ExpressibleByDictionaryLiteral, RandomAccessCollection {
    public private(set) var elements: [Attribute]

    public init() {
        elements = []
    }

    public init(_ attributes: [Attribute]) {
        elements = []
        for attribute in attributes {
            self[attribute.name] = attribute.value
        }
    }

    public init(dictionaryLiteral pairs: (String, AttributeValue)...) {
        self.init(pairs.map { Attribute($0.0, $0.1) })
    }

    /// The value for `name`; assigning `nil` removes it.
    public subscript(name: String) -> AttributeValue? {
        get { elements.first { $0.name == name }?.value }
        set {
            if let index = elements.firstIndex(where: { $0.name == name }) {
                if let newValue {
                    elements[index].value = newValue
                } else {
                    elements.remove(at: index)
                }
            } else if let newValue {
                elements.append(Attribute(name, newValue))
            }
        }
    }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> Attribute { elements[position] }
}

// MARK: - Checks

extension GraphDescription {
    /// Nodes that sit in a cluster and also in a `rank` subgraph outside that cluster.
    ///
    /// dot (Graphviz 2.43) cannot honour both: it warns "<node> was already in a rankset,
    /// deleted from cluster", then fails to route edges or aborts the whole process on
    /// `install_in_rank: Assertion ... failed` in mincross.c. A `rank` subgraph must lie
    /// inside every cluster its nodes belong to.
    ///
    /// Returns one message per offending node, in description order; empty when the graph is fine.
    public func rankConstraintConflicts() -> [String] {
        // The clusters each node belongs to, directly or through nested subgraphs.
        var clustersOfNode: [String: Set<String>] = [:]
        func collectMembership(_ subgraph: Subgraph, enclosing: [String]) {
            let path = subgraph.isCluster ? enclosing + [subgraph.name] : enclosing
            for id in subgraph.nodeIDs {
                clustersOfNode[id, default: []].formUnion(path)
            }
            for child in subgraph.subgraphs {
                collectMembership(child, enclosing: path)
            }
        }
        for subgraph in subgraphs {
            collectMembership(subgraph, enclosing: [])
        }

        var conflicts: [String] = []
        func allNodeIDs(_ subgraph: Subgraph) -> [String] {
            subgraph.nodeIDs + subgraph.subgraphs.flatMap(allNodeIDs)
        }
        func check(_ subgraph: Subgraph, enclosing: [String]) {
            let path = subgraph.isCluster ? enclosing + [subgraph.name] : enclosing
            if !subgraph.isCluster, subgraph.attributes["rank"] != nil {
                let allowed = Set(path)
                for id in allNodeIDs(subgraph) {
                    let outside = (clustersOfNode[id] ?? []).subtracting(allowed).sorted()
                    if let cluster = outside.first {
                        conflicts.append(
                            "node \"\(id)\" is in \(cluster) but also in rank subgraph \"\(subgraph.name)\" outside it")
                    }
                }
            }
            for child in subgraph.subgraphs {
                check(child, enclosing: path)
            }
        }
        for subgraph in subgraphs {
            check(subgraph, enclosing: [])
        }
        return conflicts
    }
}
