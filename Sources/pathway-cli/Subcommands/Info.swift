import ArgumentParser
import Foundation
import PathwayModel

extension Pathway {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a model: species, reactions, parameters and sources, modules, scenarios, conservation laws.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .long, help: "Output format: text or json.")
        var format: Format = .text

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() throws {
            let model = try loadModel(file)
            switch format {
            case .text: try emit(ModelDescription.text(model), to: output)
            case .json:
                guard let json = ModelDescription.json(model) else {
                    throw CommandError("cannot write the model '\(model.id)' as JSON")
                }
                try emit(json, to: output)
            }
        }
    }
}
