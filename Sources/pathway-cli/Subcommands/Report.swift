import Analysis
import ArgumentParser
import Diagram
import Foundation
import PathwayModel
import Plot
import Report
import Simulator

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
            guard (2...400).contains(frames) else { throw usage("--frames must be between 2 and 400, not \(frames)") }
            try checkDestinations([output])
            let original = try loadModel(file)
            let model = try perturbations.apply(to: original)
            let unit = model.units.time
            var settings = try simulation.settings(for: model)
            let end = settings.end
            let frameTimes = (0..<frames).map { end * Double($0) / Double(frames - 1) }
            settings.output = .times(Array(Set((0..<241).map { end * Double($0) / 240 } + frameTimes)).sorted())

            // Scenarios: the runs of the page.
            let available = model.scenarios.map(\.id)
            let chosen = try scenarios.map(parseList).map { names in
                try names.map { name in
                    guard available.contains(name) else {
                        throw failure("unknown scenario '\(name)'" + (closestMatch(to: name, in: available).map { " (did you mean '\($0)'?)" } ?? ""))
                    }
                    return name
                }
            } ?? Array(model.scenarios.filter { $0.location.file == file && !$0.perturbations.contains(where: Self.isRegimen) }
                .map(\.id).prefix(8))
            var runs: [(label: String, model: Model)] = [("baseline", model)]
            for name in chosen {
                runs.append((name, try PerturbationOptions.apply(try PerturbationOptions.scenario(name, in: model), to: model)))
            }
            let observe = model.simulation.observe.isEmpty ? Array(model.observables.prefix(4).map(\.id)) : model.simulation.observe
            var results: [DiagramResults] = []
            var series: [(label: String, times: [Double], series: [[Double]])] = []
            for run in runs {
                let r = diagramResults(try simulateEverything(run.model, settings, label: run.label))
                results.append(r)
                series.append((run.label, r.times, observe.map { r.columns[$0] ?? [] }))
            }

            // The diagram, opening at --at or at the first readout's peak.
            var openAt = end / 8
            if let at { openAt = try parseDuration(at, option: "--at", unit: unit) } else if let first = observe.first,
                let values = results[0].columns[first], let peak = values.indices.max(by: { values[$0] < values[$1] }) {
                openAt = results[0].times[peak]
            }
            guard openAt >= 0, openAt <= end else {
                throw failure("--at \(readableTime(openAt, unit: unit)) is outside the simulated range 0 s to \(readableTime(end, unit: unit))")
            }
            let initialFrame = frameTimes.indices.min { abs(frameTimes[$0] - openAt) < abs(frameTimes[$1] - openAt) } ?? 0
            var options = DiagramOptions(scenario: perturbations.scenario.first)
            options.levels = LevelOptions(results: results[0], time: frameTimes[initialFrame], timeLabel: "the time on the slider")
            let diagram: PathwayDiagram
            let svg: String
            do {
                diagram = try DiagramBuilder.diagram(for: original, options: options)
                svg = String(decoding: try DiagramRenderer.render(diagram, format: .svg), as: UTF8.self)
            } catch {
                throw failure("\(file): \(error)")
            }
            let colours = results.map { DiagramRenderer.frameColours(diagram, model: original, results: $0, frames: frameTimes) }
            let marked = ResultsSVG.markForRecolouring(svg, nodes: diagram.moleculeNodes)

            // Time courses: one plot per readout, every run.
            let name = model.name.isEmpty ? model.id : model.name
            var figures: [ReportPage.Figure] = []
            for (k, readout) in observe.enumerated() {
                let runsForPlot = series.map { ($0.label, $0.times, [$0.series[k]]) }
                let plot = timeCoursePlot(title: readout, model: model, names: [readout], runs: runsForPlot, logY: false)
                let label = model.observables.first { $0.id == readout }?.label ?? readout
                figures.append(ReportPage.Figure(title: readout, svg: plot, caption: "\(label): \(runs.count == 1 ? "the model" : "every scenario").")) 
            }

            // The comparison table.
            var rows: [[String]] = []
            for (k, readout) in observe.enumerated() {
                let base = TimeCourseSummary(times: series[0].times, values: series[0].series[k])
                for run in series {
                    let s = TimeCourseSummary(times: run.times, values: run.series[k])
                    rows.append([readout, run.label, NumberFormat.short(s.peak), readableTime(s.timeToPeak, unit: unit),
                                 NumberFormat.short(s.final), NumberFormat.short(s.auc),
                                 base.auc > 0 ? NumberFormat.short(s.auc / base.auc, digits: 3) : "–"])
                }
            }
            let table = runs.count > 1 || !observe.isEmpty ? ReportPage.Table(
                caption: "Peak, time to peak, value at \(readableTime(end, unit: unit)) and area under the curve (AUC, \(model.units.time.rawValue)) of each readout; the last column is the AUC relative to the baseline.",
                header: ["readout — run", "peak", "time to peak", "final", "AUC", "AUC / baseline"], rows: rows.map { r in [r[0] + " — " + r[1]] + r.dropFirst(2) }) : nil

            // A dose–response of the first readout to the model's ligand.
            var doseFigure: ReportPage.Figure?
            var doseSummary: String?
            if let ligand = model.species.first(where: { $0.display.role == .ligand && $0.initialValue > 0 }), let readout = observe.first {
                let lo = ligand.initialValue / 100, hi = ligand.initialValue * 100
                var doseSettings = settings
                doseSettings.output = .points(121)
                if let result = try? DoseResponse.run(model: model, input: ligand.id, readout: Readout(observe: readout, kind: .timeCourse(.peak), settings: doseSettings),
                                                       from: lo, to: hi, steps: 13) {
                    let c = model.units.concentration.rawValue
                    let plot = LinePlot(title: "\(result.readout) vs \(ligand.id)", xLabel: "\(ligand.id) (\(c))", yLabel: readout,
                                        series: [Series(name: "simulated", x: result.doses, y: result.responses)], logX: true).svg()
                    doseFigure = ReportPage.Figure(title: "dose–response", svg: plot, caption: "Peak \(readout) against the \(ligand.display.label ?? ligand.id) concentration (13 doses, 1/100 to 100 times the model's \(NumberFormat.short(ligand.initialValue)) \(c)).")
                    doseSummary = "EC50 " + (result.ec50.map { "\(NumberFormat.short($0)) \(c)" } ?? "not reached")
                        + (result.hillCoefficient.map { "; effective Hill coefficient \(NumberFormat.short($0, digits: 3))" } ?? "") + "."
                }
            }

            // The step-size lesson, on a short span so that it stays quick on stiff models.
            var stepsFigure: ReportPage.Figure?
            var stepsText: String?
            if !noSteps, let readout = observe.first {
                let span = min(end, 300 / unit.seconds)
                if let study = try? StepSizeStudy.run(model: model, options: .init(species: [readout], end: span, methods: [.euler, .rk4, .dopri5],
                                                                                   maxSteps: 60_000)) {
                    if study.fixedStep.contains(where: { $0.observedOrder != nil }) {
                        stepsFigure = ReportPage.Figure(title: "error against step", svg: errorPlot(study, model: model),
                                                        caption: "Error of \(readout) over the first \(readableTime(span, unit: unit)) against the step, on log–log axes; the guide lines have slopes 1 and 4.")
                    }
                    stepsText = study.formatted(.text, model: model)
                }
            }

            var facts = ["Model file: \(file)"]
            let applied = perturbations.scenario + perturbations.knockout.map { "knockout \($0)" } + perturbations.drug.map { "drug \($0)" }
                + perturbations.inhibit.map { "inhibit \($0)" } + perturbations.dose.map { "dose \($0)" } + perturbations.set.map { "set \($0)" }
                + perturbations.scale.map { "scale \($0)" }
            if !applied.isEmpty { facts.append("Applied to every run: " + applied.joined(separator: "; ")) }
            facts.append("Simulated from 0 to \(readableTime(end, unit: unit)) (method \(settings.method.rawValue), rtol \(NumberFormat.short(settings.rtol)), atol \(NumberFormat.short(settings.atol)))")
            let page = ReportPage(
                title: name, description: model.description, facts: facts, diagram: marked, scenarios: runs.map(\.label),
                frameLabels: frameTimes.map { readableTime($0, unit: unit, coarse: true) }, colours: colours, initialFrame: initialFrame,
                timeCourses: figures, comparison: table, doseResponse: doseFigure, doseResponseSummary: doseSummary,
                steps: stepsFigure, stepsText: stepsText, embed: embed)
            try writeAtomically(Data(page.html().utf8), to: output)
        }

        /// A repeated dose (a clinical regimen over days): not a perturbation of one run's hours.
        static func isRegimen(_ p: Perturbation) -> Bool {
            if case .dose(_, _, _, let every, _) = p { return every != nil }
            return false
        }

        private func usage(_ message: String) -> CommandError { .usage(message) }

        private func failure(_ message: String) -> CommandError { CommandError(message) }
    }
}
