import Foundation

/// The repository the tests run in: shipped models, fixtures, the built binary.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public static func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }
}

/// What a run of the built `pathway` binary gave.
public struct PathwayRun: Sendable {
    public var status: Int32
    public var stdoutData: Data
    public var stderr: String
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
}

/// Runs the built `pathway` binary: the one next to the test bundle, else `.build/debug/pathway`
/// (or `$PATHWAY_BIN`), in the repository root unless told otherwise.
public enum PathwayBinary {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "the pathway binary is not built: run swift build first" }
    }

    public static let url: URL? = {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["PATHWAY_BIN"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            candidates.append(dir.appendingPathComponent("pathway"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(Repository.root.appendingPathComponent(".build/debug/pathway"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> PathwayRun {
        guard let executable = url else { throw Missing() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Repository.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return PathwayRun(status: process.terminationStatus, stdoutData: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A fresh, empty directory under the system's temporary directory.
public func makeTemporaryDirectory(_ prefix: String = "pathway-tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
