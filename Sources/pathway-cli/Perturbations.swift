import Analysis
import Foundation
import ArgumentParser
import PathwayModel

/// Perturbations shared by the commands that run a model: named scenarios and ad-hoc changes.
/// The parsing and the checks live in Analysis (`Perturbation(parsing:kind:units:)`); this only collects
/// the options.
struct PerturbationOptions: ParsableArguments {
    @Option(name: .long, help: "Apply a scenario defined in the model (repeatable; applied in order).")
    var scenario: [String] = []

    @Option(name: .long, help: ArgumentHelp("Knock out a species: initial amount and synthesis set to zero (repeatable).", valueName: "SPECIES"))
    var knockout: [String] = []

    @Option(name: .long, help: ArgumentHelp("Inhibit a reaction: its rate times 1 − FRACTION (0…1, or a percentage like 80%).", valueName: "REACTION=FRACTION"))
    var inhibit: [String] = []

    @Option(name: .long, help: ArgumentHelp("Apply one of the model's drugs from t = 0 (target, IC50 and clearance from its definition), e.g. ruxolitinib=500nM.", valueName: "DRUG=CONCENTRATION"))
    var drug: [String] = []

    @Option(name: .long, help: ArgumentHelp("Add an amount of a species at a time, optionally repeated, e.g. IL11=1nM@30min,every=2h,count=3.", valueName: "SPECIES=AMOUNT@TIME[,every=INTERVAL,count=N]"))
    var dose: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a parameter (or a species' initial value; a concentration unit converts) (repeatable).", valueName: "NAME=VALUE"))
    var set: [String] = []

    @Option(name: .long, help: ArgumentHelp("Multiply a parameter (or a species' initial value) by a factor (repeatable).", valueName: "NAME=FACTOR"))
    var scale: [String] = []

    /// The ad-hoc perturbations (everything but scenarios), in this order: knockouts, inhibitions,
    /// drugs, doses, sets, scales.
    func adHoc(for model: Model) throws -> [Perturbation] {
        var out: [Perturbation] = []
        let groups: [(PerturbationKind, [String])] = [
            (.knockout, knockout), (.inhibit, inhibit), (.drug, drug), (.dose, dose), (.set, set), (.scale, scale),
        ]
        // Names are checked against the model as perturbed so far (so `--set drug_X=…` can follow `--drug X=…`).
        var current = model
        for (kind, texts) in groups {
            for text in texts {
                do {
                    let p = try Perturbation(parsing: text, kind: kind, units: model.units)
                    try p.check(against: current)
                    current = (try? current.applying([p])) ?? current
                    out.append(p)
                } catch {
                    throw CommandError(error.kind == .unknownName || error.kind == .invalidValue ? "--\(kind.rawValue) \(text): \(error.message)" : error.message)
                }
            }
        }
        return out
    }

    var hasAdHoc: Bool { !(knockout.isEmpty && inhibit.isEmpty && drug.isEmpty && dose.isEmpty && set.isEmpty && scale.isEmpty) }

    /// The perturbations of one scenario.
    static func scenario(_ name: String, in model: Model) throws -> [Perturbation] {
        do { return try model.perturbations(ofScenario: name) } catch {
            throw CommandError(error.message)
        }
    }

    /// Every perturbation in order: scenarios first, then the ad-hoc ones.
    func perturbations(for model: Model) throws -> [Perturbation] {
        var out: [Perturbation] = []
        for name in scenario { out += try Self.scenario(name, in: model) }
        return out + (try adHoc(for: model))
    }

    func apply(to model: Model) throws -> Model {
        try Self.apply(try perturbations(for: model), to: model)
    }

    static func apply(_ list: [Perturbation], to model: Model) throws -> Model {
        do { return try model.perturbed(by: list) } catch {
            throw CommandError(error.message)
        }
    }
}

func splitAssignment(_ text: String, option: String) throws -> (String, String) {
    let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw CommandError("\(option) \(text): expected NAME=VALUE")
    }
    return (parts[0], parts[1])
}

/// Runs a library call, turning an `AnalysisError` into a message and a failure exit.
func analysis<T>(_ body: () throws(AnalysisError) -> T) throws -> T {
    do { return try body() } catch {
        throw CommandError(error.message)
    }
}
