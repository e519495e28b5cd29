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

    /// How an SBML species appears in the model.
    public struct SpeciesQuantity: Sendable, Hashable {
        /// The name of its value in the model (a species, or an observable when an assignment rule sets it).
        public var symbol: String
        /// Whether that value is an amount (SBML `hasOnlySubstanceUnits`) rather than a concentration.
        public var amountValued: Bool
        /// The size of its compartment (constant).
        public var compartmentSize: Double
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
            return (s.symbol, amount ? s.compartmentSize : 1 / s.compartmentSize)
        }
        if let s = species[sbmlID] { return (s.symbol, 1) }
        return (renamed[sbmlID] ?? sbmlID, 1)
    }
}

/// Reads SBML Levels 2 and 3 into ``Model`` values, refusing what the simulator cannot honour.
///
/// Mapping: compartments keep their (constant) sizes; species keep their SBML meaning — a symbol is a
/// concentration unless `hasOnlySubstanceUnits` (``Species/amountValued``); kinetic laws are amounts per
/// time, so reactions get `compartment = nil`; local parameters become global ones named
/// `reaction_parameter`; assignment rules become observables (a species set by one becomes an observable
/// with the species' identifier); rate rules, initial assignments, function definitions and events
/// (triggers, persistence, initial values, assignments) carry over. Compartment sizes and stoichiometries
/// given by initial assignments of constants are computed once. Conversion factors that are constant
/// parameters scale stoichiometries.
///
/// Events keep their delays, priorities, persistence, `initialValue` and `useValuesFromTriggerTime`.
///
/// Refused, each with the construct and the element named: the `delay` csymbol, algebraic rules,
/// fast reactions, changing compartment sizes (rules or event assignments on compartments), variable
/// stoichiometry (stoichiometryMath, species references set by rules or events), `rateOf`,
/// conversion factors that are not constant, SBML packages other than layout and render, and reactions
/// without kinetic laws.
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
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return try finish(LibSBML.read(path: path, flattenComp: canFlatten(text)), file: path)
    }

    /// Whether a `comp` document may be flattened: libSBML's flattening does not apply the conversion
    /// factors of submodels and replacements, so a document that uses them is refused instead.
    static func canFlatten(_ xml: String) -> Bool {
        !["timeConversionFactor", "extentConversionFactor", ":conversionFactor"].contains { xml.contains($0) }
    }

    /// Imports SBML text; `file` names it in messages.
    public static func importXML(_ xml: String, file: String = "<sbml>") throws(SBMLImportError) -> SBMLImport {
        try finish(LibSBML.read(xml: xml, flattenComp: canFlatten(xml)), file: file)
    }

    private static func finish(_ result: LibSBML.ReadResult, file: String) throws(SBMLImportError) -> SBMLImport {
        func diagnostic(_ m: LibSBML.Message) -> Diagnostic {
            Diagnostic(m.isError ? .error : .warning, at: SourceLocation(file: file, line: m.line, column: m.column), m.text)
        }
        let errors = result.messages.filter(\.isError)
        // A package the simulator does not know is refused before its own errors (unresolved external
        // models of `comp`, say) are reported.
        if let tree = result.tree {
            let refused = tree.packages.filter { !Importer.harmlessPackages.contains($0.name) }
            if !refused.isEmpty {
                let here = SourceLocation(file: file, line: tree.model.position.line, column: tree.model.position.column)
                throw SBMLImportError(kind: .unsupported,
                                      diagnostics: refused.map { Diagnostic(.error, at: here, "unsupported SBML: the '\($0.name)' package (\($0.required ? "required by" : "declared in") the document)") },
                                      constructs: refused.map { "the '\($0.name)' package" })
            }
        }
        guard let tree = result.tree else {
            var diagnostics = errors.map(diagnostic)
            if diagnostics.isEmpty {
                diagnostics = [Diagnostic(.error, at: SourceLocation(file: file, line: 0, column: 0), "not an SBML document")]
            }
            throw SBMLImportError(kind: .unreadable, diagnostics: diagnostics)
        }
        if !errors.isEmpty {
            // XML that is not SBML at all reads as a document without a model (and an error at the root).
            let kind: SBMLImportError.Kind = errors.contains { $0.severity == .fatal || $0.category.contains("XML") } ? .unreadable : .invalid
            throw SBMLImportError(kind: kind, diagnostics: errors.map(diagnostic))
        }
        var importer = Importer(tree: tree, file: file)
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
        let m = tree.model
        let here = m.position


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
            case .algebraic: refuse("algebraic rule", "an algebraic rule", at: r.position)
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

        // Compartments (their sizes never change in this simulator).
        var compartments: [Compartment] = []
        var sizes: [String: Double] = [:]
        for c in m.compartments {
            if let r = rateRules[c.id] {
                refuse("rate rule on a compartment", "compartment '\(c.id)' changes size", at: r.position)
            }
            if let r = assignmentRules[c.id] {
                refuse("assignment rule on a compartment", "compartment '\(c.id)' is set by a rule", at: r.position)
            }
            if eventTargets.contains(c.id) {
                let e = m.events.first { $0.assignments.contains { $0.variable == c.id } }
                refuse("event assignment to a compartment", "an event changes the size of compartment '\(c.id)'", at: e?.position ?? c.position)
            }
            var size = c.size
            if initialAssignments[c.id] != nil {
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
            compartments.append(Compartment(id: rename(c.id), label: c.name, size: size ?? 1,
                                            dimensions: Int(dimensions.rounded()), outside: c.outside.map(rename),
                                            location: location(c.position)))
        }

        // Conversion factors (constant parameters only: they scale the stoichiometry).
        func conversionFactor(_ id: String?, for what: String, at p: SBMLTree.Position, _ importer: inout Importer) -> Double {
            guard let id else { return 1 }
            if let v = known[importer.rename(id)] { return v }
            importer.refuse("non-constant conversion factor", "conversion factor '\(id)' of \(what) is not a constant parameter with a value", at: p)
            return 1
        }
        let modelFactor = m.conversionFactor.map { conversionFactor($0, for: "the model", at: here, &self) } ?? 1

        // Species.
        var species: [Species] = []
        var quantities: [String: SBMLImport.SpeciesQuantity] = [:]
        var observables: [Observable] = []
        var speciesFactor: [String: Double] = [:]
        var ruleSpecies = Set<String>()
        for s in m.species {
            let size = sizes[s.compartment] ?? 1
            let zeroD = (m.compartments.first { $0.id == s.compartment }?.spatialDimensions ?? 3) == 0
            // In a 0-dimensional compartment there is no size: the species' symbol is its amount.
            let amountValued = s.hasOnlySubstanceUnits || zeroD
            quantities[s.id] = .init(symbol: rename(s.id), amountValued: amountValued, compartmentSize: zeroD ? 1 : size)
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
        var parameters: [Parameter] = []
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
        for (variable, rule) in assignmentRules.sorted(by: { $0.key < $1.key }) where speciesReferenceIDs[variable] != nil {
            refuse("variable stoichiometry", "an assignment rule sets species reference '\(variable)'", at: rule.position)
        }
        for variable in assignmentRules.keys.sorted() where !speciesIDs.contains(variable) && !compartmentIDs.contains(variable)
            && speciesReferenceIDs[variable] == nil && !m.parameters.contains(where: { $0.id == variable }) {
            problems.append(Diagnostic(.error, at: location(assignmentRules[variable]!.position), "assignment rule for unknown '\(variable)'"))
        }

        // Reactions.
        var reactions: [Reaction] = []
        for r in m.reactions {
            let context = "reaction '\(r.id)'"
            if r.fast { refuse("fast reaction", "\(context) is marked fast", at: r.position) }
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
                    if sr.hasStoichiometryMath {
                        importer.refuse("stoichiometryMath", "a species reference of \(context) has stoichiometryMath", at: sr.position)
                        continue
                    }
                    var coefficient = sr.stoichiometry
                    if let id = sr.id {
                        if rateRules[id] != nil || eventTargets.contains(id) || !sr.constant {
                            importer.refuse("variable stoichiometry", "species reference '\(id)' of \(context) changes during the simulation", at: sr.position)
                        }
                        if initialAssignments[id] != nil {
                            if let v = constantValue(of: id, &importer) {
                                coefficient = v
                            } else {
                                importer.refuse("stoichiometry from the model state", "the initial assignment of species reference '\(id)' depends on values that are not constants", at: sr.position)
                            }
                        }
                    }
                    guard let c = coefficient else {
                        importer.refuse("species reference without stoichiometry", "species '\(sr.species)' in \(context)", at: sr.position)
                        continue
                    }
                    if ruleSpecies.contains(sr.species) { continue } // a rule sets it; reactions do not change it
                    out.append(StoichiometricTerm(importer.rename(sr.species), c * (speciesFactor[sr.species] ?? 1)))
                }
                return out
            }
            let reactants = terms(r.reactants, &self)
            let products = terms(r.products, &self)
            // A species reference's identifier may be read in math: its (constant) stoichiometry.
            for sr in r.reactants + r.products {
                guard let id = sr.id, !sr.hasStoichiometryMath else { continue }
                var value = sr.stoichiometry ?? 1
                if initialAssignments[id] != nil, let v = constantValue(of: id, &self) { value = v }
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
            let modifiers = r.modifiers.filter { !ruleSpecies.contains($0) }.map { Modifier(rename($0), .modifier) }
            reactions.append(Reaction(id: rename(r.id), reactants: reactants, products: products, reversible: r.reversible,
                                      modifiers: modifiers, rateLaw: .expression(rate), compartment: nil,
                                      kind: r.sboTerm.flatMap(SBO.reactionKind(for:)), label: r.name == r.id ? nil : r.name,
                                      location: location(r.position)))
        }

        // Rate rules.
        var modelRateRules: [RateRule] = []
        for r in m.rules where r.kind == .rate && r.math != nil {
            if compartmentIDs.contains(r.variable) || speciesReferenceIDs[r.variable] != nil { continue } // refused above
            if let e = expression(r.math, "the rate rule for '\(r.variable)'", at: r.position) {
                modelRateRules.append(RateRule(variable: rename(r.variable), expression: e, location: location(r.position)))
            }
        }

        // Initial assignments (compartments and stoichiometries were computed above).
        var modelInitialAssignments: [InitialAssignment] = []
        for ia in m.initialAssignments where ia.math != nil {
            if compartmentIDs.contains(ia.symbol) || speciesReferenceIDs[ia.symbol] != nil { continue }
            if let e = expression(ia.math, "the initial assignment of '\(ia.symbol)'", at: ia.position) {
                modelInitialAssignments.append(InitialAssignment(variable: rename(ia.symbol), expression: e, location: location(ia.position)))
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
            for a in e.assignments {
                if speciesReferenceIDs[a.variable] != nil || compartmentIDs.contains(a.variable) { continue } // refused above
                if let v = expression(a.math, "the assignment to '\(a.variable)' of \(context)", at: a.position) {
                    assignments.append(EventAssignment(target: rename(a.variable), mode: .set, value: v))
                }
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
        diagnostics.removeAll { $0.severity == .warning && $0.message.contains("has no 'source'") }
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw SBMLImportError(kind: .invalid, diagnostics: diagnostics.filter { $0.severity == .error })
        }
        return SBMLImport(model: model, warnings: libsbmlWarnings + notes + diagnostics, renamed: renamed, species: quantities,
                          level: tree.level, version: tree.version)
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
