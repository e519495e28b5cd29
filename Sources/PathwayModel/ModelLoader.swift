import Foundation

/// A model read and validated, with the warnings found on the way.
public struct LoadedModel: Sendable {
    public var model: Model
    public var warnings: [Diagnostic]

    public init(model: Model, warnings: [Diagnostic]) {
        self.model = model
        self.warnings = warnings
    }
}

/// Reads model files, composes their includes into one model and validates it.
///
/// Composition: a model lists other model files under `includes:`. The included modules come first
/// (depth-first, each file once however often it is included); the elements of all modules are merged
/// and **shared by name**: a species or parameter defined in several modules is one species or parameter,
/// and its definitions must agree. Reactions, observables, events, drugs and scenarios must have
/// distinct names across modules.
public enum ModelLoader {
    /// Loads the model file at `path`, with everything it includes.
    public static func load(path: String) throws(ModelError) -> LoadedModel {
        var state = CompositionState()
        let url = URL(fileURLWithPath: path)
        guard let root = state.loadTree(url: url, displayPath: path, includedFrom: nil) else {
            throw ModelError(state.sink.sorted)
        }
        return try finish(root: root, state: &state)
    }

    /// Loads a model from YAML text; includes are resolved against `directory` (default: the current one).
    public static func load(yaml text: String, file: String = "<input>", directory: String? = nil) throws(ModelError) -> LoadedModel {
        var state = CompositionState()
        let dir = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        guard let root = state.loadTree(text: text, displayPath: file, directory: dir, key: "<text>:\(file)") else {
            throw ModelError(state.sink.sorted)
        }
        return try finish(root: root, state: &state)
    }

    private static func finish(root: ModelFile, state: inout CompositionState) throws(ModelError) -> LoadedModel {
        // A file that could not be read at all (malformed YAML, a missing or unreadable include) leaves
        // the composed model incomplete: report that alone, not the cascade of names it would leave unknown.
        if state.order.contains(where: \.fatal) || state.unreadableFiles > 0
            || !state.sink.diagnostics.filter({ $0.severity == .error }).isEmpty && root.fatal {
            throw ModelError(state.sink.sorted)
        }
        var model = compose(root: root, state: &state)
        let validation = Validator.validate(&model, sites: state.sites)
        state.sink.append(contentsOf: validation)
        let all = state.sink.sorted
        if all.contains(where: { $0.severity == .error }) {
            throw ModelError(all)
        }
        return LoadedModel(model: model, warnings: all)
    }

    /// Merges the modules in order: every included module first, then the root.
    private static func compose(root: ModelFile, state: inout CompositionState) -> Model {
        var out = root.model
        out.compartments = []
        out.species = []
        out.parameters = []
        out.functions = []
        out.reactions = []
        out.observables = []
        out.rateRules = []
        out.algebraicRules = []
        out.initialAssignments = []
        out.events = []
        out.drugs = []
        out.scenarios = []
        out.modules = []
        var sink = DiagnosticSink()
        for file in state.order {
            let m = file.model
            if m.units != root.model.units {
                sink.error(m.location, "module '\(m.id)' uses units (\(describe(m.units))) that differ from the model's (\(describe(root.model.units))); modules of one model share units")
            }
            out.modules.append(contentsOf: m.modules)
            mergeShared(&out.compartments, m.compartments, kind: "compartment", sink: &sink,
                        id: \.id, location: \.location, differences: { a, b in
                            a.size != b.size ? "size \(Expression.format(number: a.size)) vs \(Expression.format(number: b.size))" : nil
                        }, merge: { _, _ in })
            mergeShared(&out.species, m.species, kind: "species", sink: &sink, id: \.id, location: \.location,
                        differences: { a, b in
                            if a.compartment != b.compartment { return "compartment '\(a.compartment)' vs '\(b.compartment)'" }
                            if a.initialValue != b.initialValue {
                                return "initial value \(Expression.format(number: a.initialValue)) vs \(Expression.format(number: b.initialValue))"
                            }
                            if a.constant != b.constant || a.boundary != b.boundary || a.amountValued != b.amountValued {
                                return "different constant/boundary/amount flags"
                            }
                            return nil
                        }, merge: { a, b in
                            // Diagram details: the first definition wins; later ones fill what it left out.
                            a.display.role = a.display.role ?? b.display.role
                            a.display.label = a.display.label ?? b.display.label
                            a.display.state = a.display.state ?? b.display.state
                            a.display.link = a.display.link ?? b.display.link
                            a.display.note = a.display.note ?? b.display.note
                            if a.display.entities.isEmpty { a.display.entities = b.display.entities }
                            if !a.display.active && !a.display.inactive {
                                a.display.active = b.display.active
                                a.display.inactive = b.display.inactive
                            }
                            a.display.node = a.display.node ?? b.display.node
                        })
            mergeShared(&out.parameters, m.parameters, kind: "parameter", sink: &sink, id: \.id, location: \.location,
                        differences: { a, b in
                            a.value != b.value ? "value \(Expression.format(number: a.value)) vs \(Expression.format(number: b.value))" : nil
                        }, merge: { a, b in
                            a.source = a.source ?? b.source
                            a.unit = a.unit ?? b.unit
                            a.positive = a.positive || b.positive
                        })
            mergeUnique(&out.functions, m.functions, kind: "function", sink: &sink, id: \.id, location: \.location)
            mergeUnique(&out.reactions, m.reactions, kind: "reaction", sink: &sink, id: \.id, location: \.location)
            mergeUnique(&out.observables, m.observables, kind: "observable", sink: &sink, id: \.id, location: \.location)
            mergeUnique(&out.rateRules, m.rateRules, kind: "rate rule for", sink: &sink, id: \.variable, location: \.location)
            mergeUnique(&out.algebraicRules, m.algebraicRules, kind: "algebraic rule for", sink: &sink, id: \.variable, location: \.location)
            mergeUnique(&out.initialAssignments, m.initialAssignments, kind: "initial assignment of", sink: &sink,
                        id: \.variable, location: \.location)
            mergeUnique(&out.events, m.events, kind: "event", sink: &sink, id: \.id, location: \.location)
            mergeUnique(&out.drugs, m.drugs, kind: "drug", sink: &sink, id: \.id, location: \.location)
            mergeUnique(&out.scenarios, m.scenarios, kind: "scenario", sink: &sink, id: \.id, location: \.location)
            if out.simulation.end == nil { out.simulation.end = m.simulation.end }
            if out.simulation.points == nil { out.simulation.points = m.simulation.points }
        }
        if !root.model.simulation.observe.isEmpty { out.simulation.observe = root.model.simulation.observe }
        // The root's own defaults win over its modules'.
        if let e = root.model.simulation.end { out.simulation.end = e }
        if let p = root.model.simulation.points { out.simulation.points = p }
        // Put the root module first in the list of modules.
        if let i = out.modules.firstIndex(where: { $0.id == root.model.id }), i != 0 {
            let rootModule = out.modules.remove(at: i)
            out.modules.insert(rootModule, at: 0)
        }
        for file in state.order { applyOverrides(file.overrides, to: &out, sink: &sink) }
        state.sink.append(contentsOf: sink.diagnostics)
        return out
    }

    /// Applies a file's overrides to the composed model, in file order (an includer's after its includes').
    private static func applyOverrides(_ overrides: [Override], to model: inout Model, sink: inout DiagnosticSink) {
        guard !overrides.isEmpty else { return }
        let parameterIndex = positions(of: model.parameters, id: \.id)
        let speciesIndex = positions(of: model.species, id: \.id)
        let compartmentIndex = positions(of: model.compartments, id: \.id)
        sink.warnings(overrides.filter { !$0.value.isNaN && $0.source == nil }, summarised: "overrides without a source", at: \.location) { o in
            "the override of \(o.kind.noun) '\(o.id)' has no 'source': say where the number comes from"
        }
        for o in overrides where !o.value.isNaN {
            func unknown(_ names: [String]) {
                sink.error(o.location, "override of unknown \(o.kind.noun) '\(o.id)'\(suggestion(for: o.id, in: names)); an override changes an element that the model or its includes define")
            }
            switch o.kind {
            case .parameter:
                guard let i = parameterIndex[o.id] else { unknown(model.parameters.map(\.id)); continue }
                model.parameters[i].value = o.value
                if let source = o.source { model.parameters[i].source = source }
                if let unit = o.unit { model.parameters[i].unit = unit }
                if let note = o.note { model.parameters[i].note = note }
            case .species:
                guard let i = speciesIndex[o.id] else { unknown(model.species.map(\.id)); continue }
                model.species[i].initialValue = o.value
                if let note = o.note ?? o.source { model.species[i].display.note = note }
            case .compartment:
                guard let i = compartmentIndex[o.id] else { unknown(model.compartments.map(\.id)); continue }
                model.compartments[i].size = o.value
            }
        }
    }

    private static func describe(_ u: Units) -> String {
        "time \(u.time.rawValue), concentration \(u.concentration.rawValue), volume \(u.volume.rawValue)"
    }

    private static func mergeShared<T>(
        _ into: inout [T], _ items: [T], kind: String, sink: inout DiagnosticSink,
        id: KeyPath<T, String>, location: KeyPath<T, SourceLocation>,
        differences: (T, T) -> String?, merge: (inout T, T) -> Void
    ) {
        var index = Self.positions(of: into, id: id)
        for item in items {
            if let i = index[item[keyPath: id]] {
                if into[i][keyPath: location] == item[keyPath: location] { continue }
                if let diff = differences(into[i], item) {
                    sink.error(item[keyPath: location],
                               "\(kind) '\(item[keyPath: id])' is also defined at \(into[i][keyPath: location]) and the definitions disagree (\(diff)); a shared \(kind) must be defined the same way in every module")
                } else {
                    merge(&into[i], item)
                }
            } else {
                index[item[keyPath: id]] = into.count
                into.append(item)
            }
        }
    }

    /// Each id's first position in `items`.
    private static func positions<T>(of items: [T], id: KeyPath<T, String>) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(items.count)
        for (i, item) in items.enumerated() where index[item[keyPath: id]] == nil { index[item[keyPath: id]] = i }
        return index
    }

    private static func mergeUnique<T>(
        _ into: inout [T], _ items: [T], kind: String, sink: inout DiagnosticSink,
        id: KeyPath<T, String>, location: KeyPath<T, SourceLocation>
    ) {
        var index = positions(of: into, id: id)
        for item in items {
            if let i = index[item[keyPath: id]] {
                let other = into[i]
                if other[keyPath: location] == item[keyPath: location] { continue }
                sink.error(item[keyPath: location], "\(kind) '\(item[keyPath: id])' is already defined at \(other[keyPath: location])")
            } else {
                index[item[keyPath: id]] = into.count
                into.append(item)
            }
        }
    }
}

/// The files of one composition, read once each, in the order their modules are merged.
private struct CompositionState {
    var sink = DiagnosticSink()
    var sites: [ExpressionSite] = []
    /// Files in merge order (post-order: includes before includers).
    var order: [ModelFile] = []
    var loaded: Set<String> = []
    var stack: [String] = []
    /// Included files that do not exist, are not text or form a cycle.
    var unreadableFiles = 0

    mutating func loadTree(url: URL, displayPath: String, includedFrom: SourceLocation?) -> ModelFile? {
        let key = url.standardizedFileURL.resolvingSymlinksInPath().path
        if stack.contains(key) {
            let cycle = (stack.drop { $0 != key } + [key]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            sink.error(includedFrom ?? SourceLocation(file: displayPath, line: 1, column: 1), "include cycle: \(cycle)")
            unreadableFiles += 1
            return nil
        }
        if loaded.contains(key) { return order.first { $0.model.location.file == displayPath } ?? order.last }
        guard let text = readText(url: url, displayPath: displayPath, includedFrom: includedFrom) else {
            unreadableFiles += 1
            return nil
        }
        return loadTree(text: text, displayPath: displayPath, directory: url.deletingLastPathComponent(), key: key)
    }

    mutating func loadTree(text: String, displayPath: String, directory: URL, key: String) -> ModelFile? {
        let file = ModelFileParser.parse(text: text, file: displayPath)
        sink.append(contentsOf: file.diagnostics)
        sites.append(contentsOf: file.sites)
        stack.append(key)
        for include in file.includes {
            let includeURL = URL(fileURLWithPath: include.path, relativeTo: directory)
            let shown = Self.displayPath(include.path, relativeTo: displayPath)
            _ = loadTree(url: includeURL, displayPath: shown, includedFrom: include.location)
        }
        stack.removeLast()
        loaded.insert(key)
        order.append(file)
        return file
    }

    /// `models/a.yaml` including `b.yaml` shows it as `models/b.yaml`.
    static func displayPath(_ include: String, relativeTo parent: String) -> String {
        if include.hasPrefix("/") { return include }
        let dir = (parent as NSString).deletingLastPathComponent
        return dir.isEmpty ? include : (dir as NSString).appendingPathComponent(include)
    }

    mutating func readText(url: URL, displayPath: String, includedFrom: SourceLocation?) -> String? {
        let here = includedFrom ?? SourceLocation(file: displayPath, line: 0, column: 0)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            let what = includedFrom == nil ? "no such file" : "included file '\(displayPath)' does not exist"
            sink.error(here, what)
            return nil
        }
        if isDirectory.boolValue {
            sink.error(here, "'\(displayPath)' is a directory, not a model file")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            sink.error(here, "cannot read '\(displayPath)' (permission denied?)")
            return nil
        }
        if data.contains(0) {
            sink.error(here, "'\(displayPath)' is not a text file (it contains NUL bytes); a model is a YAML text file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.error(here, "'\(displayPath)' is not UTF-8 text; a model is a YAML text file")
            return nil
        }
        return text
    }
}
