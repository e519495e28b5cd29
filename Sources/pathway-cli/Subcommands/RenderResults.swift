import Analysis
import ArgumentParser
import Diagram
import Foundation
import PathwayModel
import Simulator

/// `pathway render --at/--compare/--sparklines/--animate/--results`: simulation results drawn on a
/// diagram. Simulates (or reads) the time course, then hands it to the Diagram library.
struct RenderResults {
    let command: Pathway.Render
    let options: DiagramOptions
    let format: DiagramFormat

    func render(file: String) throws -> [UInt8] {
        let model = try loadModel(file)
        let unit = model.units.time
        let atTimes = try (command.at.map(parseList) ?? []).map { try parseDuration($0, option: "--at", unit: unit) }
        var run: DiagramResults
        var baseline: DiagramResults?
        if let path = command.results {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw command.failure("cannot read '\(path)'")
            }
            do {
                let table = try TimeCourseFile.read(text, file: path, model: model)
                run = DiagramResults(times: table.times, columns: Dictionary(uniqueKeysWithValues: zip(table.names, table.columns)))
            } catch {
                throw CommandError(preformatted: error.message)  // it reads `file:line:column: error: …`
            }
        } else {
            var settings = try command.simulation.settings(for: model)
            // Without --t-end, the run reaches the latest time asked for.
            if command.simulation.tEnd == nil, let latest = atTimes.max(), latest > settings.end { settings.end = latest }
            let end = settings.end
            let n = command.animate ? max(command.frames * 4, 241) : 241
            var grid = (0..<n).map { end * Double($0) / Double(n - 1) }
            grid += atTimes.filter { $0 > 0 && $0 < end }
            settings.output = .times(Array(Set(grid)).sorted())
            let perturbed = try command.perturbations.apply(to: model)
            baseline = nil
            if let scenario = command.compare {
                let compared = try PerturbationOptions.apply(try PerturbationOptions.scenario(scenario, in: perturbed), to: perturbed)
                run = diagramResults(try simulateEverything(compared, settings, label: scenario))
                baseline = diagramResults(try simulateEverything(perturbed, settings, label: "the baseline"))
            } else {
                run = diagramResults(try simulateEverything(perturbed, settings, label: "the model"))
            }
        }
        let first = run.times.first ?? 0, last = run.times.last ?? 0
        for t in atTimes where t < first - 1e-9 || t > last + 1e-9 {
            throw command.failure("--at \(readableTime(t, unit: unit)) is outside the simulated range \(readableTime(first, unit: unit)) to \(readableTime(last, unit: unit))")
        }
        let times = atTimes.isEmpty ? [last] : atTimes
        func levelOptions(at t: Double) -> DiagramOptions {
            var o = options
            o.levels = LevelOptions(results: run, time: t, timeLabel: readableTime(t, unit: unit), baseline: baseline,
                                    runLabel: command.compare, sparklines: command.sparklines)
            return o
        }
        do {
            if command.animate {
                let frames = (0..<command.frames).map { first + (last - first) * Double($0) / Double(command.frames - 1) }
                return try DiagramRenderer.animation(model, options: levelOptions(at: last), frames: frames,
                                                     labels: frames.map { "t = " + readableTime($0, unit: unit, coarse: true) }, seconds: command.loop)
            }
            if times.count > 1 {
                var panels: [String] = []
                for t in times {
                    panels.append(String(decoding: try DiagramRenderer.render(model, options: levelOptions(at: t), format: .svg), as: UTF8.self))
                }
                let name = model.name.isEmpty ? model.id : model.name
                let svg = ResultsSVG.smallMultiples(
                    panels, titles: times.map { readableTime($0, unit: unit) }, columns: min(times.count, 2), title: name,
                    description: "Active fractions at " + times.map { readableTime($0, unit: unit) }.joined(separator: ", "))
                return Array(svg.utf8)
            }
            return try DiagramRenderer.render(model, options: levelOptions(at: times[0]), format: format)
        } catch {
            throw CommandError("\(file): \(error)")
        }
    }
}

/// Simulates every species and observable of `model`; a compile error, bad settings or a failed run is
/// one error line naming `label` and exit status 1.
func simulateEverything(_ model: Model, _ settings: SimulationSettings, label: String) throws -> SimulationResult {
    let compiled: CompiledModel
    do { compiled = try CompiledModel(model) } catch {
        throw CommandError("cannot compile \(label): \(error.message)")
    }
    let result: SimulationResult
    do { result = try compiled.simulate(settings, observe: model.species.map(\.id) + model.observables.map(\.id)) } catch {
        throw CommandError(error.message)
    }
    guard case .success = result.status else {
        throw CommandError("simulation of \(label) failed: \(result.status)")
    }
    return result
}

/// A simulation's columns by name, for painting on a diagram.
func diagramResults(_ result: SimulationResult) -> DiagramResults {
    var columns: [String: [Double]] = [:]
    for (k, name) in result.names.enumerated() { columns[name] = result.values.map { $0[k] } }
    return DiagramResults(times: result.times, columns: columns)
}
