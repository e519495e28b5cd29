import PathwayModel

/// The perturbations a user asks for as text (`pathway`'s `--scenario`, `--knockout`, `--inhibit`,
/// `--drug`, `--dose`, `--set`, `--scale`), resolved against a model in one place: scenarios first, in
/// the order given, then the ad-hoc perturbations in the order knockouts, inhibitions, drugs, doses,
/// sets, scales. Each is parsed, checked against the model as perturbed by the ones before it (so
/// `--set` may name the parameters `--drug` adds) and applied, once.
public struct PerturbationRequest: Sendable, Hashable {
    /// Scenario names, applied first, in order.
    public var scenarios: [String]
    /// The texts of each kind (any order here; resolved in ``PerturbationKind``'s order).
    public var texts: [PerturbationKind: [String]]

    public init(scenarios: [String] = [], texts: [PerturbationKind: [String]] = [:]) {
        self.scenarios = scenarios
        self.texts = texts
    }

    /// Whether any ad-hoc (non-scenario) perturbation is asked for.
    public var hasAdHoc: Bool { texts.values.contains { !$0.isEmpty } }

    /// What went wrong, and for which request: a scenario (by name) or an ad-hoc text of a kind.
    public struct Failure: Error, Sendable, Equatable {
        /// The kind of the ad-hoc text at fault, or nil for a scenario.
        public var kind: PerturbationKind?
        /// The text (or scenario name) at fault.
        public var text: String
        public var error: AnalysisError
    }

    /// The scenarios' perturbations and the ad-hoc ones, in order, and `model` with all of them applied.
    public func resolve(against model: Model) throws(Failure) -> (perturbations: [Perturbation], model: Model) {
        var list: [Perturbation] = []
        var current = model
        for name in scenarios {
            let ps: [Perturbation]
            do { ps = try model.perturbations(ofScenario: name) } catch { throw Failure(kind: nil, text: name, error: error) }
            do { current = try current.perturbed(by: ps) } catch { throw Failure(kind: nil, text: name, error: error) }
            list += ps
        }
        let adHoc = try Self.adHoc(texts, units: model.units, against: current)
        return (list + adHoc.perturbations, adHoc.model)
    }

    /// The ad-hoc perturbations alone (no scenarios), checked and applied against `model`.
    public func resolveAdHoc(against model: Model) throws(Failure) -> [Perturbation] {
        try Self.adHoc(texts, units: model.units, against: model).perturbations
    }

    private static func adHoc(_ texts: [PerturbationKind: [String]], units: Units, against model: Model)
        throws(Failure) -> (perturbations: [Perturbation], model: Model)
    {
        var list: [Perturbation] = []
        var current = model
        for kind in PerturbationKind.allCases {
            for text in texts[kind] ?? [] {
                do {
                    let p = try Perturbation(parsing: text, kind: kind, units: units)
                    try p.check(against: current)
                    current = try current.perturbed(by: [p])
                    list.append(p)
                } catch {
                    throw Failure(kind: kind, text: text, error: error)
                }
            }
        }
        return (list, current)
    }
}
