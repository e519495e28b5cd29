import ArgumentParser
import Diagram
import PathwayModel
import SBML
import Simulator

extension Pathway {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check model files; exits 0 only when all are valid.",
            discussion: """
                Errors and warnings are printed as file:line:column: severity: message. Besides the model's own \
                checks, a species that the activity diagram would draw without any arrow is warned about. \
                `.xml` and `.sbml` files are read as SBML (libSBML's checks, then the import's).
                """)

        @Argument(help: "Model files (YAML, or SBML by the extension .xml or .sbml).")
        var files: [String]

        @Flag(name: .long, help: "Treat warnings as errors.")
        var strict = false

        @Flag(name: .shortAndLong, help: "Print only problems, not the summary line per valid file.")
        var quiet = false

        @Flag(name: .long, help: "Also check the modifiers' signs with each of the model's scenarios applied.")
        var scenarios = false

        func run() throws {
            var failed = 0
            for file in files {
                let loaded: LoadedModel
                if isSBMLPath(file) {
                    do {
                        let imported = try SBMLImporter.importFile(path: file)
                        loaded = LoadedModel(model: imported.model, warnings: imported.warnings)
                    } catch {
                        report(error.diagnostics)
                        failed += 1
                        continue
                    }
                } else {
                    do { loaded = try ModelLoader.load(path: file) } catch {
                        report(error.diagnostics)
                        failed += 1
                        continue
                    }
                }
                // Activators, catalysts and inhibitors against the sign of ∂rate/∂modifier.
                let signs = ModifierSignCheck.diagnostics(for: loaded.model, options: .init(scenarios: scenarios))
                // The stranded-node check is about the YAML's drawing hints; an SBML file has none to fix.
                let stranded = isSBMLPath(file) ? [] : DiagramBuilder.strandedNodeWarnings(in: loaded.model)
                let diagnostics = (loaded.warnings + signs + stranded).inFileOrder
                report(diagnostics)
                if signs.contains(where: { $0.severity == .error }) || (strict && !diagnostics.isEmpty) {
                    failed += 1
                    continue
                }
                if !quiet {
                    let m = loaded.model
                    try Output.write("\(file): ok: \(m.species.count) species, \(m.reactions.count) reactions, \(m.parameters.count) parameters, \(m.modules.count) module\(m.modules.count == 1 ? "" : "s")\n", to: nil)
                }
            }
            if failed > 0 {
                throw CommandError("\(failed) of \(files.count) file\(files.count == 1 ? "" : "s") invalid")
            }
        }
    }
}
