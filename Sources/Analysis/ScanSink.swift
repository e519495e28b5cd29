import Foundation

/// Where a scan's rows go as they are computed: a file appended to row by row (deliberately not
/// atomic, so that an interrupted scan keeps what it computed; with `resume`, the rows of this scan
/// already in it are kept and the scan goes on after them), or standard output. The header comes first.
public final class ScanSink: Sendable {
    private let handle: FileHandle
    /// Rows of this scan already in the file (resumed).
    public let done: Int
    public var isStandardOutput: Bool { handle === FileHandle.standardOutput }

    /// A sink into the file at `path` (nil: standard output).
    public init(path: String?, resume: Bool, definition: ScanDefinition, shard: Shard?) throws(AnalysisError) {
        let header = ScanOutput.header(definition, shard: shard)
        guard let path else {
            handle = FileHandle.standardOutput
            handle.write(Data(header.utf8))
            done = 0
            return
        }
        do {
            if resume, FileManager.default.fileExists(atPath: path) {
                guard let data = FileManager.default.contents(atPath: path) else { throw AnalysisError(.invalidValue, "cannot read '\(path)'") }
                let point = try ScanOutput.resumePoint(existing: String(decoding: data, as: UTF8.self), definition: definition, shard: shard)
                guard let h = FileHandle(forWritingAtPath: path) else { throw AnalysisError(.invalidValue, "cannot open '\(path)' for writing") }
                try h.truncate(atOffset: UInt64(point.keepBytes))
                try h.seekToEnd()
                if point.keepBytes == 0 { h.write(Data(header.utf8)) }
                handle = h
                done = point.rows
            } else {
                guard FileManager.default.createFile(atPath: path, contents: Data(header.utf8)),
                      let h = FileHandle(forWritingAtPath: path) else {
                    throw AnalysisError(.invalidValue, "cannot create '\(path)'")
                }
                try h.seekToEnd()
                handle = h
                done = 0
            }
        } catch let error as AnalysisError {
            throw error
        } catch {
            throw AnalysisError(.invalidValue, "cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// Appends a line (called from one thread at a time, in row order).
    public func write(_ line: String) { handle.write(Data(line.utf8)) }

    public func close() throws { if !isStandardOutput { try handle.close() } }
}
