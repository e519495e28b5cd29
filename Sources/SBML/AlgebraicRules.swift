/// SBML algebraic rules, 0 = f(…), turned into the assignment rules they imply.
///
/// Which variable a rule determines is not written in the file: SBML Level 3 Version 2 (section
/// 4.11.5 and appendix B) defines it by a bipartite matching between the equations and the variables.
/// Here the equations are the algebraic rules and the variables are the free ones — not constant,
/// not set by an assignment or rate rule, not the target of an event, and, for a species, not changed by
/// a reaction (a non-boundary reactant or product has its rate of change from the reactions). A
/// rule and a variable are joined when the variable appears in the rule, variables it contains
/// *linearly* (f = a·x + b with a and b free of x) first, and a maximum matching is found by augmenting
/// paths (Kuhn's algorithm), rules and variables taken in document order.
///
/// A rule matched to a variable it contains linearly, and not part of a cycle of rules that determine
/// each other's variables, is then solved for its variable exactly: x = −b / a, with b = f at x = 0 and
/// a the coefficient of x read off the expression tree (an assignment rule: the values hold at t₀,
/// overriding initial values, as SBML says, and at every instant, after events too). The others stay
/// algebraic rules, with the variable they determine: the import passes them on as the model's
/// algebraic rules, which BDF solves as a differential–algebraic system (Newton on the algebraic part
/// for consistent values at t₀ and after events).
///
/// Refused, naming the rule: a rule no free variable appears in (over-determined: it constrains what
/// is already fixed), rules left with no variable to determine, and rules that need the
/// differential–algebraic solver for a compartment or a species in a compartment that changes size.
enum AlgebraicRules {
    struct Refusal {
        /// `over-determined algebraic rule`, `non-linear algebraic rule`, `algebraic loop`.
        var construct: String
        var detail: String
        var position: SBMLTree.Position
        /// True for a model that is not valid SBML (over-determined); false for one the simulator cannot honour.
        var invalid: Bool
    }

    /// The model's rules with every algebraic rule replaced by the assignment rule it implies (in
    /// place), and what could not be solved. Rules without math are left as they are.
    static func solve(_ m: SBMLTree.ModelNode) -> (rules: [SBMLTree.RuleNode], refusals: [Refusal]) {
        let algebraic = m.rules.indices.filter { m.rules[$0].kind == .algebraic && m.rules[$0].math != nil }
        guard !algebraic.isEmpty else { return (m.rules, []) }
        // Calls of function definitions are expanded first, so that linearity is seen through them.
        var lambdas: [String: (arguments: [String], body: MathNode)] = [:]
        for f in m.functions { if case .lambda(let arguments, let body)? = f.math { lambdas[f.id] = (arguments, body) } }
        var m = m
        // Messages quote the rule as written (shortened), not as expanded.
        var written: [Int: String] = [:]
        for i in algebraic { written[i] = m.rules[i].math!.brief }
        // Rules whose expansion ran out of budget: too large to solve, in closed form or numerically.
        var unexpanded = Set<Int>()
        for i in algebraic {
            var budget = 100_000 // nodes: definitions that call others twice would otherwise double at each level
            m.rules[i].math = m.rules[i].math!.inlining(lambdas, budget: &budget)
            if budget < 0 { unexpanded.insert(i) }
        }

        // The free variables, in document order.
        let ruled = Set(m.rules.filter { $0.kind != .algebraic }.map(\.variable))
        let eventTargets = Set(m.events.flatMap { $0.assignments.map(\.variable) })
        let reacting = Set(m.reactions.flatMap { ($0.reactants + $0.products).map(\.species) })
        var free: [String] = []
        free += m.compartments.filter { !$0.constant }.map(\.id)
        free += m.species.filter { !$0.constant && !($0.boundaryCondition == false && reacting.contains($0.id)) }.map(\.id)
        free += m.parameters.filter { !$0.constant }.map(\.id)
        free += m.reactions.flatMap { ($0.reactants + $0.products).filter { !$0.constant }.compactMap(\.id) }
        free = free.filter { !ruled.contains($0) && !eventTargets.contains($0) }
        let freeSet = Set(free)

        // Edges: rule → free variables it is linear in.
        var refusals: [Refusal] = []
        var edges: [[String]] = []
        for i in algebraic {
            let math = m.rules[i].math!
            let mentioned = free.filter { math.mentions($0) }
            let linear = mentioned.filter { math.degree(in: $0) == 1 }
            edges.append(linear + mentioned.filter { !linear.contains($0) })
            if unexpanded.contains(i) && linear.isEmpty && !mentioned.isEmpty {
                refusals.append(Refusal(construct: "non-linear algebraic rule",
                                        detail: "the algebraic rule 0 = \(written[i]!) is not linear in any of its free variables as far as its function definitions could be expanded (100,000 nodes), and is too large to solve numerically",
                                        position: m.rules[i].position, invalid: false))
            }
            if mentioned.isEmpty {
                let names = math.names.filter { !freeSet.contains($0) }
                refusals.append(Refusal(construct: "over-determined algebraic rule",
                                        detail: "no variable of the algebraic rule 0 = \(written[i]!) is free to be determined by it"
                                            + (names.isEmpty ? "" : " (\(names.map { "'\($0)'" }.joined(separator: ", ")) are constant, set by other rules or events, or changed by reactions)"),
                                        position: m.rules[i].position, invalid: true))
            }
        }
        guard refusals.isEmpty else { return (m.rules, refusals) }

        // Maximum matching by augmenting paths.
        var owner: [String: Int] = [:] // variable → rule (index into `algebraic`)
        func augment(_ r: Int, _ seen: inout Set<String>) -> Bool {
            for v in edges[r] where !seen.contains(v) {
                seen.insert(v)
                if let other = owner[v] {
                    if augment(other, &seen) { owner[v] = r; return true }
                } else {
                    owner[v] = r
                    return true
                }
            }
            return false
        }
        for r in algebraic.indices {
            var seen = Set<String>()
            if !augment(r, &seen) {
                refusals.append(Refusal(construct: "over-determined algebraic rule",
                                        detail: "the algebraic rule 0 = \(written[algebraic[r]]!) has no variable left to determine: \(edges[r].map { "'\($0)'" }.joined(separator: ", ")) \(edges[r].count == 1 ? "is" : "are") determined by other algebraic rules",
                                        position: m.rules[algebraic[r]].position, invalid: true))
            }
        }
        guard refusals.isEmpty else { return (m.rules, refusals) }
        var variable = [String](repeating: "", count: algebraic.count)
        for (v, r) in owner { variable[r] = v }

        // Rules that determine each other's variables in a cycle are solved together, by the
        // differential–algebraic solver, as are rules not linear in their variable.
        func reaches(_ from: Int, _ target: Int) -> Bool {
            var seen = Set<Int>(), stack = [from]
            while let r = stack.popLast() {
                let math = m.rules[algebraic[r]].math!
                for s in algebraic.indices where s != r && math.mentions(variable[s]) {
                    if s == target { return true }
                    if seen.insert(s).inserted { stack.append(s) }
                }
            }
            return false
        }
        // The differential–algebraic path determines parameters, and species in compartments of fixed
        // size (imported as parameters holding the species' value).
        let fixedCompartments = Set(m.compartments.filter(\.constant).map(\.id))
        let parameters = Set(m.parameters.map(\.id) + m.species.filter { fixedCompartments.contains($0.compartment) }.map(\.id))
        var rules = m.rules
        for (r, i) in algebraic.enumerated() {
            let x = variable[r]
            let f = m.rules[i].math!
            let linear = f.degree(in: x) == 1
            if linear && !reaches(r, r) {
                // x = −(f at x = 0) / (coefficient of x).
                let solution = MathNode.apply("divide", [.apply("minus", [f.replacing(x, with: .number(0))]), f.coefficient(of: x)])
                rules[i] = SBMLTree.RuleNode(kind: .assignment, variable: x, math: solution, position: m.rules[i].position)
            } else if parameters.contains(x) {
                rules[i] = SBMLTree.RuleNode(kind: .algebraic, variable: x, math: f, position: m.rules[i].position)
            } else {
                refusals.append(Refusal(construct: linear ? "algebraic loop" : "non-linear algebraic rule",
                                        detail: "the algebraic rule 0 = \(written[i]!) determines '\(x)'"
                                            + (linear ? " together with other algebraic rules" : ", which it does not contain linearly")
                                            + "; the differential–algebraic solver determines parameters and species in compartments of fixed size only, and '\(x)' is neither",
                                        position: m.rules[i].position, invalid: false))
            }
        }
        guard refusals.isEmpty else { return (m.rules, refusals) }
        return (rules, [])
    }
}

extension MathNode {
    /// Every name the expression refers to, in order of first appearance.
    var names: [String] {
        var out: [String] = []
        func walk(_ n: MathNode) {
            switch n {
            case .name(let id): if !out.contains(id) { out.append(id) }
            case .apply(_, let args), .call(_, let args): args.forEach(walk)
            case .lambda(_, let body): walk(body)
            default: break
            }
        }
        walk(self)
        return out
    }

    func mentions(_ x: String) -> Bool {
        switch self {
        case .name(let id): return id == x
        case .apply(_, let args), .call(_, let args): return args.contains { $0.mentions(x) }
        case .lambda(let arguments, let body): return !arguments.contains(x) && body.mentions(x)
        default: return false
        }
    }

    /// 0 when x does not appear, 1 when the expression is a·x + b with a and b free of x, nil otherwise.
    func degree(in x: String) -> Int? {
        guard mentions(x) else { return 0 }
        switch self {
        case .name: return 1
        case .apply("plus", let args):
            let d = args.map { $0.degree(in: x) }
            return d.contains(nil) ? nil : d.compactMap { $0 }.max()
        case .apply("minus", let args) where args.count <= 2:
            let d = args.map { $0.degree(in: x) }
            return d.contains(nil) ? nil : d.compactMap { $0 }.max()
        case .apply("times", let args):
            let d = args.map { $0.degree(in: x) }
            guard !d.contains(nil) else { return nil }
            let total = d.compactMap { $0 }.reduce(0, +)
            return total <= 1 ? total : nil
        case .apply("divide", let args) where args.count == 2:
            return args[1].mentions(x) ? nil : args[0].degree(in: x)
        case .apply("piecewise", let args):
            // Values at even positions (an `otherwise` last, at an even one too), conditions at odd
            // ones: linear when every value is and no condition depends on x.
            for (k, a) in args.enumerated() where k % 2 == 1 && a.mentions(x) { return nil }
            let values = args.enumerated().filter { $0.offset % 2 == 0 }.map { $0.element.degree(in: x) }
            return values.contains(nil) ? nil : values.compactMap { $0 }.max()
        default:
            return nil
        }
    }

    /// The coefficient a of x in an expression linear in x (``degree(in:)`` is 1).
    func coefficient(of x: String) -> MathNode {
        guard mentions(x) else { return .number(0) }
        switch self {
        case .name: return .number(1)
        case .apply("plus", let args):
            return .apply("plus", args.filter { $0.mentions(x) }.map { $0.coefficient(of: x) })
        case .apply("minus", let args) where args.count == 1:
            return .apply("minus", [args[0].coefficient(of: x)])
        case .apply("minus", let args):
            return .apply("minus", [args[0].coefficient(of: x), args[1].coefficient(of: x)])
        case .apply("times", let args):
            return .apply("times", args.map { $0.mentions(x) ? $0.coefficient(of: x) : $0 })
        case .apply("divide", let args):
            return .apply("divide", [args[0].coefficient(of: x), args[1]])
        case .apply("piecewise", let args):
            return .apply("piecewise", args.enumerated().map { $0.offset % 2 == 0 ? $0.element.coefficient(of: x) : $0.element })
        default:
            return .number(.nan) // not reached for a linear expression
        }
    }

    /// The expression with calls of function definitions replaced by their bodies (arguments
    /// substituted), while `budget` (nodes written) lasts; calls nested deeper than `depth` (a recursive
    /// definition) or past the budget are left as they are.
    func inlining(_ lambdas: [String: (arguments: [String], body: MathNode)], depth: Int = 32, budget: inout Int) -> MathNode {
        switch self {
        case .apply(let op, let args): return .apply(op, args.map { $0.inlining(lambdas, depth: depth, budget: &budget) })
        case .call(let f, let args):
            let args = args.map { $0.inlining(lambdas, depth: depth, budget: &budget) }
            guard depth > 0, let lambda = lambdas[f], lambda.arguments.count == args.count else { return .call(f, args) }
            var body = lambda.body
            // Substitute through placeholders, so that an argument naming another parameter is not replaced twice.
            for (k, a) in lambda.arguments.enumerated() { body = body.replacing(a, with: .name("\u{0}\(k)")) }
            for (k, value) in args.enumerated() { body = body.replacing("\u{0}\(k)", with: value) }
            budget -= body.size
            guard budget >= 0 else { return .call(f, args) }
            return body.inlining(lambdas, depth: depth - 1, budget: &budget)
        default: return self
        }
    }

    /// The number of nodes.
    var size: Int {
        switch self {
        case .apply(_, let args), .call(_, let args): return 1 + args.reduce(0) { $0 + $1.size }
        case .lambda(_, let body): return 1 + body.size
        default: return 1
        }
    }

    /// The expression with every reference to x replaced.
    func replacing(_ x: String, with value: MathNode) -> MathNode {
        switch self {
        case .name(let id) where id == x: return value
        case .apply(let op, let args): return .apply(op, args.map { $0.replacing(x, with: value) })
        case .call(let f, let args): return .call(f, args.map { $0.replacing(x, with: value) })
        default: return self
        }
    }

    /// ``text``, cut to 120 characters.
    var brief: String {
        let t = text
        return t.count > 120 ? String(t.prefix(119)) + "…" : t
    }

    /// A compact infix rendering for messages.
    var text: String {
        switch self {
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        case .name(let id): return id
        case .time: return "time"
        case .avogadro: return "avogadro"
        case .apply(let op, let args):
            let infix = ["plus": " + ", "minus": " - ", "times": " * ", "divide": " / ", "power": "^"]
            if let sep = infix[op], args.count >= 2 { return "(" + args.map(\.text).joined(separator: sep) + ")" }
            if op == "minus", args.count == 1 { return "-" + args[0].text }
            return op + "(" + args.map(\.text).joined(separator: ", ") + ")"
        case .call(let f, let args): return f + "(" + args.map(\.text).joined(separator: ", ") + ")"
        case .lambda: return "lambda(…)"
        case .unsupported(let what): return what
        }
    }
}
