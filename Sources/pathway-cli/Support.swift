import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PathwayModel
import SBML
import Simulator

/// Writes diagnostics to standard error, one per line, in the `file:line:column: error: message` form.
func report(_ diagnostics: [Diagnostic]) {
    for d in diagnostics { Output.note(d.description) }
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
        for line in lines { Output.note(line) }
    }
}

extension CommandError {
    /// A model that does not compile: an error that names its place in the file is printed as it is
    /// (`file:line:column: error: …`), any other with the file named.
    init(compiling file: String, _ error: CompileError) {
        if error.message.contains(": error: ") {
            self.init(preformatted: error.message)
        } else {
            self.init("cannot compile '\(file)': \(error.message)")
        }
    }
}

/// Loads a model; throws a `CommandError` with its diagnostics when it has errors (its warnings are
/// `validate`'s to print). `.xml` and `.sbml` files are read as SBML (Levels 2 and 3), everything else
/// as the YAML format.
func loadModel(_ path: String) throws -> Model {
    if isSBMLPath(path) {
        do { return try SBMLImporter.importFile(path: path).model } catch { throw CommandError(diagnostics: error.diagnostics) }
    }
    do { return try ModelLoader.load(path: path).model } catch { throw CommandError(diagnostics: error.diagnostics) }
}

/// Whether a path names an SBML file (by its extension: `.xml` or `.sbml`).
func isSBMLPath(_ path: String) -> Bool {
    let ext = (path as NSString).pathExtension.lowercased()
    return ext == "xml" || ext == "sbml"
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var done = 0

    init(total: Int, label: String, alreadyDone: Int = 0) {
        self.total = total
        self.label = label
        self.done = alreadyDone
        enabled = isatty(STDERR_FILENO) == 1 && total > 0
    }

    /// Called for each finished item (from one thread at a time).
    func advance() {
        done += 1
        guard enabled else { return }
        let now = ContinuousClock.now
        if now - lastDraw < .milliseconds(100) && done < total { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var eta = ""
        if done > 0 && done < total {
            let rest = seconds / Double(done) * Double(total - done)
            eta = String(format: "  ETA %.0fs", rest)
        }
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)\(eta)   ".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
