import Foundation
import PathwayModel
import Plot

// The step-size lesson's plots (`pathway steps --plot`, the report's figure).

extension StepSizeStudy {
    /// Error against step on log–log axes, one line per fixed-step method, with guide lines of slope 1 and
    /// 4 and Euler's stability limit.
    public func errorPlot(model: Model) -> String {
        let study = self
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
    public func stepPlot(model: Model) -> String {
        let study = self
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
}
