import Yams

/// Where an expression was written, so that a wrong name inside it is reported at its exact column.
struct ExpressionSite: Sendable {
    var expression: Expression
    /// The text as written (nil for expressions built in code).
    var text: String?
    /// Location of the first character of `text`.
    var location: SourceLocation
    /// What the expression is, for messages: "the rate of reaction 'x'".
    var context: String
    /// Names valid here beyond the model's symbols (function arguments).
    var localNames: Set<String> = []
    /// Whether the expression must name a species (a modifier, a Hill activator…), not just any symbol.
    var speciesOnly = false

    /// Location of the first whole-word occurrence of `name` in the text.
    func location(of name: String) -> SourceLocation {
        guard let text else { return location }
        let s = Array(text.unicodeScalars), n = Array(name.unicodeScalars)
        guard !n.isEmpty, s.count >= n.count else { return location }
        for i in 0...(s.count - n.count) where Array(s[i..<(i + n.count)]) == n {
            let beforeOK = i == 0 || !s[i - 1].isIdentifierContinue
            let afterOK = i + n.count == s.count || !s[i + n.count].isIdentifierContinue
            if beforeOK && afterOK {
                var loc = location
                loc.column += i
                return loc
            }
        }
        return location
    }
}

/// A value that a file sets on an element of the composed model, whichever module defines it: how a
/// cell-type variant changes expression levels, rates and volumes of the model it includes.
struct Override {
    enum Kind: String {
        case parameter = "parameters", species, compartment = "compartments"
        var valueKey: String {
            switch self {
            case .parameter: "value"
            case .species: "initial"
            case .compartment: "size"
            }
        }
        var noun: String {
            switch self {
            case .parameter: "parameter"
            case .species: "species"
            case .compartment: "compartment"
            }
        }
    }
    var kind: Kind
    var id: String
    var value: Double
    var location: SourceLocation
    var valueLocation: SourceLocation = .synthetic("<override>")
    var unit: String?
    var source: String?
    var note: String?
}

/// One model file as read, before its includes are composed in.
struct ModelFile {
    var model: Model
    /// The file could not be read as a model at all (malformed YAML, not a mapping): nothing to compose.
    var fatal: Bool { model.id.isEmpty && model.species.isEmpty && model.reactions.isEmpty }
    var includes: [(path: String, location: SourceLocation)]
    /// Values this file sets on elements of the composed model (a cell-type variant's expression levels).
    var overrides: [Override] = []
    var sites: [ExpressionSite]
    var diagnostics: [Diagnostic]
}

/// Reads one YAML model file into a ``Model`` holding only that file's own elements.
struct ModelFileParser {
    private var r: YAMLReader
    private var sites: [ExpressionSite] = []
    private var units = Units()
    private var moduleID = ""

    static let rootKeys = [
        "model", "name", "description", "units", "includes", "compartments", "species", "parameters",
        "functions", "reactions", "observables", "rate-rules", "algebraic-rules", "initial-assignments", "events", "drugs",
        "scenarios", "simulation", "notes", "references", "overrides",
    ]

    init(file: String) {
        r = YAMLReader(file: file)
    }

    static func parse(text: String, file: String) -> ModelFile {
        var parser = ModelFileParser(file: file)
        return parser.parse(text: text)
    }

    mutating func parse(text: String) -> ModelFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            r.sink.append(contentsOf: [Self.diagnostic(for: error, file: r.file)])
            return ModelFile(model: Model(id: ""), includes: [], sites: [], diagnostics: r.sink.sorted)
        } catch {
            r.sink.error(SourceLocation(file: r.file, line: 1, column: 1), "cannot read YAML: \(error)")
            return ModelFile(model: Model(id: ""), includes: [], sites: [], diagnostics: r.sink.sorted)
        }
        guard let root, let top = r.mapping(root, "a model file") else {
            if root == nil {
                r.sink.error(SourceLocation(file: r.file, line: 1, column: 1), "the file is empty: a model needs at least 'model:' and 'species:'")
            }
            return ModelFile(model: Model(id: ""), includes: [], sites: [], diagnostics: r.sink.sorted)
        }
        r.checkKeys(top, allowed: Self.rootKeys, in: "the model")
        let v = { (key: String) in YAMLReader.value(top, key) }

        var model = Model(id: "", location: r.location(root))
        if let idNode = v("model") {
            model.id = r.slug(idNode, "the model") ?? ""
        } else {
            r.sink.error(r.location(root), "missing 'model:', the model's identifier (for example 'model: il11-receptor')")
        }
        moduleID = model.id
        model.name = v("name").flatMap { r.string($0, "'name'") } ?? model.id
        model.description = v("description").flatMap { r.string($0, "'description'") } ?? ""
        if let u = v("units") { units = parseUnits(u) }
        model.units = units

        var includes: [(String, SourceLocation)] = []
        for (path, node) in r.stringList(v("includes"), "'includes'") ?? [] {
            includes.append((path, r.location(node)))
        }

        model.compartments = entries(v("compartments"), "compartments").compactMap { parseCompartment($0.id, $0.key, $0.value) }
        model.species = entries(v("species"), "species").compactMap { parseSpecies($0.id, $0.key, $0.value) }
        model.parameters = entries(v("parameters"), "parameters").compactMap { parseParameter($0.id, $0.key, $0.value) }
        model.functions = entries(v("functions"), "functions").compactMap { parseFunction($0.id, $0.key, $0.value) }
        model.reactions = entries(v("reactions"), "reactions").compactMap { parseReaction($0.id, $0.key, $0.value) }
        model.observables = entries(v("observables"), "observables").compactMap { parseObservable($0.id, $0.key, $0.value) }
        model.rateRules = entries(v("rate-rules"), "rate-rules").compactMap { (id, keyNode, node) -> RateRule? in
            guard let e = expression(node, "the rate rule for '\(id)'") else { return nil }
            return RateRule(variable: id, expression: e, location: r.location(keyNode))
        }
        model.algebraicRules = entries(v("algebraic-rules"), "algebraic-rules").compactMap { (id, keyNode, node) -> AlgebraicRule? in
            guard let e = expression(node, "the algebraic rule for '\(id)'") else { return nil }
            return AlgebraicRule(variable: id, expression: e, location: r.location(keyNode))
        }
        model.initialAssignments = entries(v("initial-assignments"), "initial-assignments").compactMap { (id, keyNode, node) -> InitialAssignment? in
            guard let e = expression(node, "the initial assignment of '\(id)'") else { return nil }
            return InitialAssignment(variable: id, expression: e, location: r.location(keyNode))
        }
        model.events = entries(v("events"), "events").compactMap { parseEvent($0.id, $0.key, $0.value) }
        model.drugs = entries(v("drugs"), "drugs").compactMap { parseDrug($0.id, $0.key, $0.value) }
        model.scenarios = entries(v("scenarios"), "scenarios").compactMap { parseScenario($0.id, $0.key, $0.value) }
        if let s = v("simulation") { model.simulation = parseSimulation(s) }
        model.modules = [Module(id: model.id, name: model.name, file: r.file, includes: includes.map(\.0))]
        let overrides = v("overrides").map { parseOverrides($0) } ?? []

        return ModelFile(model: model, includes: includes, overrides: overrides, sites: sites, diagnostics: r.sink.sorted)
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func loc(_ m: Mark) -> SourceLocation { SourceLocation(file: file, line: max(m.line, 1), column: max(m.column, 1)) }
        let start = SourceLocation(file: file, line: 1, column: 1)
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return Diagnostic(.error, at: loc(mark), "malformed YAML: \(problem)\(ctx)")
        case .reader(let problem, _, _, _):
            return Diagnostic(.error, at: start, "cannot read the file as text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(.error, at: loc(context.mark), "duplicate key \(names) in the same mapping: each name may be defined once")
        default:
            return Diagnostic(.error, at: start, "malformed YAML: \(error)")
        }
    }

    // MARK: Helpers

    /// The entries `id: body` of a section; ids must be valid identifiers.
    private mutating func entries(_ node: Node?, _ section: String) -> [(id: String, key: Node, value: Node)] {
        guard let pairs = r.mapping(node, "'\(section)'") else { return [] }
        return pairs.compactMap { p in
            let id = section == "scenarios" ? r.slug(p.keyNode, "a scenario") : r.identifier(p.keyNode, "an entry of '\(section)'")
            return id.map { ($0, p.keyNode, p.value) }
        }
    }

    private mutating func expression(_ node: Node?, _ context: String, local: Set<String> = []) -> Expression? {
        guard let node, let e = r.expression(node, context) else { return nil }
        if case .scalar(let s) = node {
            let shift = (s.style == .singleQuoted || s.style == .doubleQuoted) ? 1 : 0
            var loc = r.location(node)
            loc.column += shift
            let textual = s.style == .plain || shift == 1
            sites.append(ExpressionSite(expression: e, text: textual ? s.string : nil, location: loc,
                                        context: context, localNames: local))
        }
        return e
    }

    /// A name that must be a species, recorded for validation.
    private mutating func speciesName(_ node: Node?, _ context: String) -> String? {
        guard let node, let name = r.identifier(node, context) else { return nil }
        sites.append(ExpressionSite(expression: .symbol(name), text: name, location: r.location(node),
                                    context: context, speciesOnly: true))
        return name
    }

    /// A rate-law constant written as a number (`kf: -0.1`) must not be negative; one that names a
    /// parameter is checked by validation, at the parameter's value.
    private mutating func checkNotNegative(_ e: Expression?, _ node: Node?, _ what: String) {
        let value: Double?
        switch e {
        case .number(let v)?: value = v
        case .negate(.number(let v))?: value = -v
        default: value = nil
        }
        if let value, value < 0 {
            r.error(node, "\(what) cannot be negative but is \(Expression.format(number: value))")
        }
    }

    private mutating func parseUnits(_ node: Node) -> Units {
        var u = Units()
        guard let pairs = r.mapping(node, "'units'") else { return u }
        r.checkKeys(pairs, allowed: ["time", "concentration", "substance", "volume"], in: "'units'")
        for p in pairs {
            guard let text = r.string(p.value, "the \(p.key) unit") else { continue }
            switch p.key {
            case "time":
                if let t = TimeUnit(symbol: text) { u.time = t } else {
                    r.error(p.value, "unknown time unit '\(text)'\(suggestion(for: text, in: TimeUnit.allCases.map(\.rawValue))) (use s, min, h or d)")
                }
            case "concentration", "substance":
                if let c = ConcentrationUnit(symbol: text) { u.concentration = c } else {
                    r.error(p.value, "unknown concentration unit '\(text)' (use M, mM, µM, nM, pM, molecules or au)")
                }
            case "volume":
                if let vol = VolumeUnit(symbol: text) { u.volume = vol } else {
                    r.error(p.value, "unknown volume unit '\(text)' (use L, mL, µL, nL, pL or fL)")
                }
            default: break
            }
        }
        return u
    }

    // MARK: Sections

    private mutating func parseCompartment(_ id: String, _ key: Node, _ node: Node) -> Compartment? {
        var c = Compartment(id: id, module: moduleID, location: r.location(key))
        if case .scalar = node, let size = r.number(node, "the size of compartment '\(id)'") {
            c.size = size
            return c
        }
        guard let pairs = r.mapping(node, "compartment '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: ["size", "dimensions", "outside", "label", "note", "unit"], in: "compartment '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        if let s = v("size"), let size = r.number(s, "the size of compartment '\(id)'") {
            if !(size > 0) || !size.isFinite {
                r.error(s, "the size of compartment '\(id)' must be a positive number, found \(Expression.format(number: size))")
            }
            c.size = size
        }
        if let d = v("dimensions"), let n = r.integer(d, "the dimensions of compartment '\(id)'") {
            if !(0...3).contains(n) { r.error(d, "a compartment has 0 to 3 dimensions, found \(n)") }
            c.dimensions = n
        }
        if let o = v("outside") { c.outside = r.identifier(o, "'outside' of compartment '\(id)'") }
        if let l = v("label") { c.label = r.string(l, "the label of compartment '\(id)'") ?? id }
        return c
    }

    static let speciesKeys = [
        "compartment", "initial", "amount", "constant", "boundary", "role", "label", "state", "entity",
        "entities", "active", "node", "link", "note",
    ]

    private mutating func parseSpecies(_ id: String, _ key: Node, _ node: Node) -> Species? {
        var s = Species(id: id, compartment: "", module: moduleID, location: r.location(key))
        guard let pairs = r.mapping(node, "species '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: Self.speciesKeys, in: "species '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        if let c = v("compartment") {
            s.compartment = r.identifier(c, "the compartment of species '\(id)'") ?? ""
        } else {
            r.error(key, "species '\(id)' needs a 'compartment'")
        }
        if let a = v("amount") { s.amountValued = r.bool(a, "'amount' of species '\(id)'") ?? false }
        if let i = v("initial") {
            let value = s.amountValued
                ? r.number(i, "the initial amount of species '\(id)'")
                : r.concentration(i, "the initial concentration of species '\(id)'", unit: units.concentration)
            if let value {
                if value < 0 || !value.isFinite {
                    r.error(i, "the initial value of species '\(id)' must be zero or positive, found \(Expression.format(number: value))")
                }
                s.initialValue = value
            }
        }
        if let c = v("constant") { s.constant = r.bool(c, "'constant' of species '\(id)'") ?? false }
        if let b = v("boundary") { s.boundary = r.bool(b, "'boundary' of species '\(id)'") ?? false }
        var d = DisplayInfo()
        if let roleNode = v("role"), let text = r.string(roleNode, "the role of species '\(id)'") {
            let normalised = text.lowercased().replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "_", with: "-")
            if let role = Role(rawValue: normalised) {
                d.role = role
            } else {
                r.error(roleNode, "unknown role '\(text)' for species '\(id)'\(suggestion(for: normalised, in: Role.allCases.map(\.rawValue))) (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        d.label = v("label").flatMap { r.string($0, "the label of species '\(id)'") }
        d.state = v("state").flatMap { r.string($0, "the state of species '\(id)'") }
        if let e = v("entity") ?? v("entities") {
            d.entities = (r.stringList(e, "the entities of species '\(id)'") ?? []).map(\.0)
        }
        if let a = v("active"), let active = r.bool(a, "'active' of species '\(id)'") {
            // `active: false` declares an inactive form; leaving the key out says nothing.
            d.active = active
            d.inactive = !active
        }
        d.node = v("node").flatMap { r.identifier($0, "the activity-view node of species '\(id)'") }
        d.link = v("link").flatMap { r.string($0, "the link of species '\(id)'") }
        d.note = v("note").flatMap { r.string($0, "the note of species '\(id)'") }
        s.display = d
        return s
    }

    private mutating func parseParameter(_ id: String, _ key: Node, _ node: Node) -> Parameter? {
        parameterValue(id, key, node, what: "parameter '\(id)'", declared: true)
    }

    /// `name: 0.1` or `name: {value: 0.1, unit: 1/s, source: "...", positive: true}` (`positive` only for
    /// parameters of the `parameters:` section, `declared`; a drug's IC50 and clearance have fixed rules).
    private mutating func parameterValue(_ id: String, _ key: Node, _ node: Node, what: String,
                                         concentration: Bool = false, declared: Bool = false) -> Parameter? {
        var p = Parameter(id: id, value: 0, module: moduleID, location: r.location(key))
        func read(_ n: Node) -> Double? {
            concentration ? r.concentration(n, "the value of \(what)", unit: units.concentration)
                : r.number(n, "the value of \(what)")
        }
        // A value that cannot be read is reported once; the parameter still exists, so that
        // expressions naming it do not draw a second error.
        if case .scalar = node {
            p.value = read(node) ?? .nan
            p.valueLocation = r.location(node)
            return p
        }
        guard let pairs = r.mapping(node, what) else { return nil }
        r.checkKeys(pairs, allowed: ["value", "unit", "source", "note"] + (declared ? ["positive"] : []), in: what)
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        if let valueNode = v("value") {
            p.value = read(valueNode) ?? .nan
            p.valueLocation = r.location(valueNode)
        } else {
            r.error(key, "\(what) needs a 'value'")
            return nil
        }
        p.unit = v("unit").flatMap { r.string($0, "the unit of \(what)") }
        p.source = v("source").flatMap { r.string($0, "the source of \(what)") }
        p.note = v("note").flatMap { r.string($0, "the note of \(what)") }
        if let positive = v("positive") { p.positive = r.bool(positive, "'positive' of \(what)") ?? false }
        return p
    }

    /// `overrides: {parameters: {id: {value, source}}, species: {id: {initial, source}}, compartments: {id: {size, source}}}`.
    private mutating func parseOverrides(_ node: Node) -> [Override] {
        guard let sections = r.mapping(node, "'overrides'") else { return [] }
        r.checkKeys(sections, allowed: ["parameters", "species", "compartments"], in: "'overrides'")
        var out: [Override] = []
        for section in sections {
            let name = section.key
            guard let kind = Override.Kind(rawValue: name) else { continue }
            let valueKey = kind.valueKey
            for (id, key, body) in entries(section.value, "overrides: \(name)") {
                let what = "the override of \(kind.noun) '\(id)'"
                var o = Override(kind: kind, id: id, value: .nan, location: r.location(key))
                func read(_ n: Node) -> Double? {
                    kind == .species
                        ? r.concentration(n, "the \(valueKey) in \(what)", unit: units.concentration)
                        : r.number(n, "the \(valueKey) in \(what)")
                }
                if case .scalar = body {
                    o.value = read(body) ?? .nan
                    o.valueLocation = r.location(body)
                } else if let pairs = r.mapping(body, what) {
                    r.checkKeys(pairs, allowed: [valueKey, "unit", "source", "note"], in: what)
                    if let n = YAMLReader.value(pairs, valueKey) {
                        o.value = read(n) ?? .nan
                        o.valueLocation = r.location(n)
                    } else {
                        r.error(key, "\(what) needs '\(valueKey)'")
                        continue
                    }
                    o.source = YAMLReader.value(pairs, "source").flatMap { r.string($0, "the source of \(what)") }
                    o.unit = YAMLReader.value(pairs, "unit").flatMap { r.string($0, "the unit of \(what)") }
                    o.note = YAMLReader.value(pairs, "note").flatMap { r.string($0, "the note of \(what)") }
                } else {
                    continue
                }
                if o.value.isFinite {
                    if kind == .compartment && !(o.value > 0) {
                        r.sink.error(o.valueLocation, "the size of compartment '\(id)' must be a positive number, found \(Expression.format(number: o.value))")
                    } else if o.value < 0 {
                        r.sink.error(o.valueLocation, "\(what) must be zero or positive, found \(Expression.format(number: o.value))")
                    }
                } else if !o.value.isNaN {
                    r.sink.error(o.valueLocation, "\(what) must be a finite number")
                }
                out.append(o)
            }
        }
        return out
    }

    private mutating func parseFunction(_ id: String, _ key: Node, _ node: Node) -> FunctionDefinition? {
        guard let pairs = r.mapping(node, "function '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: ["arguments", "body", "note"], in: "function '\(id)'")
        let args = (r.stringList(YAMLReader.value(pairs, "arguments"), "the arguments of function '\(id)'") ?? []).map(\.0)
        guard let bodyNode = YAMLReader.value(pairs, "body") else {
            r.error(key, "function '\(id)' needs a 'body'")
            return nil
        }
        guard let body = expression(bodyNode, "the body of function '\(id)'", local: Set(args)) else { return nil }
        return FunctionDefinition(id: id, arguments: args, body: body, location: r.location(key))
    }

    static let reactionKeys = [
        "equation", "compartment", "mass-action", "michaelis-menten", "hill", "rate", "rate-units", "modifiers",
        "activators", "inhibitors", "kind", "label", "note", "fast",
    ]

    private mutating func parseReaction(_ id: String, _ key: Node, _ node: Node) -> Reaction? {
        guard let pairs = r.mapping(node, "reaction '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: Self.reactionKeys, in: "reaction '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        guard let eqNode = v("equation") else {
            r.error(key, "reaction '\(id)' needs an 'equation', like 'A + B <-> C'")
            return nil
        }
        guard let eqText = r.string(eqNode, "the equation of reaction '\(id)'") else { return nil }
        let equation: ChemicalEquation
        do {
            equation = try ChemicalEquation(parsing: eqText)
        } catch {
            r.sink.error(r.location(eqNode, offset: error.offset), "malformed equation of reaction '\(id)': \(error.message)")
            return nil
        }
        // Record each species name of the equation for validation at its own column.
        let shift: Int = { if case .scalar(let s) = eqNode, s.style == .singleQuoted || s.style == .doubleQuoted { return 1 }; return 0 }()
        for name in (equation.reactants + equation.products).map(\.species) {
            var loc = r.location(eqNode)
            loc.column += (equation.offsets[name] ?? 0) + shift
            sites.append(ExpressionSite(expression: .symbol(name), text: name, location: loc,
                                        context: "reaction '\(id)'", speciesOnly: true))
        }

        let laws = ["mass-action", "michaelis-menten", "hill", "rate"].filter { v($0) != nil }
        if laws.count > 1 {
            r.error(v(laws[1]), "reaction '\(id)' has more than one rate law (\(laws.joined(separator: ", "))): give exactly one")
        }
        var law: RateLaw?
        let context = "reaction '\(id)'"
        switch laws.first {
        case "mass-action":
            law = parseMassAction(v("mass-action")!, context: context, reversible: equation.reversible)
        case "michaelis-menten":
            law = parseMichaelisMenten(v("michaelis-menten")!, context: context, reactants: equation.reactants)
        case "hill":
            law = parseHill(v("hill")!, context: context)
        case "rate":
            law = expression(v("rate"), "the rate of \(context)").map(RateLaw.expression)
        default:
            r.error(key, "reaction '\(id)' needs a rate law: 'mass-action', 'michaelis-menten', 'hill' or 'rate'")
        }
        if equation.reversible, let l = law {
            switch l {
            case .massAction(_, let reverse) where reverse != nil: break
            case .expression: break
            default:
                r.error(eqNode, "reaction '\(id)' is reversible ('<->') but its rate law has no reverse rate: give 'kr' in 'mass-action', or write '->'")
            }
        }
        var modifiers: [Modifier] = []
        if let m = v("modifiers"), let mp = r.mapping(m, "the modifiers of \(context)") {
            for p in mp {
                guard let name = speciesName(p.keyNode, "a modifier of \(context)") else { continue }
                guard let roleText = r.string(p.value, "the role of modifier '\(name)'") else { continue }
                guard let role = ModifierRole(rawValue: roleText) else {
                    r.error(p.value, "unknown modifier role '\(roleText)'\(suggestion(for: roleText, in: ModifierRole.allCases.map(\.rawValue))) (use catalyst, activator, inhibitor or modifier)")
                    continue
                }
                modifiers.append(Modifier(name, role, location: r.location(p.keyNode)))
            }
        }
        let activators = parseRegulation(v("activators"), context: context, kind: "activators")
        let inhibitors = parseRegulation(v("inhibitors"), context: context, kind: "inhibitors")
        for a in activators where !modifiers.contains(where: { $0.species == a.term.species }) {
            modifiers.append(Modifier(a.term.species, .activator, location: a.location))
        }
        for i in inhibitors where !modifiers.contains(where: { $0.species == i.term.species }) {
            modifiers.append(Modifier(i.term.species, .inhibitor, location: i.location))
        }
        if var l = law {
            // The `enzyme:` or `of:` value in the rate law's mapping.
            let lawNode = laws.first.flatMap { v($0) }
            func located(_ field: String) -> SourceLocation { r.location(lawNode?[field] ?? lawNode ?? key) }
            if case .michaelisMenten(_, _, _, let enzyme?, _) = l, !modifiers.contains(where: { $0.species == enzyme }),
               !equation.reactants.contains(where: { $0.species == enzyme }) {
                modifiers.append(Modifier(enzyme, .catalyst, location: located("enzyme")))
            }
            if case .hill(let of, _, _, _) = l, !modifiers.contains(where: { $0.species == of }),
               !equation.reactants.contains(where: { $0.species == of }) {
                modifiers.append(Modifier(of, .activator, location: located("of")))
            }
            if !activators.isEmpty || !inhibitors.isEmpty {
                l = .regulated(l, activators: activators.map(\.term), inhibitors: inhibitors.map(\.term))
            }
            law = l
        }
        var compartment: String?
        if let c = v("compartment") { compartment = r.identifier(c, "the compartment of \(context)") }
        var amountRate = false
        if let ru = v("rate-units"), let text = r.string(ru, "'rate-units' of \(context)") {
            switch text {
            case "amount": amountRate = true
            case "concentration": amountRate = false
            default: r.error(ru, "'rate-units' is 'concentration' (the default: the rate is a concentration per time in the reaction's compartment) or 'amount'")
            }
        }
        if compartment == nil && !amountRate {
            // Filled in by composition: the compartment of the first reactant, else the first product.
            compartment = ""
        }
        var kind: ReactionKind?
        if let k = v("kind"), let text = r.string(k, "the kind of \(context)") {
            kind = ReactionKind(rawValue: text)
            if kind == nil {
                r.error(k, "unknown reaction kind '\(text)'\(suggestion(for: text, in: ReactionKind.allCases.map(\.rawValue))) (kinds: \(ReactionKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let fast = r.bool(v("fast"), "'fast' of \(context)") ?? false
        guard let law else { return nil }
        return Reaction(
            id: id, reactants: equation.reactants, products: equation.products, reversible: equation.reversible,
            modifiers: modifiers, rateLaw: law, compartment: amountRate ? nil : compartment, kind: kind,
            label: v("label").flatMap { r.string($0, "the label of \(context)") },
            note: v("note").flatMap { r.string($0, "the note of \(context)") },
            fast: fast, module: moduleID, location: r.location(key))
    }

    private mutating func parseMassAction(_ node: Node, context: String, reversible: Bool) -> RateLaw? {
        if case .scalar = node {
            let kf = expression(node, "the forward rate constant of \(context)")
            checkNotNegative(kf, node, "the forward rate constant of \(context)")
            return kf.map { .massAction(forward: $0, reverse: nil) }
        }
        guard let pairs = r.mapping(node, "'mass-action' of \(context)") else { return nil }
        r.checkKeys(pairs, allowed: ["kf", "kr"], in: "'mass-action' of \(context)")
        guard let kfNode = YAMLReader.value(pairs, "kf") else {
            r.error(node, "'mass-action' of \(context) needs 'kf', the forward rate constant")
            return nil
        }
        let kf = expression(kfNode, "kf of \(context)")
        checkNotNegative(kf, kfNode, "the forward rate constant of \(context)")
        var kr: Expression?
        if let krNode = YAMLReader.value(pairs, "kr") {
            kr = expression(krNode, "kr of \(context)")
            checkNotNegative(kr, krNode, "the reverse rate constant of \(context)")
            if !reversible {
                r.error(krNode, "\(context) is irreversible ('->') but has a reverse rate constant 'kr': write '<->' or drop 'kr'")
            }
        }
        return kf.map { .massAction(forward: $0, reverse: kr) }
    }

    private mutating func parseMichaelisMenten(_ node: Node, context: String, reactants: [StoichiometricTerm]) -> RateLaw? {
        guard let pairs = r.mapping(node, "'michaelis-menten' of \(context)") else { return nil }
        r.checkKeys(pairs, allowed: ["vmax", "kcat", "enzyme", "km", "substrate"], in: "'michaelis-menten' of \(context)")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        let vmax = v("vmax").flatMap { expression($0, "vmax of \(context)") }
        let kcat = v("kcat").flatMap { expression($0, "kcat of \(context)") }
        let enzyme = v("enzyme").flatMap { speciesName($0, "the enzyme of \(context)") }
        guard let kmNode = v("km") else {
            r.error(node, "'michaelis-menten' of \(context) needs 'km'")
            return nil
        }
        let km = expression(kmNode, "km of \(context)")
        checkNotNegative(vmax, v("vmax"), "the vmax of \(context)")
        checkNotNegative(kcat, v("kcat"), "the kcat of \(context)")
        checkNotNegative(km, kmNode, "the Michaelis constant of \(context)")
        if (vmax == nil) == (kcat == nil) {
            r.error(node, "'michaelis-menten' of \(context) needs either 'vmax', or 'kcat' with an 'enzyme'")
            return nil
        }
        if kcat != nil && enzyme == nil {
            r.error(node, "'michaelis-menten' of \(context) has 'kcat' but no 'enzyme' whose concentration it multiplies")
            return nil
        }
        var substrate: String?
        if let s = v("substrate") {
            substrate = speciesName(s, "the substrate of \(context)")
        } else if reactants.count == 1 {
            substrate = reactants[0].species
        } else {
            r.error(node, "'michaelis-menten' of \(context) needs 'substrate' when the reaction does not have exactly one reactant")
        }
        guard let substrate, let km else { return nil }
        return .michaelisMenten(substrate: substrate, vmax: vmax, kcat: kcat, enzyme: enzyme, km: km)
    }

    private mutating func parseHill(_ node: Node, context: String) -> RateLaw? {
        guard let pairs = r.mapping(node, "'hill' of \(context)") else { return nil }
        r.checkKeys(pairs, allowed: ["vmax", "k", "n", "of"], in: "'hill' of \(context)")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        guard let ofNode = v("of"), let vNode = v("vmax"), let kNode = v("k") else {
            r.error(node, "'hill' of \(context) needs 'of' (the activating species), 'vmax' and 'k' ('n' defaults to 1)")
            return nil
        }
        let of = speciesName(ofNode, "the activator of \(context)")
        let vmax = expression(vNode, "vmax of \(context)")
        let k = expression(kNode, "k of \(context)")
        let n = v("n").flatMap { expression($0, "n of \(context)") } ?? .number(1)
        checkNotNegative(vmax, vNode, "the vmax of \(context)")
        checkNotNegative(k, kNode, "the Hill constant of \(context)")
        guard let of, let vmax, let k else { return nil }
        return .hill(of: of, vmax: vmax, k: k, n: n)
    }

    /// `inhibitors: {SOCS3: {k: Ki, n: 1}}` or `inhibitors: {SOCS3: Ki}`, each term with the location of its species.
    private mutating func parseRegulation(_ node: Node?, context: String, kind: String) -> [(term: RegulationTerm, location: SourceLocation)] {
        guard let node, let pairs = r.mapping(node, "the \(kind) of \(context)") else { return [] }
        var out: [(term: RegulationTerm, location: SourceLocation)] = []
        let constantName = kind == "inhibitors" ? "inhibition constant" : "activation constant"
        for p in pairs {
            guard let species = speciesName(p.keyNode, "one of the \(kind) of \(context)") else { continue }
            let at = r.location(p.keyNode)
            if case .scalar = p.value {
                if let k = expression(p.value, "the constant of '\(species)' in \(context)") {
                    checkNotNegative(k, p.value, "the \(constantName) of '\(species)' in \(context)")
                    out.append((RegulationTerm(species: species, constant: k), at))
                }
                continue
            }
            guard let inner = r.mapping(p.value, "'\(species)' in the \(kind) of \(context)") else { continue }
            r.checkKeys(inner, allowed: ["k", "n"], in: "'\(species)' in the \(kind) of \(context)")
            guard let kNode = YAMLReader.value(inner, "k") else {
                r.error(p.value, "'\(species)' in the \(kind) of \(context) needs 'k', its half-effect constant")
                continue
            }
            let k = expression(kNode, "k of '\(species)' in \(context)")
            let n = YAMLReader.value(inner, "n").flatMap { expression($0, "n of '\(species)' in \(context)") } ?? .number(1)
            if let k {
                checkNotNegative(k, kNode, "the \(constantName) of '\(species)' in \(context)")
                out.append((RegulationTerm(species: species, constant: k, hill: n), at))
            }
        }
        return out
    }

    private mutating func parseObservable(_ id: String, _ key: Node, _ node: Node) -> Observable? {
        if case .scalar = node {
            return expression(node, "observable '\(id)'").map {
                Observable(id: id, expression: $0, module: moduleID, location: r.location(key))
            }
        }
        guard let pairs = r.mapping(node, "observable '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: ["expression", "label", "unit", "entity", "note"], in: "observable '\(id)'")
        guard let e = YAMLReader.value(pairs, "expression") else {
            r.error(key, "observable '\(id)' needs an 'expression'")
            return nil
        }
        guard let expr = expression(e, "observable '\(id)'") else { return nil }
        return Observable(
            id: id, expression: expr,
            label: YAMLReader.value(pairs, "label").flatMap { r.string($0, "the label of observable '\(id)'") },
            unit: YAMLReader.value(pairs, "unit").flatMap { r.string($0, "the unit of observable '\(id)'") },
            note: YAMLReader.value(pairs, "note").flatMap { r.string($0, "the note of observable '\(id)'") },
            entity: YAMLReader.value(pairs, "entity").flatMap { n -> String? in
                guard let name = r.identifier(n, "the entity of observable '\(id)'") else { return nil }
                sites.append(ExpressionSite(expression: .call("entity", [.symbol(name)]), text: name, location: r.location(n),
                                            context: "observable '\(id)'"))
                return name
            },
            module: moduleID, location: r.location(key))
    }

    private mutating func parseEvent(_ id: String, _ key: Node, _ node: Node) -> Event? {
        guard let pairs = r.mapping(node, "event '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: ["at", "every", "count", "when", "set", "add", "delay", "priority", "persistent",
                                    "values-from-trigger-time", "initial-value", "note"], in: "event '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        var trigger: EventTrigger?
        if let atNode = v("at") {
            if v("when") != nil { r.error(v("when"), "event '\(id)' has both 'at' and 'when': give one") }
            let t = r.time(atNode, "the time of event '\(id)'", unit: units.time)
            let every = v("every").flatMap { r.time($0, "the interval of event '\(id)'", unit: units.time) }
            let count = v("count").flatMap { r.integer($0, "the count of event '\(id)'") }
            if let every, every <= 0 { r.error(v("every"), "the interval of event '\(id)' must be positive") }
            if let count, count < 1 { r.error(v("count"), "the count of event '\(id)' must be at least 1") }
            if let t { trigger = .at(time: t, every: every, count: count) }
        } else if let whenNode = v("when") {
            if let e = expression(whenNode, "the trigger of event '\(id)'") { trigger = .when(e) }
        } else {
            r.error(key, "event '\(id)' needs 'at' (a time) or 'when' (a condition)")
        }
        var assignments: [EventAssignment] = []
        for (mode, keyName) in [(EventAssignment.Mode.set, "set"), (.add, "add")] {
            guard let m = v(keyName), let mp = r.mapping(m, "'\(keyName)' of event '\(id)'") else { continue }
            for p in mp {
                guard let target = r.identifier(p.keyNode, "a target of event '\(id)'") else { continue }
                sites.append(ExpressionSite(expression: .symbol(target), text: target, location: r.location(p.keyNode),
                                            context: "event '\(id)'"))
                let value: Expression?
                if case .scalar(let s) = p.value, Double(s.string) == nil, let q = Quantity(parsing: s.string), q.unit != nil {
                    value = r.concentration(p.value, "the value for '\(target)' in event '\(id)'", unit: units.concentration).map(Expression.number)
                } else {
                    value = expression(p.value, "the value for '\(target)' in event '\(id)'")
                }
                if let value { assignments.append(EventAssignment(target: target, mode: mode, value: value)) }
            }
        }
        if assignments.isEmpty && v("set") == nil && v("add") == nil {
            r.error(key, "event '\(id)' changes nothing: give 'set' or 'add'")
        }
        var delay: Expression?
        if let d = v("delay") {
            // A duration with a unit (`5 min`) or an expression evaluated when the event triggers.
            if case .scalar(let s) = d, let q = Quantity(parsing: s.string), q.unit != nil, q.time(in: units.time) != nil {
                delay = r.time(d, "the delay of event '\(id)'", unit: units.time).map(Expression.number)
            } else {
                delay = expression(d, "the delay of event '\(id)'")
            }
        }
        let priority = v("priority").flatMap { expression($0, "the priority of event '\(id)'") }
        let persistent = v("persistent").flatMap { r.bool($0, "'persistent' of event '\(id)'") } ?? true
        let fromTrigger = v("values-from-trigger-time").flatMap { r.bool($0, "'values-from-trigger-time' of event '\(id)'") } ?? false
        let initialValue = v("initial-value").flatMap { r.bool($0, "'initial-value' of event '\(id)'") } ?? true
        guard let trigger else { return nil }
        return Event(id: id, trigger: trigger, assignments: assignments, delay: delay, priority: priority,
                     useValuesFromTriggerTime: fromTrigger, persistent: persistent, initialValue: initialValue,
                     note: v("note").flatMap { r.string($0, "the note of event '\(id)'") },
                     module: moduleID, location: r.location(key))
    }

    private mutating func parseDrug(_ id: String, _ key: Node, _ node: Node) -> Drug? {
        guard let pairs = r.mapping(node, "drug '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: ["label", "targets", "ic50", "clearance", "compartment", "link", "note"], in: "drug '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        var targets: [String] = []
        for (t, n) in r.stringList(v("targets"), "the targets of drug '\(id)'") ?? [] {
            targets.append(t)
            sites.append(ExpressionSite(expression: .call("reaction", [.symbol(t)]), text: t, location: r.location(n),
                                        context: "the targets of drug '\(id)'"))
        }
        if targets.isEmpty { r.error(key, "drug '\(id)' needs 'targets': the reactions it inhibits") }
        guard let icNode = v("ic50") else {
            r.error(key, "drug '\(id)' needs 'ic50', the concentration that halves its targets' rates")
            return nil
        }
        guard let ic50 = parameterValue("\(id)_IC50", icNode, icNode, what: "the IC50 of drug '\(id)'", concentration: true) else { return nil }
        if !(ic50.value > 0) && !ic50.value.isNaN {
            r.sink.error(ic50.valueLocation ?? r.location(icNode), "the IC50 of drug '\(id)' must be positive but is \(Expression.format(number: ic50.value))")
        }
        var clearance: Parameter?
        if let cl = v("clearance") {
            clearance = parameterValue("\(id)_clearance", cl, cl, what: "the clearance of drug '\(id)'")
            if let c = clearance, c.value < 0 {
                r.sink.error(c.valueLocation ?? r.location(cl), "the clearance of drug '\(id)' cannot be negative but is \(Expression.format(number: c.value))")
            }
        }
        return Drug(id: id, label: v("label").flatMap { r.string($0, "the label of drug '\(id)'") },
                    targets: targets, ic50: ic50, clearance: clearance,
                    compartment: v("compartment").flatMap { r.identifier($0, "the compartment of drug '\(id)'") },
                    link: v("link").flatMap { r.string($0, "the link of drug '\(id)'") },
                    note: v("note").flatMap { r.string($0, "the note of drug '\(id)'") },
                    module: moduleID, location: r.location(key))
    }

    static let scenarioKeys = ["description", "knockout", "inhibit", "drugs", "set", "scale", "initial", "doses", "note"]

    private mutating func parseScenario(_ id: String, _ key: Node, _ node: Node) -> Scenario? {
        guard let pairs = r.mapping(node, "scenario '\(id)'") else { return nil }
        r.checkKeys(pairs, allowed: Self.scenarioKeys, in: "scenario '\(id)'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        var perturbations: [Perturbation] = []
        let ctx = "scenario '\(id)'"
        func record(_ name: String, _ n: Node, _ kind: String) {
            sites.append(ExpressionSite(expression: .call(kind, [.symbol(name)]), text: name, location: r.location(n), context: ctx))
        }
        for (s, n) in r.stringList(v("knockout"), "'knockout' of \(ctx)") ?? [] {
            record(s, n, "species")
            perturbations.append(.knockout(species: s))
        }
        for p in r.mapping(v("inhibit"), "'inhibit' of \(ctx)") ?? [] {
            guard let f = r.number(p.value, "the inhibited fraction of '\(p.key)'") else { continue }
            if !(0...1).contains(f) { r.error(p.value, "an inhibited fraction is between 0 and 1, found \(Expression.format(number: f))") }
            record(p.key, p.keyNode, "reaction")
            perturbations.append(.inhibit(reaction: p.key, fraction: f))
        }
        for p in r.mapping(v("drugs"), "'drugs' of \(ctx)") ?? [] {
            guard let c = r.concentration(p.value, "the concentration of drug '\(p.key)'", unit: units.concentration) else { continue }
            if c < 0 { r.error(p.value, "a drug concentration must not be negative") }
            record(p.key, p.keyNode, "drug")
            perturbations.append(.drug(name: p.key, concentration: c))
        }
        for p in r.mapping(v("set"), "'set' of \(ctx)") ?? [] {
            guard let value = r.number(p.value, "the value of '\(p.key)'") else { continue }
            record(p.key, p.keyNode, "parameter")
            perturbations.append(.setParameter(name: p.key, value: value))
        }
        for p in r.mapping(v("scale"), "'scale' of \(ctx)") ?? [] {
            guard let f = r.number(p.value, "the factor for '\(p.key)'") else { continue }
            if f < 0 { r.error(p.value, "a scale factor must not be negative") }
            record(p.key, p.keyNode, "parameter")
            perturbations.append(.scaleParameter(name: p.key, factor: f))
        }
        for p in r.mapping(v("initial"), "'initial' of \(ctx)") ?? [] {
            guard let value = r.concentration(p.value, "the initial value of '\(p.key)'", unit: units.concentration) else { continue }
            if value < 0 { r.error(p.value, "an initial value must not be negative") }
            record(p.key, p.keyNode, "species")
            perturbations.append(.setInitial(species: p.key, value: value))
        }
        for item in r.sequence(v("doses"), "'doses' of \(ctx)") ?? [] {
            guard let dp = r.mapping(item, "a dose in \(ctx)") else { continue }
            r.checkKeys(dp, allowed: ["species", "amount", "at", "every", "count"], in: "a dose in \(ctx)")
            let dv = { (k: String) in YAMLReader.value(dp, k) }
            guard let sNode = dv("species"), let species = r.identifier(sNode, "the species of a dose"),
                  let aNode = dv("amount"), let amount = r.concentration(aNode, "the amount of a dose", unit: units.concentration)
            else {
                if dv("species") == nil || dv("amount") == nil { r.error(item, "a dose needs 'species' and 'amount'") }
                continue
            }
            record(species, sNode, "species")
            let at = dv("at").flatMap { r.time($0, "the time of a dose", unit: units.time) } ?? 0
            let every = dv("every").flatMap { r.time($0, "the interval of a dose", unit: units.time) }
            let count = dv("count").flatMap { r.integer($0, "the count of a dose") }
            perturbations.append(.dose(species: species, amount: amount, time: at, every: every, count: count))
        }
        return Scenario(id: id, description: v("description").flatMap { r.string($0, "the description of \(ctx)") } ?? "",
                        perturbations: perturbations, location: r.location(key))
    }

    private mutating func parseSimulation(_ node: Node) -> SimulationDefaults {
        var s = SimulationDefaults()
        guard let pairs = r.mapping(node, "'simulation'") else { return s }
        r.checkKeys(pairs, allowed: ["t-end", "points", "observe"], in: "'simulation'")
        let v = { (k: String) in YAMLReader.value(pairs, k) }
        s.end = v("t-end").flatMap { r.time($0, "'t-end'", unit: units.time) }
        if let e = s.end, !(e > 0) { r.error(v("t-end"), "'t-end' must be positive") }
        s.points = v("points").flatMap { r.integer($0, "'points'") }
        if let p = s.points, p < 2 { r.error(v("points"), "'points' must be at least 2") }
        for (name, n) in r.stringList(v("observe"), "'observe'") ?? [] {
            s.observe.append(name)
            sites.append(ExpressionSite(expression: .call("observe", [.symbol(name)]), text: name, location: r.location(n), context: "'simulation'"))
        }
        return s
    }
}
