/// Variable-order, variable-step backward differentiation formulas (orders 1–5) for stiff
/// problems, in the style of CVODE/VODE (Hindmarsh et al., *SUNDIALS*, ACM TOMS 31, 2005) and
/// MATLAB's ode15s (Shampine & Reichelt, *The MATLAB ODE Suite*, SIAM J. Sci. Comput. 18, 1997).
///
/// **Formulas.** The quasi-constant-step form of Shampine & Reichelt: the history is kept as
/// backward differences Dⱼ = ∇ʲyₙ on an equally spaced grid of the current step h. With
/// γₖ = Σ_{j≤k} 1/j, the order-k numerical differentiation formula (NDF, Klopfenstein's κₖ =
/// −0.185, −1/9, −0.0823, −0.0415, 0 for k = 1…5; κ₅ = 0 makes order 5 the plain BDF5) is
///
///     Σ_{j=1}^{k} (1/j)∇ʲyₙ₊₁ − h·f(tₙ₊₁, yₙ₊₁) − κₖγₖ(yₙ₊₁ − ŷ) = 0,   ŷ = Σ_{j≤k} Dⱼ,
///
/// i.e. for the correction d = yₙ₊₁ − ŷ, with αₖ = (1 − κₖ)γₖ, c = h/αₖ and ψ = (1/αₖ)Σ_{j=1}^{k} γⱼDⱼ:
///
///     d − c·f(tₙ₊₁, ŷ + d) + ψ = 0.
///
/// When h changes, D₀…Dₖ are re-expressed on the new grid (D ← (RU)ᵀD, the interpolating
/// polynomial unchanged). The local error is estimated as Eₖ = (κₖγₖ + 1/(k+1))·d.
///
/// **Newton** (modified, as in CVODE): iterate (I/c − J)·δ = f − (ψ + d)/c with J and the LU of
/// I/c − J kept across steps. The matrix is refactored only when c changes (a change of h or k);
/// J is re-evaluated at a refactorisation when it is 20 steps old or c moved by more than 30 %,
/// and whenever Newton fails with a stale J. At most 3 iterations; converged when
/// ‖δ‖·min(1, ρ) ≤ 0.1/Cₖ (ρ the contraction-rate estimate kept across steps, Cₖ the error
/// constant, weights atol + rtol·|yₙ|); a failure with a fresh J cuts h by 4.
/// Linear algebra is ``SparseLU`` when the model gives its Jacobian pattern (n ≥ 12), else dense LU.
///
/// **Step and order** (CVODE's rules): h and k are held for k + 1 steps after a change. Then
/// ηq = 1/((b·‖E_q‖)^{1/(q+1)} + 10⁻⁶) for q = k − 1, k, k + 1 (biases b = 6, 6, 10; E_{k±1} from
/// ∇ᵏyₙ₊₁ and ∇ᵏ⁺²yₙ₊₁), and the largest wins; nothing changes unless η ≥ 1.5 (so the iteration
/// matrix survives many steps); growth is at most 10 (100 on the first steps after a start).
/// A rejected step shrinks h by η ∈ [0.1, 0.9] (≤ 0.2 after repeated failures; order 1 after three);
/// the step after a failure keeps h and k.
///
/// **Dense output:** the backward-difference polynomial of the last step through its k + 1 grid
/// points, so output at arbitrary times does not affect the steps. **Events:** after a discontinuity
/// the method restarts at order 1 with D₁ = h·f.
///
/// **Differential–algebraic systems.** When the function has ``ODEFunction/algebraicComponents``
/// (semi-explicit index 1: y' = f(y, z), 0 = g(y, z), the rows of z holding g), the formula is
/// M·(d + ψ) − c·f = 0 with the mass matrix M = diag(1 for y, 0 for z): Newton iterates on
/// (M/c − J)·δ = f − M(ψ + d)/c, so every step ends with g(t₁, y₁, z₁) = 0 to Newton's tolerance, and
/// the error test covers z as well (Hairer & Wanner, *Solving ODEs II*, §VI.1 and VII.3; MATLAB's
/// ode15s with a singular mass matrix). At every restart (t₀ and after each event) z is made consistent
/// by Newton on g with y held (``DAEConsistency``) and predicted constant over the first step.
/// Ordinary systems take exactly the paths they took before (one test of an optional per Newton
/// iteration and per factorisation).
///
/// The first step uses Hairer's starting-step estimate for a method of order 2 (BDF1's local error
/// is ∝ h²). If `SolverOptions.stepSize` is set, the method takes fixed steps with error control off.
public struct BDF: Integrator {
    public init() {}

    public var name: String { "bdf" }

    @inlinable
    public func solve<F: ODEFunction>(
        _ problem: ODEProblem<F>, output: OutputSchedule, options: SolverOptions
    ) -> Solution {
        IntegrationDriver.solve(problem, output: output, options: options, requiresStepSize: false) {
            BDFStepper(function: problem.function, rtol: options.rtol, atol: options.atol)
        }
    }
}
