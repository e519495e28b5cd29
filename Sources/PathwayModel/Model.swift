/// A validated reaction-network model: the one source of truth that the simulator compiles,
/// the diagram draws and perturbations transform.
///
/// Concentrations are in ``Units/concentration``, times in ``Units/time`` and compartment sizes in
/// ``Units/volume``; an amount is a concentration times a compartment size.
public struct Model: Sendable {
    /// Identifier of the model (the `model:` key), e.g. `il11`.
    public var id: String
    public var name: String
    public var description: String
    public var units: Units
    public var compartments: [Compartment]
    public var species: [Species]
    public var parameters: [Parameter]
    public var functions: [FunctionDefinition]
    public var reactions: [Reaction]
    /// Assignment rules: named quantities computed from the state at every instant (observables).
    public var observables: [Observable]
    /// Rate rules: `d(variable)/dt = expression`, for parameters, compartments-free variables or species
    /// that no reaction changes.
    public var rateRules: [RateRule]
    /// Initial assignments: values computed from other values at t = 0.
    public var initialAssignments: [InitialAssignment]
    /// Algebraic rules: `0 = expression`, each determining a parameter (solved for it when compiled).
    public var algebraicRules: [AlgebraicRule] = []
    public var events: [Event]
    public var drugs: [Drug]
    public var scenarios: [Scenario]
    /// The modules this model is composed of (itself first), in include order.
    public var modules: [Module]
    /// Default settings for `pathway simulate`.
    public var simulation: SimulationDefaults
    /// The file the model came from.
    public var location: SourceLocation

    public init(
        id: String, name: String = "", description: String = "", units: Units = Units(),
        compartments: [Compartment] = [], species: [Species] = [], parameters: [Parameter] = [],
        functions: [FunctionDefinition] = [], reactions: [Reaction] = [], observables: [Observable] = [],
        rateRules: [RateRule] = [], initialAssignments: [InitialAssignment] = [], events: [Event] = [],
        drugs: [Drug] = [], scenarios: [Scenario] = [], modules: [Module] = [],
        simulation: SimulationDefaults = SimulationDefaults(), location: SourceLocation = .synthetic("<model>")
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.units = units
        self.compartments = compartments
        self.species = species
        self.parameters = parameters
        self.functions = functions
        self.reactions = reactions
        self.observables = observables
        self.rateRules = rateRules
        self.initialAssignments = initialAssignments
        self.events = events
        self.drugs = drugs
        self.scenarios = scenarios
        self.modules = modules
        self.simulation = simulation
        self.location = location
    }

    // MARK: Look-up (by name; everything keyed by name happens before compilation)

    public func species(named id: String) -> Species? { species.first { $0.id == id } }
    public func parameter(named id: String) -> Parameter? { parameters.first { $0.id == id } }
    public func compartment(named id: String) -> Compartment? { compartments.first { $0.id == id } }
    public func reaction(named id: String) -> Reaction? { reactions.first { $0.id == id } }
    public func observable(named id: String) -> Observable? { observables.first { $0.id == id } }
    public func scenario(named id: String) -> Scenario? { scenarios.first { $0.id == id } }
    public func drug(named id: String) -> Drug? { drugs.first { $0.id == id } }
    public func function(named id: String) -> FunctionDefinition? { functions.first { $0.id == id } }

    /// Every identifier an expression may read: species, parameters, compartments, observables.
    public var symbolNames: [String] {
        species.map(\.id) + parameters.map(\.id) + compartments.map(\.id) + observables.map(\.id)
    }
}

/// The units a model's numbers are in.
public struct Units: Hashable, Sendable {
    public var time: TimeUnit
    public var concentration: ConcentrationUnit
    /// The unit of compartment sizes, e.g. `pL` or `L`.
    public var volume: VolumeUnit

    public init(time: TimeUnit = .second, concentration: ConcentrationUnit = .nanomolar, volume: VolumeUnit = .litre) {
        self.time = time
        self.concentration = concentration
        self.volume = volume
    }
}

public struct Compartment: Hashable, Sendable {
    public var id: String
    public var label: String
    public var size: Double
    /// Spatial dimensions (3 for volumes, 2 for membranes); informational except for diagrams and SBML.
    public var dimensions: Int
    /// The compartment that encloses this one, for drawing (extracellular ⊃ membrane ⊃ cytoplasm ⊃ nucleus).
    public var outside: String?
    public var module: String
    public var location: SourceLocation

    public init(id: String, label: String? = nil, size: Double = 1, dimensions: Int = 3, outside: String? = nil,
                module: String = "", location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.label = label ?? id
        self.size = size
        self.dimensions = dimensions
        self.outside = outside
        self.module = module
        self.location = location
    }
}

/// What a molecule is, for drawing: shapes and colours follow the role.
public enum Role: String, Hashable, Sendable, CaseIterable {
    case ligand, receptor, kinase, phosphatase, adaptor, gtpase, lipid
    case transcriptionFactor = "transcription-factor"
    case gene, mrna, drug, complex, enzyme, protein, inhibitor
    case smallMolecule = "small-molecule"
    case other
}

public struct Species: Hashable, Sendable {
    public var id: String
    public var compartment: String
    /// Initial concentration (or amount, when ``amountValued``), in the model's units.
    public var initialValue: Double
    /// The symbol stands for an amount, not a concentration (SBML `hasOnlySubstanceUnits`).
    public var amountValued: Bool
    /// Held fixed: no reaction or rule changes it.
    public var constant: Bool
    /// A boundary condition: reactions do not change it, but rules and events may.
    public var boundary: Bool
    public var display: DisplayInfo
    public var module: String
    public var location: SourceLocation

    public init(id: String, compartment: String, initialValue: Double = 0, amountValued: Bool = false,
                constant: Bool = false, boundary: Bool = false, display: DisplayInfo = DisplayInfo(),
                module: String = "", location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.compartment = compartment
        self.initialValue = initialValue
        self.amountValued = amountValued
        self.constant = constant
        self.boundary = boundary
        self.display = display
        self.module = module
        self.location = location
    }
}

/// How a species is drawn and linked.
public struct DisplayInfo: Hashable, Sendable {
    public var role: Role?
    /// Text on the node, e.g. `STAT3`.
    public var label: String?
    /// A modification or activity state shown on the node, e.g. `pY705`.
    public var state: String?
    /// The gene products this species is, or is made of (one for a protein form, several for a complex).
    /// The activity view draws one node per gene product.
    public var entities: [String]
    /// Whether this is an active form of its gene product (`active: true`).
    public var active: Bool
    /// Whether the model declares this an inactive form (`active: false`): a form that a step
    /// switches off (BAD phosphorylated on S99), as opposed to one about which nothing is said.
    /// Never set together with ``active``.
    public var inactive: Bool
    /// The activity-view node this species is drawn as, when not its gene product's (`node:`):
    /// the nuclear forms of STAT3 drawn apart from the cytoplasmic ones. In a complex, the part
    /// that is the node's gene product is drawn as the node.
    public var node: String?
    /// A page on the wiki, e.g. `/genes/il11ra`.
    public var link: String?
    public var note: String?

    public init(role: Role? = nil, label: String? = nil, state: String? = nil, entities: [String] = [],
                active: Bool = false, inactive: Bool = false, node: String? = nil, link: String? = nil,
                note: String? = nil) {
        self.role = role
        self.label = label
        self.state = state
        self.entities = entities
        self.active = active
        self.inactive = inactive && !active
        self.node = node
        self.link = link
        self.note = note
    }
}

public struct Parameter: Hashable, Sendable {
    public var id: String
    public var value: Double
    /// The unit as written in the model, for the reader (e.g. `1/(nM*s)`).
    public var unit: String?
    /// Where the number comes from: a citation, and whether it was fitted, measured or assumed.
    public var source: String?
    public var note: String?
    /// The value must be greater than zero (`positive: true`: a rate constant, a half-life, a volume…);
    /// validation and every perturbation hold it to that (see ``Model/valueRequirement(ofParameter:)``).
    public var positive: Bool
    public var module: String
    public var location: SourceLocation
    /// Where the value itself is written (nil: at ``location``), for messages about the number.
    public var valueLocation: SourceLocation?

    public init(id: String, value: Double, unit: String? = nil, source: String? = nil, note: String? = nil,
                positive: Bool = false, module: String = "", location: SourceLocation = .synthetic("<model>"),
                valueLocation: SourceLocation? = nil) {
        self.id = id
        self.value = value
        self.unit = unit
        self.source = source
        self.note = note
        self.positive = positive
        self.module = module
        self.location = location
        self.valueLocation = valueLocation
    }
}

/// A function of the model: `name(arguments) = body`.
public struct FunctionDefinition: Hashable, Sendable {
    public var id: String
    public var arguments: [String]
    public var body: Expression
    public var location: SourceLocation

    public init(id: String, arguments: [String], body: Expression, location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.arguments = arguments
        self.body = body
        self.location = location
    }
}

/// A species and its stoichiometric coefficient.
public struct StoichiometricTerm: Hashable, Sendable {
    public var species: String
    public var coefficient: Double
    /// A stoichiometry that changes during the simulation (SBML `stoichiometryMath`, or a species
    /// reference set by a rule or an event), evaluated at every instant. When set, ``coefficient`` is 0
    /// and takes no part: ``Reaction/netStoichiometry`` counts only constant coefficients.
    public var expression: Expression?

    public init(_ species: String, _ coefficient: Double = 1, expression: Expression? = nil) {
        self.species = species
        self.coefficient = coefficient
        self.expression = expression
    }
}

/// How a modifier acts on a reaction (SBGN: catalysis, stimulation, inhibition).
public enum ModifierRole: String, Hashable, Sendable, CaseIterable {
    case catalyst, activator, inhibitor, modifier
}

public struct Modifier: Hashable, Sendable {
    public var species: String
    public var role: ModifierRole
    /// Where the modifier is declared (its key under `modifiers:`, `activators:` or `inhibitors:`, the
    /// `enzyme:` or Hill `of:` value); synthetic for modifiers made in code.
    public var location: SourceLocation

    public init(_ species: String, _ role: ModifierRole, location: SourceLocation = .synthetic("<model>")) {
        self.species = species
        self.role = role
        self.location = location
    }
}

public struct Reaction: Hashable, Sendable {
    public var id: String
    public var reactants: [StoichiometricTerm]
    public var products: [StoichiometricTerm]
    public var reversible: Bool
    public var modifiers: [Modifier]
    public var rateLaw: RateLaw
    /// The compartment whose size turns the rate (a concentration per time) into an amount per time.
    /// Nil when the rate law already gives an amount per time (SBML kinetic laws).
    public var compartment: String?
    /// What the reaction means for drawing: binding, phosphorylation, transport, transcription, …
    public var kind: ReactionKind?
    public var label: String?
    public var note: String?
    /// A fast reaction (`fast: true`, SBML Level 2's `fast`): at equilibrium at all times, the other
    /// reactions moving only what it conserves. The compiler rewrites it as conserved totals and an
    /// algebraic rule (`Model.resolvingFastReactions()` in Simulator).
    public var fast: Bool
    public var module: String
    public var location: SourceLocation

    public init(id: String, reactants: [StoichiometricTerm], products: [StoichiometricTerm], reversible: Bool,
                modifiers: [Modifier] = [], rateLaw: RateLaw, compartment: String?, kind: ReactionKind? = nil,
                label: String? = nil, note: String? = nil, fast: Bool = false, module: String = "",
                location: SourceLocation = .synthetic("<model>")) {
        self.fast = fast
        self.id = id
        self.reactants = reactants
        self.products = products
        self.reversible = reversible
        self.modifiers = modifiers
        self.rateLaw = rateLaw
        self.compartment = compartment
        self.kind = kind
        self.label = label
        self.note = note
        self.module = module
        self.location = location
    }

    /// The chemical equation: `IL11 + IL11RA <-> IL11_IL11RA`.
    public var equation: String {
        func side(_ terms: [StoichiometricTerm]) -> String {
            terms.map { $0.coefficient == 1 ? $0.species : "\(Expression.format(number: $0.coefficient)) \($0.species)" }
                .joined(separator: " + ")
        }
        let l = side(reactants), r = side(products)
        let arrow = reversible ? "<->" : "->"
        return [l, arrow, r].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Net change of each species per unit of reaction flux (products minus reactants), in order of appearance.
    public var netStoichiometry: [(species: String, coefficient: Double)] {
        var order: [String] = [], net: [String: Double] = [:]
        for t in reactants {
            if net[t.species] == nil { order.append(t.species) }
            net[t.species, default: 0] -= t.coefficient
        }
        for t in products {
            if net[t.species] == nil { order.append(t.species) }
            net[t.species, default: 0] += t.coefficient
        }
        return order.map { ($0, net[$0]!) }
    }
}

public enum ReactionKind: String, Hashable, Sendable, CaseIterable {
    case binding, dissociation, phosphorylation, dephosphorylation, activation, inactivation
    case transport, transcription, translation, degradation, synthesis, conversion, catalysis
    /// A phosphorylation that switches its target off (AKT on BAD S99, AKT on RAF1 S259).
    case inhibitoryPhosphorylation = "inhibitory-phosphorylation"
    /// A binding that holds its partner away from where it acts (14-3-3 on pBAD, SOCS3 on the receptor).
    case sequestration
}

/// A regulation factor on a built-in rate law.
public struct RegulationTerm: Hashable, Sendable {
    public var species: String
    /// The half-effect constant (K_A or K_I), a parameter or number.
    public var constant: Expression
    public var hill: Expression

    public init(species: String, constant: Expression, hill: Expression = .number(1)) {
        self.species = species
        self.constant = constant
        self.hill = hill
    }
}

/// A reaction's rate law, in concentration per time in the reaction's compartment
/// (or amount per time when the reaction has no compartment).
public enum RateLaw: Hashable, Sendable {
    /// `kf·Π[reactant]^ν − kr·Π[product]^ν`.
    case massAction(forward: Expression, reverse: Expression?)
    /// `V·S/(Km + S)` with `V = kcat·[E]` when an enzyme is named, else `V = vmax`.
    case michaelisMenten(substrate: String, vmax: Expression?, kcat: Expression?, enzyme: String?, km: Expression)
    /// `V·X^n/(K^n + X^n)`: a Hill function of the activating species `X`.
    case hill(of: String, vmax: Expression, k: Expression, n: Expression)
    /// Any expression.
    case expression(Expression)
    /// A built-in law scaled by activation `(A/Ka)^n/(1+(A/Ka)^n)` and inhibition `1/(1+(I/Ki)^n)` factors.
    indirect case regulated(RateLaw, activators: [RegulationTerm], inhibitors: [RegulationTerm])
    /// Any law scaled by a factor (inhibitions and drugs applied by perturbations).
    indirect case scaled(RateLaw, by: Expression)
}

public struct Observable: Hashable, Sendable {
    public var id: String
    public var expression: Expression
    public var label: String?
    public var unit: String?
    public var note: String?
    /// The gene product (or activity-view node) this quantity reads out, e.g. `STAT3`.
    public var entity: String?
    public var module: String
    public var location: SourceLocation

    public init(id: String, expression: Expression, label: String? = nil, unit: String? = nil, note: String? = nil,
                entity: String? = nil, module: String = "", location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.expression = expression
        self.label = label
        self.unit = unit
        self.note = note
        self.entity = entity
        self.module = module
        self.location = location
    }
}

public struct RateRule: Hashable, Sendable {
    public var variable: String
    public var expression: Expression
    public var location: SourceLocation

    public init(variable: String, expression: Expression, location: SourceLocation = .synthetic("<model>")) {
        self.variable = variable
        self.expression = expression
        self.location = location
    }
}

/// An algebraic rule (SBML's `algebraicRule`): `0 = expression` at all times, determining the parameter
/// `variable` (the simulator solves the rule for it: in closed form when it is linear in `variable`,
/// else as a differential–algebraic system).
public struct AlgebraicRule: Hashable, Sendable {
    public var variable: String
    public var expression: Expression
    public var location: SourceLocation
    /// A switched rule (the equilibrium of a fast reaction whose rate has a factor that events can set
    /// to 0): the rule holds while `switch.condition` is non-zero; while it is 0 the rule says nothing
    /// (the fast reaction carries no flux) and `variable` changes at `switch.rateWhileOff` instead.
    /// The condition may change only at events (it reads no species and not time). Nil: always on.
    public var `switch`: Switch?
    /// The rule is the equilibrium of fast reactions and `expression` is the rate at which they move
    /// `variable` (dvariable/dt of the fast process): consistent values are where that process comes to
    /// rest from the current state, found by following it, not any root of the rule.
    public var isFastFlow = false

    public struct Switch: Hashable, Sendable {
        public var condition: Expression
        public var rateWhileOff: Expression

        public init(condition: Expression, rateWhileOff: Expression) {
            self.condition = condition
            self.rateWhileOff = rateWhileOff
        }
    }

    public init(variable: String, expression: Expression, switch: Switch? = nil, isFastFlow: Bool = false,
                location: SourceLocation = .synthetic("<model>")) {
        self.variable = variable
        self.expression = expression
        self.switch = `switch`
        self.isFastFlow = isFastFlow
        self.location = location
    }
}

public struct InitialAssignment: Hashable, Sendable {
    public var variable: String
    public var expression: Expression
    public var location: SourceLocation

    public init(variable: String, expression: Expression, location: SourceLocation = .synthetic("<model>")) {
        self.variable = variable
        self.expression = expression
        self.location = location
    }
}

/// What happens when an event fires: a species or parameter is set to, or increased by, a value.
public struct EventAssignment: Hashable, Sendable {
    public enum Mode: String, Hashable, Sendable { case set, add }
    public var target: String
    public var mode: Mode
    public var value: Expression

    public init(target: String, mode: Mode, value: Expression) {
        self.target = target
        self.mode = mode
        self.value = value
    }
}

public enum EventTrigger: Hashable, Sendable {
    /// At `time`, then every `interval` for `count` times in all (nil count with an interval: until the end).
    case at(time: Double, every: Double?, count: Int?)
    /// When `condition` goes from false to true.
    case when(Expression)

    /// The firing times of a timed trigger within `[start, end]`.
    public func times(from start: Double, to end: Double) -> [Double] {
        guard case .at(let t0, let every, let count) = self else { return [] }
        guard let every, every > 0 else { return t0 >= start && t0 <= end ? [t0] : [] }
        var out: [Double] = [], k = 0
        while true {
            if let count, k >= count { break }
            let t = t0 + Double(k) * every
            if t > end { break }
            if t >= start { out.append(t) }
            k += 1
        }
        return out
    }
}

public struct Event: Hashable, Sendable {
    public var id: String
    public var trigger: EventTrigger
    public var assignments: [EventAssignment]
    /// Time from triggering to execution (SBML `delay`), evaluated when the event triggers; nil: none.
    public var delay: Expression?
    /// Among executions due at the same time, higher priorities go first (SBML `priority`, evaluated
    /// when the choice is made); events without one go after those with one, ties in the order triggered.
    public var priority: Expression?
    /// Whether assigned values are computed when the event triggers (SBML `useValuesFromTriggerTime`)
    /// rather than when it executes; without delays or simultaneous events the two are the same.
    public var useValuesFromTriggerTime: Bool
    /// `false`: a pending execution is cancelled when the trigger turns false before it happens.
    public var persistent: Bool
    /// The trigger's value before the start (SBML `initialValue`): `false` makes a `when` condition that
    /// holds at the start fire then.
    public var initialValue: Bool
    public var note: String?
    public var module: String
    public var location: SourceLocation

    public init(id: String, trigger: EventTrigger, assignments: [EventAssignment], delay: Expression? = nil,
                priority: Expression? = nil, useValuesFromTriggerTime: Bool = false, persistent: Bool = true,
                initialValue: Bool = true, note: String? = nil,
                module: String = "", location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.trigger = trigger
        self.assignments = assignments
        self.delay = delay
        self.priority = priority
        self.useValuesFromTriggerTime = useValuesFromTriggerTime
        self.persistent = persistent
        self.initialValue = initialValue
        self.note = note
        self.module = module
        self.location = location
    }
}

/// A drug: it lowers the rates of its target reactions by `1/(1 + [drug]/IC50)` and may be cleared.
public struct Drug: Hashable, Sendable {
    public var id: String
    public var label: String?
    public var targets: [String]
    public var ic50: Parameter
    /// First-order clearance rate constant (per model time unit), if the drug is cleared.
    public var clearance: Parameter?
    /// Where the drug acts; its concentration is tracked as the species `drug_<id>` there.
    public var compartment: String?
    public var link: String?
    public var note: String?
    public var module: String
    public var location: SourceLocation

    public init(id: String, label: String? = nil, targets: [String], ic50: Parameter, clearance: Parameter? = nil,
                compartment: String? = nil, link: String? = nil, note: String? = nil, module: String = "",
                location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.label = label
        self.targets = targets
        self.ic50 = ic50
        self.clearance = clearance
        self.compartment = compartment
        self.link = link
        self.note = note
        self.module = module
        self.location = location
    }

    /// The species that carries the drug's concentration once it is applied.
    public var speciesID: String { "drug_\(id)" }
}

/// A named perturbation of a model.
public struct Scenario: Hashable, Sendable {
    public var id: String
    public var description: String
    public var perturbations: [Perturbation]
    public var location: SourceLocation

    public init(id: String, description: String = "", perturbations: [Perturbation],
                location: SourceLocation = .synthetic("<model>")) {
        self.id = id
        self.description = description
        self.perturbations = perturbations
        self.location = location
    }
}

/// One change to a model. Perturbations are values; ``Model/applying(_:)`` gives the perturbed model.
public enum Perturbation: Hashable, Sendable {
    /// Initial amount and synthesis set to zero.
    case knockout(species: String)
    /// The reaction's rate scaled by `1 − fraction`.
    case inhibit(reaction: String, fraction: Double)
    /// A drug applied at a concentration from t = 0, acting through the model's drug definition.
    case drug(name: String, concentration: Double)
    /// An amount (concentration) of a species added at a time, optionally repeated.
    case dose(species: String, amount: Double, time: Double, every: Double?, count: Int?)
    case setParameter(name: String, value: Double)
    case scaleParameter(name: String, factor: Double)
    /// Initial value of a species set.
    case setInitial(species: String, value: Double)
}

/// A module: one model file that took part in a composed model.
public struct Module: Hashable, Sendable {
    public var id: String
    public var name: String
    public var file: String
    public var includes: [String]

    public init(id: String, name: String, file: String, includes: [String]) {
        self.id = id
        self.name = name
        self.file = file
        self.includes = includes
    }
}

/// What `pathway simulate` does when not told otherwise.
public struct SimulationDefaults: Hashable, Sendable {
    /// End time in the model's time unit.
    public var end: Double?
    public var points: Int?
    /// Species or observables to write.
    public var observe: [String]

    public init(end: Double? = nil, points: Int? = nil, observe: [String] = []) {
        self.end = end
        self.points = points
        self.observe = observe
    }
}
