import ArgumentParser
import PathwayModel

/// Perturbations shared by the commands that run a model: named scenarios and ad-hoc changes.
struct PerturbationOptions: ParsableArguments {
    @Option(name: .long, help: "Apply a scenario defined in the model (repeatable; applied in order).")
    var scenario: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a parameter (or a species' initial value): NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
    var set: [String] = []

    /// The perturbations in order: scenarios first, then --set.
    func perturbations(for model: Model) throws -> [Perturbation] {
        var out: [Perturbation] = []
        for name in scenario {
            guard let s = model.scenario(named: name) else {
                do { _ = try model.applying(scenario: name) } catch { report(error.diagnostics) }
                throw ExitCode.failure
            }
            out.append(contentsOf: s.perturbations)
        }
        for assignment in set {
            let (name, value) = try splitAssignment(assignment, option: "--set")
            guard let v = Double(value) else {
                printError("--set \(assignment): '\(value)' is not a number")
                throw ExitCode.failure
            }
            out.append(.setParameter(name: name, value: v))
        }
        return out
    }

    func apply(to model: Model) throws -> Model {
        let list = try perturbations(for: model)
        do { return try model.applying(list) } catch {
            for d in error.diagnostics { printError(d.message) }
            throw ExitCode.failure
        }
    }
}

func splitAssignment(_ text: String, option: String) throws -> (String, String) {
    let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        printError("\(option) \(text): expected NAME=VALUE")
        throw ExitCode.failure
    }
    return (parts[0], parts[1])
}
