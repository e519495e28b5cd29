import Analysis
import ArgumentParser
import Foundation
import PathwayModel
import Plot
import Simulator

extension Pathway {
    struct Steps: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The step-size lesson: error against step, measured orders, adaptive steps, Euler's stability limit.",
            discussion: """
                Runs each fixed-step method (euler, rk4) over a ladder of steps against a tight reference \
                (dopri5 at rtol 1e-12, or a stiff method when the model is stiff) and prints the error per \
                step and the measured order of convergence: the slope of log(error) against log(step) over \
                the asymptotic range (unstable runs and errors at the reference's floor left out). Adaptive \
                methods in --methods show the steps they choose. Then it searches (bisection) for the largest \
                step at which Euler stays stable and explains it by the fastest eigenvalue λ of the Jacobian: \
                Euler needs h < 2/|λ|.
                Examples:
                  pathway steps models/kholodenko-2000.yaml --t-end 1300s --species MAPK_PP --plot steps.svg
                  pathway steps models/huang-ferrell-1996.yaml --t-end 60s --methods euler,rk4,dopri5,bdf
                  pathway steps models/kholodenko-2000.yaml --steps 100s,50s,25s,12.5s --format json
                """)

        @Argument(help: "A model file.")
        var file: String

        @Option(name: .long, help: "Comma-separated species or observables whose error is measured (default: the model's simulation.observe, else all species).")
        var species: String?

        @Option(name: .long, help: "Comma-separated methods: fixed-step ones (euler, rk4) run over the ladder, adaptive ones (dopri5, rosenbrock, bdf, auto) show their steps.")
        var methods: String = "euler,rk4,dopri5"

        @Option(name: .customLong("t-end"), help: "End time, with a unit (20min, 1300s) or in model units (default: the model's simulation.t-end, else 100).")
        var tEnd: String?

        @Option(name: .long, help: ArgumentHelp("Comma-separated step sizes (default: 10 halving from t-end/10 to t-end/5120, or from below Euler's stability bound on a stiff model).", valueName: "STEP,STEP,…"))
        var steps: String?

        @Option(name: .long, help: "Relative tolerance of the adaptive methods shown.")
        var rtol: Double = 1e-6

        @Option(name: .long, help: "Absolute tolerance of the adaptive methods shown, in the model's concentration unit.")
        var atol: Double = 1e-9

        @Flag(name: .customLong("no-stability"), help: "Skip the search for the largest stable Euler step.")
        var noStability = false

        @OptionGroup var perturbations: PerturbationOptions

        @Option(name: .long, help: "Output format: text or json.")
        var format: StepSizeStudy.Format = .text

        @Option(name: .long, help: "Plot error against step (log–log, with order-1 and order-4 guides) as SVG; adaptive steps against time go to FILE-steps.svg.")
        var plot: String?

        @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
        var output: String?

        func validate() throws {
            if !(rtol > 0 && rtol < 1) { throw ValidationError("--rtol must be between 0 and 1, not \(rtol)") }
            if !(atol > 0) { throw ValidationError("--atol must be positive, not \(atol)") }
        }

        func run() throws {
            let methodList = try parseList(methods).map { name in
                guard let m = Method(rawValue: name) else {
                    let hint = closestMatch(to: name, in: Method.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                    throw CommandError("--methods: unknown method '\(name)'\(hint); choose from \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return m
            }
            guard !methodList.isEmpty else {
                throw CommandError("--methods: no methods given")
            }
            let adaptive = methodList.contains { !$0.isFixedStep }
            let stepsPlot = plot.flatMap { adaptive ? plotPath($0, suffix: "steps") : nil }
            try checkDestinations([output, plot, stepsPlot].compactMap { $0 }.filter { $0 != "-" })
            var model = try loadModel(file)
            model = try perturbations.apply(to: model)
            let unit = model.units.time
            let end = try tEnd.map { try parseDuration($0, option: "--t-end", unit: unit) } ?? model.simulation.end ?? 100
            guard end > 0 else {
                throw CommandError("--t-end must be positive (simulations start at 0)")
            }
            let ladder = try steps.map { text in try parseList(text).map { try parseDuration($0, option: "--steps", unit: unit) } }
            let options = StepSizeStudy.Options(
                species: species.map(parseList) ?? [], end: end, methods: methodList, steps: ladder,
                rtol: rtol, atol: atol, findLargestStableEulerStep: !noStability)
            let m = model
            let study = try analysis { () throws(AnalysisError) in try StepSizeStudy.run(model: m, options: options) }
            let text = study.formatted(format, model: model)
            // Everything is computed before anything is written.
            var svgs: [(String, String)] = []
            if let plot {
                svgs.append((plot, errorPlot(study, model: model)))
                if let stepsPlot { svgs.append((stepsPlot, stepPlot(study, model: model))) }
            }
            try emit(text, to: output)
            for (path, svg) in svgs { try writeSVG(svg, to: path) }
        }
    }
}

/// Error against step on log–log axes, one line per fixed-step method, with guide lines of slope 1 and
/// 4 and Euler's stability limit.
func errorPlot(_ study: StepSizeStudy, model: Model) -> String {
    let unit = model.units.time.rawValue
    var series: [Series] = []
    for m in study.fixedStep {
        let order = m.observedOrder.map { String(format: " (order %.2f)", $0) } ?? ""
        let points = m.points.filter { $0.status != .unstable && $0.error.isFinite && $0.error > 0 }
        series.append(Series(name: "\(m.method.rawValue)\(order)", x: points.map(\.step), y: points.map(\.error)))
    }
    var guides: [Guide] = []
    let plotted = series.flatMap(\.x)
    if let hMax = plotted.max(), let hMin = plotted.min() {
        for p in [1, 4] {
            // Over the fitted points of the method of that order, through their middle, a factor 3 below.
            guard let anchor = study.fixedStep.first(where: { $0.theoreticalOrder == p && !$0.usedSteps.isEmpty }) else { continue }
            let used = anchor.points.filter { $0.status == .used }
            let lh = used.map { log($0.step) }.reduce(0, +) / Double(used.count)
            let le = used.map { log($0.error) }.reduce(0, +) / Double(used.count)
            let e = { (h: Double) in exp(le + Double(p) * (log(h) - lh)) / 3 }
            let steps = anchor.points.filter { $0.status != .unstable }.map(\.step)
            guides.append(Guide(label: "slope \(p)", x: [steps.max()!, steps.min()!], y: [e(steps.max()!), e(steps.min()!)]))
        }
        guides.append(Guide(label: "reference floor", x: [hMax, hMin], y: [study.reference.floor, study.reference.floor]))
        if let s = study.eulerStability, let h = s.largestStableStep, s.smallestUnstableStep != nil, h >= hMin, h <= hMax {
            guides.append(Guide(label: "Euler's stability limit", x: [h, h], y: [1e300, 1e-300]))
        }
    }
    let what = study.species.joined(separator: ", ")
    let title = "Error against step: \(model.id), " + (what.count + model.id.count <= 48 ? what : "\(study.species.count) species")
    return LinePlot(title: title,
                    description: "Error (\(StepSizeStudy.errorMeasure)) of \(study.species.joined(separator: ", ")) against the step, log–log; "
                        + "guide lines of slope 1 and 4; unstable runs left out.",
                    xLabel: "step (\(unit))", yLabel: "error (relative to peak)", series: series,
                    logX: true, logY: true, markers: series.map { _ in true }, guides: guides).svg()
}

/// Accepted step sizes of the adaptive methods against time (log step axis).
func stepPlot(_ study: StepSizeStudy, model: Model) -> String {
    let unit = model.units.time.rawValue
    var series: [Series] = []
    for a in study.adaptive {
        let steps = a.steps
        // A staircase (each step drawn over the time it covers) up to 1000 steps; beyond, per time bin the
        // smallest and the largest step, at the bin's middle.
        var x: [Double] = [], y: [Double] = []
        let bins = 500
        if steps.count <= 1000 {
            for (k, h) in steps.enumerated() {
                x += [a.stepTimes[k], a.stepTimes[k + 1]]
                y += [h, h]
            }
        } else {
            var k = 0
            for b in 0..<bins {
                let upper = study.end * Double(b + 1) / Double(bins), middle = study.end * (Double(b) + 0.5) / Double(bins)
                var smallest = Double.infinity, largest = 0.0
                while k < steps.count && (a.stepTimes[k + 1] <= upper || b == bins - 1) {
                    smallest = min(smallest, steps[k])
                    largest = max(largest, steps[k])
                    k += 1
                }
                if largest > 0 {
                    x += [middle, middle]
                    y += [smallest, largest]
                }
            }
        }
        series.append(Series(name: "\(a.method.rawValue) (\(a.stepTimes.count - 1) steps)", x: x, y: y))
    }
    let tolerances = study.adaptive.first.map { "rtol \(NumberFormat.short($0.rtol)), atol \(NumberFormat.short($0.atol))" } ?? ""
    return LinePlot(title: "Accepted steps: \(model.id) (\(tolerances))",
                    description: "Accepted step size against time for \(study.adaptive.map(\.method.rawValue).joined(separator: ", ")).",
                    xLabel: "time (\(unit))", yLabel: "step (\(unit))", series: series, logY: true).svg()
}

extension StepSizeStudy.Format: ExpressibleByArgument {}
