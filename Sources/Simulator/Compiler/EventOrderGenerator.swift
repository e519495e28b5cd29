/// The seeded source of the random choices SBML leaves to the simulator: which of several events due
/// at the same instant with equal priority (or none) executes first (SBML Level 3 Version 2,
/// section 4.12.7: such ties are broken at random, each order equally likely).
///
/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// a 64-bit counter advanced by the golden-ratio increment, then mixed. Its output passes BigCrush and
/// depends on the seed alone, so a run is repeated byte for byte by giving the same seed.
public struct EventOrderGenerator: Sendable {
    /// The seed a run uses unless told otherwise.
    public static let defaultSeed: UInt64 = 1

    private var counter: UInt64

    public init(seed: UInt64) {
        counter = seed
    }

    public mutating func next() -> UInt64 {
        counter &+= 0x9E37_79B9_7F4A_7C15
        var z = counter
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed integer in 0..<n (n ≥ 1): draws below 2⁶⁴ mod n are rejected, so every
    /// remainder is equally likely.
    public mutating func below(_ n: Int) -> Int {
        precondition(n >= 1)
        let m = UInt64(n)
        let threshold = (0 &- m) % m
        while true {
            let r = next()
            if r >= threshold { return Int(r % m) }
        }
    }
}
