import ArgumentParser
import Foundation
import PathwayModel
import SBML

extension Pathway {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a model between the YAML format and SBML (by file extension).",
            discussion: """
                IN and OUT are .yaml (or .yml), .xml or .sbml files; OUT may be '-' for SBML on standard output.
                SBML is written as Level 3 Version 2 and checked with libSBML before it is saved.
                Scenarios are not SBML: apply one with --scenario to export the perturbed model.
                Examples:
                  pathway convert models/il11.yaml out/il11.xml
                  pathway convert models/il11.yaml out/il11-ko.xml --scenario socs3-knockout
                  pathway convert BIOMD0000000010.xml out/mapk.yaml
                """)

        @Argument(help: "The model to read (.yaml, .xml or .sbml).")
        var input: String

        @Argument(help: "The file to write (.yaml, .xml or .sbml; '-' for SBML on standard output).")
        var output: String

        @OptionGroup var perturbations: PerturbationOptions

        func validate() throws {
            let ext = (output as NSString).pathExtension.lowercased()
            if output != "-" && !["xml", "sbml", "yaml", "yml"].contains(ext) {
                throw ValidationError("cannot tell the format of '\(output)': use .yaml, .xml or .sbml")
            }
        }

        func run() throws {
            var model = try loadModel(input)
            model = try perturbations.apply(to: model)
            let text: String
            if output == "-" || isSBMLPath(output) {
                do { text = try SBMLExporter.export(model) } catch {
                    throw CommandError(diagnostics: error.diagnostics)
                }
                let problems = SBMLExporter.validate(xml: text, file: output).filter { $0.severity == .error }
                if !problems.isEmpty {
                    throw CommandError(lines: problems.map(\.description)
                        + ["error: libSBML rejects the SBML written for '\(input)'; nothing was saved"])
                }
            } else {
                do { text = try YAMLModelWriter.write(model) } catch {
                    throw CommandError(diagnostics: error.diagnostics)
                }
            }
            try Output.write(text, to: output)
        }
    }
}
