import Analysis
import ArgumentParser
import Foundation

extension Pathway {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the shards of a scan (pathway scan --shard i/n) into the file a single run gives.",
            discussion: """
                Every shard of the scan must be given once, complete, and from the same scan (the header \
                line's hash must agree); the order on the command line does not matter.
                Example:
                  pathway merge part*.csv -o scan.csv
                """)

        @Argument(help: "The shard files.")
        var files: [String]

        @Option(name: .shortAndLong, help: "The merged CSV (written atomically; default: standard output).")
        var output: String?

        func validate() throws {
            if files.isEmpty { throw ValidationError("give the shard files to merge") }
        }

        func run() throws {
            var texts: [(name: String, text: String)] = []
            for f in files { texts.append((f, try Output.read(f))) }
            let merged = try analysis { () throws(AnalysisError) in try ScanOutput.merge(texts) }
            try Output.write(merged, to: output)
        }
    }
}
