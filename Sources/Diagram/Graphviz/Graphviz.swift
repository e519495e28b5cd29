import CGraphviz
import Foundation

/// In-process Graphviz (libgvc + libcgraph): layout and rendering without a subprocess.
///
/// This file and the plugins beside it (`GraphvizPlugins.swift`, `TextMeasurement.swift`,
/// `SVGRenderer.swift`) hold all of the Diagram target's unsafe pointer code.
///
/// - Thread safety: Graphviz keeps global state (the DOT lexer, error state, emit state, the
///   prototype graph), so concurrent calls crash even with separate contexts. Every call here
///   runs the whole lifecycle (open or parse → layout → render → free → close) under one
///   process-wide lock; concurrent callers wait their turn. Nothing else in the process may
///   call Graphviz directly. Calls are synchronous: from async code each one blocks a
///   cooperative thread for the length of a render (about 6 ms for a 60-node pathway).
/// - Repeatability: graphs are opened with a cgraph discipline that hands out sequential
///   object IDs, so the same description (or DOT text) gives byte-identical output however
///   many graphs the process has rendered before (cgraph's default discipline uses the
///   addresses of interned name strings as IDs, which depend on the heap).
/// - Errors: Graphviz's messages are captured through `agseterrf`, never printed, and come
///   back in ``GraphvizError`` (errors) or ``Rendering/warnings``. Any error-level message
///   fails the call, as it makes the `dot` command exit non-zero. Two limits: libpathplan
///   prints its own diagnostics ("libpath/shortest.c:324: triangulation failed") straight to
///   stderr (the matching agerr message is still captured and thrown), and a failed `assert`
///   inside Graphviz aborts the process, as it does the `dot` command; descriptions that are
///   known to trigger one are refused before layout (``GraphvizError/unsupportedGraph(reasons:)``).
public enum Graphviz {
    /// Lays `graph` out with `layout` and renders it as `format`.
    /// - Throws: ``GraphvizError``.
    public static func render(
        _ graph: GraphDescription, layout: LayoutEngine = .dot, format: OutputFormat
    ) throws -> [UInt8] {
        try rendering(graph, layout: layout, format: format).output
    }

    /// Like ``render(_:layout:format:)``, also returning Graphviz's warnings.
    public static func rendering(
        _ graph: GraphDescription, layout: LayoutEngine = .dot, format: OutputFormat
    ) throws -> Rendering {
        try rendering(graph, layout: layout, format: format, wiki: nil)
    }

    /// Lays `graph` out and renders it; with a `wiki` document (``OutputFormat/fastSVG`` only), the
    /// render plugin writes that wiki SVG.
    static func rendering(
        _ graph: GraphDescription, layout: LayoutEngine, format: OutputFormat, wiki: WikiSVG.Document?
    ) throws -> Rendering {
        if layout == .dot {
            let conflicts = graph.rankConstraintConflicts()
            if !conflicts.isEmpty { throw GraphvizError.unsupportedGraph(reasons: conflicts) }
        }
        return try GraphvizRuntime.shared.session { session in
            let g = try session.open(graph)
            defer { agclose(g) }
            try session.populate(g, from: graph)
            return try session.layoutAndRender(g, layout: layout, format: format, wiki: wiki)
        }
    }

    /// Lays `graph` out and writes `document`'s wiki SVG in one pass (see ``WikiSVG``).
    static func renderWikiSVG(_ graph: GraphDescription, layout: LayoutEngine, document: WikiSVG.Document) throws -> [UInt8] {
        try rendering(graph, layout: layout, format: .fastSVG, wiki: document).output
    }

    /// Parses `dot` (exactly one graph) and renders it. Parsing uses the same sequential-ID
    /// discipline as ``render(_:layout:format:)``, so `render(dot: g.dotText, ...)` and
    /// `render(g, ...)` give the same bytes.
    /// - Throws: ``GraphvizError``.
    public static func render(dot: String, layout: LayoutEngine = .dot, format: OutputFormat) throws -> [UInt8] {
        try rendering(dot: dot, layout: layout, format: format).output
    }

    /// Like ``render(dot:layout:format:)``, also returning Graphviz's warnings.
    public static func rendering(dot: String, layout: LayoutEngine = .dot, format: OutputFormat) throws -> Rendering {
        try GraphvizRuntime.shared.session { session in
            let g = try session.read(dot: dot)
            defer { agclose(g) }
            return try session.layoutAndRender(g, layout: layout, format: format)
        }
    }

    /// Forgets the text measurements kept between renders (see `TextMeasurement`): the next
    /// render measures every label with pango again, as a process's first render does.
    public static func forgetTextMeasurements() throws {
        try GraphvizRuntime.shared.session { _ in TextMeasurement.shared.forget() }
    }

    /// How many text measurements were answered from memory so far (read under the lock).
    static func textMeasurementHits() throws -> Int {
        try GraphvizRuntime.shared.session { _ in TextMeasurement.shared.hits }
    }

    /// Layout engines the installed plugins provide (`circo`, `dot`, `fdp`, ...).
    public static func availableLayoutEngines() throws -> [String] {
        try GraphvizRuntime.shared.session { try $0.plugins(ofKind: "layout") }
    }

    /// Output formats the installed plugins provide (`svg`, `png`, `pdf`, ...).
    public static func availableFormats() throws -> [String] {
        try GraphvizRuntime.shared.session { try $0.plugins(ofKind: "device") }
    }
}

// MARK: - Process-wide runtime

/// The Graphviz context, the cgraph disciplines and the captured messages, behind one lock.
///
/// `@unchecked Sendable` is sound because:
/// - the mutable state (`context`, `log`) is read and written only inside `session`, which
///   holds `lock` for the whole call; the only other writer is the `agseterrf` hook, and
///   Graphviz calls it synchronously from inside a Graphviz call made by the thread that holds
///   the lock (no Graphviz code runs outside `session`);
/// - the discipline structs are written once in `init` and only read by Graphviz afterwards.
private final class GraphvizRuntime: @unchecked Sendable {
    static let shared = GraphvizRuntime()

    private let lock = NSLock()
    /// GVC_t *, created on first use (gvContext loads the plugin configuration) and kept for the
    /// life of the process: one context serves every render.
    private var context: OpaquePointer?
    /// Messages Graphviz reported during the current session.
    fileprivate var log = MessageLog()

    /// Sequential object IDs (see `makeSequentialIDDiscipline`).
    private let idDiscipline: UnsafeMutablePointer<Agiddisc_t>
    /// Reads DOT from a `MemoryChannel` instead of a FILE *.
    private let memoryIODiscipline: UnsafeMutablePointer<Agiodisc_t>
    /// Discipline for graphs built from a `GraphDescription`.
    private let buildDiscipline: UnsafeMutablePointer<Agdisc_t>
    /// Discipline for graphs parsed from DOT text.
    private let readDiscipline: UnsafeMutablePointer<Agdisc_t>

    private init() {
        let defaultIO = CGraphviz_defaultIODiscipline()!
        idDiscipline = .allocate(capacity: 1)
        idDiscipline.initialize(to: Self.makeSequentialIDDiscipline())
        memoryIODiscipline = .allocate(capacity: 1)
        memoryIODiscipline.initialize(
            to: Agiodisc_t(
                afread: { channel, buffer, size in
                    guard let channel, let buffer, size > 0 else { return 0 }
                    return channel.assumingMemoryBound(to: MemoryChannel.self).pointee
                        .readLine(into: buffer, capacity: Int(size))
                },
                putstr: defaultIO.pointee.putstr,
                flush: defaultIO.pointee.flush))
        buildDiscipline = .allocate(capacity: 1)
        buildDiscipline.initialize(
            to: Agdisc_t(mem: CGraphviz_defaultMemoryDiscipline(), id: idDiscipline, io: defaultIO))
        readDiscipline = .allocate(capacity: 1)
        readDiscipline.initialize(
            to: Agdisc_t(mem: CGraphviz_defaultMemoryDiscipline(), id: idDiscipline, io: memoryIODiscipline))
    }

    deinit {
        // `shared` lives as long as the process; this pairs the allocations above all the same.
        if let context { gvFreeContext(context) }
        readDiscipline.deinitialize(count: 1)
        readDiscipline.deallocate()
        buildDiscipline.deinitialize(count: 1)
        buildDiscipline.deallocate()
        memoryIODiscipline.deinitialize(count: 1)
        memoryIODiscipline.deallocate()
        idDiscipline.deinitialize(count: 1)
        idDiscipline.deallocate()
    }

    /// An ID discipline that numbers objects 1, 2, 3, ... per root graph, in creation order.
    ///
    /// cgraph asks `map` for an ID twice over: with the object's name, then, if that is
    /// declined, with `str == NULL` for an anonymous ID, remembering name ↔ ID in its internal
    /// map (which also serves lookups and `agnameof`). Declining every name therefore gives
    /// every object, named or not, the next number. The state lives from `open` (agopen) to
    /// `close` (agclose). IDs are plain numbers, so `free` has nothing to release and `alloc`
    /// refuses caller-chosen IDs (as cgraph's default does).
    ///
    /// The discipline also keeps each name with its number and answers `print` with it. cgraph
    /// consults that only when its internal map has no entry, which happens after a layout
    /// engine closes a subgraph: Graphviz 2.43's `agclose` on a subgraph closes the root's
    /// internal maps (neato and fdp do this for graphs with clusters). Without it, nodes would
    /// then print as `%4` in titles and comments.
    private static func makeSequentialIDDiscipline() -> Agiddisc_t {
        Agiddisc_t(
            open: { _, _ in
                Unmanaged.passRetained(GraphNames()).toOpaque()
            },
            map: { state, kind, name, id, createFlag in
                guard createFlag != 0, let state, let id else { return 0 }
                let names = Unmanaged<GraphNames>.fromOpaque(state).takeUnretainedValue()
                if let name {
                    names.offer(name, kind: kind)
                    return 0
                }
                id.pointee = names.next(kind: kind)
                return 1
            },
            alloc: { _, _, _ in 0 },
            free: { _, _, _ in },
            print: { state, _, id in
                guard let state else { return nil }
                return Unmanaged<GraphNames>.fromOpaque(state).takeUnretainedValue().name(of: id)
            },
            close: { state in
                guard let state else { return }
                Unmanaged<GraphNames>.fromOpaque(state).release()
            },
            idregister: { _, _, _ in })
    }

    /// Runs `body` with the lock held, on a fresh message log, with a context available.
    func session<T>(_ body: (Session) throws -> T) throws -> T {
        try lock.withLock {
            log = MessageLog()
            _ = agreseterrors()
            let gvc = try ensureContext()
            return try body(Session(runtime: self, gvc: gvc))
        }
    }

    private func ensureContext() throws -> OpaquePointer {
        if let context { return context }
        // Install the hook first so plugin-loading messages are captured too. The hook only
        // runs inside Graphviz calls, all of which are made under `lock`.
        _ = agseterrf { fragment in
            if let fragment {
                GraphvizRuntime.shared.log.append(String(cString: fragment))
            }
            return 0
        }
        guard let gvc = GraphvizPlugins.makeContext() else { throw GraphvizError.contextUnavailable }
        context = gvc
        return gvc
    }

    /// One locked call's view of the runtime.
    struct Session {
        let runtime: GraphvizRuntime
        let gvc: OpaquePointer

        // MARK: Building

        func open(_ graph: GraphDescription) throws -> UnsafeMutablePointer<Agraph_t> {
            let descriptor = CGraphviz_graphDescriptor(graph.isDirected ? 1 : 0, graph.isStrict ? 1 : 0)
            let g: UnsafeMutablePointer<Agraph_t>? =
                graph.name.isEmpty
                ? CGraphviz_open(nil, descriptor, runtime.buildDiscipline)
                : withNormalizedCString(graph.name) { CGraphviz_open($0, descriptor, runtime.buildDiscipline) }
            guard let g else { throw constructionError("agopen(\"\(graph.name)\")") }
            return g
        }

        /// Creates everything in the order the DOT parser would for `graph.dotText`.
        func populate(_ g: UnsafeMutablePointer<Agraph_t>, from graph: GraphDescription) throws {
            try declareDefaults(graph.attributes, kind: AGRAPH, in: g)
            try declareDefaults(graph.nodeDefaults, kind: AGNODE, in: g)
            try declareDefaults(graph.edgeDefaults, kind: AGEDGE, in: g)
            for node in graph.nodes {
                let n = try makeNode(node.id, in: g)
                try set(node.attributes, on: UnsafeMutableRawPointer(n), kind: AGNODE, root: g)
            }
            for subgraph in graph.subgraphs {
                try add(subgraph, to: g, root: g)
            }
            for edge in graph.edges {
                let tail = try makeNode(edge.tail, in: g)
                let head = try makeNode(edge.head, in: g)
                let e: UnsafeMutablePointer<Agedge_t>? =
                    if let key = edge.key {
                        withNormalizedCString(key) { CGraphviz_edge(g, tail, head, $0, 1) }
                    } else {
                        CGraphviz_edge(g, tail, head, nil, 1)
                    }
                guard let e else {
                    // The DOT parser skips such an edge silently; say so instead.
                    runtime.log.warnings.append("edge \(edge.tail) -> \(edge.head) was not created")
                    continue
                }
                try set(edge.attributesExceptKey, on: UnsafeMutableRawPointer(e), kind: AGEDGE, root: g)
            }
        }

        private func add(
            _ subgraph: GraphDescription.Subgraph, to parent: UnsafeMutablePointer<Agraph_t>,
            root: UnsafeMutablePointer<Agraph_t>
        ) throws {
            let made = withNormalizedCString(subgraph.name) { CGraphviz_subgraph(parent, $0, 1) }
            guard let sub = made else { throw constructionError("agsubg(\"\(subgraph.name)\")") }
            for attribute in subgraph.attributes {
                // As `graph [name=value]` inside `subgraph { }`: declared on the root with an
                // empty default if new, then set on (and inherited below) this subgraph.
                _ = try symbol(attribute.name, kind: AGRAPH, root: root)
                let declared = withNormalizedCString(attribute.name) { name in
                    withValue(attribute.value) { value, isHTML in
                        CGraphviz_declareAttribute(sub, AGRAPH, name, value, isHTML)
                    }
                }
                guard declared != nil else { throw constructionError("agattr(\(subgraph.name), \(attribute.name))") }
            }
            for id in subgraph.nodeIDs {
                _ = try makeNode(id, in: sub)
            }
            for child in subgraph.subgraphs {
                try add(child, to: sub, root: root)
            }
        }

        private func makeNode(_ id: String, in g: UnsafeMutablePointer<Agraph_t>) throws -> UnsafeMutablePointer<Agnode_t> {
            guard let n = withNormalizedCString(id, { CGraphviz_node(g, $0, 1) }) else {
                throw constructionError("agnode(\"\(id)\")")
            }
            return n
        }

        /// `graph|node|edge [name=value, ...]` at the root: agattr with a default.
        private func declareDefaults(_ attributes: Attributes, kind: Int32, in g: UnsafeMutablePointer<Agraph_t>) throws {
            for attribute in attributes {
                let declared = withNormalizedCString(attribute.name) { name in
                    withValue(attribute.value) { value, isHTML in
                        CGraphviz_declareAttribute(g, kind, name, value, isHTML)
                    }
                }
                guard declared != nil else { throw constructionError("agattr(\(attribute.name))") }
            }
        }

        /// `object [name=value, ...]`: declare on the root with an empty default if new, then agxset.
        private func set(
            _ attributes: Attributes, on object: UnsafeMutableRawPointer, kind: Int32, root: UnsafeMutablePointer<Agraph_t>
        ) throws {
            for attribute in attributes {
                let sym = try symbol(attribute.name, kind: kind, root: root)
                let rc = withValue(attribute.value) { value, isHTML in
                    CGraphviz_setAttribute(object, sym, value, isHTML)
                }
                guard rc == 0 else { throw constructionError("agxset(\(attribute.name))") }
            }
        }

        private func symbol(_ name: String, kind: Int32, root: UnsafeMutablePointer<Agraph_t>) throws -> UnsafeMutablePointer<Agsym_t> {
            let sym = withNormalizedCString(name) { name in
                CGraphviz_findAttribute(root, kind, name) ?? CGraphviz_declareAttribute(root, kind, name, "", 0)
            }
            guard let sym else { throw constructionError("agattr(\(name))") }
            return sym
        }

        private func constructionError(_ what: String) -> GraphvizError {
            runtime.log.flush()
            return .graphConstructionFailed(what, messages: runtime.log.errors)
        }

        // MARK: Reading

        /// Parses exactly one graph from `dot` with the sequential-ID discipline.
        func read(dot: String) throws -> UnsafeMutablePointer<Agraph_t> {
            let bytes = Array(dot.utf8)
            return try bytes.withUnsafeBufferPointer { buffer in
                let channel = UnsafeMutablePointer<MemoryChannel>.allocate(capacity: 1)
                channel.initialize(to: MemoryChannel(bytes: buffer))
                defer {
                    channel.deinitialize(count: 1)
                    channel.deallocate()
                }
                // Line numbers in syntax errors count from the start of this text.
                agreadline(1)
                let raw = UnsafeMutableRawPointer(channel)
                let first = agread(raw, runtime.readDiscipline)
                // Read to the end: the lexer buffers input globally, and cgraph flushes that
                // buffer only once a read finds no graph.
                var count = first == nil ? 0 : 1
                while let extra = agread(raw, runtime.readDiscipline) {
                    agclose(extra)
                    count += 1
                }
                runtime.log.flush()
                guard let g = first else {
                    if runtime.log.errors.isEmpty { throw GraphvizError.noGraphInInput }
                    throw GraphvizError.syntaxError(messages: runtime.log.errors)
                }
                if !runtime.log.errors.isEmpty {
                    agclose(g)
                    throw GraphvizError.syntaxError(messages: runtime.log.errors)
                }
                if count > 1 {
                    agclose(g)
                    throw GraphvizError.multipleGraphs(count: count)
                }
                return g
            }
        }

        // MARK: Layout and rendering

        func layoutAndRender(
            _ g: UnsafeMutablePointer<Agraph_t>, layout: LayoutEngine, format: OutputFormat, wiki: WikiSVG.Document? = nil
        ) throws -> Rendering {
            TextMeasurement.shared.usesMemory = !format.drawsPangoLayouts
            let layoutStatus = gvLayout(gvc, g, layout.rawValue)
            defer { gvFreeLayout(gvc, g) }
            runtime.log.flush()
            if layoutStatus != 0 {
                let engines = try plugins(ofKind: "layout")
                if engines.isEmpty { throw GraphvizError.noPlugins }
                if !engines.contains(layout.rawValue) {
                    throw GraphvizError.unknownLayoutEngine(layout.rawValue, available: engines)
                }
                throw GraphvizError.layoutFailed(engine: layout.rawValue, messages: runtime.log.errors)
            }
            if !runtime.log.errors.isEmpty {
                throw GraphvizError.layoutFailed(engine: layout.rawValue, messages: runtime.log.errors)
            }

            var data: UnsafeMutablePointer<CChar>?
            var length: UInt32 = 0
            SVGRenderer.shared.graph = g
            SVGRenderer.shared.wiki = wiki
            defer {
                SVGRenderer.shared.graph = nil
                SVGRenderer.shared.wiki = nil
            }
            let renderStatus = gvRenderData(gvc, g, format.rawValue, &data, &length)
            defer {
                if let data { gvFreeRenderData(data) }
            }
            runtime.log.flush()
            if renderStatus != 0 {
                let devices = try plugins(ofKind: "device")
                if devices.isEmpty { throw GraphvizError.noPlugins }
                if !devices.contains(format.baseName) {
                    throw GraphvizError.unsupportedFormat(
                        format.rawValue, available: devices, provider: format.debianProvider)
                }
                throw GraphvizError.renderFailed(format: format.rawValue, messages: runtime.log.errors)
            }
            guard runtime.log.errors.isEmpty, let data else {
                throw GraphvizError.renderFailed(format: format.rawValue, messages: runtime.log.errors)
            }
            let output = [UInt8](UnsafeRawBufferPointer(start: data, count: Int(length)))
            return Rendering(output: output, warnings: runtime.log.warnings)
        }

        /// Plugin names of one kind (`layout`, `device`, `render`, `textlayout`, `loadimage`).
        func plugins(ofKind kind: String) throws -> [String] {
            var count: Int32 = 0
            guard let list = gvPluginList(gvc, kind, &count, nil) else { return [] }
            defer {
                for index in 0..<Int(count) { free(list[index]) }
                free(list)
            }
            return (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
        }
    }
}

// MARK: - Helpers

/// `text` normalised as the DOT writer does (see `DOTWriter.normalizedValue`), as a C string.
private func withNormalizedCString<T>(_ text: String, _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
    try DOTWriter.normalizedValue(text).withCString(body)
}

/// An attribute value as a C string plus cgraph's HTML flag.
private func withValue<T>(_ value: AttributeValue, _ body: (UnsafePointer<CChar>, Int32) throws -> T) rethrows -> T {
    switch value {
    case .string(let text): try withNormalizedCString(text) { try body($0, 0) }
    case .html(let markup): try markup.withCString { try body($0, 1) }
    }
}

/// The sequential-ID discipline's state for one root graph: the last number handed out and
/// the name each named object was created with.
private final class GraphNames {
    private var counter: IDTYPE = 0
    private var names: [IDTYPE: UnsafeMutablePointer<CChar>] = [:]
    /// The name (and object kind) offered to `map` just before the anonymous ID of the object
    /// being created. An offer not followed by a creation (the name was already mapped) is
    /// replaced by the next offer, and never given to an object of another kind.
    private var offered: (kind: Int32, name: UnsafeMutablePointer<CChar>)?

    func offer(_ name: UnsafeMutablePointer<CChar>, kind: Int32) {
        free(offered?.name)
        offered = (kind, strdup(name))
    }

    func next(kind: Int32) -> IDTYPE {
        counter += 1
        if let offered, offered.kind == kind {
            names[counter] = offered.name
            self.offered = nil
        }
        return counter
    }

    func name(of id: IDTYPE) -> UnsafeMutablePointer<CChar>? { names[id] }

    deinit {
        free(offered?.name)
        for name in names.values { free(name) }
    }
}

/// DOT text handed to cgraph's lexer through `Agiodisc_t.afread`, a line at a time as
/// cgraph's own readers (fgets, agmemread) do.
private struct MemoryChannel {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func readLine(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        var written = 0
        while written < capacity, offset < bytes.count {
            let byte = bytes[offset]
            buffer[written] = CChar(bitPattern: byte)
            written += 1
            offset += 1
            if byte == UInt8(ascii: "\n") { break }
        }
        return Int32(written)
    }
}

/// Graphviz's messages, reassembled from the fragments `agseterrf` hooks receive.
///
/// cgraph calls the hook with "Error" or "Warning", then ": ", then the formatted message
/// (which ends in a newline); continuation messages come without the prefix.
struct MessageLog {
    private(set) var errors: [String] = []
    var warnings: [String] = []
    private var pending = ""
    private var lastWasError = false

    mutating func append(_ fragment: String) {
        pending += fragment
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline])
            pending = String(pending[pending.index(after: newline)...])
            record(line)
        }
    }

    /// Records a message that did not end in a newline.
    mutating func flush() {
        guard !pending.isEmpty else { return }
        let line = pending
        pending = ""
        record(line)
    }

    private mutating func record(_ line: String) {
        if line.hasPrefix("Error: ") {
            errors.append(String(line.dropFirst("Error: ".count)))
            lastWasError = true
        } else if line.hasPrefix("Warning: ") {
            warnings.append(String(line.dropFirst("Warning: ".count)))
            lastWasError = false
        } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
            return
        } else if lastWasError, let last = errors.popLast() {
            errors.append(last + " " + line.trimmingCharacters(in: .whitespaces))
        } else if !lastWasError, let last = warnings.popLast() {
            warnings.append(last + " " + line.trimmingCharacters(in: .whitespaces))
        } else {
            warnings.append(line)
        }
    }
}
