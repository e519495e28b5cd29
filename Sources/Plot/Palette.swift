/// Colours that people with the common colour-vision deficiencies can tell apart.
public enum Palette {
    /// The Okabe–Ito palette (Okabe & Ito 2008), reordered so that the first colours contrast most on
    /// white; yellow comes last.
    public static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Dash patterns cycled with the colours (a second cue besides colour, also for grey-scale print).
    public static let dashes = ["", "6 3", "2 3", "8 3 2 3"]

    /// The dash pattern of series k: it changes when the colours start over, so no two of the first 32
    /// series look the same.
    public static func dash(_ k: Int) -> String {
        dashes[(k % dashes.count + k / categorical.count) % dashes.count]
    }

    /// Viridis (van der Walt & Smith 2015), perceptually uniform and colour-blind-safe, sampled at nine
    /// points and interpolated linearly in RGB.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// The viridis colour at `t` in [0, 1] as `#rrggbb`.
    public static func sequential(_ t: Double) -> String {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridis.count - 1)
        let i = min(Int(x), viridis.count - 2)
        let f = x - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func channel(_ u: Double, _ v: Double) -> String {
            let c = Int((u + f * (v - u)).rounded())
            let s = String(c, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + channel(a.0, b.0) + channel(a.1, b.1) + channel(a.2, b.2)
    }
}
