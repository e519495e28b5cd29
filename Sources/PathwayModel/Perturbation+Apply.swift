extension Model {
    /// The model with a named scenario applied.
    public func applying(scenario name: String) throws(ModelError) -> Model {
        guard let s = scenario(named: name) else {
            let names = scenarios.map(\.id)
            let list = names.isEmpty ? "the model defines no scenarios" : "scenarios: \(names.joined(separator: ", "))"
            throw ModelError(at: .synthetic("<scenario>"),
                             "unknown scenario '\(name)'\(suggestion(for: name, in: names)) (\(list))")
        }
        return try applying(s.perturbations)
    }

    /// The model with perturbations applied in order. Every perturbation must name something that exists.
    public func applying(_ perturbations: [Perturbation]) throws(ModelError) -> Model {
        var m = self
        var sink = DiagnosticSink()
        let here = SourceLocation.synthetic("perturbation")
        for p in perturbations {
            switch p {
            case .knockout(let name):
                guard let i = m.species.firstIndex(where: { $0.id == name }) else {
                    sink.error(here, "cannot knock out unknown species '\(name)'\(suggestion(for: name, in: m.species.map(\.id)))")
                    continue
                }
                m.species[i].initialValue = 0
                m.initialAssignments.removeAll { $0.variable == name }
                // Synthesis: reactions that make the species without consuming anything.
                for j in m.reactions.indices {
                    let net = m.reactions[j].netStoichiometry
                    let makes = net.contains { $0.species == name && $0.coefficient > 0 }
                    let consumes = net.contains { $0.coefficient < 0 }
                    if makes && !consumes {
                        m.reactions[j].rateLaw = .scaled(m.reactions[j].rateLaw, by: .number(0))
                    }
                }
            case .inhibit(let reaction, let fraction):
                guard let j = m.reactions.firstIndex(where: { $0.id == reaction }) else {
                    sink.error(here, "cannot inhibit unknown reaction '\(reaction)'\(suggestion(for: reaction, in: m.reactions.map(\.id)))")
                    continue
                }
                guard (0...1).contains(fraction) else {
                    sink.error(here, "an inhibited fraction is between 0 and 1, not \(Expression.format(number: fraction))")
                    continue
                }
                m.reactions[j].rateLaw = .scaled(m.reactions[j].rateLaw, by: .number(1 - fraction))
            case .drug(let name, let concentration):
                guard let drug = m.drug(named: name) else {
                    let names = m.drugs.map(\.id)
                    sink.error(here, "unknown drug '\(name)'\(suggestion(for: name, in: names))" + (names.isEmpty ? " (the model defines no drugs)" : " (drugs: \(names.joined(separator: ", ")))"))
                    continue
                }
                m.applyDrug(drug, concentration: concentration)
            case .dose(let species, let amount, let time, let every, let count):
                guard m.species(named: species) != nil else {
                    sink.error(here, "cannot dose unknown species '\(species)'\(suggestion(for: species, in: m.species.map(\.id)))")
                    continue
                }
                let n = m.events.filter { $0.id.hasPrefix("dose_\(species)") }.count
                m.events.append(Event(
                    id: "dose_\(species)\(n == 0 ? "" : "_\(n + 1)")", trigger: .at(time: time, every: every, count: count),
                    assignments: [EventAssignment(target: species, mode: .add, value: .number(amount))],
                    note: "dose added by a perturbation", location: here))
            case .setParameter(let name, let value):
                if let i = m.parameters.firstIndex(where: { $0.id == name }) {
                    if let req = m.valueRequirement(ofParameter: name), !req.allows(value) {
                        sink.error(here, "cannot set parameter '\(name)' to \(Expression.format(number: value)): it \(req.rule)")
                        continue
                    }
                    m.parameters[i].value = value
                } else if let i = m.species.firstIndex(where: { $0.id == name }) {
                    m.species[i].initialValue = value
                } else {
                    sink.error(here, "cannot set unknown parameter '\(name)'\(suggestion(for: name, in: m.parameters.map(\.id) + m.species.map(\.id)))")
                }
            case .scaleParameter(let name, let factor):
                if let i = m.parameters.firstIndex(where: { $0.id == name }) {
                    let value = m.parameters[i].value * factor
                    if let req = m.valueRequirement(ofParameter: name), !req.allows(value) {
                        sink.error(here, "cannot scale parameter '\(name)' by \(Expression.format(number: factor)) (to \(Expression.format(number: value))): it \(req.rule)")
                        continue
                    }
                    m.parameters[i].value = value
                } else if let i = m.species.firstIndex(where: { $0.id == name }) {
                    m.species[i].initialValue *= factor
                } else {
                    sink.error(here, "cannot scale unknown parameter '\(name)'\(suggestion(for: name, in: m.parameters.map(\.id) + m.species.map(\.id)))")
                }
            case .setInitial(let name, let value):
                guard let i = m.species.firstIndex(where: { $0.id == name }) else {
                    sink.error(here, "cannot set the initial value of unknown species '\(name)'\(suggestion(for: name, in: m.species.map(\.id)))")
                    continue
                }
                m.species[i].initialValue = value
            }
        }
        if sink.hasErrors { throw ModelError(sink.diagnostics) }
        return m
    }

    /// Adds the drug as a species acting on its targets: each target's rate is multiplied by
    /// `1/(1 + [drug]/IC50)`; with a clearance, the drug decays by first-order kinetics.
    private mutating func applyDrug(_ drug: Drug, concentration: Double) {
        let sid = drug.speciesID
        if let i = species.firstIndex(where: { $0.id == sid }) {
            species[i].initialValue = concentration
            return
        }
        let targetCompartment = drug.targets.compactMap { t in reactions.first { $0.id == t }?.compartment }.first { !$0.isEmpty }
        let compartment = drug.compartment ?? targetCompartment ?? compartments.first?.id ?? ""
        species.append(Species(
            id: sid, compartment: compartment, initialValue: concentration,
            display: DisplayInfo(role: .drug, label: drug.label ?? drug.id, entities: [drug.id], link: drug.link),
            module: drug.module, location: drug.location))
        var ic50 = drug.ic50
        ic50.id = "\(drug.id)_IC50"
        parameters.append(ic50)
        let factor: Expression = .number(1) / (.number(1) + .symbol(sid) / .symbol(ic50.id))
        for j in reactions.indices where drug.targets.contains(reactions[j].id) {
            reactions[j].rateLaw = .scaled(reactions[j].rateLaw, by: factor)
            reactions[j].modifiers.append(Modifier(sid, .inhibitor))
        }
        if var cl = drug.clearance, cl.value > 0 {
            cl.id = "\(drug.id)_clearance"
            parameters.append(cl)
            reactions.append(Reaction(
                id: "\(drug.id)_clearance_reaction", reactants: [StoichiometricTerm(sid)], products: [], reversible: false,
                rateLaw: .massAction(forward: .symbol(cl.id), reverse: nil), compartment: compartment,
                kind: .degradation, label: "clearance of \(drug.label ?? drug.id)", module: drug.module, location: drug.location))
        }
    }
}
