import Analysis
import ArgumentParser
import Diagram
import Foundation
import PathwayModel
import Report

extension Pathway {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw models as pathway diagrams: SVG for a wiki page, PNG, PDF or DOT.",
            discussion: """
                Views: 'activity' (default) draws one node per gene product and who activates or \
                inhibits whom, the picture for a wiki page; 'process' draws every species and \
                reaction, for modellers. Compartments are stacked in the order a signal travels; \
                shapes and colours follow the molecule's role (see docs/diagrams.md).

                Output:
                  -o FILE          one model to FILE (the format follows the extension unless --format says)
                  --out-dir DIR    any number of models, each to DIR/<model file name>.<format> (DIR made if missing)
                  neither          one model as SVG or DOT on standard output (PNG and PDF need -o or --out-dir)

                Files are written atomically and only once every model has rendered: on any error \
                nothing is written. The same input gives byte-identical output.

                Results on the diagram (one model): --at TIME simulates the model (with the \
                perturbation flags the other commands take) and colours each node by its level \
                at that time: the fraction of the molecule that is in an active form (or its \
                readout observable), on the viridis scale; molecules without an active form show \
                their share of their maximum over the run. Several times (--at 5min,1h) give one \
                SVG with a panel per time; --compare SCENARIO colours the change that the \
                scenario makes (RdBu scale); --sparklines draws each node's time course inside \
                it; --animate writes an SVG whose colours follow the run (CSS only, no script). \
                --results FILE.csv colours from an earlier `pathway simulate` instead of simulating.

                Examples:
                  pathway render models/il11.yaml -o il11.svg
                  pathway render models/il11.yaml --at 30min --sparklines -o il11-30min.svg
                  pathway render models/il11.yaml --at 5min,15min,1h,4h -o il11-panels.svg
                  pathway render models/il11.yaml --at 30min --compare shp2-knockout -o il11-shp2.svg
                  pathway render models/il11.yaml --animate --t-end 4h -o il11-animated.svg
                  pathway render models/il11.yaml --view process --module il11-jak-stat --format png -o jak-stat.png
                  pathway render models/il11.yaml --scenario ruxolitinib -o il11-ruxolitinib.svg
                  pathway render models/*.yaml --out-dir diagrams
                """)

        @Argument(help: "Model files.")
        var files: [String]

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file.", valueName: "file"))
        var output: String?

        @Option(name: .customLong("out-dir"), help: ArgumentHelp("Write one file per model into this directory (made if missing).", valueName: "dir"))
        var outDir: String?

        @Option(help: ArgumentHelp("svg, png, pdf or dot (default: from -o's extension, else svg).", valueName: "format"))
        var format: String?

        @Option(help: ArgumentHelp("activity or process.", valueName: "view"))
        var view: String = DiagramView.activity.rawValue

        @Option(help: ArgumentHelp("Draw only this module of a composed model.", valueName: "name"))
        var module: String?

        @Option(help: ArgumentHelp("Graphviz layout: dot (layered, default) or neato (spring model).", valueName: "layout"))
        var layout: String = "dot"

        @OptionGroup(title: "Perturbations (drawn: knocked-out molecules greyed out, inhibited and drug-blocked steps marked)")
        var perturbations: PerturbationOptions

        @OptionGroup(title: "Simulation (with --at, --compare, --sparklines or --animate)")
        var simulation: SimulationOptions

        @Option(help: ArgumentHelp("Colour nodes by their level at these times (comma-separated; several give a panel each).", valueName: "times"))
        var at: String?

        @Option(help: ArgumentHelp("Colour from this time course (a CSV written by `pathway simulate`) instead of simulating.", valueName: "file.csv"))
        var results: String?

        @Option(help: ArgumentHelp("Colour the change this scenario makes against the run without it.", valueName: "scenario"))
        var compare: String?

        @Flag(help: "Draw each node's time course small inside it.")
        var sparklines = false

        @Flag(help: "Write an animated SVG whose node colours follow the run.")
        var animate = false

        @Option(help: ArgumentHelp("Frames of the animation (default 48).", valueName: "n"))
        var frames: Int = 48

        @Option(help: ArgumentHelp("Seconds one loop of the animation lasts (default 12).", valueName: "seconds"))
        var loop: Double = 12

        @Flag(inversion: .prefixedNo, help: "Draw a legend.")
        var legend = true

        func run() throws {
            let (options, format) = try checkedOptions()
            let destinations = try checkedDestinations(format: format)
            if at != nil || results != nil || compare != nil || sparklines || animate {
                return try Output.write(Data(try renderResults(options: options, format: format)), to: destinations[0])
            }
            // Load everything, then draw everything, then write: an error leaves no file behind.
            var models: [Model] = []
            var failed = false
            for file in files {
                do { models.append(try loadModel(file)) } catch let error as CommandError {
                    error.print()
                    failed = true
                }
            }
            if failed { throw CommandError.alreadyReported }
            var outputs: [[UInt8]] = []
            for (file, model) in zip(files, models) {
                var options = options
                options.perturbations = try perturbations.adHoc(for: model)
                do { outputs.append(try DiagramRenderer.render(model, options: options, format: format)) } catch {
                    throw CommandError("\(file): \(error)")
                }
            }
            if let outDir { try Output.makeDirectory(outDir) }
            for (bytes, destination) in zip(outputs, destinations) { try Output.write(Data(bytes), to: destination) }
        }

        /// `--at/--compare/--sparklines/--animate/--results`: one model's diagram coloured by a run's levels.
        private func renderResults(options: DiagramOptions, format: DiagramFormat) throws -> [UInt8] {
            let file = files[0]
            let model = try loadModel(file)
            let times = try (at.map(parseList) ?? []).map { try parseDuration($0, option: "--at", unit: model.units.time) }
            let source: ResultsDiagramRequest.Source
            if let results {
                let text: String
                do { text = try String(contentsOfFile: results, encoding: .utf8) } catch { throw CommandError("cannot read '\(results)'") }
                do {
                    let table = try TimeCourseFile.read(text, file: results, model: model)
                    source = .results(DiagramResults(times: table.times, columns: Dictionary(uniqueKeysWithValues: zip(table.names, table.columns))))
                } catch {
                    throw CommandError(preformatted: error.message)  // it reads `file:line:column: error: …`
                }
            } else {
                source = .simulate(model: try perturbations.apply(to: model), settings: try simulation.settings(for: model),
                                   endGiven: simulation.tEnd != nil, compare: compare)
            }
            var options = options
            options.perturbations = try perturbations.adHoc(for: model)
            var request = ResultsDiagramRequest(file: file, model: model, options: options, format: format, source: source)
            request.times = times
            request.sparklines = sparklines
            if animate { request.animation = (frames, loop) }
            do { return try ResultsDiagram.render(request) } catch {
                throw CommandError(error.setting == .openingTime ? "--at " + error.message : error.message)
            }
        }

        /// The options, or a one-line error and exit status 64.
        private func checkedOptions() throws -> (DiagramOptions, DiagramFormat) {
            guard let view = DiagramView(rawValue: view) else {
                throw usage("unknown view '\(view)' (valid views: \(DiagramView.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let layout = LayoutEngine(rawValue: layout)
            guard DiagramOptions.supportedLayouts.contains(layout) else {
                throw usage(DiagramError.unsupportedLayout(layout.rawValue).description)
            }
            let formats = DiagramFormat.allCases.map(\.rawValue).joined(separator: ", ")
            let fromExtension = output.flatMap { DiagramFormat(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            var chosen = fromExtension ?? .svg
            if let format {
                guard let f = DiagramFormat(rawValue: format.lowercased()) else {
                    throw usage("unknown format '\(format)' (valid formats: \(formats))")
                }
                if let e = fromExtension, e != f, let output {
                    throw usage("--format \(f.rawValue) does not match the extension of '\(output)'")
                }
                chosen = f
            }
            guard perturbations.scenario.count <= 1 else {
                throw usage("a diagram draws one scenario, not \(perturbations.scenario.count)")
            }
            let resultsMode = at != nil || results != nil || compare != nil || sparklines || animate
            if resultsMode {
                if files.count != 1 { throw usage("--at, --results, --compare, --sparklines and --animate draw one model, not \(files.count)") }
                if animate && chosen != .svg { throw usage("--animate writes SVG, not \(chosen.rawValue.uppercased())") }
                if (at.map(parseList)?.count ?? 0) > 1 && chosen != .svg { throw usage("several --at times make one SVG of panels; \(chosen.rawValue.uppercased()) takes one time") }
                if animate && (at.map(parseList)?.count ?? 0) > 1 { throw usage("--animate and several --at times cannot be combined") }
                if !(2...600).contains(frames) { throw usage("--frames must be between 2 and 600, not \(frames)") }
                if !(loop > 0 && loop <= 600) { throw usage("--loop must be between 0 and 600 seconds, not \(loop)") }
                if results != nil && (compare != nil || perturbations.hasAdHoc) {
                    throw usage("--results colours a run already made: --compare and perturbations need a simulation")
                }
            }
            let options = DiagramOptions(view: view, module: module, scenario: perturbations.scenario.first, layout: layout, showsLegend: legend)
            return (options, chosen)
        }

        /// Where each model goes (nil: standard output), checked before anything is drawn.
        private func checkedDestinations(format: DiagramFormat) throws -> [String?] {
            if output != nil, outDir != nil { throw usage("give either -o or --out-dir, not both") }
            if let outDir {
                try Output.checkDirectory(outDir)
                var seen: [String: String] = [:]
                return try files.map { file in
                    let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                    let path = Output.path(base + "." + format.fileExtension, in: outDir)
                    if let other = seen[path] {
                        throw usage("'\(file)' and '\(other)' would both be written to '\(path)'")
                    }
                    seen[path] = file
                    return path
                }
            }
            guard files.count == 1 else {
                throw usage("\(files.count) models need --out-dir DIR (-o and standard output take one model)")
            }
            if let output, output != "-" {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
                    throw failure("cannot write '\(output)': it is a directory")
                }
                try Output.check([output])
                return [output]
            }
            if format == .png || format == .pdf {
                throw usage("\(format.rawValue.uppercased()) output is binary: give -o FILE or --out-dir DIR")
            }
            return [nil]
        }

        private func usage(_ message: String) -> CommandError { .usage(message) }

        private func failure(_ message: String) -> CommandError { CommandError(message) }
    }
}
