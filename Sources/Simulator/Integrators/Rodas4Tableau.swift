/// Coefficients of RODAS4, the 6-stage, order-4(3), L-stable, stiffly accurate Rosenbrock
/// method of Hairer & Wanner, *Solving ODEs II* (2nd ed., 1996), §VI.4
/// and §IV.7, in the transformed ("uᵢ") form used by their code RODAS (METH = 1).
///
/// With W = I/(γh) − J, J = ∂f/∂y(t₀, y₀), f_t = ∂f/∂t(t₀, y₀), each stage solves
///
///     W uᵢ = f(t₀ + cᵢh, y₀ + Σⱼ<ᵢ aᵢⱼ uⱼ) + Σⱼ<ᵢ (cᵢⱼ/h) uⱼ + h dᵢ f_t,
///
/// stage 6 is evaluated at y₀ + Σ a₅ⱼuⱼ + u₅ (stiff accuracy: a₆ⱼ = a₅ⱼ, a₆₅ = 1) and
///
///     y₁ = y₀ + Σ a₅ⱼ uⱼ + u₅ + u₆,   local error estimate = u₆
///
/// (the embedded 3rd-order solution is y₀ + Σ a₅ⱼuⱼ + u₅). c₅ = c₆ = 1, d₅ = d₆ = 0.
///
/// Dense output (3rd-order continuous extension, HW II §IV.7): with s = (τ − t₀)/h,
///
///     y(τ) = (1 − s) y₀ + s (y₁ + (1 − s)(q₁ + s q₂)),  q₁ = Σ d₂ⱼ uⱼ, q₂ = Σ d₃ⱼ uⱼ (j ≤ 5).
///
/// The decimal values are those published with RODAS (HW II).
@usableFromInline
enum Rodas4Tableau {
    @inlinable static var gamma: Double { 0.25 }

    @inlinable static var c2: Double { 0.386 }
    @inlinable static var c3: Double { 0.21 }
    @inlinable static var c4: Double { 0.63 }

    @inlinable static var d1: Double { 0.25 }
    @inlinable static var d2: Double { -0.1043 }
    @inlinable static var d3: Double { 0.1035 }
    @inlinable static var d4: Double { -0.3620000000000023e-01 }

    @inlinable static var a21: Double { 0.1544e+01 }
    @inlinable static var a31: Double { 0.9466785280815826 }
    @inlinable static var a32: Double { 0.2557011698983284 }
    @inlinable static var a41: Double { 0.3314825187068521e+01 }
    @inlinable static var a42: Double { 0.2896124015972201e+01 }
    @inlinable static var a43: Double { 0.9986419139977817 }
    @inlinable static var a51: Double { 0.1221224509226641e+01 }
    @inlinable static var a52: Double { 0.6019134481288629e+01 }
    @inlinable static var a53: Double { 0.1253708332932087e+02 }
    @inlinable static var a54: Double { -0.6878860361058950 }

    @inlinable static var c21: Double { -0.56688e+01 }
    @inlinable static var c31: Double { -0.2430093356833875e+01 }
    @inlinable static var c32: Double { -0.2063599157091915 }
    @inlinable static var c41: Double { -0.1073529058151375 }
    @inlinable static var c42: Double { -0.9594562251023355e+01 }
    @inlinable static var c43: Double { -0.2047028614809616e+02 }
    @inlinable static var c51: Double { 0.7496443313967647e+01 }
    @inlinable static var c52: Double { -0.1024680431464352e+02 }
    @inlinable static var c53: Double { -0.3399990352819905e+02 }
    @inlinable static var c54: Double { 0.1170890893206160e+02 }
    @inlinable static var c61: Double { 0.8083246795921522e+01 }
    @inlinable static var c62: Double { -0.7981132988064893e+01 }
    @inlinable static var c63: Double { -0.3152159432874371e+02 }
    @inlinable static var c64: Double { 0.1631930543123136e+02 }
    @inlinable static var c65: Double { -0.6058818238834054e+01 }

    @inlinable static var d21: Double { 0.1012623508344586e+02 }
    @inlinable static var d22: Double { -0.7487995877610167e+01 }
    @inlinable static var d23: Double { -0.3480091861555747e+02 }
    @inlinable static var d24: Double { -0.7992771707568823e+01 }
    @inlinable static var d25: Double { 0.1025137723295662e+01 }
    @inlinable static var d31: Double { -0.6762803392801253 }
    @inlinable static var d32: Double { 0.6087714651680015e+01 }
    @inlinable static var d33: Double { 0.1643084320892478e+02 }
    @inlinable static var d34: Double { 0.2476722511418386e+02 }
    @inlinable static var d35: Double { -0.6594389125716872e+01 }
}
