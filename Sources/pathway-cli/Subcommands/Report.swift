import Analysis
import ArgumentParser
import PathwayModel
import Report

extension Pathway {
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write one self-contained HTML page about a model: the diagram through time, time courses, scenarios, a dose–response and the step-size lesson.",
            discussion: """
                The page has everything inline (SVG, CSS and a small script of its own for the time slider \
                and the scenario switch): it opens without a network and prints. --embed leaves out the \
                header and footer, for an iframe.

                Examples:
                  pathway report models/il11.yaml -o il11.html
                  pathway report models/il11.yaml --scenarios socs3-knockout,ruxolitinib --at 30min -o il11.html
                  pathway report models/kholodenko-2000.yaml --embed -o kholodenko.html
                """)

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write.", valueName: "file.html"))
        var output: String

        @OptionGroup(title: "Perturbations (applied to every run of the page)")
        var perturbations: PerturbationOptions

        @OptionGroup(title: "Simulation")
        var simulation: SimulationOptions

        @Option(help: ArgumentHelp("Scenarios to compare and switch between (comma-separated; default: the first 8 scenarios of the model file itself, leaving out those of its includes and dosing regimens).", valueName: "names"))
        var scenarios: String?

        @Option(help: ArgumentHelp("The time the diagram opens at (default: when the first readout peaks).", valueName: "time"))
        var at: String?

        @Option(help: ArgumentHelp("Frames of the time slider (default 49).", valueName: "n"))
        var frames: Int = 49

        @Flag(help: "Leave out the header and footer (for an iframe).")
        var embed = false

        @Flag(name: .customLong("no-steps"), help: "Leave out the step-size lesson (it takes a few seconds on stiff models).")
        var noSteps = false

        func run() throws {
            guard (2...400).contains(frames) else { throw CommandError.usage("--frames must be between 2 and 400, not \(frames)") }
            try Output.check([output])
            let original = try loadModel(file)
            let model = try perturbations.apply(to: original)
            var request = ReportRequest(file: file, original: original, model: model, perturbations: perturbations.request,
                                        settings: try simulation.settings(for: model))
            request.scenarios = scenarios.map(parseList)
            request.openAt = try at.map { try parseDuration($0, option: "--at", unit: model.units.time) }
            request.frames = frames
            request.embed = embed
            request.includeSteps = !noSteps
            let page: ReportPage
            do { page = try ModelReport.page(request) } catch {
                throw CommandError(error.setting == .openingTime ? "--at " + error.message : error.message)
            }
            try Output.write(page.html(), to: output)
        }
    }
}
