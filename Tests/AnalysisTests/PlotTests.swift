import Foundation
import Testing
@testable import Plot

@Suite("SVG plots")
struct PlotTests {
    let plot = LinePlot(title: "Test <plot> & co", xLabel: "time (min)", yLabel: "pSTAT3 (nM)",
                        series: [Series(name: "baseline", x: [0, 1, 2, 3], y: [0, 2, 1.5, 0.5]),
                                 Series(name: "knockout", x: [0, 1, 2, 3], y: [0, 2.5, 2.4, 2.3])])

    @Test("a title too long for the plot's width is set smaller, down to 10 px; a short one stays at 16 px")
    func longTitlesFit() throws {
        func titleSize(_ title: String) -> Double? {
            let svg = LinePlot(title: title, xLabel: "t", yLabel: "y", series: plot.series).svg()
            guard let tag = svg.split(separator: "\n").first(where: { $0.contains("font-weight=\"bold\"") && $0.contains(title) }),
                  let range = tag.range(of: "font-size=\"") else { return nil }
            return Double(tag[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(titleSize("pSTAT3 over time") == 16)
        // 76 characters at 0.6 em of 16 px is 730 px, more than the 660 px from the left margin to the edge.
        let long = "IL-11 signalling — JAK/STAT3, SHP2/RAS/ERK and PI3K/AKT (stochastic, seed 7)"
        let size = try #require(titleSize(long))
        #expect(size < 16 && size >= 14 && Double(long.count) * size * 0.6 <= 660)
        #expect(titleSize(String(repeating: "x", count: 300)) == 10)
    }

    @Test func lineplotIsDeterministicAndEmbeddable() {
        let a = plot.svg(), b = plot.svg()
        #expect(a == b)
        #expect(a.contains("viewBox=\"0 0 760 460\""))
        let root = a.split(separator: "\n").first { $0.hasPrefix("<svg") } ?? ""
        #expect(!root.contains("width=") && !root.contains("height="))
        #expect(a.contains("<title id=\"plot-title\">Test &lt;plot&gt; &amp; co</title>"))
        #expect(a.contains("<desc"))
        #expect(a.contains(">baseline</text>") && a.contains(">knockout</text>"))
        #expect(a.contains(">time (min)</text>"))
        #expect(a.contains(Palette.categorical[0]) && a.contains(Palette.categorical[1]))
    }

    @Test func niceTicks() {
        let axis = Axis(label: "x", covering: [0.13, 9.7], logarithmic: false)
        #expect(axis.lower == 0 && axis.upper == 10)
        #expect(axis.ticks.map(\.label) == ["0", "2", "4", "6", "8", "10"])
        let small = Axis(label: "x", covering: [0, 0.3], logarithmic: false)
        #expect(small.ticks.map(\.label) == ["0", "0.05", "0.10", "0.15", "0.20", "0.25", "0.30"])
        let log = Axis(label: "x", covering: [1e-7, 1e-2], logarithmic: true)
        #expect(log.lower == 1e-7 && log.upper == 1e-2)
        #expect(log.ticks.count == 6)
    }

    @Test func logAxisSkipsNonPositiveValues() {
        let p = LinePlot(title: "log", xLabel: "t", yLabel: "y", series: [Series(name: "a", x: [0, 1, 2], y: [0, 10, 100])], logY: true)
        let svg = p.svg()
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(svg.contains("10<tspan"))
    }

    @Test func heatMapHasColourBar() {
        let h = HeatMap(title: "grid", xLabel: "a", yLabel: "b", colourLabel: "peak", x: [1, 2, 3], y: [10, 20],
                        values: [[0, 1], [2, 3], [4, .nan]])
        let svg = h.svg()
        #expect(svg == h.svg())
        #expect(svg.contains(Palette.sequential(0)) && svg.contains(Palette.sequential(1)))
        #expect(svg.contains("#bbbbbb"))
        #expect(Palette.sequential(0) == "#440154" && Palette.sequential(1) == "#fde725")
    }
}
