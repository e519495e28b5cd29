import Foundation
import PathwayModel
import Plot

/// A profile likelihood: for fixed values of one parameter, the objective minimised over the others.
public struct ProfileLikelihood: Sendable {
    public var parameter: String
    public var scale: PEtabProblem.Scale
    /// The optimum the profile starts from (value on the scale, objective).
    public var optimum: (value: Double, objective: Double)
    /// Profile points, sorted by value (on the parameter scale).
    public var points: [(value: Double, objective: Double)]
    /// The threshold above the optimum: χ²₁(0.95)/2 = 3.841459/2 (Wilks; Raue et al. 2009, Bioinformatics 25:1923).
    public static let threshold = 3.841458820694124 / 2
    /// The 95 % confidence interval on the parameter scale (nil on a side that stays below the threshold
    /// up to the bound: not identifiable there).
    public var interval: (lower: Double?, upper: Double?)
}

extension PEtabObjective {
    /// Profiles estimated parameter `name`: a local fit from `start` (scaled), then steps of `step` on the
    /// parameter's scale to each side, each a fit of the others warm-started from the previous point,
    /// until the objective rises `ProfileLikelihood.threshold` above the optimum or the bound is reached
    /// (at most `maxSteps` a side).
    public func profile(_ name: String, from start: [Double], step: Double? = nil, maxSteps: Int = 40) throws(CalibrationError) -> ProfileLikelihood {
        guard let k = estimated.firstIndex(where: { problem.parameters[$0].id == name }) else {
            let names = estimated.map { problem.parameters[$0].id }
            let hint = closestMatch(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            if problem.parameter(name) != nil {
                throw CalibrationError(at: problem.parameter(name)!.location, "'\(name)' is not estimated (estimate 0 in the parameter table), so it cannot be profiled")
            }
            throw CalibrationError(at: .init(file: problem.file, line: 0, column: 0), "'\(name)' is not an estimated parameter of the problem\(hint)")
        }
        let best = levenbergMarquardt(from: start)
        guard best.objective.isFinite else {
            throw CalibrationError(at: .init(file: problem.file, line: 0, column: 0), "the fit to start the profile from failed: \(best.stop)")
        }
        let (lower, upper) = bounds
        let h = step ?? min(0.1, (upper[k] - lower[k]) / 50)
        var points = [(value: best.parameters[k], objective: best.objective)]
        var interval: (lower: Double?, upper: Double?) = (nil, nil)
        for direction in [-1.0, 1.0] {
            var x = best.parameters
            var previous = (value: best.parameters[k], objective: best.objective)
            for _ in 0..<maxSteps {
                let v = x[k] + direction * h
                let clipped = min(max(v, lower[k]), upper[k])
                if clipped == x[k] { break }
                var l = lower, u = upper
                l[k] = clipped
                u[k] = clipped
                x[k] = clipped
                let fit = levenbergMarquardt(from: x, maxIterations: 100, bounds: (l, u))
                guard fit.objective.isFinite else { break }
                x = fit.parameters
                points.append((clipped, fit.objective))
                if fit.objective - best.objective >= ProfileLikelihood.threshold {
                    // Linear interpolation of the crossing between the last two points.
                    let a = previous, b = (value: clipped, objective: fit.objective)
                    let level = best.objective + ProfileLikelihood.threshold
                    let crossing = a.value + (level - a.objective) / (b.objective - a.objective) * (b.value - a.value)
                    if direction < 0 { interval.lower = crossing } else { interval.upper = crossing }
                    break
                }
                previous = (clipped, fit.objective)
            }
        }
        points.sort { $0.value < $1.value }
        return ProfileLikelihood(parameter: name, scale: problem.parameters[estimated[k]].scale,
                                 optimum: (best.parameters[k], best.objective), points: points, interval: interval)
    }
}


extension ProfileLikelihood {
    /// The profile as an SVG plot, with the threshold as a guide.
    public func svg() -> String {
        let xs = points.map(\.value)
        let ys = points.map { $0.objective - optimum.objective }
        let level = ProfileLikelihood.threshold
        let span = [xs.min() ?? 0, xs.max() ?? 1]
        let plot = LinePlot(title: "Profile likelihood of \(parameter)",
                            description: "Objective minimised over the other parameters, relative to the optimum; the line marks χ²₁(0.95)/2",
                            xLabel: "\(parameter) (\(scale.rawValue) scale)", yLabel: "objective − optimum",
                            series: [Series(name: "profile", x: xs, y: ys)], markers: [true],
                            guides: [Guide(label: "95 % threshold", x: span, y: [level, level])])
        return plot.svg()
    }
}
