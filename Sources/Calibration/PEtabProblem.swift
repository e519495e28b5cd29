import Foundation
import PathwayModel
import SBML
import Yams

/// A parameter estimation problem in the PEtab v1 format (Schmiester et al. 2021, PLoS Comput Biol
/// 17:e1008646): an SBML model, experimental conditions, measurements, observables with their noise
/// models, and the parameters to estimate with their scales and bounds.
///
/// Supported: one problem per YAML file with one SBML model; condition overrides of parameters and of
/// species' initial values (numbers or parameters of the parameter table; an empty or `NaN` species
/// value after preequilibration keeps the preequilibrated value); preequilibration to steady state;
/// observable and noise parameters per measurement (numbers or parameters); normal and Laplace noise on
/// the lin, log and log10 scales; parameter scales lin, log and log10; priors `normal`, `laplace`,
/// `uniform` and their `parameterScale…` forms (objective priors, in the fit only). Refused by name:
/// compartment overrides, steady-state measurements (`time` = inf), other prior types, several models.
public struct PEtabProblem: Sendable {
    public enum Scale: String, Sendable { case lin, log, log10 }
    public enum Noise: String, Sendable { case normal, laplace }

    public struct Parameter: Sendable {
        public var id: String
        public var scale: Scale
        public var lower: Double
        public var upper: Double
        public var nominal: Double
        public var estimate: Bool
        public var prior: Prior?
        public var location: SourceLocation
    }

    /// An objective prior (PEtab `objectivePriorType` / `priorType` with their parameters).
    public struct Prior: Sendable {
        public enum Kind: String, Sendable {
            case normal, laplace, uniform, parameterScaleNormal, parameterScaleLaplace, parameterScaleUniform
        }
        public var kind: Kind
        public var parameters: [Double]
    }

    /// A value in a table that is either a number or the name of a parameter.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case parameter(String)
    }

    public struct Condition: Sendable {
        public var id: String
        /// Model parameter or species → value (nil: keep the preequilibrated value).
        public var overrides: [(target: String, value: Value?, location: SourceLocation)]
        public var location: SourceLocation
    }

    public struct Observable: Sendable {
        public var id: String
        public var formula: PathwayModel.Expression
        public var noiseFormula: PathwayModel.Expression
        public var transformation: Scale
        public var noise: Noise
        public var location: SourceLocation
    }

    public struct Measurement: Sendable {
        public var observable: String
        public var preequilibration: String?
        public var simulation: String
        public var value: Double
        public var time: Double
        public var observableParameters: [Value]
        public var noiseParameters: [Value]
        public var location: SourceLocation
    }

    public var file: String
    public var sbml: SBMLImport
    public var modelFile: String
    public var parameters: [Parameter]
    public var conditions: [String: Condition]
    public var observables: [String: Observable]
    public var observableOrder: [String]
    public var measurements: [Measurement]

    public var model: Model { sbml.model }

    public func parameter(_ id: String) -> Parameter? { parameters.first { $0.id == id } }
}

// MARK: Loading

extension PEtabProblem {
    /// Reads the problem YAML at `path` and the files it names (relative to its directory).
    public static func load(path: String) throws(CalibrationError) -> PEtabProblem {
        let top = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CalibrationError(at: .init(file: path, line: 0, column: 0), "cannot read the PEtab problem '\(path)'")
        }
        let yaml: Any?
        do { yaml = try Yams.load(yaml: text) } catch {
            throw CalibrationError(at: top, "the PEtab problem is not valid YAML: \(error)")
        }
        guard let root = yaml as? [String: Any] else {
            throw CalibrationError(at: top, "the PEtab problem must be a YAML mapping with format_version, parameter_file and problems")
        }
        func lineOf(_ key: String) -> SourceLocation {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let r = line.range(of: key) { return .init(file: path, line: n + 1, column: line.distance(from: line.startIndex, to: r.lowerBound) + 1) }
            }
            return top
        }
        let version = root["format_version"].map { "\($0)" } ?? ""
        guard version == "1" || version == "1.0.0" || version == "1.0" else {
            throw CalibrationError(at: lineOf("format_version"), "PEtab format_version '\(version)' is not supported (only version 1)")
        }
        guard let parameterFile = root["parameter_file"] as? String else {
            throw CalibrationError(at: top, "the PEtab problem has no parameter_file")
        }
        guard let problems = root["problems"] as? [[String: Any]], let problem = problems.first else {
            throw CalibrationError(at: lineOf("problems"), "the PEtab problem has no problems list")
        }
        if problems.count > 1 {
            throw CalibrationError(at: lineOf("problems"), "several problems in one PEtab file are not supported")
        }
        func files(_ key: String, required: Bool = true) throws(CalibrationError) -> [String] {
            let list = (problem[key] as? [Any])?.compactMap { $0 as? String } ?? []
            if required && list.isEmpty { throw CalibrationError(at: lineOf("problems"), "the PEtab problem names no \(key)") }
            return list
        }
        let directory = (path as NSString).deletingLastPathComponent
        func resolve(_ f: String) -> String { f.hasPrefix("/") || directory.isEmpty ? f : directory + "/" + f }
        let sbmlFiles = try files("sbml_files")
        if sbmlFiles.count > 1 { throw CalibrationError(at: lineOf("sbml_files"), "several SBML models in one problem are not supported") }
        for key in problem.keys where !["sbml_files", "condition_files", "measurement_files", "observable_files", "visualization_files", "mapping_files"].contains(key) {
            throw CalibrationError(at: lineOf(key), "'\(key)' in the PEtab problem is not supported")
        }
        if !(try files("mapping_files", required: false)).isEmpty {
            throw CalibrationError(at: lineOf("mapping_files"), "PEtab mapping files are not supported")
        }
        let modelFile = resolve(sbmlFiles[0])
        let sbml: SBMLImport
        do { sbml = try SBMLImporter.importFile(path: modelFile) } catch {
            let first = error.diagnostics.first
            throw CalibrationError(at: first?.location ?? .init(file: modelFile, line: 0, column: 0), first?.message ?? "cannot import the SBML model")
        }
        var reader = Reader(model: sbml.model)
        for f in try files("condition_files") { try reader.readConditions(try TSVTable(path: resolve(f), name: "condition table")) }
        for f in try files("observable_files") { try reader.readObservables(try TSVTable(path: resolve(f), name: "observable table")) }
        try reader.readParameters(try TSVTable(path: resolve(parameterFile), name: "parameter table"))
        for f in try files("measurement_files") { try reader.readMeasurements(try TSVTable(path: resolve(f), name: "measurement table")) }
        try reader.checkReferences()
        return PEtabProblem(file: path, sbml: sbml, modelFile: modelFile, parameters: reader.parameters,
                            conditions: reader.conditions, observables: reader.observables,
                            observableOrder: reader.observableOrder, measurements: reader.measurements)
    }
}

/// Reads the tables one after another, checking each against the model and the tables before it.
private struct Reader {
    let model: Model
    var parameters: [PEtabProblem.Parameter] = []
    var conditions: [String: PEtabProblem.Condition] = [:]
    var conditionTables: [(TSVTable, Int)] = []
    var observables: [String: PEtabProblem.Observable] = [:]
    var observableOrder: [String] = []
    var measurements: [PEtabProblem.Measurement] = []
    /// Parameter names used in conditions and measurements, with where, checked once the parameter table is read.
    var references: [(name: String, location: SourceLocation, table: String)] = []

    init(model: Model) { self.model = model }

    var speciesIDs: Set<String> { Set(model.species.map(\.id)) }
    var parameterIDs: Set<String> { Set(model.parameters.map(\.id)) }

    static func required(_ table: TSVTable, _ column: String, _ name: String) throws(CalibrationError) -> Int {
        guard let c = table.column(column) else {
            throw CalibrationError(at: .init(file: table.file, line: table.headerLine, column: 1), "\(name) has no '\(column)' column")
        }
        return c
    }

    static func number(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(text)
        }
    }

    mutating func readConditions(_ table: TSVTable) throws(CalibrationError) {
        let idColumn = try Self.required(table, "conditionId", "condition table")
        let modelNames = Set(model.species.map(\.id) + model.parameters.map(\.id))
        let compartments = Set(model.compartments.map(\.id))
        var targets: [(Int, String)] = []
        for (k, name) in table.header.enumerated() where k != idColumn && name != "conditionName" {
            if compartments.contains(name) && !modelNames.contains(name) {
                throw CalibrationError(at: table.headerLocation(k), "condition table: overriding compartment '\(name)' is not supported")
            }
            guard modelNames.contains(name) else {
                let hint = closestMatch(to: name, in: modelNames).map { " (did you mean '\($0)'?)" } ?? ""
                throw CalibrationError(at: table.headerLocation(k), "condition table: column '\(name)' is not a parameter or species of the model\(hint)")
            }
            targets.append((k, name))
        }
        for r in table.rows.indices {
            let id = table.rows[r][idColumn]
            guard isValidIdentifier(id) else {
                throw CalibrationError(at: table.location(row: r, column: idColumn), "condition table: '\(id)' is not a valid condition identifier")
            }
            if conditions[id] != nil {
                throw CalibrationError(at: table.location(row: r, column: idColumn), "condition table: condition '\(id)' is defined twice")
            }
            var overrides: [(String, PEtabProblem.Value?, SourceLocation)] = []
            for (k, name) in targets {
                let cell = table.rows[r][k]
                let at = table.location(row: r, column: k)
                if cell.isEmpty || cell.lowercased() == "nan" {
                    if parameterIDs.contains(name) {
                        throw CalibrationError(at: at, "condition table: condition '\(id)' gives no value for parameter '\(name)'")
                    }
                    overrides.append((name, nil, at))
                } else if let v = Self.number(cell) {
                    overrides.append((name, .number(v), at))
                } else if isValidIdentifier(cell) {
                    overrides.append((name, .parameter(cell), at))
                    references.append((cell, at, "condition table"))
                } else {
                    throw CalibrationError(at: at, "condition table: '\(cell)' is neither a number nor a parameter name")
                }
            }
            conditions[id] = .init(id: id, overrides: overrides, location: table.location(row: r))
        }
    }

    mutating func readObservables(_ table: TSVTable) throws(CalibrationError) {
        let idColumn = try Self.required(table, "observableId", "observable table")
        let formulaColumn = try Self.required(table, "observableFormula", "observable table")
        let noiseColumn = try Self.required(table, "noiseFormula", "observable table")
        let transformColumn = table.column("observableTransformation")
        let distributionColumn = table.column("noiseDistribution")
        for r in table.rows.indices {
            let row = table.rows[r]
            let id = row[idColumn]
            guard isValidIdentifier(id) else {
                throw CalibrationError(at: table.location(row: r, column: idColumn), "observable table: '\(id)' is not a valid observable identifier")
            }
            if observables[id] != nil {
                throw CalibrationError(at: table.location(row: r, column: idColumn), "observable table: observable '\(id)' is defined twice")
            }
            func formula(_ c: Int, _ what: String) throws(CalibrationError) -> Expression {
                let text = row[c]
                if text.isEmpty { throw CalibrationError(at: table.location(row: r, column: c), "observable table: observable '\(id)' has no \(what)") }
                do {
                    // PEtab formulas are sympy expressions: log(x) is the natural logarithm.
                    return try Expression(parsing: text).rewritten { e in
                        if case .call("log", let args) = e, args.count == 1 { return .call("ln", args) }
                        return e
                    }
                } catch {
                    var at = table.location(row: r, column: c)
                    at.column += error.offset
                    throw CalibrationError(at: at, "observable table: \(what) of '\(id)': \(error.message)")
                }
            }
            let f = try formula(formulaColumn, "observableFormula")
            let noise = try formula(noiseColumn, "noiseFormula")
            var transformation = PEtabProblem.Scale.lin
            if let c = transformColumn, !row[c].isEmpty {
                guard let t = PEtabProblem.Scale(rawValue: row[c]) else {
                    throw CalibrationError(at: table.location(row: r, column: c), "observable table: observableTransformation '\(row[c])' is not supported (lin, log or log10)")
                }
                transformation = t
            }
            var distribution = PEtabProblem.Noise.normal
            if let c = distributionColumn, !row[c].isEmpty {
                guard let d = PEtabProblem.Noise(rawValue: row[c]) else {
                    throw CalibrationError(at: table.location(row: r, column: c), "observable table: noiseDistribution '\(row[c])' is not supported (normal or laplace)")
                }
                distribution = d
            }
            observables[id] = .init(id: id, formula: f, noiseFormula: noise, transformation: transformation,
                                    noise: distribution, location: table.location(row: r))
            observableOrder.append(id)
        }
    }

    mutating func readParameters(_ table: TSVTable) throws(CalibrationError) {
        let name = "parameter table"
        let idColumn = try Self.required(table, "parameterId", name)
        let scaleColumn = try Self.required(table, "parameterScale", name)
        let lowerColumn = try Self.required(table, "lowerBound", name)
        let upperColumn = try Self.required(table, "upperBound", name)
        let nominalColumn = try Self.required(table, "nominalValue", name)
        let estimateColumn = try Self.required(table, "estimate", name)
        let priorTypeColumn = table.column("objectivePriorType") ?? table.column("priorType")
        let priorParametersColumn = table.column("objectivePriorParameters") ?? table.column("priorParameters")
        var seen = Set<String>()
        for r in table.rows.indices {
            let row = table.rows[r]
            let id = row[idColumn]
            func at(_ c: Int) -> SourceLocation { table.location(row: r, column: c) }
            guard isValidIdentifier(id) else { throw CalibrationError(at: at(idColumn), "\(name): '\(id)' is not a valid parameter identifier") }
            guard seen.insert(id).inserted else { throw CalibrationError(at: at(idColumn), "\(name): parameter '\(id)' is listed twice") }
            if speciesIDs.contains(id) {
                throw CalibrationError(at: at(idColumn), "\(name): '\(id)' is a species of the model; set initial values through the condition table")
            }
            guard let scale = PEtabProblem.Scale(rawValue: row[scaleColumn]) else {
                throw CalibrationError(at: at(scaleColumn), "\(name): parameterScale '\(row[scaleColumn])' of '\(id)' is not supported (lin, log or log10)")
            }
            guard row[estimateColumn] == "0" || row[estimateColumn] == "1" else {
                throw CalibrationError(at: at(estimateColumn), "\(name): estimate of '\(id)' must be 0 or 1, not '\(row[estimateColumn])'")
            }
            let estimate = row[estimateColumn] == "1"
            func value(_ c: Int, _ what: String, required: Bool) throws(CalibrationError) -> Double? {
                if row[c].isEmpty {
                    if required { throw CalibrationError(at: at(c), "\(name): '\(id)' has no \(what)") }
                    return nil
                }
                guard let v = Self.number(row[c]), !v.isNaN else {
                    throw CalibrationError(at: at(c), "\(name): \(what) of '\(id)' is not a number: '\(row[c])'")
                }
                return v
            }
            guard let nominal = try value(nominalColumn, "nominalValue", required: true), nominal.isFinite else {
                throw CalibrationError(at: at(nominalColumn), "\(name): nominalValue of '\(id)' must be finite")
            }
            let lower = try value(lowerColumn, "lowerBound", required: estimate) ?? -.infinity
            let upper = try value(upperColumn, "upperBound", required: estimate) ?? .infinity
            if estimate {
                guard lower < upper else {
                    throw CalibrationError(at: at(lowerColumn), "\(name): lowerBound \(row[lowerColumn]) of '\(id)' is not below its upperBound \(row[upperColumn])")
                }
                guard lower <= nominal && nominal <= upper else {
                    throw CalibrationError(at: at(nominalColumn), "\(name): nominalValue \(row[nominalColumn]) of '\(id)' lies outside its bounds [\(row[lowerColumn]), \(row[upperColumn])]")
                }
                if scale != .lin && lower <= 0 {
                    throw CalibrationError(at: at(lowerColumn), "\(name): '\(id)' is on the \(scale.rawValue) scale, so its lowerBound must be positive, not \(row[lowerColumn])")
                }
            }
            var prior: PEtabProblem.Prior?
            if let c = priorTypeColumn, !row[c].isEmpty {
                guard let kind = PEtabProblem.Prior.Kind(rawValue: row[c]) else {
                    throw CalibrationError(at: at(c), "\(name): prior type '\(row[c])' of '\(id)' is not supported (normal, laplace, uniform and their parameterScale forms)")
                }
                let text = priorParametersColumn.map { row[$0] } ?? ""
                let numbers = text.split(separator: ";").map { Self.number(String($0).trimmingCharacters(in: .whitespaces)) }
                guard numbers.count == 2, let a = numbers[0], let b = numbers[1] else {
                    throw CalibrationError(at: at(priorParametersColumn ?? c), "\(name): prior of '\(id)' needs two parameters 'a;b', not '\(text)'")
                }
                prior = .init(kind: kind, parameters: [a, b])
            }
            parameters.append(.init(id: id, scale: scale, lower: lower, upper: upper, nominal: nominal,
                                    estimate: estimate, prior: prior, location: at(idColumn)))
        }
    }

    mutating func readMeasurements(_ table: TSVTable) throws(CalibrationError) {
        let name = "measurement table"
        let observableColumn = try Self.required(table, "observableId", name)
        let simulationColumn = try Self.required(table, "simulationConditionId", name)
        let valueColumn = try Self.required(table, "measurement", name)
        let timeColumn = try Self.required(table, "time", name)
        let preequilibrationColumn = table.column("preequilibrationConditionId")
        let observableParameterColumn = table.column("observableParameters")
        let noiseParameterColumn = table.column("noiseParameters")
        for r in table.rows.indices {
            let row = table.rows[r]
            func at(_ c: Int) -> SourceLocation { table.location(row: r, column: c) }
            let observable = row[observableColumn]
            guard observables[observable] != nil else {
                let hint = closestMatch(to: observable, in: observableOrder).map { " (did you mean '\($0)'?)" } ?? ""
                throw CalibrationError(at: at(observableColumn), "\(name): unknown observable '\(observable)'\(hint)")
            }
            func condition(_ c: Int) throws(CalibrationError) -> String {
                let id = row[c]
                guard conditions[id] != nil else {
                    let hint = closestMatch(to: id, in: conditions.keys.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
                    throw CalibrationError(at: at(c), "\(name): unknown condition '\(id)'\(hint)")
                }
                return id
            }
            let simulation = try condition(simulationColumn)
            var preequilibration: String?
            if let c = preequilibrationColumn, !row[c].isEmpty { preequilibration = try condition(c) }
            guard let value = Self.number(row[valueColumn]), value.isFinite else {
                throw CalibrationError(at: at(valueColumn), "\(name): measurement '\(row[valueColumn])' is not a finite number")
            }
            guard let time = Self.number(row[timeColumn]), !time.isNaN else {
                throw CalibrationError(at: at(timeColumn), "\(name): time '\(row[timeColumn])' is not a number")
            }
            if time.isInfinite {
                throw CalibrationError(at: at(timeColumn), "\(name): steady-state measurements (time \(row[timeColumn])) are not supported")
            }
            if time < 0 {
                throw CalibrationError(at: at(timeColumn), "\(name): measurement time \(row[timeColumn]) is before the simulation starts at 0")
            }
            let obs = observables[observable]!
            if obs.transformation != .lin && value <= 0 {
                throw CalibrationError(at: at(valueColumn), "\(name): measurement \(row[valueColumn]) of '\(observable)' must be positive on its \(obs.transformation.rawValue) scale")
            }
            func overrides(_ column: Int?, _ prefix: String) throws(CalibrationError) -> [PEtabProblem.Value] {
                let expected = placeholders(of: prefix == "observableParameter" ? obs.formula : obs.noiseFormula, prefix: prefix, observable: observable)
                guard let column, !row[column].isEmpty else {
                    if expected > 0 {
                        throw CalibrationError(at: column.map(at) ?? table.location(row: r), "\(name): observable '\(observable)' needs \(expected) \(prefix)s, the row gives none")
                    }
                    return []
                }
                let parts = row[column].split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == expected else {
                    throw CalibrationError(at: at(column), "\(name): observable '\(observable)' needs \(expected) \(prefix)s, the row gives \(parts.count)")
                }
                var values: [PEtabProblem.Value] = []
                for p in parts {
                    if let v = Self.number(p) {
                        if prefix == "noiseParameter" && !(v > 0) {
                            throw CalibrationError(at: at(column), "\(name): noise parameter \(p) of '\(observable)' is not positive")
                        }
                        values.append(.number(v))
                    }
                    else if isValidIdentifier(p) {
                        values.append(.parameter(p))
                        references.append((p, at(column), name))
                    } else {
                        throw CalibrationError(at: at(column), "\(name): '\(p)' is neither a number nor a parameter name")
                    }
                }
                return values
            }
            measurements.append(.init(observable: observable, preequilibration: preequilibration, simulation: simulation,
                                      value: value, time: time,
                                      observableParameters: try overrides(observableParameterColumn, "observableParameter"),
                                      noiseParameters: try overrides(noiseParameterColumn, "noiseParameter"),
                                      location: table.location(row: r)))
        }
        if measurements.isEmpty {
            throw CalibrationError(at: .init(file: table.file, line: table.headerLine, column: 1), "\(name) has no measurements")
        }
    }

    /// How many placeholders `prefix{n}_{observable}` a formula has (the largest n).
    func placeholders(of formula: Expression, prefix: String, observable: String) -> Int {
        var n = 0
        for s in formula.symbols where s.hasPrefix(prefix) && s.hasSuffix("_" + observable) {
            let middle = s.dropFirst(prefix.count).dropLast(observable.count + 1)
            if let k = Int(middle) { n = max(n, k) }
        }
        return n
    }

    /// Every parameter named in a table must be in the parameter table (or be a model parameter).
    func checkReferences() throws(CalibrationError) {
        let known = Set(parameters.map(\.id))
        for ref in references where !known.contains(ref.name) && !parameterIDs.contains(ref.name) {
            let hint = closestMatch(to: ref.name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw CalibrationError(at: ref.location, "\(ref.table): unknown parameter '\(ref.name)'\(hint)")
        }
        // Formulas may read model symbols, their own placeholders and parameters of the table.
        let modelSymbols = Set(model.symbolNames)
        for id in observableOrder {
            let o = observables[id]!
            for (f, what) in [(o.formula, "observableFormula"), (o.noiseFormula, "noiseFormula")] {
                for s in f.symbols where !modelSymbols.contains(s) && !known.contains(s) && BuiltinFunction.constants[s] == nil {
                    let own = (s.hasPrefix("observableParameter") || s.hasPrefix("noiseParameter")) && s.hasSuffix("_" + id)
                    if !own {
                        let hint = closestMatch(to: s, in: modelSymbols.union(known)).map { " (did you mean '\($0)'?)" } ?? ""
                        throw CalibrationError(at: o.location, "observable table: \(what) of '\(id)' reads '\(s)', which is not in the model or the parameter table\(hint)")
                    }
                }
            }
        }
    }
}
