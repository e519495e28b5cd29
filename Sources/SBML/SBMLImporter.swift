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
struct Importer {
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

    // What the passes find, for the passes after them.
    /// The model, with fast reactions and algebraic rules rewritten.
    var m: SBMLTree.ModelNode
    /// Every name in use (SBML identifiers and the names the import makes up).
    var taken = Set<String>()
    var compartmentIDs = Set<String>()
    var speciesIDs = Set<String>()
    var speciesReferenceIDs: [String: SBMLTree.SpeciesReferenceNode] = [:]
    var functionTable: [String: FunctionDefinition] = [:]
    var assignmentRules: [String: SBMLTree.RuleNode] = [:]
    var rateRules: [String: SBMLTree.RuleNode] = [:]
    var initialAssignments: [String: SBMLTree.InitialAssignmentNode] = [:]
    var eventTargets = Set<String>()
    /// Values known before the simulation starts (for compartment sizes and stoichiometries set by
    /// initial assignments): constant parameters and compartments with values and no assignments.
    var known: [String: Double] = [:]
    var sizes: [String: Double] = [:]
    /// Variable compartments: SBML identifier → name of the model compartment.
    var variableCompartments: [String: String] = [:]
    /// The model's conversion factor (1 without one).
    var modelFactor: Expression = .number(1)
    var quantities: [String: SBMLImport.SpeciesQuantity] = [:]
    var speciesFactor: [String: Expression] = [:]
    /// Species an assignment rule sets (observables of the model).
    var ruleSpecies = Set<String>()
    /// Species tracked by amount in place of their concentration: SBML identifier → model species.
    var amountSpecies: [String: String] = [:]
    /// Parameters that algebraic rules determine through the differential–algebraic path.
    var algebraicVariables = Set<String>()
    /// Species references whose stoichiometry changes.
    var variableReferences = Set<String>()
    // Parts of the model more than one pass adds to.
    var parameters: [Parameter] = []
    var observables: [Observable] = []
    var modelInitialAssignments: [InitialAssignment] = []

    init(tree: SBMLTree, file: String) {
        self.tree = tree
        self.file = file
        self.m = tree.model
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
