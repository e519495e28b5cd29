/// Which nodes of a band (the nodes of one compartment depth) need an invisible edge to a junction
/// so that the whole band lies above, or below, it.
///
/// dot ranks the tail of an edge above its head. If every node of a band must lie above a
/// junction, it is enough to join the band's *last* nodes to it, those with no edge to another
/// node of the band: every other node lies above one of them through the band's own edges.
/// Likewise a band hangs below a junction by its *first* nodes. Two refinements keep this exact:
///
/// - nodes tied by `rank=same` count as one (a phosphatase beside the kinase it acts on needs no
///   edge of its own);
/// - dot may turn any edge of a cycle round, so only edges between strongly connected parts of
///   the band are trusted: a last (or first) part that is a single node or tie gets one edge, a
///   larger one an edge from each of its nodes.
///
/// Edges are taken in layout direction (after ``DrawPlan/resolveBackEdges(_:)``); edges with
/// `constraint=false` do not rank and are left out.
struct Stacking {
    private var successors: [String: [String]] = [:]
    private var predecessors: [String: [String]] = [:]
    private var tiedTo: [String: String] = [:]

    init(edges: [GraphDescription.Edge], tied: [(String, String)]) {
        for edge in edges where edge.attributes["constraint"] != "false" && edge.tail != edge.head {
            successors[edge.tail, default: []].append(edge.head)
            predecessors[edge.head, default: []].append(edge.tail)
        }
        for (a, b) in tied {
            let ra = representative(a, in: tiedTo)
            let rb = representative(b, in: tiedTo)
            if ra != rb { tiedTo[rb] = ra }
        }
    }

    /// The nodes of `band` to join to a junction below it, in band order.
    func last(of band: [String]) -> [String] { ends(of: band, along: successors) }

    /// The nodes of `band` to hang from a junction above it, in band order.
    func first(of band: [String]) -> [String] { ends(of: band, along: predecessors) }

    private func representative(_ id: String, in map: [String: String]) -> String {
        var id = id
        while let next = map[id] { id = next }
        return id
    }

    /// Nodes of `band` in parts with no `next` edge to another part of the band.
    private func ends(of band: [String], along next: [String: [String]]) -> [String] {
        let members = Set(band)
        // Groups: nodes tied by rank=same, named by their representative, in band order.
        var groupOf: [String: String] = [:]
        var groups: [String] = []
        var nodesOf: [String: [String]] = [:]
        for id in band where groupOf[id] == nil {
            let g = representative(id, in: tiedTo)
            groupOf[id] = g
            if nodesOf[g] == nil { groups.append(g) }
            nodesOf[g, default: []].append(id)
        }
        var out: [String: [String]] = [:]
        for g in groups {
            var heads: [String] = []
            for id in nodesOf[g]! {
                for n in next[id] ?? [] where members.contains(n) {
                    let h = groupOf[n]!
                    if h != g && !heads.contains(h) { heads.append(h) }
                }
            }
            out[g] = heads
        }
        let component = StronglyConnected.components(of: groups, edges: out)
        var isEnd: [Int: Bool] = [:]
        for g in groups {
            let c = component[g]!
            let leaves = (out[g] ?? []).contains { component[$0]! != c }
            isEnd[c] = (isEnd[c] ?? true) && !leaves
        }
        var size: [Int: Int] = [:]
        for g in groups { size[component[g]!, default: 0] += 1 }
        var chosen: [String] = []
        for g in groups where isEnd[component[g]!] == true {
            // A lone node or tie: one edge holds it; a cycle: every node, as dot may turn any edge.
            chosen += size[component[g]!] == 1 ? [nodesOf[g]![0]] : nodesOf[g]!
        }
        let picked = Set(chosen)
        return band.filter(picked.contains)
    }
}

/// Tarjan's strongly connected components, numbered from 0 in the order they complete.
enum StronglyConnected {
    static func components(of nodes: [String], edges: [String: [String]]) -> [String: Int] {
        var index: [String: Int] = [:]
        var low: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var component: [String: Int] = [:]
        var counter = 0
        var next = 0
        // Iterative depth-first search: (node, position in its edge list).
        for root in nodes where index[root] == nil {
            var work: [(String, Int)] = [(root, 0)]
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack.insert(root)
            while let (v, i) = work.last {
                let successors = edges[v] ?? []
                if i < successors.count {
                    work[work.count - 1].1 = i + 1
                    let w = successors[i]
                    if index[w] == nil {
                        index[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(w)
                        onStack.insert(w)
                        work.append((w, 0))
                    } else if onStack.contains(w) {
                        low[v] = min(low[v]!, index[w]!)
                    }
                    continue
                }
                work.removeLast()
                if let (parent, _) = work.last { low[parent] = min(low[parent]!, low[v]!) }
                if low[v] == index[v] {
                    while let w = stack.popLast() {
                        onStack.remove(w)
                        component[w] = next
                        if w == v { break }
                    }
                    next += 1
                }
            }
        }
        return component
    }
}
