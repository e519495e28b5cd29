import Foundation
import Testing
@testable import Analysis

@Suite("Hill curves: EC values, effective Hill coefficient, least-squares fit")
struct HillFitTests {
    static func logSpaced(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        (0..<n).map { exp(log(a) + Double($0) / Double(n - 1) * (log(b) - log(a))) }
    }

    @Test(arguments: [(0.0, 1.0, 0.5, 1.0), (2.0, 10.0, 3e-6, 4.5), (5.0, 1.0, 100.0, 2.0), (0.1, 0.9, 1.0, 0.7)])
    func fitRecoversKnownParameters(_ bottom: Double, _ top: Double, _ ec50: Double, _ n: Double) throws {
        let truth = HillCurve(bottom: bottom, top: top, ec50: ec50, n: n)
        let x = Self.logSpaced(ec50 / 1e3, ec50 * 1e3, 41)
        let y = x.map(truth.value(at:))
        // Start far from the truth.
        let fit = try #require(HillFit.fit(x: x, y: y, start: HillCurve(bottom: y.first!, top: y.last!, ec50: ec50 * 5, n: 1)))
        #expect(fit.converged)
        #expect(approximately(fit.curve.bottom, bottom, relative: 1e-6, absolute: 1e-6))
        #expect(approximately(fit.curve.top, top, relative: 1e-6, absolute: 1e-6))
        #expect(approximately(fit.curve.ec50, ec50, relative: 1e-6))
        #expect(approximately(fit.curve.n, n, relative: 1e-6))
    }

    @Test func fitToleratesNoise() throws {
        let truth = HillCurve(bottom: 0, top: 1, ec50: 2, n: 3)
        let x = Self.logSpaced(0.01, 100, 40)
        // Deterministic "noise": ±1 % alternating.
        let y = x.enumerated().map { i, v in truth.value(at: v) + (i % 2 == 0 ? 0.01 : -0.01) }
        let fit = try #require(HillFit.fit(x: x, y: y))
        #expect(abs(fit.curve.n - 3) < 0.2)
        #expect(abs(fit.curve.ec50 - 2) < 0.05)
    }

    @Test func effectiveHillCoefficientOfAHillCurveIsItsExponent() {
        for n in [1.0, 2.0, 4.5] {
            let truth = HillCurve(bottom: 0, top: 1, ec50: 1e-3, n: n)
            let x = Self.logSpaced(1e-7, 10, 401)
            let r = DoseResponse.analyse(doses: x, responses: x.map(truth.value(at:)))
            // The sweep does not reach the asymptotes exactly, so min…max is slightly narrower.
            #expect(abs(r.hillCoefficient! - n) < 0.02 * n, "n = \(n): nH = \(r.hillCoefficient!)")
            #expect(abs(r.ec50! / 1e-3 - 1) < 0.01)
            #expect(r.increasing)
        }
    }

    @Test func fallingResponse() {
        let truth = HillCurve(bottom: 10, top: 2, ec50: 50, n: 1.5)
        let x = Self.logSpaced(0.01, 1e5, 200)
        let r = DoseResponse.analyse(doses: x, responses: x.map(truth.value(at:)))
        #expect(!r.increasing)
        #expect(abs(r.ec50! / 50 - 1) < 0.01)
        #expect(abs(r.hillCoefficient! - 1.5) < 0.05)
        #expect(abs(r.fit!.curve.n - 1.5) < 1e-4)
    }

    @Test func flatResponseHasNoECs() {
        let x = Self.logSpaced(1, 10, 5)
        let r = DoseResponse.analyse(doses: x, responses: [3, 3, 3, 3, 3])
        #expect(r.ec50 == nil && r.hillCoefficient == nil)
    }
}
