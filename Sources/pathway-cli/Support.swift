import ArgumentParser
import Foundation
import PathwayModel
import SBML

/// Writes diagnostics to standard error, one per line, in the `file:line:column: error: message` form.
func report(_ diagnostics: [Diagnostic]) {
    for d in diagnostics {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
}

/// A failure the command line reports. Commands throw it; `Pathway.main` prints it once, on standard
/// error, and exits with its code, so no command prints an error and then throws by hand.
struct CommandError: Error {
    /// The lines to print, each complete (`error: …`, or a diagnostic's `file:line:column: error: …`).
    var lines: [String]
    /// The exit status: 1, or 64 (`EX_USAGE`) for options that do not fit together.
    var code: Int32 = ExitCode.failure.rawValue

    /// `error: message`.
    init(_ message: String) { lines = ["error: " + message] }

    /// `error: message`, one line each.
    init(messages: [String]) { lines = messages.map { "error: " + $0 } }

    /// Diagnostics in their own `file:line:column: severity: message` form.
    init(diagnostics: [Diagnostic]) { lines = diagnostics.map(\.description) }

    /// Lines already in their final form (a message that reads `file:line:column: error: …`).
    init(preformatted line: String) { lines = [line] }

    /// Lines already in their final form.
    init(lines: [String]) { self.lines = lines }

    /// Options that do not fit together: exit status 64, as argument-parser's own validation errors.
    static func usage(_ message: String) -> CommandError {
        var error = CommandError(message)
        error.code = ExitCode.validationFailure.rawValue
        return error
    }

    /// A failure already reported as the command went (per file, per run): exit 1, print nothing more.
    static let alreadyReported = CommandError(messages: [])

    func print() {
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}

/// Loads a model (printing its warnings unless `quietWarnings`); throws a `CommandError` with its
/// diagnostics when it has errors.
/// `.xml` and `.sbml` files are read as SBML (Levels 2 and 3), everything else as the YAML format.
func loadModel(_ path: String, quietWarnings: Bool = true) throws -> Model {
    if isSBMLPath(path) {
        do {
            let imported = try SBMLImporter.importFile(path: path)
            if !quietWarnings { report(imported.warnings) }
            return imported.model
        } catch {
            throw CommandError(diagnostics: error.diagnostics)
        }
    }
    do {
        let loaded = try ModelLoader.load(path: path)
        if !quietWarnings { report(loaded.warnings) }
        return loaded.model
    } catch {
        throw CommandError(diagnostics: error.diagnostics)
    }
}

/// Writes data to a file atomically: a temporary file in the same directory, renamed into place,
/// so that an interrupted run never leaves half a file. A destination that exists and is not a regular
/// file (`/dev/null`, a named pipe, a terminal) is written in place: renaming over it would replace the
/// device or pipe with a plain file (as root, `-o /dev/null` would have broken /dev/null for everyone).
func writeAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    if let problem = directoryProblem(for: path, checkWritable: false) { throw CommandError(problem) }
    do {
        if isSpecialFile(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CommandError("cannot write '\(path)': it cannot be opened for writing")
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: url, options: .atomic)
        }
    } catch let error as CommandError {
        throw error
    } catch {
        throw CommandError("cannot write '\(path)': \((error as NSError).localizedDescription)")
    }
}

/// Whether `path` exists and is something other than a regular file or a directory (a device, a
/// named pipe, a socket), which must be written in place, never replaced.
func isSpecialFile(_ path: String) -> Bool {
    guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType else { return false }
    return type != .typeRegular && type != .typeDirectory && type != .typeSymbolicLink
}

/// Checks that every output path can be written (its directory exists and is writable) before any work
/// is done, so that a failure never leaves some outputs written and others not.
func checkDestinations(_ paths: [String]) throws {
    for path in paths {
        if let problem = directoryProblem(for: path, checkWritable: true) { throw CommandError(problem) }
    }
}

/// Why `path` cannot be written (its directory is missing, or not writable when `checkWritable`), or nil.
func directoryProblem(for path: String, checkWritable: Bool) -> String? {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        return "cannot write '\(path)': directory '\(directory)' does not exist"
    }
    if checkWritable && !FileManager.default.isWritableFile(atPath: directory) {
        return "cannot write '\(path)': directory '\(directory)' is not writable"
    }
    return nil
}

/// Writes text to a file (atomically) or, when `path` is nil or "-", to standard output.
func emit(_ text: String, to path: String?) throws {
    if let path, path != "-" {
        try writeAtomically(Data(text.utf8), to: path)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Whether a path names an SBML file (by its extension: `.xml` or `.sbml`).
func isSBMLPath(_ path: String) -> Bool {
    let ext = (path as NSString).pathExtension.lowercased()
    return ext == "xml" || ext == "sbml"
}
