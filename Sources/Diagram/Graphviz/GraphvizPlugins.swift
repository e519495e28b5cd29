import CGraphviz

/// This package's Graphviz plugins — text measurement (`TextMeasurement`) and the fast SVG
/// renderer with its device (`SVGRenderer`) — as one built-in plugin library, and the context
/// that has them.
enum GraphvizPlugins {
    /// The context every render uses: Graphviz's installed plugins (as `dot` loads them) plus
    /// this package's, which Graphviz ranks first for text layout.
    ///
    /// A first, plain context loads the installed plugins so that text measurement can take
    /// pango's engine from the loaded library; it is then freed (the pango library stays loaded:
    /// `TextMeasurement` holds its own reference).
    static func makeContext() -> OpaquePointer? {
        if let first = gvContext() {
            TextMeasurement.shared.connect()
            gvFreeContext(first)
        }
        return gvContextPlugins(builtins, 1)
    }

    /// `{ {"gvplugin_pathway_LTX_library", &library}, {NULL, NULL} }`: Graphviz installs as
    /// built-ins the libraries whose symbol name starts with `g` and holds `_LTX_library`.
    /// Allocated once and never freed (Graphviz keeps pointers into it); written only here, read
    /// only by Graphviz under `GraphvizRuntime`'s lock.
    nonisolated(unsafe) private static let builtins: UnsafeMutablePointer<lt_symlist_t> = {
        func table(_ entry: gvplugin_installed_t) -> UnsafeMutablePointer<gvplugin_installed_t> {
            let types = UnsafeMutablePointer<gvplugin_installed_t>.allocate(capacity: 2)
            types[0] = entry
            types[1] = gvplugin_installed_t(id: 0, type: nil, quality: 0, engine: nil, features: nil)
            return types
        }
        let svg = SVGRenderer.pluginTypes()
        let apis = UnsafeMutablePointer<gvplugin_api_t>.allocate(capacity: 4)
        apis[0] = gvplugin_api_t(api: API_textlayout, types: table(TextMeasurement.pluginType()))
        apis[1] = gvplugin_api_t(api: API_render, types: table(svg.render))
        apis[2] = gvplugin_api_t(api: API_device, types: table(svg.device))
        apis[3] = gvplugin_api_t(api: api_t(0), types: nil)
        let library = UnsafeMutablePointer<gvplugin_library_t>.allocate(capacity: 1)
        library.initialize(to: gvplugin_library_t(packagename: strdup("pathway"), apis: apis))
        let symbols = UnsafeMutablePointer<lt_symlist_t>.allocate(capacity: 2)
        symbols[0] = lt_symlist_t(name: strdup("gvplugin_pathway_LTX_library"), address: UnsafeMutableRawPointer(library))
        symbols[1] = lt_symlist_t(name: nil, address: nil)
        return symbols
    }()
}
