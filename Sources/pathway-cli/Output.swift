import Foundation

/// Every file and every byte of standard output a command writes goes through here: files atomically
/// (a temporary file in the same directory, renamed into place, so that an interrupted run never
/// leaves half a file), devices and pipes in place, and destinations checked before any work is done.
enum Output {
    /// Writes `text` to `path`, or to standard output when `path` is nil or "-".
    static func write(_ text: String, to path: String?) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path`, or to standard output when `path` is nil or "-".
    static func write(_ data: Data, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(data)
            return
        }
        try writeFile(data, to: path)
    }

    /// Writes `data` to the file `path` atomically. A destination that exists and is not a regular
    /// file (`/dev/null`, a named pipe, a terminal) is written in place: renaming over it would replace
    /// the device or pipe with a plain file (as root, `-o /dev/null` would have broken /dev/null for
    /// everyone).
    static func writeFile(_ data: Data, to path: String) throws {
        if let problem = directoryProblem(for: path, checkWritable: false) { throw CommandError(problem) }
        do {
            if isSpecialFile(path) {
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw CommandError("cannot write '\(path)': it cannot be opened for writing")
                }
                defer { try? handle.close() }
                try handle.write(contentsOf: data)
            } else {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("cannot write '\(path)': \((error as NSError).localizedDescription)")
        }
    }

    /// Checks that every file among `paths` (nil and "-" are standard output) can be written — its
    /// directory exists and is writable — before any work is done, so that a failure never leaves some
    /// outputs written and others not.
    static func check(_ paths: [String?]) throws {
        for case let path? in paths where path != "-" {
            if let problem = directoryProblem(for: path, checkWritable: true) { throw CommandError(problem) }
        }
    }

    /// Checks that `path` is a writable directory or can be made one (as `mkdir -p` would: every part
    /// that exists is a directory, and the deepest one that exists is writable). Nothing is created.
    static func checkDirectory(_ path: String) throws {
        let fm = FileManager.default
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandError("cannot write into '\(path)': it is not a directory") }
            guard fm.isWritableFile(atPath: url.path) else { throw CommandError("cannot write into '\(path)': permission denied") }
            return
        }
        while !fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && url.path != "/" { url.deleteLastPathComponent() }
        guard isDirectory.boolValue else {
            throw CommandError("cannot create '\(path)': '\(url.path)' is not a directory")
        }
        guard fm.isWritableFile(atPath: url.path) else { throw CommandError("cannot create '\(path)': permission denied") }
    }

    /// Makes `path` a directory (with its parents, as `mkdir -p`) unless it is one.
    static func makeDirectory(_ path: String) throws {
        try checkDirectory(path)
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CommandError("cannot create '\(path)': \((error as NSError).localizedDescription)")
        }
    }

    /// `DIR/name`.
    static func path(_ name: String, in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// The text of the file `path`.
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read '\(path)'")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Lines on standard error (notes, statistics, progress), each ending in a newline.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether `path` exists and is something other than a regular file or a directory (a device, a
    /// named pipe, a socket), which must be written in place, never replaced.
    static func isSpecialFile(_ path: String) -> Bool {
        guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType else { return false }
        return type != .typeRegular && type != .typeDirectory && type != .typeSymbolicLink
    }

    /// Why `path` cannot be written (its directory is missing, or not writable when `checkWritable`), or nil.
    static func directoryProblem(for path: String, checkWritable: Bool) -> String? {
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
}

extension Output {
    /// `plots/run.svg` + `pSTAT3` → `plots/run-pSTAT3.svg` (one file per observable when there are several).
    static func suffixed(_ path: String, _ suffix: String?) -> String {
        guard let suffix else { return path }
        if path.hasSuffix(".svg") { return String(path.dropLast(4)) + "-\(suffix).svg" }
        return path + "-\(suffix)"
    }
}
