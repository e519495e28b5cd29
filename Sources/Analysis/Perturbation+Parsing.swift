import PathwayModel

/// The command-line spellings of a ``Perturbation``.
public enum PerturbationKind: String, Sendable, CaseIterable {
    /// `SPECIES`
    case knockout
    /// `REACTION=FRACTION` (a fraction in [0, 1], or a percentage such as `80%`)
    case inhibit
    /// `NAME=CONCENTRATION` (a unit converts: `500nM`, `2µM`)
    case drug
    /// `SPECIES=AMOUNT@TIME[,every=INTERVAL,count=N]`
    case dose
    /// `NAME=VALUE` (a parameter, or a species' initial value; a concentration unit converts for species)
    case set
    /// `NAME=FACTOR`
    case scale

    /// The syntax, for messages and help.
    public var syntax: String {
        switch self {
        case .knockout: return "SPECIES"
        case .inhibit: return "REACTION=FRACTION"
        case .drug: return "DRUG=CONCENTRATION"
        case .dose: return "SPECIES=AMOUNT@TIME[,every=INTERVAL,count=N]"
        case .set: return "NAME=VALUE"
        case .scale: return "NAME=FACTOR"
        }
    }
}

extension Perturbation {
    /// Parses one command-line perturbation, such as `--dose IL11=1nM@30min,every=2h,count=3`
    /// (`kind` .dose, `text` the part after the option), converting amounts and times written with a
    /// unit to the model's `units`. Names are not checked here: ``Model/applying(_:)`` and
    /// ``Perturbation/check(against:)`` do that.
    public init(parsing text: String, kind: PerturbationKind, units: Units) throws(AnalysisError) {
        let option = "--\(kind.rawValue) \(text)"
        func fail(_ why: String) -> AnalysisError {
            AnalysisError(.syntax, "\(option): \(why) (expected \(kind.syntax))")
        }
        func identifier(_ s: String) throws(AnalysisError) -> String {
            let name = s.trimmingWhitespace
            guard !name.isEmpty else { throw fail("missing name") }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw fail("'\(name)' is not a name")
            }
            return name
        }
        func split(_ s: String) throws(AnalysisError) -> (String, String) {
            guard let eq = s.firstIndex(of: "=") else { throw fail("missing '='") }
            let value = String(s[s.index(after: eq)...]).trimmingWhitespace
            guard !value.isEmpty else { throw fail("missing value after '='") }
            return (try identifier(String(s[..<eq])), value)
        }
        func number(_ s: String, what: String) throws(AnalysisError) -> Double {
            guard let v = Double(s.trimmingWhitespace), v.isFinite else { throw fail("'\(s)' is not a number (\(what))") }
            return v
        }
        func concentration(_ s: String, what: String) throws(AnalysisError) -> Double {
            guard let q = Quantity(parsing: s), q.value.isFinite else { throw fail("'\(s)' is not a \(what)") }
            guard let v = q.concentration(in: units.concentration) else {
                throw fail("'\(q.unit ?? "")' is not a concentration unit convertible to the model's \(units.concentration.rawValue)")
            }
            return v
        }
        func duration(_ s: String, what: String) throws(AnalysisError) -> Double {
            guard let q = Quantity(parsing: s), q.value.isFinite else { throw fail("'\(s)' is not a \(what)") }
            guard let v = q.time(in: units.time) else {
                throw fail("'\(q.unit ?? "")' is not a time unit (use s, min, h or d)")
            }
            return v
        }

        switch kind {
        case .knockout:
            guard !text.contains("=") else { throw fail("a knockout takes only a species name") }
            self = .knockout(species: try identifier(text))
        case .inhibit:
            let (name, value) = try split(text)
            var fraction: Double
            if value.hasSuffix("%") {
                fraction = try number(String(value.dropLast()), what: "a percentage") / 100
            } else {
                fraction = try number(value, what: "a fraction")
            }
            guard (0...1).contains(fraction) else { throw fail("the inhibited fraction must be between 0 and 1 (or 0% and 100%)") }
            fraction = min(max(fraction, 0), 1)
            self = .inhibit(reaction: name, fraction: fraction)
        case .drug:
            let (name, value) = try split(text)
            let c = try concentration(value, what: "concentration")
            guard c >= 0 else { throw fail("a drug concentration cannot be negative") }
            self = .drug(name: name, concentration: c)
        case .dose:
            let (name, rest) = try split(text)
            let parts = rest.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
            guard let first = parts.first, let at = first.firstIndex(of: "@") else { throw fail("missing '@TIME'") }
            let amount = try concentration(String(first[..<at]), what: "amount")
            guard amount >= 0 else { throw fail("a dose cannot be negative") }
            let time = try duration(String(first[first.index(after: at)...]), what: "time")
            guard time >= 0 else { throw fail("a dose time cannot be negative") }
            var every: Double?, count: Int?
            for option in parts.dropFirst() {
                guard let eq = option.firstIndex(of: "=") else { throw fail("'\(option)' is not every=INTERVAL or count=N") }
                let key = option[..<eq].trimmingWhitespace, value = String(option[option.index(after: eq)...])
                switch key {
                case "every":
                    guard every == nil else { throw fail("'every' given twice") }
                    let e = try duration(value, what: "interval")
                    guard e > 0 else { throw fail("the interval must be positive") }
                    every = e
                case "count":
                    guard count == nil else { throw fail("'count' given twice") }
                    guard let n = Int(value.trimmingWhitespace), n >= 1 else { throw fail("count must be a whole number ≥ 1, not '\(value)'") }
                    count = n
                default:
                    throw fail("unknown dose option '\(key)' (use every= and count=)")
                }
            }
            if count != nil && every == nil && count != 1 { throw fail("count=N needs every=INTERVAL") }
            self = .dose(species: name, amount: amount, time: time, every: every, count: count)
        case .set:
            let (name, value) = try split(text)
            // A bare number, or a concentration with a unit (for species' initial values).
            if let v = Double(value), v.isFinite {
                self = .setParameter(name: name, value: v)
            } else {
                self = .setParameter(name: name, value: try concentration(value, what: "number or concentration"))
            }
        case .scale:
            let (name, value) = try split(text)
            let f = try number(value, what: "a factor")
            guard f >= 0 else { throw fail("a scale factor cannot be negative") }
            self = .scaleParameter(name: name, factor: f)
        }
    }

    /// Checks that the perturbation names something the model has, with a suggestion when it does not.
    public func check(against model: Model) throws(AnalysisError) {
        func require(_ name: String, in pool: [String], what: String) throws(AnalysisError) {
            guard !pool.contains(name) else { return }
            let list = pool.isEmpty ? " (the model defines none)" : ""
            throw AnalysisError(.unknownName, "unknown \(what) '\(name)'\(suggestion(for: name, in: pool))\(list)")
        }
        switch self {
        case .knockout(let s), .dose(let s, _, _, _, _), .setInitial(let s, _):
            try require(s, in: model.species.map(\.id), what: "species")
        case .inhibit(let r, _):
            try require(r, in: model.reactions.map(\.id), what: "reaction")
        case .drug(let d, _):
            try require(d, in: model.drugs.map(\.id), what: "drug")
        case .setParameter(let p, _), .scaleParameter(let p, _):
            try require(p, in: model.parameters.map(\.id) + model.species.map(\.id), what: "parameter or species")
            // A value the model forbids (a `positive: true` parameter ≤ 0, a negative rate constant).
            guard let old = model.parameter(named: p)?.value, let req = model.valueRequirement(ofParameter: p) else { return }
            let value: Double, verb: String
            if case .setParameter(_, let v) = self {
                (value, verb) = (v, "set to \(NumberFormat.exact(v))")
            } else if case .scaleParameter(_, let f) = self {
                (value, verb) = (old * f, "scaled by \(NumberFormat.exact(f)) (to \(NumberFormat.exact(old * f)))")
            } else {
                return
            }
            if !req.allows(value) {
                throw AnalysisError(.invalidValue, "parameter '\(p)' \(req.rule), so it cannot be \(verb)")
            }
        }
    }
}

extension Model {
    /// Applies perturbations after checking every name, turning the model's errors into one ``AnalysisError``.
    public func perturbed(by perturbations: [Perturbation]) throws(AnalysisError) -> Model {
        do {
            return try applying(perturbations)
        } catch {
            throw AnalysisError(.unknownName, error.diagnostics.map(\.message).joined(separator: "\n"))
        }
    }

    /// The perturbations of a named scenario, or an error naming the scenarios there are.
    public func perturbations(ofScenario name: String) throws(AnalysisError) -> [Perturbation] {
        guard let s = scenario(named: name) else {
            let names = scenarios.map(\.id)
            let list = names.isEmpty ? "the model defines no scenarios" : "scenarios: \(names.joined(separator: ", "))"
            throw AnalysisError(.unknownName, "unknown scenario '\(name)'\(suggestion(for: name, in: names)) (\(list))")
        }
        return s.perturbations
    }
}
