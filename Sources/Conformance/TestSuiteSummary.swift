import SBML

/// The totals of a run of SBML Test Suite cases (`pathway sbml-test`): passed, failed and unsupported
/// cases, and for the stochastic cases how many Z and Y tests fell outside their ranges against what
/// chance allows.
public struct TestSuiteSummary: Sendable {
    public var outcomes: [TestSuiteRunner.Outcome]
    /// Trajectories per stochastic case, and their seed.
    public var runs: Int
    public var seed: UInt64
    /// The seed of the order of events due at the same time.
    public var eventSeed: UInt64

    /// Chance failures over all stochastic cases allowed before the run counts as failed: twice what
    /// the suite expects of a correct simulator at n = 10,000.
    public static let chanceAllowance = (z: 6, y: 12)

    public init(outcomes: [TestSuiteRunner.Outcome], runs: Int, seed: UInt64, eventSeed: UInt64) {
        self.outcomes = outcomes
        self.runs = runs
        self.seed = seed
        self.eventSeed = eventSeed
    }

    public var passed: Int { outcomes.filter { $0.status == .passed }.count }
    public var failed: Int { outcomes.filter { $0.status == .failed }.count }
    public var unsupported: Int { outcomes.filter { $0.status == .unsupported }.count }
    var judged: [TestSuiteCase.StochasticJudgement] { outcomes.compactMap(\.judgement) }
    var zFailures: Int { judged.reduce(0) { $0 + $1.zFailures } }
    var zTests: Int { judged.reduce(0) { $0 + $1.zTests } }
    var yFailures: Int { judged.reduce(0) { $0 + $1.yFailures } }
    var yTests: Int { judged.reduce(0) { $0 + $1.yTests } }
    var withinChance: Bool { zFailures <= Self.chanceAllowance.z && yFailures <= Self.chanceAllowance.y }

    /// No deterministic case failed and the stochastic cases' failures are within chance.
    public var succeeded: Bool {
        let stochasticFailed = outcomes.filter { $0.judgement != nil && $0.status == .failed }.count
        return failed - stochasticFailed == 0 && withinChance
    }

    /// The closing lines of the text report (after a line per case).
    public var text: String {
        var out = ""
        if !judged.isEmpty {
            out += "stochastic: \(judged.count) cases, \(runs) runs each (seed \(seed)): Z outside its range \(zFailures) of \(zTests) tests, Y \(yFailures) of \(yTests) "
                + "(a correct simulator fails about 2-3 Z and 5-6 Y by chance over the suite's 39 cases); "
                + (withinChance ? "within chance" : "MORE than chance allows (\(Self.chanceAllowance.z) Z, \(Self.chanceAllowance.y) Y)") + "\n"
        }
        // The seed of the events' random order, when any case depended on it (each such case says so).
        let random = outcomes.contains { $0.detail.contains("events ordered at random") } ? " (event-order seed \(eventSeed))" : ""
        return out + "sbml-test: \(passed) passed, \(failed) failed, \(unsupported) unsupported\(random)\n"
    }

    /// The whole report as JSON.
    public var json: String {
        var out = "{\n  \"passed\": \(passed), \"failed\": \(failed), \"unsupported\": \(unsupported), \"seed\": \(eventSeed),\n"
        if !judged.isEmpty {
            out += "  \"stochastic\": {\"runs\": \(runs), \"seed\": \(seed), \"zFailures\": \(zFailures), \"zTests\": \(zTests), \"yFailures\": \(yFailures), \"yTests\": \(yTests)},\n"
        }
        out += "  \"cases\": [\n"
        out += outcomes.map { "    " + $0.json }.joined(separator: ",\n")
        return out + "\n  ]\n}\n"
    }
}
