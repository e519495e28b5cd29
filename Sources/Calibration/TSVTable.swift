import Foundation
import PathwayModel

/// A tab-separated table with a header row, as PEtab writes them: every cell knows its line and column,
/// so that errors point at it.
public struct TSVTable: Sendable {
    public let file: String
    public let header: [String]
    /// The data rows (blank lines skipped), each with as many cells as the header (missing trailing cells
    /// are empty).
    public let rows: [[String]]
    /// Per row: its 1-based line number in the file.
    public let lines: [Int]
    /// Per row: the 1-based column where each cell starts.
    let cellColumns: [[Int]]
    /// The header's line number.
    public let headerLine: Int
    private let index: [String: Int]

    /// Reads the table at `path`; `name` says which table it is in messages (`measurement table`).
    public init(path: String, name: String) throws(CalibrationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalibrationError(at: .init(file: path, line: 0, column: 0), "cannot read the \(name) '\(path)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CalibrationError(at: .init(file: path, line: 1, column: 1), "the \(name) is not UTF-8 text")
        }
        try self.init(text: text, file: path, name: name)
    }

    public init(text: String, file: String, name: String) throws(CalibrationError) {
        self.file = file
        var header: [String]?
        var headerLineNumber = 1
        var rows: [[String]] = [], lines: [Int] = [], columns: [[Int]] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on both line ends.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var cells: [String] = [], starts: [Int] = []
            var column = 1
            for cell in line.split(separator: "\t", omittingEmptySubsequences: false) {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                starts.append(column)
                column += cell.unicodeScalars.count + 1
            }
            if header == nil {
                // Trailing empty header cells (a tab at the end of the line) are tolerated.
                while let last = cells.last, last.isEmpty, cells.count > 1 {
                    cells.removeLast()
                    starts.removeLast()
                }
                header = cells
                headerLineNumber = lineNumber
                var seen = Set<String>()
                for (k, c) in cells.enumerated() {
                    if c.isEmpty {
                        throw CalibrationError(at: .init(file: file, line: lineNumber, column: starts[k]), "\(name): empty column name in the header")
                    }
                    if !seen.insert(c).inserted {
                        throw CalibrationError(at: .init(file: file, line: lineNumber, column: starts[k]), "\(name): column '\(c)' appears twice in the header")
                    }
                }
                continue
            }
            let width = header!.count
            if cells.count > width {
                // Trailing empty cells are tolerated; anything else beyond the header is not.
                if cells[width...].contains(where: { !$0.isEmpty }) {
                    throw CalibrationError(at: .init(file: file, line: lineNumber, column: starts[width]),
                                           "\(name): row has \(cells.count) cells but the header has \(width) columns")
                }
                cells = Array(cells[..<width])
                starts = Array(starts[..<width])
            }
            while cells.count < width {
                cells.append("")
                starts.append(column)
            }
            rows.append(cells)
            lines.append(lineNumber)
            columns.append(starts)
        }
        guard let header else {
            throw CalibrationError(at: .init(file: file, line: 1, column: 1), "\(name) is empty (no header row)")
        }
        self.header = header
        self.headerLine = headerLineNumber
        self.rows = rows
        self.lines = lines
        self.cellColumns = columns
        self.index = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
    }

    /// The index of a column, if the header has it.
    public func column(_ name: String) -> Int? { index[name] }

    /// The location of a cell (`column` nil: the row's start).
    public func location(row: Int, column: Int? = nil) -> SourceLocation {
        SourceLocation(file: file, line: lines[row], column: column.map { cellColumns[row][$0] } ?? 1)
    }

    /// The location of a header cell.
    public func headerLocation(_ column: Int) -> SourceLocation {
        // The header is the first non-blank line; its cells start where the names do.
        var c = 1
        for k in 0..<column { c += header[k].unicodeScalars.count + 1 }
        return SourceLocation(file: file, line: headerLine, column: c)
    }
}
