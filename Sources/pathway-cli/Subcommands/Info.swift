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

        @OptionGroup var format: FormatOption<Format>

        @OptionGroup var output: OutputOption

        func run() throws {
            let model = try loadModel(file)
            switch format.format {
            case .text: try output.write(ModelDescription.text(model))
            case .json:
                guard let json = ModelDescription.json(model) else {
                    throw CommandError("cannot write the model '\(model.id)' as JSON")
                }
                try output.write(json)
            }
        }
    }
}
