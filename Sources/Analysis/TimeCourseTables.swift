import Simulator

/// The formats time courses are written in.
public enum TableFormat: String, Sendable, CaseIterable { case csv, tsv, json }

/// Writes simulation results as text, deterministically (shortest exact numbers; JSON with `null` for
/// NaN and infinities, which JSON cannot hold).
public enum TableWriter {
    public static func number(_ v: Double) -> String { NumberFormat.exact(v) }

    public static func write(_ r: SimulationResult, format: TableFormat) -> String {
        switch format {
        case .csv, .tsv:
            let sep = format == .csv ? "," : "\t"
            var out = (["time"] + r.names).joined(separator: sep) + "\n"
            for (i, t) in r.times.enumerated() {
                out += ([number(t)] + r.values[i].map(number)).joined(separator: sep) + "\n"
            }
            return out
        case .json:
            var out = "{\n  \"names\": [" + r.names.map(JSON.string).joined(separator: ", ") + "],\n"
            out += "  \"status\": \(JSON.string(r.status.isSuccess ? "success" : r.status.description)),\n"
            out += "  \"time\": [" + r.times.map(JSON.number).joined(separator: ", ") + "],\n"
            out += "  \"values\": {\n"
            out += r.names.enumerated().map { k, name in
                "    \(JSON.string(name)): [" + r.values.map { JSON.number($0[k]) }.joined(separator: ", ") + "]"
            }.joined(separator: ",\n")
            out += "\n  }\n}\n"
            return out
        }
    }
}

/// Stochastic results as text: comment lines (CSV, TSV) or fields (JSON) with the seed and how values
/// became counts, then the columns.
public enum StochasticTableWriter {
    public static func header(seed: UInt64, runs: Int?, notes: [String], format: TableFormat) -> String {
        guard format != .json else { return "" }
        var lines = ["# pathway simulate --method ssa", "# seed: \(seed)"]
        if let runs { lines.append("# runs: \(runs)") }
        lines += notes.map { "# \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func body(_ r: SimulationResult, format: TableFormat, seed: UInt64, notes: [String]) -> String {
        guard format == .json else { return TableWriter.write(r, format: format) }
        var text = TableWriter.write(r, format: .json)
        // The seed and notes as the first fields.
        text.removeFirst(2)
        return "{\n  \"seed\": \(seed),\n  \"notes\": [" + notes.map(JSON.string).joined(separator: ", ") + "],\n" + text
    }

    public static func write(_ e: StochasticEnsemble, format: TableFormat, trajectories: Bool) -> String {
        let n = TableWriter.number
        switch format {
        case .csv, .tsv:
            let sep = format == .csv ? "," : "\t"
            var out = header(seed: e.seed, runs: e.runs, notes: e.notes, format: format)
            if trajectories {
                out += (["run", "time"] + e.names).joined(separator: sep) + "\n"
                for (r, run) in e.trajectories.enumerated() {
                    for (i, t) in e.times.enumerated() {
                        out += (["\(r + 1)", n(t)] + run[i].map(n)).joined(separator: sep) + "\n"
                    }
                }
            } else {
                out += (["time"] + e.names.flatMap { ["\($0)-mean", "\($0)-sd"] }).joined(separator: sep) + "\n"
                for (i, t) in e.times.enumerated() {
                    out += ([n(t)] + e.names.indices.flatMap { [n(e.mean[i][$0]), n(e.sd[i][$0])] }).joined(separator: sep) + "\n"
                }
            }
            return out
        case .json:
            var out = "{\n  \"seed\": \(e.seed),\n  \"runs\": \(e.runs),\n"
            out += "  \"notes\": [" + e.notes.map(JSON.string).joined(separator: ", ") + "],\n"
            out += "  \"names\": [" + e.names.map(JSON.string).joined(separator: ", ") + "],\n"
            out += "  \"time\": [" + e.times.map(JSON.number).joined(separator: ", ") + "],\n"
            func columns(_ rows: [[Double]]) -> String {
                e.names.enumerated().map { k, name in
                    "    \(JSON.string(name)): [" + rows.map { JSON.number($0[k]) }.joined(separator: ", ") + "]"
                }.joined(separator: ",\n")
            }
            if trajectories {
                out += "  \"trajectories\": [\n" + e.trajectories.map { "   {\n" + columns($0) + "\n   }" }.joined(separator: ",\n") + "\n  ]\n}\n"
            } else {
                out += "  \"mean\": {\n" + columns(e.mean) + "\n  },\n"
                out += "  \"sd\": {\n" + columns(e.sd) + "\n  }\n}\n"
            }
            return out
        }
    }
}
