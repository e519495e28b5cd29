import CGraphviz
import Glibc

/// Graphviz's text measurement, remembered: a `textlayout` plugin that asks the pango plugin
/// (the one `dot` uses) for each label's size once and answers repeats from memory.
///
/// Measuring text is a fifth of a render (the IL-11 diagram: about 1 ms of 4.9 ms, each of ~90
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
/// How it is wired (see `GraphvizPlugins`): once a first context has loaded Graphviz's plugins
/// as `dot` does, ``connect()`` finds the pango plugin's library by its soname and takes its
/// text-layout engine; the context that serves renders has this plugin as a built-in of higher
/// quality than pango's, so Graphviz selects it. Without a pango plugin it declines to measure,
/// and Graphviz estimates text sizes from its font tables, exactly as `dot` then does.
///
/// Thread safety: Graphviz calls the plugin only from inside a render, and every render holds
/// ``GraphvizRuntime``'s lock, so the memory is only touched under that lock.
final class TextMeasurement: @unchecked Sendable {
    static let shared = TextMeasurement()

    /// Entries kept before the memory starts over (a few hundred bytes each).
    static let capacity = 20_000

    /// Whether the current render may answer from memory (set under the lock before layout).
    var usesMemory = true
    /// Number of answers from memory since the context was made (for tests).
    private(set) var hits = 0

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

    /// Takes the pango plugin's text-layout engine, once a context has loaded it.
    func connect() {
        pango = Self.pangoEngine()
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

    /// This plugin's entry for Graphviz's plugin table (type "textlayout"). Allocated once,
    /// never freed: Graphviz keeps pointers into it.
    static func pluginType() -> gvplugin_installed_t {
        let engine = UnsafeMutablePointer<gvtextlayout_engine_t>.allocate(capacity: 1)
        engine.initialize(
            to: gvtextlayout_engine_t(textlayout: { span, fontpath in
                guard let span else { return 0 }
                return TextMeasurement.shared.measure(span, fontpath: fontpath) ? 1 : 0
            }))
        // Quality 100 puts it ahead of pango's text layout (quality 0) for the type "textlayout".
        return gvplugin_installed_t(id: 0, type: strdup("textlayout"), quality: 100, engine: engine, features: nil)
    }
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
