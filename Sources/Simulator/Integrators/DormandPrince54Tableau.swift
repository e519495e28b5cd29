/// Butcher tableau of the Dormand–Prince 5(4) pair, J. R. Dormand & P. J. Prince,
/// "A family of embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6 (1980) 19–26;
/// as tabulated in Hairer, Nørsett & Wanner, *Solving ODEs I*, Table II.5.2.
///
/// Seven stages, FSAL (the seventh stage is f at the 5th-order solution, reused as the next
/// step's first). The 5th-order weights bᵢ equal row 7 of A; `e` = b − b̂ (b̂ the 4th-order
/// weights) gives the local error estimate h·Σ eᵢkᵢ.
///
/// Dense output: Shampine's (1986) continuous extension in Hairer's form (HNW I §II.6,
/// routine CONTD5): with θ = (τ − t)/h and θ₁ = 1 − θ,
///
///     y(τ) = r₁ + θ(r₂ + θ₁(r₃ + θ(r₄ + θ₁ r₅)))
///     r₁ = y₀, r₂ = y₁ − y₀, r₃ = h k₁ − r₂, r₄ = r₂ − h k₇ − r₃, r₅ = h Σ dᵢ kᵢ,
///
/// which is of order 4 uniformly in θ and 5 at θ = 1.
@usableFromInline
enum DormandPrince54Tableau {
    @inlinable static var c2: Double { 1.0 / 5.0 }
    @inlinable static var c3: Double { 3.0 / 10.0 }
    @inlinable static var c4: Double { 4.0 / 5.0 }
    @inlinable static var c5: Double { 8.0 / 9.0 }

    @inlinable static var a21: Double { 1.0 / 5.0 }
    @inlinable static var a31: Double { 3.0 / 40.0 }
    @inlinable static var a32: Double { 9.0 / 40.0 }
    @inlinable static var a41: Double { 44.0 / 45.0 }
    @inlinable static var a42: Double { -56.0 / 15.0 }
    @inlinable static var a43: Double { 32.0 / 9.0 }
    @inlinable static var a51: Double { 19372.0 / 6561.0 }
    @inlinable static var a52: Double { -25360.0 / 2187.0 }
    @inlinable static var a53: Double { 64448.0 / 6561.0 }
    @inlinable static var a54: Double { -212.0 / 729.0 }
    @inlinable static var a61: Double { 9017.0 / 3168.0 }
    @inlinable static var a62: Double { -355.0 / 33.0 }
    @inlinable static var a63: Double { 46732.0 / 5247.0 }
    @inlinable static var a64: Double { 49.0 / 176.0 }
    @inlinable static var a65: Double { -5103.0 / 18656.0 }
    // Row 7 = 5th-order weights b (b₂ = 0).
    @inlinable static var a71: Double { 35.0 / 384.0 }
    @inlinable static var a73: Double { 500.0 / 1113.0 }
    @inlinable static var a74: Double { 125.0 / 192.0 }
    @inlinable static var a75: Double { -2187.0 / 6784.0 }
    @inlinable static var a76: Double { 11.0 / 84.0 }

    // e = b − b̂ (e₂ = 0).
    @inlinable static var e1: Double { 71.0 / 57600.0 }
    @inlinable static var e3: Double { -71.0 / 16695.0 }
    @inlinable static var e4: Double { 71.0 / 1920.0 }
    @inlinable static var e5: Double { -17253.0 / 339200.0 }
    @inlinable static var e6: Double { 22.0 / 525.0 }
    @inlinable static var e7: Double { -1.0 / 40.0 }

    // Dense output (d₂ = 0).
    @inlinable static var d1: Double { -12715105075.0 / 11282082432.0 }
    @inlinable static var d3: Double { 87487479700.0 / 32700410799.0 }
    @inlinable static var d4: Double { -10690763975.0 / 1880347072.0 }
    @inlinable static var d5: Double { 701980252875.0 / 199316789632.0 }
    @inlinable static var d6: Double { -1453857185.0 / 822651844.0 }
    @inlinable static var d7: Double { 69997945.0 / 29380423.0 }
}
