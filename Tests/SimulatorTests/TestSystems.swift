import Foundation
import Simulator

/// y' = −k y.
final class Decay: ODEFunction {
    let dimension = 1
    var k: Double
    init(k: Double) { self.k = k }
    var isAutonomous: Bool { true }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -k * y[0]
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        J[0] = -k
        return true
    }
}

/// A + B ⇌ C with mass action: kon·A·B forward, koff·C back.
final class ReversibleBinding: ODEFunction {
    let dimension = 3
    let kon: Double, koff: Double
    init(kon: Double, koff: Double) {
        self.kon = kon
        self.koff = koff
    }
    var isAutonomous: Bool { true }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        let v = kon * y[0] * y[1] - koff * y[2]
        dydt[0] = -v
        dydt[1] = -v
        dydt[2] = v
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        let da = kon * y[1], db = kon * y[0], dc = -koff
        J[0] = -da; J[1] = -db; J[2] = -dc
        J[3] = -da; J[4] = -db; J[5] = -dc
        J[6] = da; J[7] = db; J[8] = dc
        return true
    }
}

/// A → B → C with rates k1, k2. No analytic Jacobian (exercises finite differences).
final class LinearChain: ODEFunction {
    let dimension = 3
    let k1: Double, k2: Double
    init(k1: Double, k2: Double) {
        self.k1 = k1
        self.k2 = k2
    }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -k1 * y[0]
        dydt[1] = k1 * y[0] - k2 * y[1]
        dydt[2] = k2 * y[1]
    }
}

/// y' = −y + sin t (non-autonomous, smooth), y(t) = 3/2 e^{−t} + (sin t − cos t)/2 for y(0) = 1.
final class ForcedDecay: ODEFunction {
    let dimension = 1
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -y[0] + sin(t)
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        J[0] = -1
        return true
    }
    static func exact(_ t: Double) -> Double { 1.5 * exp(-t) + 0.5 * (sin(t) - cos(t)) }
}

/// Robertson's chemical kinetics (HW II §IV.1): the classic stiff test.
final class Robertson: ODEFunction {
    let dimension = 3
    var isAutonomous: Bool { true }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        let r1 = 0.04 * y[0], r2 = 3e7 * y[1] * y[1], r3 = 1e4 * y[1] * y[2]
        dydt[0] = -r1 + r3
        dydt[1] = r1 - r2 - r3
        dydt[2] = r2
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        J[0] = -0.04; J[1] = 1e4 * y[2]; J[2] = 1e4 * y[1]
        J[3] = 0.04; J[4] = -6e7 * y[1] - 1e4 * y[2]; J[5] = -1e4 * y[1]
        J[6] = 0; J[7] = 6e7 * y[1]; J[8] = 0
        return true
    }
}

/// y' = y² (blows up at t = 1 from y(0) = 1).
final class BlowUp: ODEFunction {
    let dimension = 1
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = y[0] * y[0]
    }
    func jacobian(t: Double, y: UnsafePointer<Double>, into J: UnsafeMutablePointer<Double>) -> Bool {
        J[0] = 2 * y[0]
        return true
    }
}

/// y' = −c (zero-order consumption: goes negative).
final class ConstantDrain: ODEFunction {
    let dimension = 1
    let c: Double
    init(c: Double) { self.c = c }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        dydt[0] = -c
    }
}

/// Records event firing times (event actions are plain closures; tests run them synchronously).
final class FiringLog {
    var times: [Double] = []
}

/// The integrators under test, by name (parameterized tests take Sendable names).
func integrator(named name: String) -> any Integrator {
    switch name {
    case "euler": return Euler()
    case "rk4": return RungeKutta4()
    case "dopri5": return DormandPrince54()
    case "rodas4": return Rodas4()
    default: return AutoIntegrator()
    }
}

/// Least-squares slope of log(error) against log(h).
func convergenceOrder(steps: [Double], errors: [Double]) -> Double {
    let xs = steps.map { log($0) }, ys = errors.map { log($0) }
    let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
    var num = 0.0, den = 0.0
    for (x, y) in zip(xs, ys) {
        num += (x - mx) * (y - my)
        den += (x - mx) * (x - mx)
    }
    return num / den
}
