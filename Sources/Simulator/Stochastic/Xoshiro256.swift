/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47,
/// 2021), seeded through splitmix64 as its authors recommend. Written here from the published
/// algorithm, so that a seed gives the same numbers on every platform and with every thread count.
public struct Xoshiro256: Sendable {
    private var s0, s1, s2, s3: UInt64

    /// splitmix64 (Steele, Lea & Flood 2014): one step of the sequence from `state`.
    @inline(__always)
    public static func splitmix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator whose four state words are the next four outputs of splitmix64 from `seed`.
    public init(seed: UInt64) {
        var sm = seed
        s0 = Self.splitmix64(&sm)
        s1 = Self.splitmix64(&sm)
        s2 = Self.splitmix64(&sm)
        s3 = Self.splitmix64(&sm)
    }

    /// The stream of run `index` of an ensemble seeded with `seed`: independent of how runs are spread
    /// over threads. The run's seed is splitmix64 of the seed mixed with splitmix64 of the index.
    public init(seed: UInt64, stream index: UInt64) {
        var a = seed
        var b = index ^ 0x5851_F42D_4C95_7F2D
        let mixed = Self.splitmix64(&a) ^ Self.splitmix64(&b)
        self.init(seed: mixed)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform number in (0, 1]: the top 53 bits, plus one, times 2⁻⁵³ (never 0, so its log is finite).
    @inline(__always)
    public mutating func uniformPositive() -> Double {
        Double((next() >> 11) &+ 1) * 0x1.0p-53
    }

    /// A uniform number in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An exponentially distributed number with mean 1 (inversion: −ln U).
    @inline(__always)
    public mutating func exponential() -> Double {
        -log(uniformPositive())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
