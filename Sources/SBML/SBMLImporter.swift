import Foundation
import PathwayModel

/// A model imported from SBML, with what is needed to report SBML quantities from its simulation.
public struct SBMLImport: Sendable {
    public var model: Model
    public var warnings: [Diagnostic]
    /// SBML identifiers that clash with reserved names of the expression syntax (`time`, `pi`, `exp`, …)
    /// and the names they have in the model.
    public var renamed: [String: String]
    /// Every SBML species, by its SBML identifier.
    public var species: [String: SpeciesQuantity]
    /// The SBML Level and Version of the file.
    public var level: Int
    public var version: Int
    /// How many fast reactions the file has (each imported as its quasi-steady-state constraint).
    public var fastReactions = 0

    /// How an SBML species appears in the model.
    public struct SpeciesQuantity: Sendable, Hashable {
        /// The name of its value in the model (a species, or an observable when an assignment rule sets it).
        public var symbol: String
        /// Whether that value is an amount (SBML `hasOnlySubstanceUnits`) rather than a concentration.
        public var amountValued: Bool
        /// The size of its compartment (constant; 1 when the compartment changes size).
        public var compartmentSize: Double
        /// When the compartment changes size: the name of the other quantity (the amount when ``symbol``
        /// is a concentration, else the concentration), an observable or a species of the model.
        public var alternate: String?

        public init(symbol: String, amountValued: Bool, compartmentSize: Double, alternate: String? = nil) {
            self.symbol = symbol
            self.amountValued = amountValued
            self.compartmentSize = compartmentSize
            self.alternate = alternate
        }
    }

    /// The model with the rates of the named reactions readable as observables of the same names (the
    /// reactions are renamed `<id>_reaction`): SBML reads a reaction's identifier as its rate, an amount
    /// per time. Names that are not reactions are left alone.
    public func exposingReactionRates(_ names: [String]) -> SBMLImport {
        var out = self
        let taken = Set(model.symbolNames + model.reactions.map(\.id) + model.functions.map(\.id))
        for name in names {
            guard let i = out.model.reactions.firstIndex(where: { $0.id == name }) else { continue }
            var renamed = name + "_reaction"
            while taken.contains(renamed) { renamed += "_" }
            let r = out.model.reactions[i]
            let rate: Expression = r.compartment.map { .symbol($0) * r.rateExpression } ?? r.rateExpression
            out.model.observables.append(Observable(id: name, expression: rate, note: "the rate of reaction '\(name)'",
                                                    location: r.location))
            out.model.reactions[i].id = renamed
        }
        return out
    }

    /// The model symbol for an SBML identifier, and the factor that turns its value into the asked-for
    /// quantity: a species' amount (`amount: true`), its concentration (`amount: false`) or, for anything
    /// else, its value (`amount: nil`).
    public func column(for sbmlID: String, amount: Bool?) -> (symbol: String, factor: Double) {
        if let s = species[sbmlID], let amount {
            if amount == s.amountValued { return (s.symbol, 1) }
            if let other = s.alternate { return (other, 1) }
            return (s.symbol, amount ? s.compartmentSize : 1 / s.compartmentSize)
        }
        if let s = species[sbmlID] { return (s.symbol, 1) }
        return (renamed[sbmlID] ?? sbmlID, 1)
    }
}

/// Reads SBML Levels 2 and 3 into ``Model`` values, refusing what the simulator cannot honour.
///
/// Mapping: species keep their SBML meaning — a symbol is a concentration unless
/// `hasOnlySubstanceUnits` (``Species/amountValued``); kinetic laws are amounts per time, so reactions
/// get `compartment = nil`; local parameters become global ones named `reaction_parameter`; assignment
/// rules become observables (a species set by one becomes an observable with the species' identifier);
/// rate rules, initial assignments, function definitions and events (triggers, persistence, initial
/// values, assignments) carry over. Compartment sizes and stoichiometries given by initial assignments
/// of constants are computed once.
///
/// Changing quantities:
/// - A compartment whose size a rate rule, an assignment rule or an event sets becomes a parameter (an
///   observable under an assignment rule) with its identifier; the model compartment holding its
///   species is renamed `<id>_compartment`. Its species are tracked by amount (`<id>_amount`, changed by
///   reactions directly), and the species identifier is the observable amount / size, so amounts are
///   conserved when the size changes. A species there with a rate rule keeps its concentration (the
///   rule's variable) and is rescaled when an event resizes the compartment.
/// - `rateOf(x)` stays a call for the compiler to expand (``CompiledModel``); of a species tracked by
///   amount it is (rateOf(amount) − concentration·rateOf(size)) / size.
/// - The `delay` csymbol stays a call, `delay(x, τ)`, which the compiler reads from the run's history.
/// - A stoichiometry that changes — `stoichiometryMath`, a species reference set by a rule, an event or
///   an initial assignment from the model state, a conversion factor that is a parameter that
///   changes — becomes an expression (``StoichiometricTerm/expression``) evaluated during the simulation.
///
/// Events keep their delays, priorities, persistence, `initialValue` and `useValuesFromTriggerTime`.
///
/// Algebraic rules become the assignment rules they imply (``AlgebraicRules``: a matching between rules
/// and free variables, then each rule solved for its variable). `comp` documents are flattened by
/// libSBML, which applies time, extent and substance conversion factors; external model definitions
/// are read relative to the file (a missing one is named: ``SBMLImportError/Kind/missingFile``).
///
/// Refused, each with the construct and the element named: algebraic rules not linear in the variable
/// they determine or determining each other's variables in a cycle, fast reactions (they need an
/// algebraic equilibrium), `rateOf` of a value an assignment rule computes, conversion factors that
/// are not parameters, SBML packages other than comp, layout and render, and reactions without kinetic laws.
public enum SBMLImporter {
    /// Imports the SBML file at `path`.
    public static func importFile(path: String) throws(SBMLImportError) -> SBMLImport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SBMLImportError(kind: .unreadable, diagnostics: [Diagnostic(.error, at: .init(file: path, line: 0, column: 0), "no such file")])
        }
        if isDirectory.boolValue {
            throw SBMLImportError(kind: .unreadable, diagnostics: [Diagnostic(.error, at: .init(file: path, line: 0, column: 0), "'\(path)' is a directory, not an SBML file")])
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SBMLImportError(kind: .unreadable, diagnostics: [Diagnostic(.error, at: .init(file: path, line: 0, column: 0), "cannot read '\(path)' (permission denied?)")])
        }
        // An absolute path: libSBML resolves `comp` external model sources against the document's location.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return try finish(LibSBML.read(path: absolute, flattenComp: true), file: path)
    }

    /// Imports SBML text; `file` names it in messages.
    public static func importXML(_ xml: String, file: String = "<sbml>") throws(SBMLImportError) -> SBMLImport {
        try finish(LibSBML.read(xml: xml, flattenComp: true), file: file)
    }

    private static func finish(_ result: LibSBML.ReadResult, file: String) throws(SBMLImportError) -> SBMLImport {
        func diagnostic(_ m: LibSBML.Message) -> Diagnostic {
            Diagnostic(m.isError ? .error : .warning, at: SourceLocation(file: file, line: m.line, column: m.column), m.text)
        }
        let errors = result.messages.filter(\.isError)
        if !result.missingExternalModels.isEmpty {
            throw SBMLImportError(kind: .missingFile, diagnostics: result.missingExternalModels.map {
                Diagnostic(.error, at: SourceLocation(file: file, line: $0.line, column: $0.column),
                           "comp external model definition '\($0.id)': its source '\($0.source)' is not there (looked for '\($0.path)')")
            })
        }
        // A package the simulator does not know is refused before its own errors are reported.
        if let tree = result.tree {
            let refused = tree.packages.filter { !Importer.harmlessPackages.contains($0.name) }
            if !refused.isEmpty {
                let here = SourceLocation(file: file, line: tree.model.position.line, column: tree.model.position.column)
                throw SBMLImportError(kind: .unsupported,
                                      diagnostics: refused.map { Diagnostic(.error, at: here, "unsupported SBML: the '\($0.name)' package (\($0.required ? "required by" : "declared in") the document)") },
                                      constructs: refused.map { "the '\($0.name)' package" })
            }
        }
        if result.flatteningFailed {
            throw SBMLImportError(kind: .invalid, diagnostics: errors.map(diagnostic))
        }
        guard let tree = result.tree else {
            var diagnostics = errors.map(diagnostic)
            if diagnostics.isEmpty {
                diagnostics = [Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), "not an SBML document")]
            }
            throw SBMLImportError(kind: .unreadable, diagnostics: diagnostics)
        }
        // libSBML's overdetermination check (10601) names no rule: the importer's own matching does, and
        // reports libSBML's message only if it finds nothing wrong itself.
        let overdetermined = errors.filter { $0.id == 10601 }
        if !errors.isEmpty && overdetermined.count < errors.count {
            // XML that is not SBML at all reads as a document without a model (and an error at the root).
            let kind: SBMLImportError.Kind = errors.contains { $0.severity == .fatal || $0.category.contains("XML") } ? .unreadable : .invalid
            throw SBMLImportError(kind: kind, diagnostics: errors.map(diagnostic))
        }
        var importer = Importer(tree: tree, file: file)
        importer.overdetermined = overdetermined.map(diagnostic)
        return try importer.run(warnings: result.messages.filter { $0.severity == .warning }.map(diagnostic))
    }
}

/// One import: the tree, the names, and the refusals collected on the way.
private struct Importer {
    /// Packages that only add drawing information.
    static let harmlessPackages: Set<String> = ["layout", "render"]

    let tree: SBMLTree
    let file: String
    var problems: [Diagnostic] = []
    /// Warnings about the import (ignored elements).
    var notes: [Diagnostic] = []
    var constructs: [String] = []
    var renamed: [String: String] = [:]
    /// libSBML's finding that the model is overdetermined, if it made one.
    var overdetermined: [Diagnostic] = []

    init(tree: SBMLTree, file: String) {
        self.tree = tree
        self.file = file
    }

    func location(_ p: SBMLTree.Position) -> SourceLocation {
        SourceLocation(file: file, line: p.line, column: p.column)
    }

    mutating func refuse(_ construct: String, _ detail: String, at p: SBMLTree.Position) {
        if !constructs.contains(construct) { constructs.append(construct) }
        problems.append(Diagnostic(.error, at: location(p), "unsupported SBML: \(construct) (\(detail))"))
    }

    func rename(_ id: String) -> String { renamed[id] ?? id }

    /// Converts math; an unsupported construct is refused (and a placeholder returned).
    mutating func expression(_ node: MathNode?, _ context: String, at p: SBMLTree.Position,
                             local: [String: String] = [:]) -> Expression? {
        guard let node else {
            // SBML Level 3 Version 2 lets math be left out: the element then has no effect.
            notes.append(Diagnostic(.warning, at: location(p), "\(context) has no math and is ignored"))
            return nil
        }
        let names = renamed
        do {
            return try Expression(sbml: node) { local[$0] ?? names[$0] ?? $0 }
        } catch {
            refuse(error.construct, "in \(context)", at: p)
            return nil
        }
    }

    // MARK: The import

    mutating func run(warnings libsbmlWarnings: [Diagnostic]) throws(SBMLImportError) -> SBMLImport {
        var m = tree.model
        let here = m.position
        // Fast reactions become conserved moieties and an equilibrium constraint (see FastReactions),
        // and algebraic rules the assignment rules they imply (see AlgebraicRules).
        let fastCount = m.reactions.filter(\.fast).count
        let fastRefusals = FastReactions.transform(&m)
        let (solvedRules, algebraicRefusals) = AlgebraicRules.solve(m)
        m.rules = solvedRules
        for r in fastRefusals + algebraicRefusals {
            if r.invalid {
                problems.append(Diagnostic(.error, at: location(r.position), "\(r.construct): \(r.detail)"))
            } else {
                refuse(r.construct, r.detail, at: r.position)
            }
        }
        if !overdetermined.isEmpty && !algebraicRefusals.contains(where: \.invalid) {
            throw SBMLImportError(kind: .invalid, diagnostics: overdetermined)
        }


        // Names: SBML identifiers that are reserved words of the expression syntax get a suffix.
        var taken = Set<String>()
        let allIDs = m.compartments.map(\.id) + m.species.map(\.id) + m.parameters.map(\.id) + m.reactions.map(\.id)
            + m.functions.map(\.id) + m.reactions.flatMap { ($0.reactants + $0.products).compactMap(\.id) }
        taken.formUnion(allIDs)
        for id in allIDs where Self.isReserved(id) {
            var candidate = id + "_"
            while taken.contains(candidate) { candidate += "_" }
            taken.insert(candidate)
            renamed[id] = candidate
        }

        let compartmentIDs = Set(m.compartments.map(\.id))
        let speciesIDs = Set(m.species.map(\.id))
        var speciesReferenceIDs: [String: SBMLTree.SpeciesReferenceNode] = [:]
        for r in m.reactions { for sr in r.reactants + r.products { if let id = sr.id { speciesReferenceIDs[id] = sr } } }

        // Functions.
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
        let functionTable = Dictionary(functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // Rules and initial assignments, by variable.
        var assignmentRules: [String: SBMLTree.RuleNode] = [:]
        var rateRules: [String: SBMLTree.RuleNode] = [:]
        for r in m.rules {
            if r.math == nil && r.kind != .algebraic {
                notes.append(Diagnostic(.warning, at: location(r.position), "the rule for '\(r.variable)' has no math and is ignored"))
                continue
            }
            switch r.kind {
            case .algebraic: break // refused above when it could not be solved
            case .assignment: assignmentRules[r.variable] = r
            case .rate: rateRules[r.variable] = r
            }
        }
        var initialAssignments: [String: SBMLTree.InitialAssignmentNode] = [:]
        for ia in m.initialAssignments where ia.math != nil { initialAssignments[ia.symbol] = ia }
        let eventTargets = Set(m.events.flatMap { $0.assignments.map(\.variable) })

        // Values known before the simulation starts (for compartment sizes and stoichiometries set by
        // initial assignments): constant parameters and compartments with values and no assignments.
        var known: [String: Double] = [:]
        for p in m.parameters where p.constant && initialAssignments[p.id] == nil && assignmentRules[p.id] == nil {
            if let v = p.value { known[rename(p.id)] = v }
        }
        for c in m.compartments where initialAssignments[c.id] == nil && assignmentRules[c.id] == nil {
            if let v = c.size { known[rename(c.id)] = v }
        }
        func constantValue(of id: String, _ importer: inout Importer) -> Double? {
            guard let ia = initialAssignments[id] else { return nil }
            guard let e = importer.expression(ia.math, "the initial assignment of '\(id)'", at: ia.position) else { return nil }
            let table = known
            return evaluateConstant(e, functions: functionTable) { table[$0] }
        }

        // Compartments. One whose size changes (a rate rule, an assignment rule or an event sets it) is
        // split in two: its size becomes a parameter (an observable under an assignment rule) with the
        // compartment's identifier, and the model compartment that holds its species gets a fresh name.
        // Its species are tracked by amount (see below).
        var compartments: [Compartment] = []
        var sizes: [String: Double] = [:]
        /// Variable compartments: SBML identifier → name of the model compartment.
        var variableCompartments: [String: String] = [:]
        var parameters: [Parameter] = []
        var observables: [Observable] = []
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
                if let v = constantValue(of: c.id, &self) {
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

        // Conversion factors scale the stoichiometry: a constant parameter's value, else (a parameter
        // that changes) its symbol, which makes the stoichiometry variable.
        func conversionFactor(_ id: String?, for what: String, at p: SBMLTree.Position, _ importer: inout Importer) -> Expression {
            guard let id else { return .number(1) }
            if let v = known[importer.rename(id)] { return .number(v) }
            if m.parameters.contains(where: { $0.id == id }) { return .symbol(importer.rename(id)) }
            importer.refuse("non-constant conversion factor", "conversion factor '\(id)' of \(what) is not a parameter", at: p)
            return .number(1)
        }
        let modelFactor = m.conversionFactor.map { conversionFactor($0, for: "the model", at: here, &self) } ?? .number(1)

        // Species. In a compartment that changes size the amount is what reactions change and what stays
        // put when the size changes; the concentration is amount / size. So such a species (unless a rule
        // sets it, or it is constant) is a model species holding its amount, named `<id>_amount`, and its
        // identifier is an observable `<id>_amount / compartment`. Either way an observable gives the other
        // quantity for output.
        var species: [Species] = []
        var quantities: [String: SBMLImport.SpeciesQuantity] = [:]
        var speciesFactor: [String: Expression] = [:]
        var ruleSpecies = Set<String>()
        /// Species tracked by amount in place of their concentration: SBML identifier → model species.
        var amountSpecies: [String: String] = [:]
        var modelInitialAssignments: [InitialAssignment] = []
        func fresh(_ base: String) -> String {
            var name = base
            while taken.contains(name) { name += "_" }
            taken.insert(name)
            return name
        }
        for s in m.species {
            let size = sizes[s.compartment] ?? 1
            let zeroD = (m.compartments.first { $0.id == s.compartment }?.spatialDimensions ?? 3) == 0
            // In a 0-dimensional compartment there is no size: the species' symbol is its amount.
            let amountValued = s.hasOnlySubstanceUnits || zeroD
            quantities[s.id] = .init(symbol: rename(s.id), amountValued: amountValued, compartmentSize: zeroD ? 1 : size)
            if let entity = variableCompartments[s.compartment], !zeroD {
                let display = DisplayInfo(role: s.sboTerm.flatMap(SBO.role(for:)), label: s.name == s.id ? nil : s.name)
                let sizeSymbol = Expression.symbol(rename(s.compartment))
                speciesFactor[s.id] = s.conversionFactor.map { conversionFactor($0, for: "species '\(s.id)'", at: s.position, &self) } ?? modelFactor
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
                    ruleSpecies.insert(s.id)
                    if let e = expression(rule.math, "the assignment rule for '\(s.id)'", at: rule.position) {
                        observables.append(Observable(id: rename(s.id), expression: e, label: s.name,
                                                      note: "SBML species in compartment '\(s.compartment)' set by an assignment rule",
                                                      location: location(rule.position)))
                    }
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
            speciesFactor[s.id] = s.conversionFactor.map { conversionFactor($0, for: "species '\(s.id)'", at: s.position, &self) } ?? modelFactor
            let display = DisplayInfo(role: s.sboTerm.flatMap(SBO.role(for:)), label: s.name == s.id ? nil : s.name)
            if let rule = assignmentRules[s.id] {
                // A species set by an assignment rule is a quantity computed from the state: an observable.
                ruleSpecies.insert(s.id)
                if let e = expression(rule.math, "the assignment rule for '\(s.id)'", at: rule.position) {
                    observables.append(Observable(id: rename(s.id), expression: e, label: s.name,
                                                  note: "SBML species in compartment '\(s.compartment)' set by an assignment rule",
                                                  location: location(rule.position)))
                }
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

        // Parameters (a parameter set by an assignment rule is an observable).
        for p in m.parameters {
            if let rule = assignmentRules[p.id] {
                if let e = expression(rule.math, "the assignment rule for '\(p.id)'", at: rule.position) {
                    observables.append(Observable(id: rename(p.id), expression: e, label: p.name, unit: p.units,
                                                  location: location(rule.position)))
                }
                continue
            }
            if p.value == nil && initialAssignments[p.id] == nil {
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

        // Species references whose stoichiometry changes (rules, events, initial assignments from the
        // model state).
        var variableReferences = Set<String>()
        for id in speciesReferenceIDs.keys where rateRules[id] != nil || eventTargets.contains(id) || assignmentRules[id] != nil {
            variableReferences.insert(id)
        }
        for id in speciesReferenceIDs.keys.sorted() where initialAssignments[id] != nil && !variableReferences.contains(id) {
            if constantValue(of: id, &self) == nil { variableReferences.insert(id) }
        }

        // Reactions.
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
            func terms(_ refs: [SBMLTree.SpeciesReferenceNode], _ importer: inout Importer) -> [StoichiometricTerm] {
                var out: [StoichiometricTerm] = []
                for sr in refs {
                    let target = amountSpecies[sr.species] ?? importer.rename(sr.species)
                    let factor = speciesFactor[sr.species] ?? .number(1)
                    func scaled(_ e: Expression) -> Expression { factor == .number(1) ? e : e * factor }
                    // A stoichiometry that changes: stoichiometryMath, or a species reference that a rule,
                    // an event or an initial assignment from the model state sets (its identifier is then
                    // a parameter or an observable, below).
                    if sr.hasStoichiometryMath {
                        guard let e = importer.expression(sr.stoichiometryMath, "the stoichiometryMath of species '\(sr.species)' in \(context)",
                                                          at: sr.position) else { continue }
                        if ruleSpecies.contains(sr.species) { continue }
                        out.append(StoichiometricTerm(target, 0, expression: scaled(e)))
                        continue
                    }
                    if let id = sr.id, variableReferences.contains(id) {
                        if ruleSpecies.contains(sr.species) { continue }
                        let e = Expression.symbol(importer.rename(id))
                        out.append(StoichiometricTerm(target, 0, expression: scaled(e)))
                        continue
                    }
                    var coefficient = sr.stoichiometry
                    if let id = sr.id, initialAssignments[id] != nil, let v = constantValue(of: id, &importer) {
                        coefficient = v
                    }
                    guard let c = coefficient else {
                        importer.refuse("species reference without stoichiometry", "species '\(sr.species)' in \(context)", at: sr.position)
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
            let reactants = terms(r.reactants, &self)
            let products = terms(r.products, &self)
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
                if !variableReferences.contains(id), initialAssignments[id] != nil, let v = constantValue(of: id, &self) { value = v }
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
            reactions.append(Reaction(id: rename(r.id), reactants: reactants, products: products, reversible: r.reversible,
                                      modifiers: modifiers, rateLaw: .expression(rate), compartment: nil,
                                      kind: r.sboTerm.flatMap(SBO.reactionKind(for:)), label: r.name == r.id ? nil : r.name,
                                      location: location(r.position)))
        }

        // Rate rules.
        var modelRateRules: [RateRule] = []
        for r in m.rules where r.kind == .rate && r.math != nil {
            if let e = expression(r.math, "the rate rule for '\(r.variable)'", at: r.position) {
                modelRateRules.append(RateRule(variable: rename(r.variable), expression: e, location: location(r.position)))
            }
        }

        // Initial assignments (constant compartment sizes and stoichiometries were computed above). One
        // to the concentration of a species tracked by amount sets the amount: concentration × size.
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

        // Events.
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

        // A reaction's identifier in math is its rate (the kinetic law, an amount per time): an observable
        // takes the identifier and the reaction is renamed `<id>_reaction`.
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
            Self.transformExpressions(&reactions, &observables, &modelRateRules, &modelInitialAssignments, &events, rewrite)
        }
        let computed = Set(observables.map(\.id))
        var rateOfComputed = Set<String>()
        Self.transformExpressions(&reactions, &observables, &modelRateRules, &modelInitialAssignments, &events) { e in
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

        if !problems.isEmpty {
            let kind: SBMLImportError.Kind = constructs.isEmpty ? .invalid : .unsupported
            throw SBMLImportError(kind: kind, diagnostics: problems, constructs: constructs)
        }

        var model = Model(
            id: m.id.isEmpty ? ((file as NSString).lastPathComponent as NSString).deletingPathExtension : m.id,
            name: m.name, description: "", units: Self.units(of: m),
            compartments: compartments, species: species, parameters: parameters, functions: functions,
            reactions: reactions, observables: observables, rateRules: modelRateRules,
            initialAssignments: modelInitialAssignments, events: events,
            location: SourceLocation(file: file, line: here.line, column: here.column))
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

    /// Rewrites every expression of the model's reactions (rates and variable stoichiometries),
    /// observables, rules, initial assignments and events.
    static func transformExpressions(_ reactions: inout [Reaction], _ observables: inout [Observable], _ rateRules: inout [RateRule],
                                     _ initialAssignments: inout [InitialAssignment], _ events: inout [Event],
                                     _ f: (Expression) -> Expression) {
        for i in reactions.indices {
            if case .expression(let e) = reactions[i].rateLaw { reactions[i].rateLaw = .expression(f(e)) }
            for k in reactions[i].reactants.indices { reactions[i].reactants[k].expression = reactions[i].reactants[k].expression.map(f) }
            for k in reactions[i].products.indices { reactions[i].products[k].expression = reactions[i].products[k].expression.map(f) }
        }
        for i in observables.indices { observables[i].expression = f(observables[i].expression) }
        for i in rateRules.indices { rateRules[i].expression = f(rateRules[i].expression) }
        for i in initialAssignments.indices { initialAssignments[i].expression = f(initialAssignments[i].expression) }
        for i in events.indices {
            if case .when(let c) = events[i].trigger { events[i].trigger = .when(f(c)) }
            for k in events[i].assignments.indices { events[i].assignments[k].value = f(events[i].assignments[k].value) }
            events[i].delay = events[i].delay.map(f)
            events[i].priority = events[i].priority.map(f)
        }
    }

    /// Names the expression syntax reserves: `time`, constants and built-in functions.
    static func isReserved(_ id: String) -> Bool {
        id == "time" || BuiltinFunction.constants[id] != nil || BuiltinFunction.isBuiltin(id)
    }

    /// The model's units where SBML's map onto the toolkit's (seconds, moles and litres by default).
    static func units(of m: SBMLTree.ModelNode) -> Units {
        func definition(_ id: String?) -> [SBMLTree.UnitTerm]? {
            guard let id else { return nil }
            if let d = m.unitDefinitions.first(where: { $0.id == id }) { return d.units }
            return [SBMLTree.UnitTerm(kind: id)]
        }
        func factor(_ units: [SBMLTree.UnitTerm]?, kind: String) -> Double? {
            guard let units, units.count == 1, units[0].kind == kind, units[0].exponent == 1 else { return nil }
            return units[0].multiplier * pow(10, Double(units[0].scale))
        }
        var out = Units(time: .second, concentration: .molar, volume: .litre)
        if let f = factor(definition(m.timeUnits), kind: "second") {
            out.time = TimeUnit.allCases.first { abs($0.seconds / f - 1) < 1e-9 } ?? .second
        }
        let volume = factor(definition(m.volumeUnits), kind: "litre") ?? 1
        out.volume = VolumeUnit.allCases.first { abs($0.litres / volume - 1) < 1e-9 } ?? .litre
        if let substance = factor(definition(m.substanceUnits), kind: "mole") {
            let molar = substance / out.volume.litres
            out.concentration = ConcentrationUnit.allCases.first { $0.molar.map { abs($0 / molar - 1) < 1e-9 } ?? false } ?? .molar
        } else if definition(m.substanceUnits)?.first?.kind == "item" {
            out.concentration = .perCell
        }
        return out
    }
}

/// Systems Biology Ontology terms for what a species is and what a reaction does.
enum SBO {
    static let roles: [(Int, Role)] = [
        (252, .protein), (253, .complex), (297, .complex), (278, .mrna), (250, .mrna), (247, .smallMolecule),
        (327, .smallMolecule), (243, .gene), (354, .gene), (14, .enzyme), (20, .inhibitor), (245, .protein),
    ]
    static let kinds: [(Int, ReactionKind)] = [
        (177, .binding), (180, .dissociation), (216, .phosphorylation), (330, .dephosphorylation), (185, .transport),
        (183, .transcription), (184, .translation), (179, .degradation), (393, .synthesis), (182, .conversion),
        (172, .catalysis), (656, .activation), (536, .inactivation),
        // No SBO term of their own: written as the general kind, read back as it.
        (216, .inhibitoryPhosphorylation), (177, .sequestration),
    ]

    static func role(for term: Int) -> Role? { roles.first { $0.0 == term }?.1 }
    static func reactionKind(for term: Int) -> ReactionKind? { kinds.first { $0.0 == term }?.1 }

    /// The SBO term written for a role (the first listed), nil when SBO has no better word than "material entity".
    static func term(for role: Role) -> Int? {
        switch role {
        case .ligand, .receptor, .kinase, .phosphatase, .adaptor, .gtpase, .transcriptionFactor, .protein: return 252
        case .complex: return 253
        case .mrna: return 278
        case .smallMolecule, .lipid, .drug: return 247
        case .gene: return 243
        case .enzyme: return 252
        case .inhibitor: return 252
        case .other: return nil
        }
    }

    static func term(for kind: ReactionKind) -> Int? { kinds.first { $0.1 == kind }?.0 }
}
