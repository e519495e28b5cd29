import CSBML
import Foundation

/// The one place that touches libSBML's C API: every pointer, every free, every C string.
///
/// Reading copies a document into an ``SBMLTree`` (and its libSBML messages, with lines and
/// columns); writing builds a document from an ``SBMLTree`` and serialises it. Strings libSBML
/// returns as `char *` are owned by the caller and freed here (``ownedString``); `const char *`
/// results belong to the document (``borrowedString``). Every document is freed by its
/// ``DocumentHandle``'s `deinit`, every AST built for writing by a `defer`.
enum LibSBML {
    /// A message from libSBML: what, how bad, where.
    struct Message: Sendable, Hashable {
        var severity: Severity
        var line: Int
        var column: Int
        var text: String
        /// libSBML's error number (for example 10501 for a unit inconsistency).
        var id: Int
        /// libSBML's category (for example "SBML unit consistency").
        var category: String

        enum Severity: Sendable, Hashable { case info, warning, error, fatal }
        var isError: Bool { severity == .error || severity == .fatal }
    }

    /// The outcome of reading a file or a string.
    struct ReadResult: Sendable {
        /// Nil when libSBML found no model (unreadable XML, not SBML).
        var tree: SBMLTree?
        var messages: [Message]
        /// `comp` external model definitions whose source file is not there (the document was then
        /// not flattened).
        var missingExternalModels: [ExternalModel] = []
        /// libSBML's `comp` flattening was tried and failed (its errors are among the messages).
        var flatteningFailed = false
    }

    /// A `comp:externalModelDefinition`: its id, its `source` as written, the file that resolves to
    /// (relative to the referring document's folder) and where it is written.
    struct ExternalModel: Sendable, Hashable {
        var id: String
        var source: String
        var path: String
        var line: Int
        var column: Int
    }

    /// Owns a libSBML document and frees it when done.
    private final class DocumentHandle {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { SBMLDocument_free(pointer) }
    }

    // MARK: Reading

    /// Reads an SBML file. `readSBMLFromFile` always returns a document; its errors say what went wrong.
    /// With `flattenComp`, a document using the hierarchical `comp` package is flattened into one
    /// model by libSBML's converter (and `comp` no longer listed among its packages).
    static func read(path: String, checkConsistency: Bool = true, flattenComp: Bool = false) -> ReadResult {
        guard let raw = readSBMLFromFile(path) else {
            return ReadResult(tree: nil, messages: [Message(severity: .fatal, line: 0, column: 0,
                                                            text: "libSBML could not read the file", id: 0, category: "")])
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return read(DocumentHandle(raw), checkConsistency: checkConsistency, flattenComp: flattenComp, folder: folder)
    }

    /// Reads SBML from text.
    static func read(xml: String, checkConsistency: Bool = true, flattenComp: Bool = false) -> ReadResult {
        guard let raw = readSBMLFromString(xml) else {
            return ReadResult(tree: nil, messages: [Message(severity: .fatal, line: 0, column: 0,
                                                            text: "libSBML could not read the text", id: 0, category: "")])
        }
        return read(DocumentHandle(raw), checkConsistency: checkConsistency, flattenComp: flattenComp,
                    folder: FileManager.default.currentDirectoryPath)
    }

    /// The external model definitions of a `comp` document whose files are missing: `source` is a path
    /// or a `file:` URI, relative to `folder` unless absolute (other URI schemes are not fetched and
    /// count as missing).
    private static func missingExternalModels(_ doc: OpaquePointer, folder: String) -> [ExternalModel] {
        guard let plugin = SBase_getPlugin(doc, "comp") else { return [] }
        var missing: [ExternalModel] = []
        for i in 0..<CompSBMLDocumentPlugin_getNumExternalModelDefinitions(plugin) {
            guard let emd = CompSBMLDocumentPlugin_getExternalModelDefinition(plugin, i) else { continue }
            let id = ownedString(ExternalModelDefinition_getId(emd)) ?? ""
            let source = ownedString(ExternalModelDefinition_getSource(emd)) ?? ""
            var file = source
            if file.hasPrefix("file://") { file.removeFirst(7) } else if file.hasPrefix("file:") { file.removeFirst(5) }
            let isURI = file.contains("://")
            let path = file.hasPrefix("/") || isURI ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            if isURI || file.isEmpty || !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                missing.append(ExternalModel(id: id, source: source, path: path,
                                             line: Int(SBase_getLine(emd)), column: Int(SBase_getColumn(emd))))
            }
        }
        return missing
    }

    /// Flattens a `comp` document in place; true when libSBML's converter succeeded.
    private static func flatten(_ doc: OpaquePointer) -> Bool {
        guard let props = ConversionProperties_create() else { return false }
        defer { ConversionProperties_free(props) }
        ConversionProperties_addOptionWithKey(props, "flatten comp")
        ConversionProperties_setBoolValue(props, "flatten comp", 1)
        return SBMLDocument_convert(doc, props) == 0 && SBMLDocument_getModel(doc) != nil
    }

    /// Above this many species, reactions and parameters, libSBML's (quadratic) general and MathML
    /// consistency checks are skipped when a model is read.
    static let largeModelElements = 6_000

    /// Reads text and runs libSBML's full consistency checks (units included): the messages.
    static func validate(xml: String, includeUnits: Bool = true) -> [Message] {
        guard let raw = readSBMLFromString(xml) else { return [] }
        let doc = DocumentHandle(raw)
        var messages = collectMessages(doc.pointer)
        if messages.contains(where: \.isError) { return messages }
        SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_UNITS_CONSISTENCY, includeUnits ? 1 : 0)
        let before = Int(SBMLDocument_getNumErrors(doc.pointer))
        _ = SBMLDocument_checkConsistency(doc.pointer)
        messages += collectMessages(doc.pointer, from: before)
        return messages
    }

    private static func read(_ doc: DocumentHandle, checkConsistency: Bool, flattenComp: Bool, folder: String) -> ReadResult {
        var messages = collectMessages(doc.pointer)
        guard SBMLDocument_getModel(doc.pointer) != nil, !messages.contains(where: { $0.severity == .fatal }) else {
            return ReadResult(tree: nil, messages: messages)
        }
        var flattened = false
        if flattenComp && !messages.contains(where: \.isError) && packages(of: doc.pointer).contains(where: { $0.name == "comp" }) {
            let missing = missingExternalModels(doc.pointer, folder: folder)
            if !missing.isEmpty { return ReadResult(tree: nil, messages: messages, missingExternalModels: missing) }
            let before = Int(SBMLDocument_getNumErrors(doc.pointer))
            flattened = flatten(doc.pointer)
            if !flattened {
                // The converter's errors say why (a submodel of an invalid definition, say); without any,
                // the document keeps `comp` among its packages and is refused for it.
                let reasons = collectMessages(doc.pointer, from: before)
                messages += reasons
                if reasons.contains(where: \.isError) { return ReadResult(tree: nil, messages: messages, flatteningFailed: true) }
            }
        }
        guard let model = SBMLDocument_getModel(doc.pointer) else { return ReadResult(tree: nil, messages: messages) }
        if checkConsistency && !messages.contains(where: \.isError) {
            // Identifier, MathML and structural checks: a dangling reference is an error here.
            // Unit consistency and modelling-practice advice are not about simulating correctly.
            SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_UNITS_CONSISTENCY, 0)
            SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_MODELING_PRACTICE, 0)
            SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_SBO_CONSISTENCY, 0)
            // libSBML's general and MathML checks look identifiers up by linear search: quadratic in the
            // size of the model (a chain of 5,000 species: 1.7 s; 10,000: 11 s). Above this size they are
            // left to the importer and the validator, which resolve every name and reference themselves.
            let elements = Int(Model_getNumSpecies(model)) + Int(Model_getNumReactions(model)) + Int(Model_getNumParameters(model))
            if elements > largeModelElements {
                SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_GENERAL_CONSISTENCY, 0)
                SBMLDocument_setConsistencyChecks(doc.pointer, LIBSBML_CAT_MATHML_CONSISTENCY, 0)
            }
            let before = Int(SBMLDocument_getNumErrors(doc.pointer))
            _ = SBMLDocument_checkConsistency(doc.pointer)
            messages += collectMessages(doc.pointer, from: before)
        }
        var tree = SBMLTree()
        tree.level = Int(SBMLDocument_getLevel(doc.pointer))
        tree.version = Int(SBMLDocument_getVersion(doc.pointer))
        tree.packages = packages(of: doc.pointer).filter { !(flattened && $0.name == "comp") }
        tree.model = readModel(model)
        return ReadResult(tree: tree, messages: messages)
    }

    private static func collectMessages(_ doc: OpaquePointer, from start: Int = 0) -> [Message] {
        let count = Int(SBMLDocument_getNumErrors(doc))
        guard count > start else { return [] }
        var out: [Message] = []
        for i in start..<count {
            guard let e = SBMLDocument_getError(doc, UInt32(i)) else { continue }
            let severity: Message.Severity
            if XMLError_isFatal(e) != 0 {
                severity = .fatal
            } else if XMLError_isError(e) != 0 {
                severity = .error
            } else if XMLError_isWarning(e) != 0 {
                severity = .warning
            } else {
                severity = .info
            }
            let text = borrowedString(XMLError_getMessage(e)) ?? "unknown libSBML error"
            out.append(Message(severity: severity, line: Int(XMLError_getLine(e)), column: Int(XMLError_getColumn(e)),
                               text: text.trimmingWhitespaceAndNewlines, id: Int(XMLError_getErrorId(e)),
                               category: borrowedString(XMLError_getCategoryAsString(e)) ?? ""))
        }
        return out
    }

    /// Packages declared by namespace: `http://www.sbml.org/sbml/level3/version1/comp/version1` is `comp`.
    private static func packages(of doc: OpaquePointer) -> [(name: String, required: Bool)] {
        guard let ns = SBMLDocument_getNamespaces(doc) else { return [] }
        var out: [(String, Bool)] = []
        for i in 0..<Int(XMLNamespaces_getLength(ns)) {
            guard let uri = ownedString(XMLNamespaces_getURI(ns, Int32(i))) else { continue }
            let parts = uri.split(separator: "/").map(String.init)
            guard let v = parts.firstIndex(where: { $0.hasPrefix("version") }), parts.contains(where: { $0.hasPrefix("level3") }),
                  v + 1 < parts.count else { continue }
            let name = parts[v + 1]
            if name == "core" { continue }
            let required = SBMLDocument_getPackageRequired(doc, uri) != 0
            out.append((name, required))
        }
        return out
    }

    private static func position(_ p: OpaquePointer) -> SBMLTree.Position {
        SBMLTree.Position(line: Int(SBase_getLine(p)), column: Int(SBase_getColumn(p)))
    }

    private static func sbo(_ p: OpaquePointer) -> Int? {
        let t = Int(SBase_getSBOTerm(p))
        return t >= 0 ? t : nil
    }

    private static func name(_ p: OpaquePointer) -> String? {
        guard SBase_isSetName(p) != 0 else { return nil }
        return borrowedString(SBase_getName(p))
    }

    private static func readModel(_ m: OpaquePointer) -> SBMLTree.ModelNode {
        var out = SBMLTree.ModelNode()
        out.id = borrowedString(Model_getId(m)) ?? ""
        out.name = name(m) ?? ""
        out.position = position(m)
        if Model_isSetTimeUnits(m) != 0 { out.timeUnits = borrowedString(Model_getTimeUnits(m)) }
        if Model_isSetSubstanceUnits(m) != 0 { out.substanceUnits = borrowedString(Model_getSubstanceUnits(m)) }
        if Model_isSetVolumeUnits(m) != 0 { out.volumeUnits = borrowedString(Model_getVolumeUnits(m)) }
        if Model_isSetExtentUnits(m) != 0 { out.extentUnits = borrowedString(Model_getExtentUnits(m)) }
        if Model_isSetConversionFactor(m) != 0 { out.conversionFactor = borrowedString(Model_getConversionFactor(m)) }

        out.unitDefinitions = readUnitDefinitions(m)
        out.functions = readFunctions(m)
        out.compartments = readCompartments(m)
        out.species = readSpecies(m)
        out.parameters = readParameters(m)
        out.initialAssignments = readInitialAssignments(m)
        out.rules = readRules(m)
        out.constraintCount = Int(Model_getNumConstraints(m))
        out.reactions = readReactions(m)
        out.events = readEvents(m)
        return out
    }

    /// The unit definitions, each a product of scaled base units.
    private static func readUnitDefinitions(_ m: OpaquePointer) -> [SBMLTree.UnitDefinitionNode] {
        var nodes: [SBMLTree.UnitDefinitionNode] = []
        for i in 0..<Model_getNumUnitDefinitions(m) {
            guard let ud = Model_getUnitDefinition(m, i) else { continue }
            var units: [SBMLTree.UnitTerm] = []
            for k in 0..<UnitDefinition_getNumUnits(ud) {
                guard let u = UnitDefinition_getUnit(ud, k) else { continue }
                let kind = borrowedString(UnitKind_toString(Unit_getKind(u))) ?? "invalid"
                units.append(SBMLTree.UnitTerm(kind: kind, exponent: Unit_getExponentAsDouble(u), scale: Int(Unit_getScale(u)),
                                               multiplier: Unit_getMultiplier(u)))
            }
            nodes.append(.init(id: borrowedString(UnitDefinition_getId(ud)) ?? "", units: units))
        }
        return nodes
    }

    /// The function definitions (lambdas).
    private static func readFunctions(_ m: OpaquePointer) -> [SBMLTree.FunctionNode] {
        var nodes: [SBMLTree.FunctionNode] = []
        for i in 0..<Model_getNumFunctionDefinitions(m) {
            guard let f = Model_getFunctionDefinition(m, i) else { continue }
            var node = SBMLTree.FunctionNode(id: borrowedString(FunctionDefinition_getId(f)) ?? "", name: name(f), position: position(f))
            if FunctionDefinition_isSetMath(f) != 0 {
                var arguments: [String] = []
                for k in 0..<FunctionDefinition_getNumArguments(f) {
                    if let a = FunctionDefinition_getArgument(f, k), let n = borrowedString(ASTNode_getName(a)) { arguments.append(n) }
                }
                if let body = FunctionDefinition_getBody(f) {
                    node.math = .lambda(arguments: arguments, body: math(body))
                } else {
                    node.math = .unsupported("lambda without a body")
                }
            }
            nodes.append(node)
        }
        return nodes
    }

    /// The compartments.
    private static func readCompartments(_ m: OpaquePointer) -> [SBMLTree.CompartmentNode] {
        var nodes: [SBMLTree.CompartmentNode] = []
        for i in 0..<Model_getNumCompartments(m) {
            guard let c = Model_getCompartment(m, i) else { continue }
            var node = SBMLTree.CompartmentNode(id: borrowedString(Compartment_getId(c)) ?? "", name: name(c))
            if Compartment_isSetSize(c) != 0 { node.size = Compartment_getSize(c) }
            if Compartment_isSetSpatialDimensions(c) != 0 || SBase_getLevel(c) < 3 {
                node.spatialDimensions = Compartment_getSpatialDimensionsAsDouble(c)
            }
            node.constant = Compartment_getConstant(c) != 0
            if Compartment_isSetOutside(c) != 0 { node.outside = borrowedString(Compartment_getOutside(c)) }
            if Compartment_isSetUnits(c) != 0 { node.units = borrowedString(Compartment_getUnits(c)) }
            node.sboTerm = sbo(c)
            node.position = position(c)
            nodes.append(node)
        }
        return nodes
    }

    /// The species.
    private static func readSpecies(_ m: OpaquePointer) -> [SBMLTree.SpeciesNode] {
        var nodes: [SBMLTree.SpeciesNode] = []
        for i in 0..<Model_getNumSpecies(m) {
            guard let s = Model_getSpecies(m, i) else { continue }
            var node = SBMLTree.SpeciesNode(id: borrowedString(Species_getId(s)) ?? "", name: name(s),
                                            compartment: borrowedString(Species_getCompartment(s)) ?? "")
            if Species_isSetInitialAmount(s) != 0 { node.initialAmount = Species_getInitialAmount(s) }
            if Species_isSetInitialConcentration(s) != 0 { node.initialConcentration = Species_getInitialConcentration(s) }
            node.hasOnlySubstanceUnits = Species_getHasOnlySubstanceUnits(s) != 0
            node.boundaryCondition = Species_getBoundaryCondition(s) != 0
            node.constant = Species_getConstant(s) != 0
            if Species_isSetConversionFactor(s) != 0 { node.conversionFactor = borrowedString(Species_getConversionFactor(s)) }
            node.sboTerm = sbo(s)
            node.position = position(s)
            nodes.append(node)
        }
        return nodes
    }

    /// The global parameters.
    private static func readParameters(_ m: OpaquePointer) -> [SBMLTree.ParameterNode] {
        var nodes: [SBMLTree.ParameterNode] = []
        for i in 0..<Model_getNumParameters(m) {
            guard let p = Model_getParameter(m, i) else { continue }
            var node = SBMLTree.ParameterNode(id: borrowedString(Parameter_getId(p)) ?? "", name: name(p))
            if Parameter_isSetValue(p) != 0 { node.value = Parameter_getValue(p) }
            node.constant = Parameter_getConstant(p) != 0
            if Parameter_isSetUnits(p) != 0 { node.units = borrowedString(Parameter_getUnits(p)) }
            node.sboTerm = sbo(p)
            node.position = position(p)
            nodes.append(node)
        }
        return nodes
    }

    /// The initial assignments.
    private static func readInitialAssignments(_ m: OpaquePointer) -> [SBMLTree.InitialAssignmentNode] {
        var nodes: [SBMLTree.InitialAssignmentNode] = []
        for i in 0..<Model_getNumInitialAssignments(m) {
            guard let a = Model_getInitialAssignment(m, i) else { continue }
            nodes.append(.init(symbol: borrowedString(InitialAssignment_getSymbol(a)) ?? "",
                                                math: InitialAssignment_getMath(a).map(math), position: position(a)))
        }
        return nodes
    }

    /// The rules (assignment, rate and algebraic).
    private static func readRules(_ m: OpaquePointer) -> [SBMLTree.RuleNode] {
        var nodes: [SBMLTree.RuleNode] = []
        for i in 0..<Model_getNumRules(m) {
            guard let r = Model_getRule(m, i) else { continue }
            let kind: SBMLTree.RuleNode.Kind = Rule_isAlgebraic(r) != 0 ? .algebraic : Rule_isRate(r) != 0 ? .rate : .assignment
            let variable = kind == .algebraic ? "" : borrowedString(Rule_getVariable(r)) ?? ""
            nodes.append(.init(kind: kind, variable: variable, math: Rule_getMath(r).map(math), position: position(r)))
        }
        return nodes
    }

    /// The reactions with their species references and kinetic laws.
    private static func readReactions(_ m: OpaquePointer) -> [SBMLTree.ReactionNode] {
        var nodes: [SBMLTree.ReactionNode] = []
        for i in 0..<Model_getNumReactions(m) {
            guard let r = Model_getReaction(m, i) else { continue }
            var node = SBMLTree.ReactionNode(id: borrowedString(Reaction_getId(r)) ?? "", name: name(r))
            node.reversible = Reaction_getReversible(r) != 0
            node.fast = Reaction_isSetFast(r) != 0 && Reaction_getFast(r) != 0
            if Reaction_isSetCompartment(r) != 0 { node.compartment = borrowedString(Reaction_getCompartment(r)) }
            for k in 0..<Reaction_getNumReactants(r) {
                if let sr = Reaction_getReactant(r, k) { node.reactants.append(speciesReference(sr)) }
            }
            for k in 0..<Reaction_getNumProducts(r) {
                if let sr = Reaction_getProduct(r, k) { node.products.append(speciesReference(sr)) }
            }
            for k in 0..<Reaction_getNumModifiers(r) {
                if let sr = Reaction_getModifier(r, k), let s = borrowedString(SpeciesReference_getSpecies(sr)) {
                    node.modifiers.append(s)
                }
            }
            if Reaction_isSetKineticLaw(r) != 0, let kl = Reaction_getKineticLaw(r) {
                var law = SBMLTree.KineticLawNode(math: KineticLaw_isSetMath(kl) != 0 ? KineticLaw_getMath(kl).map(math) : nil,
                                                  position: position(kl))
                for k in 0..<KineticLaw_getNumParameters(kl) {
                    guard let p = KineticLaw_getParameter(kl, k) else { continue }
                    let id = borrowedString(Parameter_getId(p)) ?? ""
                    law.localParameters.append((id, Parameter_isSetValue(p) != 0 ? Parameter_getValue(p) : nil))
                }
                node.kineticLaw = law
            }
            node.sboTerm = sbo(r)
            node.position = position(r)
            nodes.append(node)
        }
        return nodes
    }

    /// The events: trigger, delay, priority and assignments.
    private static func readEvents(_ m: OpaquePointer) -> [SBMLTree.EventNode] {
        var nodes: [SBMLTree.EventNode] = []
        for i in 0..<Model_getNumEvents(m) {
            guard let e = Model_getEvent(m, i) else { continue }
            var node = SBMLTree.EventNode()
            if Event_isSetId(e) != 0 { node.id = borrowedString(Event_getId(e)) }
            node.name = name(e)
            if let t = Event_getTrigger(e) {
                node.trigger = Trigger_getMath(t).map(math)
                node.persistent = Trigger_getPersistent(t) != 0
                node.initialValue = Trigger_getInitialValue(t) != 0
            }
            if Event_isSetDelay(e) != 0, let d = Event_getDelay(e) {
                node.hasDelay = true
                node.delay = Delay_getMath(d).map(math)
            }
            if Event_isSetPriority(e) != 0, let p = Event_getPriority(e) {
                node.hasPriority = true
                node.priority = Priority_getMath(p).map(math)
            }
            node.useValuesFromTriggerTime = Event_getUseValuesFromTriggerTime(e) != 0
            for k in 0..<Event_getNumEventAssignments(e) {
                guard let a = Event_getEventAssignment(e, k) else { continue }
                node.assignments.append(.init(variable: borrowedString(EventAssignment_getVariable(a)) ?? "",
                                              math: EventAssignment_getMath(a).map(math), position: position(a)))
            }
            node.position = position(e)
            nodes.append(node)
        }
        return nodes
    }

    private static func speciesReference(_ sr: OpaquePointer) -> SBMLTree.SpeciesReferenceNode {
        var node = SBMLTree.SpeciesReferenceNode(species: borrowedString(SpeciesReference_getSpecies(sr)) ?? "")
        if SpeciesReference_isSetId(sr) != 0 { node.id = borrowedString(SpeciesReference_getId(sr)) }
        if SBase_getLevel(sr) < 3 || SpeciesReference_isSetStoichiometry(sr) != 0 {
            node.stoichiometry = SpeciesReference_getStoichiometry(sr) / Double(max(1, SpeciesReference_getDenominator(sr)))
        }
        node.constant = SBase_getLevel(sr) < 3 || SpeciesReference_getConstant(sr) != 0
        node.hasStoichiometryMath = SpeciesReference_isSetStoichiometryMath(sr) != 0
        if node.hasStoichiometryMath, let sm = SpeciesReference_getStoichiometryMath(sr), StoichiometryMath_isSetMath(sm) != 0 {
            node.stoichiometryMath = StoichiometryMath_getMath(sm).map(math)
        }
        node.position = position(sr)
        return node
    }

    /// MathML element names of libSBML's node types (operators and built-in functions).
    private static let builtinNames: [(ASTNodeType_t, String)] = [
        (AST_PLUS, "plus"), (AST_MINUS, "minus"), (AST_TIMES, "times"), (AST_DIVIDE, "divide"), (AST_POWER, "power"),
        (AST_FUNCTION_POWER, "power"), (AST_FUNCTION_ABS, "abs"), (AST_FUNCTION_ARCCOS, "arccos"),
        (AST_FUNCTION_ARCCOSH, "arccosh"), (AST_FUNCTION_ARCCOT, "arccot"), (AST_FUNCTION_ARCCOTH, "arccoth"),
        (AST_FUNCTION_ARCCSC, "arccsc"), (AST_FUNCTION_ARCCSCH, "arccsch"), (AST_FUNCTION_ARCSEC, "arcsec"),
        (AST_FUNCTION_ARCSECH, "arcsech"), (AST_FUNCTION_ARCSIN, "arcsin"), (AST_FUNCTION_ARCSINH, "arcsinh"),
        (AST_FUNCTION_ARCTAN, "arctan"), (AST_FUNCTION_ARCTANH, "arctanh"), (AST_FUNCTION_CEILING, "ceiling"),
        (AST_FUNCTION_COS, "cos"), (AST_FUNCTION_COSH, "cosh"), (AST_FUNCTION_COT, "cot"), (AST_FUNCTION_COTH, "coth"),
        (AST_FUNCTION_CSC, "csc"), (AST_FUNCTION_CSCH, "csch"), (AST_FUNCTION_DELAY, "delay"), (AST_FUNCTION_EXP, "exp"),
        (AST_FUNCTION_FACTORIAL, "factorial"), (AST_FUNCTION_FLOOR, "floor"), (AST_FUNCTION_LN, "ln"),
        (AST_FUNCTION_LOG, "log"), (AST_FUNCTION_PIECEWISE, "piecewise"), (AST_FUNCTION_ROOT, "root"),
        (AST_FUNCTION_SEC, "sec"), (AST_FUNCTION_SECH, "sech"), (AST_FUNCTION_SIN, "sin"), (AST_FUNCTION_SINH, "sinh"),
        (AST_FUNCTION_TAN, "tan"), (AST_FUNCTION_TANH, "tanh"), (AST_LOGICAL_AND, "and"), (AST_LOGICAL_NOT, "not"),
        (AST_LOGICAL_OR, "or"), (AST_LOGICAL_XOR, "xor"), (AST_RELATIONAL_EQ, "eq"), (AST_RELATIONAL_GEQ, "geq"),
        (AST_RELATIONAL_GT, "gt"), (AST_RELATIONAL_LEQ, "leq"), (AST_RELATIONAL_LT, "lt"), (AST_RELATIONAL_NEQ, "neq"),
        (AST_FUNCTION_MAX, "max"), (AST_FUNCTION_MIN, "min"), (AST_FUNCTION_QUOTIENT, "quotient"),
        (AST_FUNCTION_RATE_OF, "rateOf"), (AST_FUNCTION_REM, "rem"), (AST_LOGICAL_IMPLIES, "implies"),
    ]

    private static let namesByType: [UInt32: String] = Dictionary(
        builtinNames.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: { a, _ in a })
    private static let typesByName: [String: ASTNodeType_t] = Dictionary(
        builtinNames.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })

    /// Copies a libSBML AST into a ``MathNode``.
    private static func math(_ node: OpaquePointer) -> MathNode {
        let type = ASTNode_getType(node)
        let children = (0..<ASTNode_getNumChildren(node)).compactMap { ASTNode_getChild(node, $0) }.map(math)
        switch type {
        case AST_INTEGER: return .number(Double(ASTNode_getInteger(node)))
        case AST_REAL, AST_REAL_E, AST_RATIONAL: return .number(ASTNode_getReal(node))
        case AST_NAME: return .name(borrowedString(ASTNode_getName(node)) ?? "")
        case AST_NAME_TIME: return .time
        case AST_NAME_AVOGADRO: return .avogadro
        case AST_CONSTANT_E: return .number(2.718281828459045)
        case AST_CONSTANT_PI: return .number(Double.pi)
        case AST_CONSTANT_TRUE: return .number(1)
        case AST_CONSTANT_FALSE: return .number(0)
        case AST_FUNCTION: return .call(borrowedString(ASTNode_getName(node)) ?? "", children)
        case AST_LAMBDA:
            return .lambda(arguments: children.dropLast().compactMap { if case .name(let n) = $0 { return n } else { return nil } },
                           body: children.last ?? .number(0))
        default:
            if let name = namesByType[type.rawValue] { return .apply(name, children) }
            if let n = borrowedString(ASTNode_getName(node)), !n.isEmpty { return .unsupported(n) }
            return .unsupported("MathML construct \(type.rawValue)")
        }
    }

    // MARK: Writing

    /// Builds an SBML document (Level and Version from the tree) and serialises it.
    static func write(_ tree: SBMLTree) -> String {
        guard let raw = SBMLDocument_createWithLevelAndVersion(UInt32(tree.level), UInt32(tree.version)) else { return "" }
        let doc = DocumentHandle(raw)
        let m = SBMLDocument_createModel(doc.pointer)!
        let t = tree.model
        setID(m, t.id)
        if !t.name.isEmpty { SBase_setName(m, t.name) }
        if let notes = t.notes { setNotes(m, notes) }

        for ud in t.unitDefinitions {
            let d = Model_createUnitDefinition(m)!
            UnitDefinition_setId(d, ud.id)
            for u in ud.units {
                let unit = UnitDefinition_createUnit(d)!
                Unit_setKind(unit, UnitKind_forName(u.kind))
                Unit_setExponentAsDouble(unit, u.exponent)
                Unit_setScale(unit, Int32(u.scale))
                Unit_setMultiplier(unit, u.multiplier)
            }
        }
        if let u = t.timeUnits { Model_setTimeUnits(m, u) }
        if let u = t.substanceUnits { Model_setSubstanceUnits(m, u) }
        if let u = t.volumeUnits { Model_setVolumeUnits(m, u) }
        if let u = t.extentUnits { Model_setExtentUnits(m, u) }

        for f in t.functions {
            let fd = Model_createFunctionDefinition(m)!
            FunctionDefinition_setId(fd, f.id)
            if let math = f.math { withAST(math) { FunctionDefinition_setMath(fd, $0) } }
        }
        for c in t.compartments {
            let p = Model_createCompartment(m)!
            Compartment_setId(p, c.id)
            if let n = c.name { SBase_setName(p, n) }
            if let s = c.size { Compartment_setSize(p, s) }
            Compartment_setSpatialDimensionsAsDouble(p, c.spatialDimensions ?? 3)
            Compartment_setConstant(p, c.constant ? 1 : 0)
            if let u = c.units { Compartment_setUnits(p, u) }
            if let sbo = c.sboTerm { SBase_setSBOTerm(p, Int32(sbo)) }
        }
        for s in t.species {
            let p = Model_createSpecies(m)!
            Species_setId(p, s.id)
            if let n = s.name { SBase_setName(p, n) }
            Species_setCompartment(p, s.compartment)
            if let a = s.initialAmount { Species_setInitialAmount(p, a) }
            if let c = s.initialConcentration { Species_setInitialConcentration(p, c) }
            Species_setHasOnlySubstanceUnits(p, s.hasOnlySubstanceUnits ? 1 : 0)
            Species_setBoundaryCondition(p, s.boundaryCondition ? 1 : 0)
            Species_setConstant(p, s.constant ? 1 : 0)
            if let sbo = s.sboTerm { SBase_setSBOTerm(p, Int32(sbo)) }
            if let notes = s.notes { setNotes(p, notes) }
        }
        for q in t.parameters {
            let p = Model_createParameter(m)!
            Parameter_setId(p, q.id)
            if let n = q.name { SBase_setName(p, n) }
            if let v = q.value { Parameter_setValue(p, v) }
            Parameter_setConstant(p, q.constant ? 1 : 0)
            if let u = q.units { Parameter_setUnits(p, u) }
            if let sbo = q.sboTerm { SBase_setSBOTerm(p, Int32(sbo)) }
            if let notes = q.notes { setNotes(p, notes) }
        }
        for a in t.initialAssignments {
            let p = Model_createInitialAssignment(m)!
            InitialAssignment_setSymbol(p, a.symbol)
            if let math = a.math { withAST(math) { InitialAssignment_setMath(p, $0) } }
        }
        for r in t.rules {
            let p: OpaquePointer
            switch r.kind {
            case .assignment: p = Model_createAssignmentRule(m)!
            case .rate: p = Model_createRateRule(m)!
            case .algebraic: p = Model_createAlgebraicRule(m)!
            }
            if r.kind != .algebraic { Rule_setVariable(p, r.variable) }
            if let math = r.math { withAST(math) { Rule_setMath(p, $0) } }
        }
        for r in t.reactions {
            let p = Model_createReaction(m)!
            Reaction_setId(p, r.id)
            if let n = r.name { SBase_setName(p, n) }
            Reaction_setReversible(p, r.reversible ? 1 : 0)
            if tree.level < 3 || tree.version == 1 { Reaction_setFast(p, r.fast ? 1 : 0) } // gone in Level 3 Version 2
            if let c = r.compartment { Reaction_setCompartment(p, c) }
            for sr in r.reactants {
                let q = Reaction_createReactant(p)!
                SpeciesReference_setSpecies(q, sr.species)
                SpeciesReference_setStoichiometry(q, sr.stoichiometry ?? 1)
                SpeciesReference_setConstant(q, 1)
            }
            for sr in r.products {
                let q = Reaction_createProduct(p)!
                SpeciesReference_setSpecies(q, sr.species)
                SpeciesReference_setStoichiometry(q, sr.stoichiometry ?? 1)
                SpeciesReference_setConstant(q, 1)
            }
            for s in r.modifiers {
                let q = Reaction_createModifier(p)!
                SpeciesReference_setSpecies(q, s)
            }
            if let law = r.kineticLaw {
                let kl = Reaction_createKineticLaw(p)!
                if let math = law.math { withAST(math) { KineticLaw_setMath(kl, $0) } }
            }
            if let sbo = r.sboTerm { SBase_setSBOTerm(p, Int32(sbo)) }
            if let notes = r.notes { setNotes(p, notes) }
        }
        for e in t.events {
            let p = Model_createEvent(m)!
            if let id = e.id { Event_setId(p, id) }
            Event_setUseValuesFromTriggerTime(p, e.useValuesFromTriggerTime ? 1 : 0)
            let trigger = Event_createTrigger(p)!
            Trigger_setPersistent(trigger, e.persistent ? 1 : 0)
            Trigger_setInitialValue(trigger, e.initialValue ? 1 : 0)
            if let math = e.trigger { withAST(math) { Trigger_setMath(trigger, $0) } }
            if let delay = e.delay {
                let q = Event_createDelay(p)!
                withAST(delay) { Delay_setMath(q, $0) }
            }
            if let priority = e.priority {
                let q = Event_createPriority(p)!
                withAST(priority) { Priority_setMath(q, $0) }
            }
            for a in e.assignments {
                let q = Event_createEventAssignment(p)!
                EventAssignment_setVariable(q, a.variable)
                if let math = a.math { withAST(math) { EventAssignment_setMath(q, $0) } }
            }
        }
        return ownedString(writeSBMLToString(doc.pointer)) ?? ""
    }

    private static func setID(_ p: OpaquePointer, _ id: String) {
        if !id.isEmpty { SBase_setIdAttribute(p, id) }
    }

    /// Plain text as XHTML notes (`<p>` per paragraph).
    private static func setNotes(_ p: OpaquePointer, _ text: String) {
        let escaped = text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
        let paragraphs = escaped.split(separator: "\n", omittingEmptySubsequences: true).map { "<p>\($0)</p>" }.joined()
        let xhtml = "<notes><body xmlns=\"http://www.w3.org/1999/xhtml\">\(paragraphs)</body></notes>"
        SBase_setNotesString(p, xhtml)
    }

    /// Builds a libSBML AST for `math`, hands it to `body` (which copies it) and frees it.
    private static func withAST(_ math: MathNode, _ body: (OpaquePointer) -> Void) {
        guard let ast = makeAST(math) else { return }
        defer { ASTNode_free(ast) }
        body(ast)
    }

    private static func makeAST(_ math: MathNode) -> OpaquePointer? {
        switch math {
        case .number(let v):
            let n = ASTNode_create()!
            if v == v.rounded(), abs(v) < 1e9 {
                ASTNode_setInteger(n, Int(v))
            } else {
                ASTNode_setReal(n, v)
            }
            return n
        case .name(let s):
            let n = ASTNode_createWithType(AST_NAME)!
            ASTNode_setName(n, s)
            return n
        case .time:
            let n = ASTNode_createWithType(AST_NAME_TIME)!
            ASTNode_setName(n, "time")
            return n
        case .avogadro:
            let n = ASTNode_createWithType(AST_NAME_AVOGADRO)!
            ASTNode_setName(n, "avogadro")
            return n
        case .apply(let f, let args):
            let n = ASTNode_createWithType(typesByName[f] ?? AST_UNKNOWN)!
            for a in args { if let c = makeAST(a) { ASTNode_addChild(n, c) } }
            return n
        case .call(let f, let args):
            let n = ASTNode_createWithType(AST_FUNCTION)!
            ASTNode_setName(n, f)
            for a in args { if let c = makeAST(a) { ASTNode_addChild(n, c) } }
            return n
        case .lambda(let arguments, let body):
            // The infix parser marks bound variables properly; the body goes through libSBML's own formatter.
            guard let bodyAST = makeAST(body) else { return nil }
            defer { ASTNode_free(bodyAST) }
            guard let text = ownedString(SBML_formulaToL3String(bodyAST)) else { return nil }
            return SBML_parseL3Formula("lambda(" + (arguments + [text]).joined(separator: ", ") + ")")
        case .unsupported:
            return ASTNode_createWithType(AST_UNKNOWN)
        }
    }

    // MARK: Strings

    /// A `const char *` that libSBML keeps: copied, not freed.
    private static func borrowedString(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    /// A `char *` that libSBML hands over: copied, then freed.
    private static func ownedString(_ p: UnsafeMutablePointer<CChar>?) -> String? {
        guard let p else { return nil }
        defer { CSBML_freeString(p) }
        return String(cString: p)
    }
}

extension String {
    var trimmingWhitespaceAndNewlines: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    func replacingAll(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
