import Foundation
import PathwayModel

/// A time course read back from the CSV (or TSV) that `pathway simulate` writes: a `time` column,
/// then one column per species or observable.
public struct TimeCourseFile: Sendable {
    public var names: [String]
    public var times: [Double]
    /// `columns[k]`: the values of `names[k]`, one per time.
    public var columns: [[Double]]

    /// Reads `text` (from `file`, for messages) and checks its columns against `model`.
    /// - Throws: ``AnalysisError`` with `file:line:column:` in front of what is wrong.
    public static func read(_ text: String, file: String, model: Model) throws(AnalysisError) -> TimeCourseFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var rows: [(number: Int, text: Substring)] = []
        for (i, line) in lines.enumerated() where !line.isEmpty && !line.hasPrefix("#") { rows.append((i + 1, line)) }
        guard let header = rows.first else { throw AnalysisError(.syntax, "\(file):1:1: error: the file is empty; expected a header line 'time,NAME,…'") }
        let separator: Character = header.text.contains("\t") ? "\t" : ","
        let names = header.text.split(separator: separator, omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }
        guard names.first == "time" else {
            throw AnalysisError(.syntax, "\(file):\(header.number):1: error: the first column must be 'time', found '\(names.first ?? "")'")
        }
        guard names.count > 1 else {
            throw AnalysisError(.syntax, "\(file):\(header.number):1: error: no columns after 'time'; expected species or observables of the model")
        }
        let known = Set(model.species.map(\.id) + model.observables.map(\.id))
        var column = 1
        for (k, name) in names.enumerated() {
            if k > 0, !known.contains(name) {
                throw AnalysisError(.unknownName, "\(file):\(header.number):\(column): error: column '\(name)' is not a species or observable of model '\(model.id)'\(suggestion(for: name, in: known.sorted()))")
            }
            column += name.count + 1
        }
        var times: [Double] = []
        var columns = [[Double]](repeating: [], count: names.count - 1)
        for row in rows.dropFirst() {
            let fields = row.text.split(separator: separator, omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw AnalysisError(.syntax, "\(file):\(row.number):1: error: \(fields.count) fields where the header has \(names.count)")
            }
            var col = 1
            for (k, field) in fields.enumerated() {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let v = Double(trimmed), v.isFinite || k > 0 else {
                    throw AnalysisError(.syntax, "\(file):\(row.number):\(col): error: '\(trimmed)' is not a number")
                }
                if k == 0 {
                    if let last = times.last, !(v > last) {
                        throw AnalysisError(.invalidValue, "\(file):\(row.number):\(col): error: times must increase, but \(trimmed) follows \(NumberFormat.exact(last))")
                    }
                    times.append(v)
                } else {
                    columns[k - 1].append(v)
                }
                col += field.count + 1
            }
        }
        guard times.count >= 2 else {
            throw AnalysisError(.invalidValue, "\(file):\(header.number):1: error: a time course needs at least two rows of values")
        }
        return TimeCourseFile(names: Array(names.dropFirst()), times: times, columns: columns)
    }
}

/// A time as a reader writes it, from a value in `unit`: `90 s`, `30 min`, `4 h`, `2 d`; `coarse`
/// rounds to whole seconds or minutes and tenths of hours or days (a clock's read-out).
public func readableTime(_ value: Double, unit: TimeUnit, coarse: Bool = false) -> String {
    let seconds = value * unit.seconds
    let (scaled, symbol): (Double, String) =
        if abs(seconds) < 120 { (seconds, "s") }
        else if abs(seconds) < 3600 || (abs(seconds) < 2 * 3600 && abs(seconds).truncatingRemainder(dividingBy: 3600) != 0) { (seconds / 60, "min") }
        else if abs(seconds) < 3 * 86400 { (seconds / 3600, "h") }
        else { (seconds / 86400, "d") }
    let factor: Double = coarse ? (symbol == "s" || symbol == "min" ? 1 : 10) : 100
    let rounded = (scaled * factor).rounded() / factor
    let text = rounded == rounded.rounded() ? String(Int(rounded)) : NumberFormat.exact(rounded)
    return "\(text) \(symbol)"
}
