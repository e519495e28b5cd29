import Foundation

/// A semantic case of the SBML Test Suite: `NNNNN-sbml-lXvY.xml`, `NNNNN-settings.txt`,
/// `NNNNN-results.csv` and `NNNNN-model.m` in one folder.
public struct TestSuiteCase: Sendable {
    public var id: String
    public var directory: String
    /// The model file: `NNNNN-sbml-l3v2.xml` if present, else the highest Level and Version there is.
    public var modelPath: String
    public var start: Double
    public var duration: Double
    public var steps: Int
    public var variables: [String]
    public var absolute: Double
    public var relative: Double
    public var amounts: Set<String>
    public var concentrations: Set<String>
    /// `TimeCourse`, `FluxBalanceSteadyState`, …
    public var testType: String
    public var tags: [String]
    /// Expected values: `expected[i][k]` is variable k at output time i.
    public var expectedTimes: [Double]
    public var expected: [[Double]]
    /// Stochastic cases (`StochasticTimeCourse`): the exact mean and standard deviation of each variable
    /// (`expectedMean[i][k]`, `expectedSD[i][k]`), which of them are judged (the settings' `output`),
    /// and the ranges Z and Y must lie in (open intervals).
    public var expectedMean: [[Double]] = []
    public var expectedSD: [[Double]] = []
    public var judgesMean: [Bool] = []
    public var judgesSD: [Bool] = []
    public var meanRange: (Double, Double) = (-3, 3)
    public var sdRange: (Double, Double) = (-5, 5)

    /// The output times: `steps + 1` points from `start` to `start + duration`.
    public var times: [Double] {
        (0...steps).map { start + duration * Double($0) / Double(steps) }
    }

    /// Reads the case in `directory` (named by its number).
    public init(directory: String) throws(TestSuiteCaseError) {
        let url = URL(fileURLWithPath: directory)
        let id = url.lastPathComponent
        self.id = id
        self.directory = directory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let models = files.filter { $0.hasPrefix("\(id)-sbml-l") && $0.hasSuffix(".xml") }.sorted()
        guard let model = models.first(where: { $0 == "\(id)-sbml-l3v2.xml" }) ?? models.last else {
            throw TestSuiteCaseError(message: "\(directory): no \(id)-sbml-lXvY.xml model file")
        }
        modelPath = url.appendingPathComponent(model).path

        func read(_ name: String) throws(TestSuiteCaseError) -> String {
            let path = url.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw TestSuiteCaseError(message: "\(path): cannot read")
            }
            return text
        }
        var settings: [String: String] = [:]
        for line in try read("\(id)-settings.txt").split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            settings[String(line[..<colon]).trimmingWhitespaceAndNewlines.lowercased()] = String(line[line.index(after: colon)...]).trimmingWhitespaceAndNewlines
        }
        func list(_ key: String) -> [String] {
            (settings[key] ?? "").split(separator: ",").map { String($0).trimmingWhitespaceAndNewlines }.filter { !$0.isEmpty }
        }
        func number(_ key: String) throws(TestSuiteCaseError) -> Double {
            guard let text = settings[key], let v = Double(text) else {
                throw TestSuiteCaseError(message: "\(id)-settings.txt: missing or bad '\(key)'")
            }
            return v
        }
        var type = "TimeCourse"
        var tags: [String] = []
        if let description = try? read("\(id)-model.m") {
            for line in description.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ":", maxSplits: 1).map { String($0).trimmingWhitespaceAndNewlines }
                guard parts.count == 2 else { continue }
                if parts[0] == "testType" { type = parts[1] }
                if parts[0] == "componentTags" || parts[0] == "testTags" {
                    tags += parts[1].split(separator: ",").map { String($0).trimmingWhitespaceAndNewlines }.filter { !$0.isEmpty }
                }
            }
        }
        testType = type
        self.tags = tags
        variables = list("variables")
        amounts = Set(list("amount"))
        concentrations = Set(list("concentration"))
        if type == "StochasticTimeCourse" {
            start = try number("start")
            duration = try number("duration")
            steps = Int(try number("steps"))
            absolute = 0; relative = 0
            func range(_ key: String, _ fallback: (Double, Double)) throws(TestSuiteCaseError) -> (Double, Double) {
                guard let text = settings[key] else { return fallback }
                let parts = text.trimmingCharacters(in: ["(", ")", "[", "]", " "]).split(separator: ",").compactMap { Double(String($0).trimmingWhitespaceAndNewlines) }
                guard parts.count == 2 else { throw TestSuiteCaseError(message: "\(id)-settings.txt: bad '\(key)': \(text)") }
                return (parts[0], parts[1])
            }
            meanRange = try range("meanrange", (-3, 3))
            sdRange = try range("sdrange", (-5, 5))
            let outputs = Set(list("output"))
            judgesMean = variables.map { outputs.contains("\($0)-mean") }
            judgesSD = variables.map { outputs.contains("\($0)-sd") }
            let rows = try read("\(id)-results.csv").split(whereSeparator: \.isNewline).map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespaceAndNewlines }
            }
            guard let header = rows.first else { throw TestSuiteCaseError(message: "\(id)-results.csv: empty") }
            let meanColumns = variables.map { v in header.firstIndex(of: "\(v)-mean") }
            let sdColumns = variables.map { v in header.firstIndex(of: "\(v)-sd") }
            var times: [Double] = [], means: [[Double]] = [], sds: [[Double]] = []
            for row in rows.dropFirst() where !row.allSatisfy(\.isEmpty) {
                times.append(Double(row[0]) ?? .nan)
                means.append(meanColumns.map { c in c.flatMap { $0 < row.count ? Self.parseNumber(row[$0]) : nil } ?? .nan })
                sds.append(sdColumns.map { c in c.flatMap { $0 < row.count ? Self.parseNumber(row[$0]) : nil } ?? .nan })
            }
            expectedTimes = times
            expected = means
            expectedMean = means
            expectedSD = sds
            return
        }
        guard type == "TimeCourse" else {
            // Other test types (flux balance) leave the time-course settings empty.
            start = 0; duration = 0; steps = 0; absolute = 0; relative = 0
            expectedTimes = []; expected = []
            return
        }
        start = try number("start")
        duration = try number("duration")
        steps = Int(try number("steps"))
        absolute = try number("absolute")
        relative = try number("relative")

        let rows = try read("\(id)-results.csv").split(whereSeparator: \.isNewline).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespaceAndNewlines }
        }
        guard let header = rows.first else { throw TestSuiteCaseError(message: "\(id)-results.csv: empty") }
        // Column 0 is time, whatever its header says (a model may have a variable called 'Time').
        let columns = variables.map { v in header.dropFirst().firstIndex(of: v) }
        var times: [Double] = [], values: [[Double]] = []
        for row in rows.dropFirst() where !row.allSatisfy(\.isEmpty) {
            times.append(Double(row[0]) ?? .nan)
            values.append(columns.map { c in c.flatMap { $0 < row.count ? Self.parseNumber(row[$0]) : nil } ?? .nan })
        }
        expectedTimes = times
        expected = values
    }

    static func parseNumber(_ s: String) -> Double? {
        switch s.lowercased() {
        case "inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(s)
        }
    }

    /// Whether a variable is compared as an amount (true), a concentration (false) or as it is (nil).
    public func quantity(of variable: String) -> Bool? {
        if amounts.contains(variable) { return true }
        if concentrations.contains(variable) { return false }
        return nil
    }

    /// The largest deviation found comparing `values` (rows at ``times``, columns in ``variables`` order).
    public struct Deviation: Sendable {
        public var variable: String
        public var time: Double
        public var value: Double
        public var expected: Double
        /// |value − expected| / (absolute + relative·|expected|): above 1 fails.
        public var ratio: Double
    }

    /// Compares simulated values with the expected ones by the suite's rule
    /// `|s − e| ≤ absolute + relative·|e|` (NaN matches NaN, infinities match themselves).
    /// Returns the worst value (nil when there is nothing to compare) and whether all match.
    public func compare(_ values: [[Double]]) -> (passed: Bool, worst: Deviation?) {
        var worst: Deviation?
        var passed = values.count == expected.count
        for (i, row) in expected.enumerated() where i < values.count {
            for (k, e) in row.enumerated() {
                let s = k < values[i].count ? values[i][k] : .nan
                let ratio: Double
                if e.isNaN || s.isNaN {
                    ratio = e.isNaN && s.isNaN ? 0 : .infinity
                } else if e.isInfinite || s.isInfinite {
                    ratio = e == s ? 0 : .infinity
                } else {
                    ratio = abs(s - e) / (absolute + relative * abs(e))
                }
                if ratio > 1 { passed = false }
                if worst == nil || ratio > worst!.ratio {
                    worst = Deviation(variable: variables[k], time: expectedTimes[i], value: s, expected: e, ratio: ratio)
                }
            }
        }
        return (passed, worst)
    }
}

extension TestSuiteCase {
    /// The judgement of a stochastic case: Z = √n·(X̄ − μ)/σ in ``meanRange`` and
    /// Y = √(n/2)·(S²/σ² − 1) in ``sdRange`` at every output time, for the judged variables.
    public struct StochasticJudgement: Sendable {
        public var zTests = 0, zFailures = 0
        public var yTests = 0, yFailures = 0
        /// The largest |Z| and |Y| met, with where.
        public var worstZ: (value: Double, variable: String, time: Double)?
        public var worstY: (value: Double, variable: String, time: Double)?
        public var passed: Bool { zFailures == 0 && yFailures == 0 }
    }

    /// Judges sample means and standard deviations of `n` runs (rows at ``times``, columns in
    /// ``variables`` order). Where the expected σ is 0 (a fixed initial value), the sample must have
    /// the expected mean and no spread.
    public func judge(mean: [[Double]], sd: [[Double]], runs n: Int) -> StochasticJudgement {
        var j = StochasticJudgement()
        let rn = Double(n)
        for i in expectedMean.indices where i < mean.count {
            for k in variables.indices {
                let mu = expectedMean[i][k], sigma = expectedSD[i][k]
                let m = mean[i][k], s = sd[i][k]
                let time = i < expectedTimes.count ? expectedTimes[i] : .nan
                if judgesMean[k] {
                    j.zTests += 1
                    let z = sigma > 0 ? rn.squareRoot() * (m - mu) / sigma : (abs(m - mu) <= 1e-9 * max(1, abs(mu)) ? 0 : .infinity)
                    if !(z > meanRange.0 && z < meanRange.1) { j.zFailures += 1 }
                    if j.worstZ == nil || !(abs(z) <= abs(j.worstZ!.value)) { j.worstZ = (z, variables[k], time) }
                }
                if judgesSD[k] {
                    j.yTests += 1
                    let y = sigma > 0 ? (rn / 2).squareRoot() * (s * s / (sigma * sigma) - 1) : (s <= 1e-9 ? 0 : .infinity)
                    if !(y > sdRange.0 && y < sdRange.1) { j.yFailures += 1 }
                    if j.worstY == nil || !(abs(y) <= abs(j.worstY!.value)) { j.worstY = (y, variables[k], time) }
                }
            }
        }
        return j
    }
}

public struct TestSuiteCaseError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
