#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Step-size selection from the error norm err of the last attempt.
///
/// * `.proportionalIntegral` — Hairer's PI controller of DOPRI5 (HNW I §II.4, IV.2):
///   fac = err^α / errₙ₋₁^β, h_new = h / clamp(fac/0.9, 1/maxFactor, 1/minFactor),
///   with α = 1/(q+1) − 0.75β (q+1 = 5 and β = 0.04 for Dormand–Prince).
/// * `.predictive` — Gustafsson's predictive controller as in Hairer's RODAS (HW II §IV.8):
///   fac = err^(1/4)/0.9, and after an accepted step also
///   (h_acc/h)·(err²/err_acc)^(1/4)/0.9; the larger (more cautious) factor wins.
///
/// After a rejection the next accepted step may not grow. Safety factor 0.9.
@usableFromInline
struct StepSizeController {
    @usableFromInline
    enum Kind {
        case proportionalIntegral(alpha: Double, beta: Double, minFactor: Double, maxFactor: Double)
        case predictive(exponent: Double, minFactor: Double, maxFactor: Double)
    }

    @usableFromInline let kind: Kind
    @usableFromInline let safety = 0.9
    @usableFromInline var previousError = 1e-4
    @usableFromInline var previousStep = 0.0
    @usableFromInline var hasHistory = false
    @usableFromInline var lastRejected = false

    @inlinable
    init(kind: Kind) { self.kind = kind }

    /// Forget the history (after an event: the solution is discontinuous).
    @inlinable
    mutating func reset() {
        previousError = 1e-4
        previousStep = 0
        hasHistory = false
        lastRejected = false
    }

    /// Next step after an accepted step of size h with error err ≤ 1.
    @inlinable
    mutating func accepted(h: Double, error err: Double) -> Double {
        var hNew: Double
        switch kind {
        case let .proportionalIntegral(alpha, beta, minFactor, maxFactor):
            let fac11 = pow(err, alpha)
            var fac = fac11 / pow(previousError, beta)
            fac = max(1 / maxFactor, min(1 / minFactor, fac / safety))
            hNew = h / fac
            previousError = max(err, 1e-4)
        case let .predictive(exponent, minFactor, maxFactor):
            var fac = max(1 / maxFactor, min(1 / minFactor, pow(err, exponent) / safety))
            if hasHistory {
                var facPredicted = (previousStep / h) * pow(err * err / previousError, exponent) / safety
                facPredicted = max(1 / maxFactor, min(1 / minFactor, facPredicted))
                fac = max(fac, facPredicted)
            }
            hNew = h / fac
            previousStep = h
            previousError = max(1e-2, err)
            hasHistory = true
        }
        if lastRejected { hNew = min(hNew, h) }
        lastRejected = false
        return hNew
    }

    /// Next step after a rejected step of size h with error err > 1.
    @inlinable
    mutating func rejected(h: Double, error err: Double) -> Double {
        lastRejected = true
        switch kind {
        case let .proportionalIntegral(alpha, _, minFactor, _):
            return h / min(1 / minFactor, pow(err, alpha) / safety)
        case let .predictive(exponent, minFactor, maxFactor):
            return h / max(1 / maxFactor, min(1 / minFactor, pow(err, exponent) / safety))
        }
    }

    /// Record a failed attempt that had no usable error (non-finite stages, singular matrix).
    @inlinable
    mutating func noteFailure() { lastRejected = true }
}
