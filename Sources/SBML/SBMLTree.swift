/// A plain Swift copy of the parts of an SBML document this toolkit reads and writes.
///
/// ``LibSBML`` fills it from a libSBML document (and builds a document from it); everything else
/// (import, export, refusals) works on these values and never touches a C pointer. Optional values
/// are unset attributes; elements the simulator cannot honour are recorded (for example `hasDelay`)
/// so the importer can refuse them by name.
struct SBMLTree: Sendable {
    var level = 3
    var version = 2
    var model = ModelNode()
    /// Package namespaces the document declares (`comp`, `fbc`, `layout`, …) and whether each is required.
    var packages: [(name: String, required: Bool)] = []

    /// A line and column in the XML file (0 when libSBML does not know).
    struct Position: Hashable, Sendable {
        var line = 0
        var column = 0
    }

    struct UnitTerm: Hashable, Sendable {
        /// `mole`, `litre`, `second`, `item`, `dimensionless`, …
        var kind: String
        var exponent: Double = 1
        var scale: Int = 0
        var multiplier: Double = 1
    }

    struct UnitDefinitionNode: Sendable {
        var id: String
        var units: [UnitTerm]
    }

    struct ModelNode: Sendable {
        var id = ""
        var name = ""
        var notes: String?
        var timeUnits: String?
        var substanceUnits: String?
        var volumeUnits: String?
        var extentUnits: String?
        var conversionFactor: String?
        var unitDefinitions: [UnitDefinitionNode] = []
        var functions: [FunctionNode] = []
        var compartments: [CompartmentNode] = []
        var species: [SpeciesNode] = []
        var parameters: [ParameterNode] = []
        var initialAssignments: [InitialAssignmentNode] = []
        var rules: [RuleNode] = []
        var constraintCount = 0
        var reactions: [ReactionNode] = []
        var events: [EventNode] = []
        var position = Position()
    }

    struct FunctionNode: Sendable {
        var id: String
        var name: String?
        /// A `lambda` node.
        var math: MathNode?
        var position = Position()
    }

    struct CompartmentNode: Sendable {
        var id: String
        var name: String?
        var size: Double?
        var spatialDimensions: Double?
        var constant = true
        var outside: String?
        var units: String?
        var sboTerm: Int?
        var position = Position()
    }

    struct SpeciesNode: Sendable {
        var id: String
        var name: String?
        var compartment: String
        var initialAmount: Double?
        var initialConcentration: Double?
        var hasOnlySubstanceUnits = false
        var boundaryCondition = false
        var constant = false
        var conversionFactor: String?
        var sboTerm: Int?
        var notes: String?
        var position = Position()
    }

    struct ParameterNode: Sendable {
        var id: String
        var name: String?
        var value: Double?
        var constant = true
        var units: String?
        var sboTerm: Int?
        var notes: String?
        var position = Position()
    }

    struct InitialAssignmentNode: Sendable {
        var symbol: String
        var math: MathNode?
        var position = Position()
    }

    struct RuleNode: Sendable {
        enum Kind: Sendable { case assignment, rate, algebraic }
        var kind: Kind
        var variable: String
        var math: MathNode?
        var position = Position()
    }

    struct SpeciesReferenceNode: Sendable {
        var species: String
        var id: String?
        var stoichiometry: Double?
        var constant = true
        var hasStoichiometryMath = false
        /// The math of `stoichiometryMath` (Level 2), when it has some.
        var stoichiometryMath: MathNode?
        var position = Position()
    }

    struct ReactionNode: Sendable {
        var id: String
        var name: String?
        var reversible = false
        var fast = false
        var compartment: String?
        var reactants: [SpeciesReferenceNode] = []
        var products: [SpeciesReferenceNode] = []
        var modifiers: [String] = []
        var kineticLaw: KineticLawNode?
        var sboTerm: Int?
        var notes: String?
        var position = Position()
    }

    struct KineticLawNode: Sendable {
        var math: MathNode?
        var localParameters: [(id: String, value: Double?)] = []
        var position = Position()
    }

    struct EventAssignmentNode: Sendable {
        var variable: String
        var math: MathNode?
        var position = Position()
    }

    struct EventNode: Sendable {
        var id: String?
        var name: String?
        var trigger: MathNode?
        var persistent = true
        var initialValue = true
        var delay: MathNode?
        var hasDelay = false
        var priority: MathNode?
        var hasPriority = false
        var useValuesFromTriggerTime = true
        var assignments: [EventAssignmentNode] = []
        var position = Position()
    }
}

/// A MathML expression as libSBML's abstract syntax tree gives it, with names instead of node types.
///
/// Built-in operators and functions use MathML's names (`plus`, `times`, `power`, `ln`, `log`,
/// `piecewise`, `lt`, `and`, …); a `log` or `root` with an explicit base or degree has it as its
/// first argument. `csymbol`s are `time`, `avogadro`, `delay` and `rateOf`.
indirect enum MathNode: Hashable, Sendable {
    case number(Double)
    case name(String)
    case time
    case avogadro
    /// A built-in operator or function (MathML element name).
    case apply(String, [MathNode])
    /// A call of a function definition.
    case call(String, [MathNode])
    case lambda(arguments: [String], body: MathNode)
    /// Something libSBML reads but this toolkit has no counterpart for (named after its MathML element).
    case unsupported(String)
}

import PathwayModel

/// The model's expression type (Foundation has a type of the same name).
typealias Expression = PathwayModel.Expression
