import Foundation
import PathwayModel

// The import, one pass per SBML element: each pass reads the tree (and what the passes before it
// found, kept on the importer) and returns its part of the model.
extension Importer {
    mutating func run(warnings libsbmlWarnings: [Diagnostic]) throws(SBMLImportError) -> SBMLImport {
        let here = m.position
        let fastCount = try rewriteFastReactionsAndAlgebraicRules()
        reserveNames()
        let functions = importFunctions()
        functionTable = Dictionary(functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        indexRules()
        let compartments = importCompartments()
        modelFactor = m.conversionFactor.map { conversionFactor($0, for: "the model", at: here) } ?? .number(1)
        let species = importSpecies()
        importParameters()
        findVariableReferences()
        var reactions = importReactions()
        var rateRules = importRateRules()
        let algebraicRules = importAlgebraicRules()
        importInitialAssignments()
        var events = importEvents()
        exposeReactionRates(&reactions, rateRules: rateRules, events: events)
        rewriteRateOf(&reactions, &rateRules, &events)

        if !problems.isEmpty {
            let kind: SBMLImportError.Kind = constructs.isEmpty ? .invalid : .unsupported
            throw SBMLImportError(kind: kind, diagnostics: problems, constructs: constructs)
        }
        return try assemble(compartments: compartments, species: species, functions: functions, reactions: reactions,
                            rateRules: rateRules, algebraicRules: algebraicRules, events: events, fastReactions: fastCount,
                            warnings: libsbmlWarnings)
    }

    /// Algebraic rules become the assignment rules they imply (see AlgebraicRules). Fast reactions are
    /// imported as they are, marked fast: the compiler replaces each by its equilibrium constraint
    /// (`Model.resolvingFastReactions()` in the Simulator target), for SBML and YAML models alike.
    /// Returns how many reactions are fast.
    mutating func rewriteFastReactionsAndAlgebraicRules() throws(SBMLImportError) -> Int {
        let fastCount = m.reactions.filter(\.fast).count
        let (solvedRules, algebraicRefusals) = AlgebraicRules.solve(m)
        m.rules = solvedRules
        for r in algebraicRefusals {
            if r.invalid {
                problems.append(Diagnostic(.error, at: location(r.position), "\(r.construct): \(r.detail)"))
            } else {
                refuse(r.construct, r.detail, at: r.position)
            }
        }
        if !overdetermined.isEmpty && !algebraicRefusals.contains(where: \.invalid) {
            throw SBMLImportError(kind: .invalid, diagnostics: overdetermined)
        }

        return fastCount
    }

    /// SBML identifiers that are reserved words of the expression syntax get a suffix.
    mutating func reserveNames() {
        let allIDs = m.compartments.map(\.id) + m.species.map(\.id) + m.parameters.map(\.id) + m.reactions.map(\.id)
            + m.functions.map(\.id) + m.reactions.flatMap { ($0.reactants + $0.products).compactMap(\.id) }
        taken.formUnion(allIDs)
        for id in allIDs where Self.isReserved(id) {
            var candidate = id + "_"
            while taken.contains(candidate) { candidate += "_" }
            taken.insert(candidate)
            renamed[id] = candidate
        }
        compartmentIDs = Set(m.compartments.map(\.id))
        speciesIDs = Set(m.species.map(\.id))
        for r in m.reactions { for sr in r.reactants + r.products { if let id = sr.id { speciesReferenceIDs[id] = sr } } }
    }

    mutating func importFunctions() -> [FunctionDefinition] {
        var functions: [FunctionDefinition] = []
        for f in m.functions {
            guard case .lambda(let arguments, let body)? = f.math else {
                _ = expression(f.math, "function '\(f.id)'", at: f.position)
                continue
            }
            let bound = Dictionary(arguments.map { ($0, $0) }, uniquingKeysWith: { a, _ in a })
            if let e = expression(body, "function '\(f.id)'", at: f.position, local: bound) {
                functions.append(FunctionDefinition(id: rename(f.id), arguments: arguments, body: e, location: location(f.position)))
            }
        }
        return functions
    }

    /// Rules and initial assignments, by variable; the values known before the simulation starts.
    mutating func indexRules() {
        for r in m.rules {
            if r.math == nil && r.kind != .algebraic {
                notes.append(Diagnostic(.warning, at: location(r.position), "the rule for '\(r.variable)' has no math and is ignored"))
                continue
            }
            switch r.kind {
            case .algebraic: if !r.variable.isEmpty { algebraicVariables.insert(r.variable) } // solved by the DAE path
            case .assignment: assignmentRules[r.variable] = r
            case .rate: rateRules[r.variable] = r
            }
        }
        for ia in m.initialAssignments where ia.math != nil { initialAssignments[ia.symbol] = ia }
        eventTargets = Set(m.events.flatMap { $0.assignments.map(\.variable) })

        // Values known before the simulation starts (for compartment sizes and stoichiometries set by
        // initial assignments): constant parameters and compartments with values and no assignments.
        for p in m.parameters where p.constant && initialAssignments[p.id] == nil && assignmentRules[p.id] == nil {
            if let v = p.value { known[rename(p.id)] = v }
        }
        for c in m.compartments where initialAssignments[c.id] == nil && assignmentRules[c.id] == nil {
            if let v = c.size { known[rename(c.id)] = v }
        }
    }

    /// The value of an initial assignment computed from constants only, or nil.
    mutating func constantValue(of id: String) -> Double? {
        guard let ia = initialAssignments[id] else { return nil }
        guard let e = expression(ia.math, "the initial assignment of '\(id)'", at: ia.position) else { return nil }
        let table = known
        return evaluateConstant(e, functions: functionTable) { table[$0] }
    }

    /// Compartments. One whose size changes (a rate rule, an assignment rule or an event sets it) is
    /// split in two: its size becomes a parameter (an observable under an assignment rule) with the
    /// compartment's identifier, and the model compartment that holds its species gets a fresh name.
    /// Its species are tracked by amount (see below).
    mutating func importCompartments() -> [Compartment] {
        var compartments: [Compartment] = []
        for c in m.compartments {
            let variable = rateRules[c.id] != nil || assignmentRules[c.id] != nil || eventTargets.contains(c.id)
            var entity = rename(c.id)
            if variable {
                entity = rename(c.id) + "_compartment"
                while taken.contains(entity) { entity += "_" }
                taken.insert(entity)
                variableCompartments[c.id] = entity
            }
            var size = c.size
            if variable && initialAssignments[c.id] != nil {
                // Carried over as an initial assignment of the size parameter.
            } else if initialAssignments[c.id] != nil {
                if let v = constantValue(of: c.id) {
                    size = v
                    known[rename(c.id)] = v
                } else {
                    refuse("initial assignment to a compartment from the model state",
                           "the size of compartment '\(c.id)' is computed from values that are not constants", at: initialAssignments[c.id]!.position)
                }
            }
            let dimensions = c.spatialDimensions ?? 3
            if size == nil && dimensions != 0 && assignmentRules[c.id] == nil && rateRules[c.id] == nil {
                if tree.level < 3 {
                    size = 1
                } else if m.species.contains(where: { $0.compartment == c.id && !$0.hasOnlySubstanceUnits }) {
                    refuse("compartment without a size", "compartment '\(c.id)' has no size", at: c.position)
                }
            }
            sizes[c.id] = size ?? 1
            if variable {
                if let rule = assignmentRules[c.id] {
                    if let e = expression(rule.math, "the assignment rule for '\(c.id)'", at: rule.position) {
                        observables.append(Observable(id: rename(c.id), expression: e, label: c.name,
                                                      note: "the size of compartment '\(c.id)' (set by an assignment rule)",
                                                      location: location(rule.position)))
                    }
                } else {
                    parameters.append(Parameter(id: rename(c.id), value: size ?? 1, note: "the size of compartment '\(c.id)' (it changes)",
                                                location: location(c.position)))
                }
            }
            compartments.append(Compartment(id: entity, label: c.name, size: size ?? 1,
                                            dimensions: Int(dimensions.rounded()), outside: c.outside.map(rename),
                                            location: location(c.position)))
        }
        return compartments
    }

    /// Conversion factors scale the stoichiometry: a constant parameter's value, else (a parameter
    /// that changes) its symbol, which makes the stoichiometry variable.
    mutating func conversionFactor(_ id: String?, for what: String, at p: SBMLTree.Position) -> Expression {
        guard let id else { return .number(1) }
        if let v = known[rename(id)] { return .number(v) }
        if m.parameters.contains(where: { $0.id == id }) { return .symbol(rename(id)) }
        refuse("non-constant conversion factor", "conversion factor '\(id)' of \(what) is not a parameter", at: p)
        return .number(1)
    }

    mutating func fresh(_ base: String) -> String {
        var name = base
        while taken.contains(name) { name += "_" }
        taken.insert(name)
        return name
    }

    /// A species set by an assignment rule is a quantity computed from the state: an observable.
    private mutating func observeRuleSpecies(_ s: SBMLTree.SpeciesNode, _ rule: SBMLTree.RuleNode) {
        ruleSpecies.insert(s.id)
        if let e = expression(rule.math, "the assignment rule for '\(s.id)'", at: rule.position) {
            observables.append(Observable(id: rename(s.id), expression: e, label: s.name,
                                          note: "SBML species in compartment '\(s.compartment)' set by an assignment rule",
                                          location: location(rule.position)))
        }
    }

    /// Species. In a compartment that changes size the amount is what reactions change and what stays
    /// put when the size changes; the concentration is amount / size. So such a species (unless a rule
    /// sets it, or it is constant) is a model species holding its amount, named `<id>_amount`, and its
    /// identifier is an observable `<id>_amount / compartment`. Either way an observable gives the other
    /// quantity for output.
    mutating func importSpecies() -> [Species] {
        var species: [Species] = []
        for s in m.species {
            let size = sizes[s.compartment] ?? 1
            let zeroD = (m.compartments.first { $0.id == s.compartment }?.spatialDimensions ?? 3) == 0
            // In a 0-dimensional compartment there is no size: the species' symbol is its amount.
            let amountValued = s.hasOnlySubstanceUnits || zeroD
            quantities[s.id] = .init(symbol: rename(s.id), amountValued: amountValued, compartmentSize: zeroD ? 1 : size)
            if algebraicVariables.contains(s.id) {
                // Determined by an algebraic rule without a closed form (a non-linear fast equilibrium):
                // a parameter holding the species' value, which the differential–algebraic path solves
                // for; reactions do not change it.
                ruleSpecies.insert(s.id)
                let initial = amountValued ? s.initialAmount ?? s.initialConcentration.map { $0 * size }
                                           : s.initialConcentration ?? s.initialAmount.map { $0 / size }
                parameters.append(Parameter(id: rename(s.id), value: initial ?? 0,
                                            note: "SBML species in compartment '\(s.compartment)' determined by an algebraic rule",
                                            location: location(s.position)))
                continue
            }
            if let entity = variableCompartments[s.compartment], !zeroD {
                let display = DisplayInfo(role: s.sboTerm.flatMap(SBO.role(for:)), label: s.name == s.id ? nil : s.name)
                let sizeSymbol = Expression.symbol(rename(s.compartment))
                let factor = s.conversionFactor.map { conversionFactor($0, for: "species '\(s.id)'", at: s.position) } ?? modelFactor
                speciesFactor[s.id] = factor
                // A constant species keeps its amount too (the concentration follows the size).
                let byAmount = !amountValued && assignmentRules[s.id] == nil && rateRules[s.id] == nil
                // The other quantity, for output.
                let other = fresh(rename(s.id) + (amountValued || byAmount ? "_concentration" : "_amount"))
                if byAmount {
                    let state = fresh(rename(s.id) + "_amount")
                    amountSpecies[s.id] = state
                    quantities[s.id] = .init(symbol: rename(s.id), amountValued: false, compartmentSize: 1, alternate: state)
                    observables.append(Observable(id: rename(s.id), expression: .symbol(state) / sizeSymbol, label: s.name,
                                                  note: "the concentration of species '\(s.id)', whose compartment changes size",
                                                  location: location(s.position)))
                    var initial = s.initialAmount
                    if initial == nil, initialAssignments[s.id] == nil, let c = s.initialConcentration {
                        modelInitialAssignments.append(InitialAssignment(variable: state, expression: .number(c) * sizeSymbol,
                                                                         location: location(s.position)))
                        initial = c * size
                    }
                    if initial == nil && initialAssignments[s.id] == nil {
                        refuse("species without an initial value", "species '\(s.id)' has neither an initial amount, an initial concentration nor an initial assignment", at: s.position)
                    }
                    species.append(Species(id: state, compartment: entity, initialValue: initial ?? 0, amountValued: true,
                                           constant: s.constant, boundary: s.boundaryCondition, display: display, location: location(s.position)))
                    continue
                }
                let value = Expression.symbol(rename(s.id))
                quantities[s.id] = .init(symbol: rename(s.id), amountValued: amountValued, compartmentSize: 1, alternate: other)
                observables.append(Observable(id: other, expression: amountValued ? value / sizeSymbol : value * sizeSymbol,
                                              note: "the \(amountValued ? "concentration" : "amount") of species '\(s.id)'",
                                              location: location(s.position)))
                if let rule = assignmentRules[s.id] {
                    observeRuleSpecies(s, rule)
                    continue
                }
                var initial = amountValued ? s.initialAmount : s.initialConcentration
                if initial == nil, initialAssignments[s.id] == nil {
                    if let a = s.initialAmount {
                        modelInitialAssignments.append(InitialAssignment(variable: rename(s.id), expression: .number(a) / sizeSymbol,
                                                                         location: location(s.position)))
                        initial = a / size
                    } else if let c = s.initialConcentration {
                        modelInitialAssignments.append(InitialAssignment(variable: rename(s.id), expression: .number(c) * sizeSymbol,
                                                                         location: location(s.position)))
                        initial = c * size
                    } else {
                        refuse("species without an initial value", "species '\(s.id)' has neither an initial amount, an initial concentration nor an initial assignment", at: s.position)
                    }
                }
                species.append(Species(id: rename(s.id), compartment: entity, initialValue: initial ?? 0, amountValued: amountValued,
                                       constant: s.constant, boundary: s.boundaryCondition, display: display, location: location(s.position)))
                continue
            }
            let factor = s.conversionFactor.map { conversionFactor($0, for: "species '\(s.id)'", at: s.position) } ?? modelFactor
            speciesFactor[s.id] = factor
            let display = DisplayInfo(role: s.sboTerm.flatMap(SBO.role(for:)), label: s.name == s.id ? nil : s.name)
            if let rule = assignmentRules[s.id] {
                observeRuleSpecies(s, rule)
                continue
            }
            var initial: Double?
            if amountValued {
                initial = s.initialAmount ?? s.initialConcentration.map { $0 * size }
            } else {
                initial = s.initialConcentration ?? s.initialAmount.map { $0 / size }
            }
            if initial == nil && initialAssignments[s.id] == nil {
                refuse("species without an initial value", "species '\(s.id)' has neither an initial amount, an initial concentration nor an initial assignment", at: s.position)
            }
            species.append(Species(id: rename(s.id), compartment: rename(s.compartment), initialValue: initial ?? 0,
                                   amountValued: amountValued, constant: s.constant, boundary: s.boundaryCondition,
                                   display: display, location: location(s.position)))
        }
        return species
    }

    /// Parameters (a parameter set by an assignment rule is an observable).
    mutating func importParameters() {
        for p in m.parameters {
            if let rule = assignmentRules[p.id] {
                if let e = expression(rule.math, "the assignment rule for '\(p.id)'", at: rule.position) {
                    observables.append(Observable(id: rename(p.id), expression: e, label: p.name, unit: p.units,
                                                  location: location(rule.position)))
                }
                continue
            }
            if p.value == nil && initialAssignments[p.id] == nil && !algebraicVariables.contains(p.id) {
                refuse("parameter without a value", "parameter '\(p.id)' has neither a value nor an initial assignment", at: p.position)
            }
            parameters.append(Parameter(id: rename(p.id), value: p.value ?? 0, unit: p.units,
                                        note: p.name == p.id ? nil : p.name, location: location(p.position)))
        }
        // Sorted, so that diagnostics come out in the same order every run.
        for variable in assignmentRules.keys.sorted() where !speciesIDs.contains(variable) && !compartmentIDs.contains(variable)
            && speciesReferenceIDs[variable] == nil && !m.parameters.contains(where: { $0.id == variable }) {
            problems.append(Diagnostic(.error, at: location(assignmentRules[variable]!.position), "assignment rule for unknown '\(variable)'"))
        }
    }

    /// Species references whose stoichiometry changes (rules, events, initial assignments from the
    /// model state).
    mutating func findVariableReferences() {
        for id in speciesReferenceIDs.keys where rateRules[id] != nil || eventTargets.contains(id) || assignmentRules[id] != nil {
            variableReferences.insert(id)
        }
        for id in speciesReferenceIDs.keys.sorted() where initialAssignments[id] != nil && !variableReferences.contains(id) {
            if constantValue(of: id) == nil { variableReferences.insert(id) }
        }
    }

    mutating func importReactions() -> [Reaction] {
        var reactions: [Reaction] = []
        for r in m.reactions {
            let context = "reaction '\(r.id)'"
            var local: [String: String] = [:]
            if let law = r.kineticLaw {
                for lp in law.localParameters {
                    var name = "\(rename(r.id))_\(lp.id)"
                    while taken.contains(name) { name += "_" }
                    taken.insert(name)
                    local[lp.id] = name
                    if lp.value == nil {
                        refuse("local parameter without a value", "local parameter '\(lp.id)' of \(context)", at: law.position)
                    }
                    parameters.append(Parameter(id: name, value: lp.value ?? 0, note: "local parameter '\(lp.id)' of \(context)",
                                                location: location(law.position)))
                }
            }
            let reactants = stoichiometricTerms(r.reactants, in: context)
            let products = stoichiometricTerms(r.products, in: context)
            // A species reference's identifier may be read in math: its stoichiometry, a parameter (an
            // observable when an assignment rule sets it).
            for sr in r.reactants + r.products {
                guard let id = sr.id, !sr.hasStoichiometryMath else { continue }
                if let rule = assignmentRules[id] {
                    if let e = expression(rule.math, "the assignment rule for '\(id)'", at: rule.position) {
                        observables.append(Observable(id: rename(id), expression: e, note: "stoichiometry of '\(sr.species)' in \(context)",
                                                      location: location(rule.position)))
                    }
                    continue
                }
                var value = sr.stoichiometry ?? 1
                if !variableReferences.contains(id), initialAssignments[id] != nil, let v = constantValue(of: id) { value = v }
                parameters.append(Parameter(id: rename(id), value: value, note: "stoichiometry of '\(sr.species)' in \(context)",
                                            location: location(sr.position)))
            }
            guard let law = r.kineticLaw else {
                refuse("reaction without a kinetic law", "\(context) has no rate", at: r.position)
                continue
            }
            guard law.math != nil else {
                refuse("kinetic law without math", "\(context) has no rate", at: law.position)
                continue
            }
            guard let rate = expression(law.math, "the kinetic law of \(context)", at: law.position, local: local) else { continue }
            let modifiers = r.modifiers.filter { !ruleSpecies.contains($0) }.map { Modifier(amountSpecies[$0] ?? rename($0), .modifier) }
            var reaction = Reaction(id: rename(r.id), reactants: reactants, products: products, reversible: r.reversible,
                                    modifiers: modifiers, rateLaw: .expression(rate), compartment: nil,
                                    kind: r.sboTerm.flatMap(SBO.reactionKind(for:)), label: r.name == r.id ? nil : r.name,
                                    location: location(r.position))
            reaction.fast = r.fast
            reactions.append(reaction)
        }
        return reactions
    }

    /// A reaction's reactants or products; `context` names the reaction.
    mutating func stoichiometricTerms(_ refs: [SBMLTree.SpeciesReferenceNode], in context: String) -> [StoichiometricTerm] {
        var out: [StoichiometricTerm] = []
        for sr in refs {
            let target = amountSpecies[sr.species] ?? rename(sr.species)
            let factor = speciesFactor[sr.species] ?? .number(1)
            func scaled(_ e: Expression) -> Expression { factor == .number(1) ? e : e * factor }
            // A stoichiometry that changes: stoichiometryMath, or a species reference that a rule,
            // an event or an initial assignment from the model state sets (its identifier is then
            // a parameter or an observable, below).
            if sr.hasStoichiometryMath {
                guard let e = expression(sr.stoichiometryMath, "the stoichiometryMath of species '\(sr.species)' in \(context)",
                                                  at: sr.position) else { continue }
                if ruleSpecies.contains(sr.species) { continue }
                out.append(StoichiometricTerm(target, 0, expression: scaled(e)))
                continue
            }
            if let id = sr.id, variableReferences.contains(id) {
                if ruleSpecies.contains(sr.species) { continue }
                let e = Expression.symbol(rename(id))
                out.append(StoichiometricTerm(target, 0, expression: scaled(e)))
                continue
            }
            var coefficient = sr.stoichiometry
            if let id = sr.id, initialAssignments[id] != nil, let v = constantValue(of: id) {
                coefficient = v
            }
            guard let c = coefficient else {
                refuse("species reference without stoichiometry", "species '\(sr.species)' in \(context)", at: sr.position)
                continue
            }
            if ruleSpecies.contains(sr.species) { continue } // a rule sets it; reactions do not change it
            if case .number(let f) = factor {
                out.append(StoichiometricTerm(target, c * f))
            } else {
                out.append(StoichiometricTerm(target, 0, expression: scaled(.number(c))))
            }
        }
        return out
    }

    /// The algebraic rules ``AlgebraicRules`` could not solve in closed form (non-linear in the parameter
    /// they determine, or a cycle of rules): the simulator's differential–algebraic path solves them.
    mutating func importAlgebraicRules() -> [AlgebraicRule] {
        var out: [AlgebraicRule] = []
        for r in m.rules where r.kind == .algebraic && !r.variable.isEmpty {
            if let e = expression(r.math, "the algebraic rule for '\(r.variable)'", at: r.position) {
                out.append(AlgebraicRule(variable: rename(r.variable), expression: e, location: location(r.position)))
            }
        }
        return out
    }

    mutating func importRateRules() -> [RateRule] {
        var modelRateRules: [RateRule] = []
        for r in m.rules where r.kind == .rate && r.math != nil {
            if let e = expression(r.math, "the rate rule for '\(r.variable)'", at: r.position) {
                modelRateRules.append(RateRule(variable: rename(r.variable), expression: e, location: location(r.position)))
            }
        }
        return modelRateRules
    }

    /// Initial assignments (constant compartment sizes and stoichiometries were computed above). One
    /// to the concentration of a species tracked by amount sets the amount: concentration × size.
    mutating func importInitialAssignments() {
        for ia in m.initialAssignments where ia.math != nil {
            if compartmentIDs.contains(ia.symbol) && variableCompartments[ia.symbol] == nil { continue }
            if speciesReferenceIDs[ia.symbol] != nil && !variableReferences.contains(ia.symbol) { continue }
            if let e = expression(ia.math, "the initial assignment of '\(ia.symbol)'", at: ia.position) {
                if let state = amountSpecies[ia.symbol], let s = m.species.first(where: { $0.id == ia.symbol }) {
                    modelInitialAssignments.append(InitialAssignment(variable: state, expression: e * .symbol(rename(s.compartment)),
                                                                     location: location(ia.position)))
                } else {
                    modelInitialAssignments.append(InitialAssignment(variable: rename(ia.symbol), expression: e, location: location(ia.position)))
                }
            }
        }
    }

    mutating func importEvents() -> [Event] {
        var events: [Event] = []
        var usedEventIDs = Set(m.events.compactMap(\.id))
        for (index, e) in m.events.enumerated() {
            var id = e.id ?? "event_\(index + 1)"
            if e.id == nil {
                while usedEventIDs.contains(id) { id += "_" }
                usedEventIDs.insert(id)
            }
            let context = "event '\(id)'"
            var assignments: [EventAssignment] = []
            // New compartment sizes, for the species below.
            var newSize: [String: Expression] = [:]
            for a in e.assignments where variableCompartments[a.variable] != nil {
                if let v = expression(a.math, "the assignment to '\(a.variable)' of \(context)", at: a.position) { newSize[a.variable] = v }
            }
            // Every value is computed from the state before the event (SBML): a concentration assigned sets
            // the amount to concentration × the size before the event, and a size assigned keeps the
            // amounts of its species, so a concentration a rate rule integrates becomes
            // (assigned or current concentration) × old size / new size.
            func concentrationState(_ id: String) -> SBMLTree.SpeciesNode? {
                guard let s = m.species.first(where: { $0.id == id }), newSize[s.compartment] != nil, rateRules[s.id] != nil,
                      quantities[s.id]?.amountValued == false else { return nil }
                return s
            }
            for a in e.assignments {
                if let v = expression(a.math, "the assignment to '\(a.variable)' of \(context)", at: a.position) {
                    if let state = amountSpecies[a.variable], let s = m.species.first(where: { $0.id == a.variable }) {
                        assignments.append(EventAssignment(target: state, mode: .set, value: v * .symbol(rename(s.compartment))))
                    } else if let s = concentrationState(a.variable) {
                        let value = v * .symbol(rename(s.compartment)) / newSize[s.compartment]!
                        assignments.append(EventAssignment(target: rename(a.variable), mode: .set, value: value))
                    } else {
                        assignments.append(EventAssignment(target: rename(a.variable), mode: .set, value: v))
                    }
                }
            }
            let assigned = Set(e.assignments.map(\.variable))
            for s in m.species where !assigned.contains(s.id) {
                guard let s = concentrationState(s.id) else { continue }
                let value = Expression.symbol(rename(s.id)) * .symbol(rename(s.compartment)) / newSize[s.compartment]!
                assignments.append(EventAssignment(target: rename(s.id), mode: .set, value: value))
            }
            let delay = e.hasDelay ? expression(e.delay, "the delay of \(context)", at: e.position) : nil
            let priority = e.hasPriority ? expression(e.priority, "the priority of \(context)", at: e.position) : nil
            guard let condition = expression(e.trigger, "the trigger of \(context)", at: e.position) else { continue }
            events.append(Event(id: id, trigger: .when(condition), assignments: assignments, delay: delay, priority: priority,
                                useValuesFromTriggerTime: e.useValuesFromTriggerTime, persistent: e.persistent,
                                initialValue: e.initialValue, note: e.name == e.id ? nil : e.name,
                                location: location(e.position)))
        }
        return events
    }

    /// A reaction's identifier in math is its rate (the kinetic law, an amount per time): an observable
    /// takes the identifier and the reaction is renamed `<id>_reaction`.
    mutating func exposeReactionRates(_ reactions: inout [Reaction], rateRules modelRateRules: [RateRule], events: [Event]) {
        var read = Set<String>()
        var expressions: [Expression] = reactions.map(\.rateExpression) + observables.map(\.expression)
            + modelRateRules.map(\.expression) + modelInitialAssignments.map(\.expression)
        for e in events {
            if case .when(let c) = e.trigger { expressions.append(c) }
            expressions += e.assignments.map(\.value) + [e.delay, e.priority].compactMap { $0 }
        }
        for e in expressions { read.formUnion(e.symbols) }
        for i in reactions.indices where read.contains(reactions[i].id) {
            let id = reactions[i].id
            var name = id + "_reaction"
            while taken.contains(name) { name += "_" }
            taken.insert(name)
            observables.append(Observable(id: id, expression: reactions[i].rateExpression,
                                          note: "the rate of reaction '\(id)' (an amount per time)", location: reactions[i].location))
            reactions[i].id = name
        }
    }

    mutating func rewriteRateOf(_ reactions: inout [Reaction], _ modelRateRules: inout [RateRule], _ events: inout [Event]) {
        let here = m.position
        // `rateOf`: of a species tracked by amount n in a compartment of size V, d(n/V)/dt =
        // (rateOf(n) − (n/V)·rateOf(V)) / V; of a value an assignment rule computes, refused.
        if !amountSpecies.isEmpty {
            var sizeOf: [String: String] = [:]
            for s in m.species { if amountSpecies[s.id] != nil { sizeOf[rename(s.id)] = rename(s.compartment) } }
            let states = Dictionary(amountSpecies.map { (rename($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
            let rewrite: (Expression) -> Expression = { e in
                e.rewritten { x in
                    guard case .call("rateOf", let args) = x, args.count == 1, case .symbol(let name) = args[0],
                          let state = states[name], let size = sizeOf[name] else { return x }
                    let v = Expression.symbol(size)
                    return (.call("rateOf", [.symbol(state)]) - .symbol(name) * .call("rateOf", [v])) / v
                }
            }
            Self.transformExpressions(&reactions, &self.observables, &modelRateRules, &self.modelInitialAssignments, &events, rewrite)
        }
        let computed = Set(observables.map(\.id))
        var rateOfComputed = Set<String>()
        Self.transformExpressions(&reactions, &self.observables, &modelRateRules, &self.modelInitialAssignments, &events) { e in
            e.visit { x in
                if case .call("rateOf", let args) = x, args.count == 1, case .symbol(let name) = args[0], computed.contains(name) {
                    rateOfComputed.insert(name)
                }
            }
            return e
        }
        for name in rateOfComputed.sorted() {
            refuse("csymbol rateOf of a value set by an assignment rule", "rateOf('\(name)'), which an assignment rule computes", at: here)
        }
    }

    /// The model from its parts, validated as the YAML models are.
    func assemble(compartments: [Compartment], species: [Species], functions: [FunctionDefinition], reactions: [Reaction],
                  rateRules modelRateRules: [RateRule], algebraicRules: [AlgebraicRule], events: [Event], fastReactions fastCount: Int,
                  warnings libsbmlWarnings: [Diagnostic]) throws(SBMLImportError) -> SBMLImport {
        let here = m.position
        var model = Model(
            id: m.id.isEmpty ? ((file as NSString).lastPathComponent as NSString).deletingPathExtension : m.id,
            name: m.name, description: "", units: Self.units(of: m),
            compartments: compartments, species: species, parameters: parameters, functions: functions,
            reactions: reactions, observables: observables, rateRules: modelRateRules,
            initialAssignments: modelInitialAssignments, events: events,
            location: SourceLocation(file: file, line: here.line, column: here.column))
        model.algebraicRules = algebraicRules
        model.modules = [Module(id: model.id, name: model.name, file: file, includes: [])]
        var diagnostics = Validator.validate(&model)
        // SBML allows models without species (parameters with rules only); the YAML format does not.
        diagnostics.removeAll { $0.severity == .error && $0.message.hasSuffix("defines no species") }
        // Every SBML parameter lacks a YAML 'source'; that advice is for hand-written models.
        diagnostics.removeAll { $0.severity == .warning && ($0.message.contains("has no 'source'") || $0.message.hasSuffix("without a source")) }
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw SBMLImportError(kind: .invalid, diagnostics: diagnostics.filter { $0.severity == .error })
        }
        var result = SBMLImport(model: model, warnings: libsbmlWarnings + notes + diagnostics, renamed: renamed, species: quantities,
                          level: tree.level, version: tree.version)
        result.fastReactions = fastCount
        return result
    }
}
