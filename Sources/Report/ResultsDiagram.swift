import Analysis
import Diagram
import PathwayModel
import Simulator

/// What `pathway render --at/--compare/--sparklines/--animate/--results` asks for: a model's diagram
/// coloured by a run's levels (simulated here, or read from an earlier time course).
public struct ResultsDiagramRequest: Sendable {
    /// Where the levels come from.
    public enum Source: Sendable {
        /// A time course already made (`--results`).
        case results(DiagramResults)
        /// Simulate `model` (the perturbed model) with `settings`; with `compare`, the run with that scenario
        /// of the model applied, against `model`'s (`--compare`). Without `endGiven`, the run reaches the
        /// latest time in `times`.
        case simulate(model: Model, settings: SimulationSettings, endGiven: Bool, compare: String?)
    }

    /// The model file (named in an error of the drawing).
    public var file: String

    /// The model as loaded (the diagram is drawn from it).
    public var model: Model
    public var options: DiagramOptions
    public var format: DiagramFormat
    public var source: Source
    /// The times to colour at, in model units (several: one panel each; none: the end of the run).
    public var times: [Double] = []
    /// Draw each node's time course small inside it.
    public var sparklines = false
    /// An animation of `frames` frames looping in `seconds` instead of a still picture.
    public var animation: (frames: Int, seconds: Double)?

    public init(file: String, model: Model, options: DiagramOptions, format: DiagramFormat, source: Source) {
        self.file = file
        self.model = model
        self.options = options
        self.format = format
        self.source = source
    }
}

/// Simulation results drawn on a diagram: the run (and the baseline it is compared with) simulated on
/// one grid and handed to Diagram.
public enum ResultsDiagram {
    /// Points of the simulated grid (an animation takes four per frame when that is more).
    static let gridPoints = 241

    /// The rendered diagram (SVG, or the requested format for one time), or why it cannot be drawn.
    public static func render(_ request: ResultsDiagramRequest) throws(ReportError) -> [UInt8] {
        let unit = request.model.units.time
        let (run, baseline, label) = try results(request)
        let first = run.times.first ?? 0, last = run.times.last ?? 0
        for t in request.times where t < first - 1e-9 || t > last + 1e-9 {
            throw ReportError("\(readableTime(t, unit: unit)) is outside the simulated range \(readableTime(first, unit: unit)) to \(readableTime(last, unit: unit))",
                              setting: .openingTime)
        }
        let times = request.times.isEmpty ? [last] : request.times
        func levelOptions(at t: Double) -> DiagramOptions {
            var o = request.options
            o.levels = LevelOptions(results: run, time: t, timeLabel: readableTime(t, unit: unit), baseline: baseline,
                                    runLabel: label, sparklines: request.sparklines)
            return o
        }
        let model = request.model
        do {
            if let animation = request.animation {
                let frames = (0..<animation.frames).map { first + (last - first) * Double($0) / Double(animation.frames - 1) }
                return try DiagramRenderer.animation(model, options: levelOptions(at: last), frames: frames,
                                                     labels: frames.map { "t = " + readableTime($0, unit: unit, coarse: true) }, seconds: animation.seconds)
            }
            if times.count > 1 {
                var panels: [String] = []
                for t in times {
                    panels.append(String(decoding: try DiagramRenderer.render(model, options: levelOptions(at: t), format: .svg), as: UTF8.self))
                }
                let svg = ResultsSVG.smallMultiples(
                    panels, titles: times.map { readableTime($0, unit: unit) }, columns: min(times.count, 2), title: model.name.isEmpty ? model.id : model.name,
                    description: "Active fractions at " + times.map { readableTime($0, unit: unit) }.joined(separator: ", "))
                return Array(svg.utf8)
            }
            return try DiagramRenderer.render(model, options: levelOptions(at: times[0]), format: request.format)
        } catch {
            throw ReportError("\(request.file): \(error)")
        }
    }

    /// The run to draw, the baseline it is compared with and the run's label.
    static func results(_ request: ResultsDiagramRequest) throws(ReportError) -> (DiagramResults, DiagramResults?, String?) {
        switch request.source {
        case .results(let results):
            return (results, nil, nil)
        case .simulate(let model, var settings, let endGiven, let compare):
            if !endGiven, let latest = request.times.max(), latest > settings.end { settings.end = latest }
            let end = settings.end
            let n = request.animation.map { max($0.frames * 4, gridPoints) } ?? gridPoints
            var grid = (0..<n).map { end * Double($0) / Double(n - 1) }
            grid += request.times.filter { $0 > 0 && $0 < end }
            settings.output = .times(Array(Set(grid)).sorted())
            do {
                if let compare {
                    let compared = try model.perturbed(by: try model.perturbations(ofScenario: compare))
                    let run = try simulate(compared, settings, label: compare)
                    return (run, try simulate(model, settings, label: "the baseline"), compare)
                }
                return (try simulate(model, settings, label: "the model"), nil, nil)
            } catch {
                throw ReportError(error.message)
            }
        }
    }

    /// Every species and observable of `model` simulated, by name; a model that does not compile or a
    /// run that fails is an error naming `label`.
    public static func simulate(_ model: Model, _ settings: SimulationSettings, label: String) throws(AnalysisError) -> DiagramResults {
        let compiled: CompiledModel
        do { compiled = try CompiledModel(model) } catch {
            throw AnalysisError(.numerical, "cannot compile \(label): \(error.message)")
        }
        let result: SimulationResult
        do { result = try compiled.simulate(settings, observe: model.species.map(\.id) + model.observables.map(\.id)) } catch {
            throw AnalysisError(.numerical, error.message)
        }
        guard case .success = result.status else {
            throw AnalysisError(.numerical, "simulation of \(label) failed: \(result.status)")
        }
        var columns: [String: [Double]] = [:]
        for (k, name) in result.names.enumerated() { columns[name] = result.values.map { $0[k] } }
        return DiagramResults(times: result.times, columns: columns)
    }
}
