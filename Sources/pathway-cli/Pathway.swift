import ArgumentParser
import Foundation

@main
struct Pathway: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathway",
        abstract: "Simulate and draw cell-signalling pathways.",
        discussion: """
            Models are YAML files (see docs/model-format.md). Start with:
              pathway validate models/*.yaml
              pathway info models/il11.yaml
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Info.self, Simulate.self, Convert.self, SBMLTest.self,
                      Compare.self, Scan.self, Merge.self, DoseResponseCommand.self, SteadyStateCommand.self, Sensitivity.self, Steps.self, Render.self, ReportCommand.self, Fit.self]
    )

    /// argument-parser's `main`, with the one error path of the command line: a `CommandError` is
    /// printed here, once, and sets the exit status; anything else goes to argument-parser.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CommandError {
            error.print()
            Foundation.exit(error.code)
        } catch {
            exit(withError: error)
        }
    }
}
