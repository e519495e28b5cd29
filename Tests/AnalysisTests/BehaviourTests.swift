import Foundation
import Testing
import PathwayModel
import Simulator
@testable import Analysis

/// Published behaviours (reference/biology-facts.md §5), checked as inequalities on simulated numbers.
@Suite("Behaviours of the shipped models")
struct BehaviourTests {
    static let scenarios = ["socs3-knockout", "shp2-knockout", "ruxolitinib-low", "ruxolitinib", "ruxolitinib-high",
                            "trametinib", "pi3k-inhibitor", "il11ra-knockout", "anti-il11"]

    /// One comparison of every scenario, shared by the IL-11 tests.
    static let il11: Result<Comparison, any Error> = Result {
        let model = try loadShippedModel("il11.yaml")
        let runs = try scenarios.map { ComparisonRun(label: $0, perturbations: try model.perturbations(ofScenario: $0)) }
        return try Comparison.run(model: model, runs: runs, observe: ["pSTAT3", "pERK", "pAKT", "SOCS3"],
                                  settings: SimulationSettings(end: 14400, output: .points(241)))
    }

    func summary(_ run: String, _ observable: String) throws -> TimeCourseSummary {
        let c = try Self.il11.get()
        let r = try #require(c.runs.first { $0.label == run })
        #expect(r.failure == nil, "\(run) failed: \(r.failure ?? "")")
        return r.summaries[try #require(c.observe.firstIndex(of: observable))]
    }

    @Test func baselinePSTAT3IsTransient() throws {
        let s = try summary("baseline", "pSTAT3")
        #expect(s.peak > 0)
        #expect(s.final < 0.25 * s.peak, "final \(s.final), peak \(s.peak)")
    }

    @Test func socs3KnockoutSustainsPSTAT3() throws {
        let base = try summary("baseline", "pSTAT3"), ko = try summary("socs3-knockout", "pSTAT3")
        #expect(ko.final > 0.5 * ko.peak, "final \(ko.final) vs peak \(ko.peak)")
        #expect(ko.final > 5 * base.final)
        #expect(ko.auc > base.auc)
    }

    @Test func shp2KnockoutRaisesPSTAT3AndLowersPERK() throws {
        #expect(try summary("shp2-knockout", "pSTAT3").peak > summary("baseline", "pSTAT3").peak)
        #expect(try summary("shp2-knockout", "pSTAT3").auc > summary("baseline", "pSTAT3").auc)
        #expect(try summary("shp2-knockout", "pERK").peak < 0.5 * summary("baseline", "pERK").peak)
    }

    @Test func ruxolitinibLowersThePSTAT3PeakMoreWithAHigherDose() throws {
        let peaks = try ["baseline", "ruxolitinib-low", "ruxolitinib", "ruxolitinib-high"].map { try summary($0, "pSTAT3").peak }
        #expect(zip(peaks, peaks.dropFirst()).allSatisfy { $0 > $1 }, "peaks \(peaks)")
    }

    @Test func trametinibLowersPERKButNotPSTAT3() throws {
        #expect(try summary("trametinib", "pERK").peak < 0.1 * summary("baseline", "pERK").peak)
        #expect(try summary("trametinib", "pSTAT3").peak >= 0.95 * summary("baseline", "pSTAT3").peak)
    }

    @Test func pi3kInhibitorAbolishesPAKTWithoutLoweringPERK() throws {
        #expect(try summary("pi3k-inhibitor", "pAKT").peak < 0.05 * summary("baseline", "pAKT").peak)
        #expect(try summary("pi3k-inhibitor", "pERK").peak >= 0.99 * summary("baseline", "pERK").peak)
    }

    @Test(arguments: ["il11ra-knockout", "anti-il11"])
    func noReceptorOrNoLigandRemovesEveryResponse(_ run: String) throws {
        for o in ["pSTAT3", "pERK", "pAKT", "SOCS3"] {
            let base = try summary("baseline", o), s = try summary(run, o)
            #expect(s.peak <= 1e-6 * base.peak, "\(run): \(o) peak \(s.peak)")
        }
    }

    /// Huang & Ferrell 1996: steady-state stimulus–response curves steepen down the cascade.
    @Test func ultrasensitivityRisesDownTheMAPKCascade() throws {
        let model = try loadShippedModel("huang-ferrell-1996.yaml")
        let tiers = ["MAPKKK_active", "MAPKK_PP", "MAPK_PP"]
        let doses = (0..<36).map { pow(10, -7 + 5 * Double($0) / 35) }
        let box = ResultBox<[Double]>(count: doses.count)
        try Parallel.orderedMap(Array(doses.indices), jobs: Parallel.availableCores, makeContext: {
            try CompiledModel(model)
        }, work: { compiled, i in
            compiled.setValue("E1", doses[i])
            guard let ss = try? SteadyStateSolver().solve(compiled) else { return tiers.map { _ in Double.nan } }
            return tiers.map { (try? ReadoutEvaluator.read($0, at: ss, in: compiled)) ?? .nan }
        }, deliver: { i, v in box.set(i, v) })
        let values = box.values
        let nH = tiers.indices.map { k in DoseResponse.analyse(doses: doses, responses: values.map { $0[k] }).hillCoefficient ?? .nan }
        print("Huang–Ferrell effective Hill coefficients (MAPKKK, MAPKK, MAPK): \(nH)")
        #expect(nH[0] < nH[1] && nH[1] < nH[2], "\(nH)")
        #expect(nH[2] >= 4 && nH[2] <= 5.5, "MAPK nH \(nH[2])")
    }
}
