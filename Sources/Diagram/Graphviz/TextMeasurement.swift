import CGraphviz
import Glibc

/// Graphviz's text measurement, remembered: a `textlayout` plugin that asks the pango plugin
/// (the one `dot` uses) for each label's size once and answers repeats from memory.
///
/// Measuring text is a tenth of a render (the IL-11 diagram: about 0.6 ms of 5 ms, each of ~90
/// strings shaped by pango and HarfBuzz), and a wiki batch measures the same strings again and
/// again: every diagram carries the legend, the module views repeat the entity names, and a
/// scenario redraws its model. The answer depends only on the font name, size and style flags
/// and the text, so it is kept under that key and handed back exactly as pango gave it: the
/// output stays byte-identical to `dot -Tsvg`.
///
/// Pango's answer also carries a layout object, which only the cairo renderers (PNG, PDF, ...)
/// draw from. Renders to those formats therefore bypass the memory; renders to formats the core
/// plugin writes (SVG, DOT, JSON, ...) use it (see ``OutputFormat/drawsPangoLayouts``).
///
/// How it is wired (``makeContext()``): a first context loads Graphviz's plugins as `dot` does;
/// from it the pango plugin's library is found by its soname and its text-layout engine taken.
/// The context that serves renders is then made with this plugin as a built-in of higher
/// quality than pango's, so Graphviz selects it. If anything is missing (no pango plugin), the
/// first context is used as it is, unmeasured text and all, exactly like `dot`.
///
/// Thread safety: Graphviz calls the plugin only from inside a render, and every render holds
/// ``GraphvizRuntime``'s lock, so the memory is only touched under that lock.
final class TextMeasurement: @unchecked Sendable {
    static let shared = TextMeasurement()

    /// Entries kept before the memory starts over (a few hundred bytes each).
    static let capacity = 20_000

    /// Whether the current render may answer from memory (set under the lock before layout).
    var usesMemory = true
    /// Number of answers from memory and from pango since the context was made (for tests).
    private(set) var hits = 0
    private(set) var misses = 0

    private typealias Engine = @convention(c) (
        UnsafeMutablePointer<textspan_t>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> boolean

    /// The pango plugin's `textlayout` function.
    private var pango: Engine?
    private var memory: [Key: Size] = [:]

    private struct Key: Hashable {
        var font: String
        var size: Double
        var flags: UInt32
        var text: String
    }

    private struct Size {
        var size: pointf
        var yoffsetLayout: Double
        var yoffsetCenterline: Double
    }

    private init() {}

    /// Forgets every measurement (the next render measures afresh; for cold-start timings).
    func forget() {
        memory.removeAll(keepingCapacity: true)
    }

    /// The Graphviz context renders use: with this plugin when the pango plugin is there.
    func makeContext() -> OpaquePointer? {
        guard let first = gvContext() else { return nil }
        guard let engine = Self.pangoEngine() else { return first }
        pango = engine
        guard let context = gvContextPlugins(builtins, 1) else { return first }
        gvFreeContext(first)
        return context
    }

    /// Measures `span` (fills `size`, the y offsets and, from pango, the layout). False when
    /// no measurement is possible; Graphviz then estimates from its font tables, as `dot` does.
    fileprivate func measure(
        _ span: UnsafeMutablePointer<textspan_t>, fontpath: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    ) -> Bool {
        guard let pango else { return false }
        guard usesMemory, let font = span.pointee.font, let name = font.pointee.name, let text = span.pointee.str
        else {
            return pango(span, fontpath) != 0
        }
        let key = Key(
            font: String(cString: name), size: font.pointee.size, flags: UInt32(font.pointee.flags),
            text: String(cString: text))
        if let known = memory[key] {
            hits += 1
            span.pointee.size = known.size
            span.pointee.yoffset_layout = known.yoffsetLayout
            span.pointee.yoffset_centerline = known.yoffsetCenterline
            span.pointee.layout = nil
            span.pointee.free_layout = nil
            fontpath?.pointee = nil
            return true
        }
        misses += 1
        guard pango(span, fontpath) != 0 else { return false }
        if memory.count >= Self.capacity { memory.removeAll(keepingCapacity: true) }
        memory[key] = Size(
            size: span.pointee.size, yoffsetLayout: span.pointee.yoffset_layout,
            yoffsetCenterline: span.pointee.yoffset_centerline)
        return true
    }

    // MARK: Plugin tables

    /// The pango plugin's text-layout function, from the library the first context loaded.
    private static func pangoEngine() -> Engine? {
        guard let handle = dlopen("libgvplugin_pango.so.6", RTLD_NOW | RTLD_NOLOAD),
              let symbol = dlsym(handle, "gvplugin_pango_LTX_library")
        else { return nil }
        // The handle stays open: the engine is used for the life of the process.
        let library = symbol.assumingMemoryBound(to: gvplugin_library_t.self)
        var api = library.pointee.apis
        while let current = api, current.pointee.types != nil {
            if current.pointee.api == API_textlayout, var type = current.pointee.types {
                while let name = type.pointee.type {
                    if strcmp(name, "textlayout") == 0, let engine = type.pointee.engine {
                        return engine.assumingMemoryBound(to: gvtextlayout_engine_t.self).pointee.textlayout
                    }
                    type += 1
                }
            }
            api = current + 1
        }
        return nil
    }

    /// `{ {"gvplugin_pathway_LTX_library", &library}, {NULL, NULL} }`: this plugin as a built-in
    /// library (Graphviz installs built-ins whose name starts with `g` and holds `_LTX_library`).
    /// Allocated once, never freed: Graphviz keeps pointers into it.
    private let builtins: UnsafeMutablePointer<lt_symlist_t> = {
        let engine = UnsafeMutablePointer<gvtextlayout_engine_t>.allocate(capacity: 1)
        engine.initialize(
            to: gvtextlayout_engine_t(textlayout: { span, fontpath in
                guard let span else { return 0 }
                return TextMeasurement.shared.measure(span, fontpath: fontpath) ? 1 : 0
            }))
        let textTypes = UnsafeMutablePointer<gvplugin_installed_t>.allocate(capacity: 2)
        // Quality 100 puts it ahead of pango's text layout (quality 0) for the type "textlayout".
        textTypes[0] = gvplugin_installed_t(id: 0, type: strdup("textlayout"), quality: 100, engine: engine, features: nil)
        textTypes[1] = gvplugin_installed_t(id: 0, type: nil, quality: 0, engine: nil, features: nil)
        // The fast SVG renderer and its device: format "svg:pathway" (see SVGRenderer).
        let svg = SVGRenderer.pluginTypes()
        let renderTypes = UnsafeMutablePointer<gvplugin_installed_t>.allocate(capacity: 2)
        renderTypes[0] = svg.render
        renderTypes[1] = gvplugin_installed_t(id: 0, type: nil, quality: 0, engine: nil, features: nil)
        let deviceTypes = UnsafeMutablePointer<gvplugin_installed_t>.allocate(capacity: 2)
        deviceTypes[0] = svg.device
        deviceTypes[1] = gvplugin_installed_t(id: 0, type: nil, quality: 0, engine: nil, features: nil)
        let apis = UnsafeMutablePointer<gvplugin_api_t>.allocate(capacity: 4)
        apis[0] = gvplugin_api_t(api: API_textlayout, types: textTypes)
        apis[1] = gvplugin_api_t(api: API_render, types: renderTypes)
        apis[2] = gvplugin_api_t(api: API_device, types: deviceTypes)
        apis[3] = gvplugin_api_t(api: api_t(0), types: nil)
        let library = UnsafeMutablePointer<gvplugin_library_t>.allocate(capacity: 1)
        library.initialize(to: gvplugin_library_t(packagename: strdup("pathway"), apis: apis))
        let symbols = UnsafeMutablePointer<lt_symlist_t>.allocate(capacity: 2)
        symbols[0] = lt_symlist_t(name: strdup("gvplugin_pathway_LTX_library"), address: UnsafeMutableRawPointer(library))
        symbols[1] = lt_symlist_t(name: nil, address: nil)
        return symbols
    }()
}

extension OutputFormat {
    /// Whether the renderer draws pango's layout objects (the cairo plugin's formats), so text
    /// must be measured afresh by pango rather than answered from memory.
    var drawsPangoLayouts: Bool {
        let parts = rawValue.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 1 { return parts.dropFirst().contains("cairo") }
        return switch baseName {
        case "svg", "dot", "xdot", "canon", "gv", "json", "json0", "dot_json", "xdot_json", "plain", "plain-ext",
            "imap", "cmapx", "imap_np", "cmapx_np", "ismap", "cmap", "fig", "pic", "tk", "pov", "vml", "vmlz", "mp":
            false
        default:
            true
        }
    }
}
