/// Tolerances and limits for a solve (the algorithm's *options* in SciML terms).
///
/// Error control (adaptive methods) accepts a step when the weighted RMS norm
///
///     ‖e‖ = sqrt( (1/n) Σᵢ ( eᵢ / (atol + rtol · max(|yᵢ|, |ŷᵢ|)) )² ) ≤ 1
///
/// of the local error estimate e is at most one (Hairer, Nørsett & Wanner I, II.4). The
/// defaults suit concentration-scale signalling models: `rtol = 1e-6` (about six significant
/// digits per step) and `atol = 1e-9` (components far below 1e-9 are controlled only in
/// absolute terms). Global errors are typically 1–100 times the local tolerance; tighten
/// both for quantities that are small in absolute terms.
public struct SolverOptions: Sendable, Equatable {
    /// Relative tolerance (default 1e-6).
    public var rtol: Double
    /// Absolute tolerance (default 1e-9).
    public var atol: Double
    /// First step for adaptive methods; `nil` uses Hairer's initial step selection.
    public var initialStep: Double?
    /// Upper bound on the step (default: unbounded). Also bounds how long a triggered event's
    /// condition may go unobserved: a double crossing inside one step is not seen.
    public var maxStep: Double
    /// Maximum number of attempted steps (accepted + rejected) before giving up with
    /// ``SolverStatus/maxStepsReached(time:steps:)`` (default 500 000).
    public var maxSteps: Int
    /// Fixed step for ``Euler`` and ``RungeKutta4`` (required there). If set for an adaptive
    /// method, that method also takes fixed steps with error control off (used to measure
    /// convergence orders).
    public var stepSize: Double?
    /// Stop with ``SolverStatus/negativeState(component:time:value:)`` when an accepted step
    /// leaves a component below the noise band −k·(atol + rtol·sᵢ), sᵢ being the largest |yᵢ|
    /// seen so far and k = `negativeStateFactor`·√n (``negativeNoiseFactor(dimension:)``; default
    /// on). Values inside the band are solver noise: the integrator keeps them as they are.
    public var checkNegative: Bool
    /// The components the negative-state check applies to (concentrations and amounts);
    /// nil: all of them. Parameters carried in the state may be negative.
    public var nonNegativeComponents: [Int]?
    /// Stop with ``SolverStatus/stiffnessDetected(time:)`` when the method's stiffness test or its
    /// cost-based switch test fires (Dormand–Prince only; used by ``AutoIntegrator``).
    public var stopWhenStiff = false
    /// The scale of the negative-state check carried over from an earlier part of the same run
    /// (``Solution/largestMagnitudes``); nil: start from |y₀|.
    public var initialMagnitudes: [Double]?
    /// Multiplier of √n in the negative-state noise band (default 10).
    public var negativeStateFactor: Double

    /// k in the noise band −k·(atol + rtol·sᵢ) of the negative-state check: `negativeStateFactor`·√n.
    /// The band is in units of the error norm's weights. √n: the norm is an RMS over n components,
    /// so one accepted step may leave a single component's local error as large as √n weights while
    /// the norm stays at most 1. 10: global errors are typically 1–100 times the local tolerance,
    /// errors of several steps adding up. (k = 10 for one equation, 224 for Chen 2009's 500.)
    @inlinable
    public func negativeNoiseFactor(dimension n: Int) -> Double {
        negativeStateFactor * Double(max(n, 1)).squareRoot()
    }

    public init(
        rtol: Double = 1e-6,
        atol: Double = 1e-9,
        initialStep: Double? = nil,
        maxStep: Double = .infinity,
        maxSteps: Int = 500_000,
        stepSize: Double? = nil,
        checkNegative: Bool = true,
        negativeStateFactor: Double = 10
    ) {
        self.rtol = rtol
        self.atol = atol
        self.initialStep = initialStep
        self.maxStep = maxStep
        self.maxSteps = maxSteps
        self.stepSize = stepSize
        self.checkNegative = checkNegative
        self.negativeStateFactor = negativeStateFactor
        self.nonNegativeComponents = nil
    }
}
