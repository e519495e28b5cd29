import Analysis
import Diagram
import PathwayModel
import Plot
import Simulator

/// What `pathway report` asks for: the model (as loaded and as perturbed for every run), the
/// simulation settings and the page's choices. ``ModelReport/page(_:)`` makes the page.
public struct ReportRequest: Sendable {
    /// The model file's path: named on the page, and the scenarios defined in it (not in its includes)
    /// are the default runs.
    public var file: String
    /// The model as loaded (the diagram is drawn from it).
    public var original: Model
    /// The model with the perturbations of every run applied.
    public var model: Model
    /// The perturbations applied to every run, as asked for (named among the page's facts).
    public var perturbations: PerturbationRequest
    /// The simulation settings (their end is the page's time span; the output grid is the page's own).
    public var settings: SimulationSettings
    /// The scenarios to compare (nil: the first 8 of the model file itself, leaving out dosing regimens).
    public var scenarios: [String]?
    /// The time the diagram opens at (nil: when the first readout peaks).
    public var openAt: Double?
    /// Frames of the time slider (2 to 400).
    public var frames: Int = 49
    /// Leave out the header and footer (for an iframe).
    public var embed = false
    /// Include the step-size lesson.
    public var includeSteps = true

    public init(file: String, original: Model, model: Model, perturbations: PerturbationRequest, settings: SimulationSettings) {
        self.file = file
        self.original = original
        self.model = model
        self.perturbations = perturbations
        self.settings = settings
    }
}

/// Why a report cannot be made, in the report's terms.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// The request's setting at fault, when one value was.
    public enum Setting: Sendable { case openingTime }

    public var message: String
    public var setting: Setting?

    public init(_ message: String, setting: Setting? = nil) {
        self.message = message
        self.setting = setting
    }

    public var description: String { message }
}

/// The page of `pathway report`: every run simulated on one grid, the diagram through time, the time
/// courses, the comparison table, a dose–response and the step-size lesson, put together as a
/// ``ReportPage``.
public enum ModelReport {
    /// Time courses are drawn on this many points (the slider's frames are added to them).
    static let plotPoints = 241
    /// At most this many of the model's scenarios are runs by default.
    static let defaultScenarios = 8

    /// The page, or why it cannot be made.
    public static func page(_ request: ReportRequest) throws(ReportError) -> ReportPage {
        let model = request.model, unit = model.units.time
        var settings = request.settings
        let end = settings.end
        let frameTimes = (0..<request.frames).map { end * Double($0) / Double(request.frames - 1) }
        settings.output = .times(Array(Set((0..<plotPoints).map { end * Double($0) / Double(plotPoints - 1) } + frameTimes)).sorted())

        let runs = try runModels(request)
        let observe = model.simulation.observe.isEmpty ? Array(model.observables.prefix(4).map(\.id)) : model.simulation.observe
        var results: [DiagramResults] = []
        var series: [(label: String, times: [Double], series: [[Double]])] = []
        for run in runs {
            let r: DiagramResults
            do { r = try ResultsDiagram.simulate(run.model, settings, label: run.label) } catch { throw ReportError(error.message) }
            results.append(r)
            series.append((run.label, r.times, observe.map { r.columns[$0] ?? [] }))
        }

        // The diagram, opening at the requested time or at the first readout's peak.
        var openAt = end / 8
        if let at = request.openAt { openAt = at } else if let first = observe.first,
            let values = results[0].columns[first], let peak = values.indices.max(by: { values[$0] < values[$1] }) {
            openAt = results[0].times[peak]
        }
        guard openAt >= 0, openAt <= end else {
            throw ReportError("\(readableTime(openAt, unit: unit)) is outside the simulated range 0 s to \(readableTime(end, unit: unit))",
                              setting: .openingTime)
        }
        let initialFrame = frameTimes.indices.min { abs(frameTimes[$0] - openAt) < abs(frameTimes[$1] - openAt) } ?? 0
        var options = DiagramOptions(scenario: request.perturbations.scenarios.first)
        options.levels = LevelOptions(results: results[0], time: frameTimes[initialFrame], timeLabel: "the time on the slider")
        let diagram: PathwayDiagram
        let svg: String
        do {
            diagram = try DiagramBuilder.diagram(for: request.original, options: options)
            svg = String(decoding: try DiagramRenderer.render(diagram, format: .svg), as: UTF8.self)
        } catch {
            throw ReportError("\(request.file): \(error)")
        }
        let colours = results.map { DiagramRenderer.frameColours(diagram, model: request.original, results: $0, frames: frameTimes) }
        let marked = ResultsSVG.markForRecolouring(svg, nodes: diagram.moleculeNodes)

        let dose = doseResponse(model, observe: observe, settings: settings)
        let steps = request.includeSteps ? stepLesson(model, observe: observe, end: end) : (figure: nil, text: nil)
        return ReportPage(
            title: model.name.isEmpty ? model.id : model.name, description: model.description, facts: facts(request, settings: settings),
            diagram: marked, scenarios: runs.map(\.label),
            frameLabels: frameTimes.map { readableTime($0, unit: unit, coarse: true) }, colours: colours, initialFrame: initialFrame,
            timeCourses: timeCourses(model, observe: observe, series: series), comparison: comparisonTable(model, observe: observe, series: series, end: end),
            doseResponse: dose.figure, doseResponseSummary: dose.summary, steps: steps.figure, stepsText: steps.text, embed: request.embed)
    }

    /// The runs of the page: the baseline, then each chosen scenario applied to the perturbed model.
    static func runModels(_ request: ReportRequest) throws(ReportError) -> [(label: String, model: Model)] {
        let model = request.model
        let available = model.scenarios.map(\.id)
        let chosen: [String]
        if let names = request.scenarios {
            for name in names where !available.contains(name) {
                throw ReportError("unknown scenario '\(name)'" + (closestMatch(to: name, in: available).map { " (did you mean '\($0)'?)" } ?? ""))
            }
            chosen = names
        } else {
            chosen = Array(model.scenarios.filter { $0.location.file == request.file && !$0.perturbations.contains(where: isRegimen) }
                .map(\.id).prefix(defaultScenarios))
        }
        var runs: [(label: String, model: Model)] = [("baseline", model)]
        for name in chosen {
            do { runs.append((name, try model.perturbed(by: try model.perturbations(ofScenario: name)))) } catch { throw ReportError(error.message) }
        }
        return runs
    }

    /// A repeated dose (a clinical regimen over days): not a perturbation of one run's hours.
    static func isRegimen(_ p: Perturbation) -> Bool {
        if case .dose(_, _, _, let every, _) = p { return every != nil }
        return false
    }

    /// One plot per readout, every run.
    static func timeCourses(_ model: Model, observe: [String], series: [(label: String, times: [Double], series: [[Double]])]) -> [ReportPage.Figure] {
        observe.enumerated().map { k, readout in
            let runsForPlot = series.map { ($0.label, $0.times, [$0.series[k]]) }
            let plot = timeCoursePlot(title: readout, model: model, names: [readout], runs: runsForPlot, logY: false)
            let label = model.observables.first { $0.id == readout }?.label ?? readout
            return ReportPage.Figure(title: readout, svg: plot, caption: "\(label): \(series.count == 1 ? "the model" : "every scenario").")
        }
    }

    /// Peak, time to peak, final value and AUC of each readout in each run, the AUC also against the baseline's.
    static func comparisonTable(_ model: Model, observe: [String], series: [(label: String, times: [Double], series: [[Double]])],
                                end: Double) -> ReportPage.Table? {
        guard series.count > 1 || !observe.isEmpty else { return nil }
        let unit = model.units.time
        var rows: [[String]] = []
        for (k, readout) in observe.enumerated() {
            let base = TimeCourseSummary(times: series[0].times, values: series[0].series[k])
            for run in series {
                let s = TimeCourseSummary(times: run.times, values: run.series[k])
                rows.append(["\(readout) — \(run.label)", NumberFormat.short(s.peak), readableTime(s.timeToPeak, unit: unit),
                             NumberFormat.short(s.final), NumberFormat.short(s.auc),
                             base.auc > 0 ? NumberFormat.short(s.auc / base.auc, digits: 3) : "–"])
            }
        }
        return ReportPage.Table(
            caption: "Peak, time to peak, value at \(readableTime(end, unit: unit)) and area under the curve (AUC, \(unit.rawValue)) of each readout; the last column is the AUC relative to the baseline.",
            header: ["readout — run", "peak", "time to peak", "final", "AUC", "AUC / baseline"], rows: rows)
    }

    /// A dose–response of the first readout's peak to the model's ligand (13 doses, 1/100 to 100 times its amount).
    static func doseResponse(_ model: Model, observe: [String], settings: SimulationSettings) -> (figure: ReportPage.Figure?, summary: String?) {
        guard let ligand = model.species.first(where: { $0.display.role == .ligand && $0.initialValue > 0 }), let readout = observe.first else {
            return (nil, nil)
        }
        let lo = ligand.initialValue / 100, hi = ligand.initialValue * 100
        var doseSettings = settings
        doseSettings.output = .points(121)
        guard let result = try? DoseResponse.run(model: model, input: ligand.id, readout: Readout(observe: readout, kind: .timeCourse(.peak), settings: doseSettings),
                                                 from: lo, to: hi, steps: 13) else { return (nil, nil) }
        let c = model.units.concentration.rawValue
        let plot = LinePlot(title: "\(result.readout) vs \(ligand.id)", xLabel: "\(ligand.id) (\(c))", yLabel: readout,
                            series: [Series(name: "simulated", x: result.doses, y: result.responses)], logX: true).svg()
        let figure = ReportPage.Figure(title: "dose–response", svg: plot, caption: "Peak \(readout) against the \(ligand.display.label ?? ligand.id) concentration (13 doses, 1/100 to 100 times the model's \(NumberFormat.short(ligand.initialValue)) \(c)).")
        let summary = "EC50 " + (result.ec50.map { "\(NumberFormat.short($0)) \(c)" } ?? "not reached")
            + (result.hillCoefficient.map { "; effective Hill coefficient \(NumberFormat.short($0, digits: 3))" } ?? "") + "."
        return (figure, summary)
    }

    /// The step-size lesson on the first readout, over at most the first 300 s so that it stays quick on stiff models.
    static func stepLesson(_ model: Model, observe: [String], end: Double) -> (figure: ReportPage.Figure?, text: String?) {
        guard let readout = observe.first else { return (nil, nil) }
        let unit = model.units.time
        let span = min(end, 300 / unit.seconds)
        guard let study = try? StepSizeStudy.run(model: model, options: .init(species: [readout], end: span, methods: [.euler, .rk4, .dopri5],
                                                                              maxSteps: 60_000)) else { return (nil, nil) }
        var figure: ReportPage.Figure?
        if study.fixedStep.contains(where: { $0.observedOrder != nil }) {
            figure = ReportPage.Figure(title: "error against step", svg: study.errorPlot(model: model),
                                       caption: "Error of \(readout) over the first \(readableTime(span, unit: unit)) against the step, on log–log axes; the guide lines have slopes 1 and 4.")
        }
        return (figure, study.formatted(.text, model: model))
    }

    /// The facts line of the page: the file, what was applied to every run, the span and the solver.
    static func facts(_ request: ReportRequest, settings: SimulationSettings) -> [String] {
        var facts = ["Model file: \(request.file)"]
        let texts = request.perturbations.texts
        let applied = request.perturbations.scenarios
            + [PerturbationKind.knockout, .drug, .inhibit, .dose, .set, .scale].flatMap { kind in (texts[kind] ?? []).map { "\(kind.rawValue) \($0)" } }
        if !applied.isEmpty { facts.append("Applied to every run: " + applied.joined(separator: "; ")) }
        let unit = request.model.units.time
        facts.append("Simulated from 0 to \(readableTime(settings.end, unit: unit)) (method \(settings.method.rawValue), rtol \(NumberFormat.short(settings.rtol)), atol \(NumberFormat.short(settings.atol)))")
        return facts
    }
}
