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

    /// What the options ask for, for the library to resolve (``PerturbationRequest``).
    var request: PerturbationRequest {
        PerturbationRequest(scenarios: scenario, texts: [
            .knockout: knockout, .inhibit: inhibit, .drug: drug, .dose: dose, .set: set, .scale: scale,
        ])
    }

    /// The ad-hoc perturbations (everything but scenarios), in this order: knockouts, inhibitions,
    /// drugs, doses, sets, scales.
    func adHoc(for model: Model) throws -> [Perturbation] {
        do { return try request.resolveAdHoc(against: model) } catch { throw Self.commandError(error) }
    }

    var hasAdHoc: Bool { request.hasAdHoc }

    /// The perturbations of one scenario.
    static func scenario(_ name: String, in model: Model) throws -> [Perturbation] {
        do { return try model.perturbations(ofScenario: name) } catch { throw CommandError(error.message) }
    }

    /// Every perturbation in order (scenarios first, then the ad-hoc ones) and the model they make.
    func resolve(against model: Model) throws -> (perturbations: [Perturbation], model: Model) {
        do { return try request.resolve(against: model) } catch { throw Self.commandError(error) }
    }

    func apply(to model: Model) throws -> Model {
        try resolve(against: model).model
    }

    /// The library's failure in the command line's words: the option and the text at fault.
    private static func commandError(_ failure: PerturbationRequest.Failure) -> CommandError {
        guard let kind = failure.kind, failure.error.kind == .unknownName || failure.error.kind == .invalidValue else {
            return CommandError(failure.error.message)
        }
        return CommandError("--\(kind.rawValue) \(failure.text): \(failure.error.message)")
    }
}

/// Runs a library call, turning an `AnalysisError` into the command line's message and a failure exit.
func analysis<T>(_ body: () throws(AnalysisError) -> T) throws -> T {
    do { return try body() } catch {
        throw CommandError(commandLineMessage(error))
    }
}

/// An `AnalysisError` in the command line's words: a value at fault is named by its option.
func commandLineMessage(_ error: AnalysisError) -> String {
    guard let input = error.input else { return error.message }
    switch input.setting {
    case .scanAxis:
        let hint = error.kind == .syntax && error.message.hasPrefix("expected") ? " (or NAME with --from, --to and --steps)" : ""
        return "--param \(input.value): \(error.message)\(hint)"
    case .shard:
        return "--shard \(input.value): \(error.message)"
    case .doseRange:
        return "\(error.message) with --from and --to"
    }
}
