import ArgumentParser

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
}
