import Analysis
import Testing

@Suite("RunningMoments: Welford's mean and sample variance")
struct RunningMomentsTests {
    @Test("2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7")
    func textbookSample() {
        var m = RunningMoments()
        for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { m.add(x) }
        #expect(m.count == 8)
        #expect(abs(m.mean - 5) <= 1e-15)
        #expect(abs(m.variance - 32.0 / 7) <= 1e-14)
        #expect(abs(m.standardDeviation - (32.0 / 7).squareRoot()) <= 1e-14)
    }

    @Test("no cancellation on a large offset: 1e9 + (4, 7, 13, 16) has variance 30 (Σx² − n·mean² would lose it)")
    func largeOffset() {
        var m = RunningMoments()
        for x in [4.0, 7, 13, 16] { m.add(1e9 + x) }
        #expect(abs(m.mean - (1e9 + 10)) <= 1e-6)
        #expect(abs(m.variance - 30) <= 1e-6)
    }

    @Test("fewer than two values: the spread is 0")
    func tooFewValues() {
        var m = RunningMoments()
        #expect(m.variance == 0 && m.mean == 0)
        m.add(3.5)
        #expect(m.mean == 3.5 && m.variance == 0)
    }
}
