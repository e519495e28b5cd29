/// A Graphviz layout engine, named as `dot -K` names it.
///
/// The engines Debian's Graphviz ships are listed as constants; any other name is passed to
/// Graphviz as is and, if no plugin provides it, rendering throws
/// ``GraphvizError/unknownLayoutEngine(_:available:)``.
public struct LayoutEngine: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Hierarchical (layered) drawings of directed graphs: the default for pathways.
    public static let dot: LayoutEngine = "dot"
    /// Spring model (stress majorization).
    public static let neato: LayoutEngine = "neato"
    /// Force-directed (Fruchterman–Reingold), with clusters.
    public static let fdp: LayoutEngine = "fdp"
    /// Scalable force-directed for large graphs.
    public static let sfdp: LayoutEngine = "sfdp"
    /// Circular layout.
    public static let circo: LayoutEngine = "circo"
    /// Radial layout.
    public static let twopi: LayoutEngine = "twopi"
    /// Clustered array packing.
    public static let osage: LayoutEngine = "osage"
    /// Squarified treemap of clusters.
    public static let patchwork: LayoutEngine = "patchwork"

    /// The engines above, in Graphviz's documentation order.
    public static let standard: [LayoutEngine] = [.dot, .neato, .fdp, .sfdp, .circo, .twopi, .osage, .patchwork]
}

/// A Graphviz output format, named as `dot -T` names it (`svg`, `png`, `png:cairo`, ...).
public struct OutputFormat: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// SVG from Graphviz's core renderer (no cairo needed).
    public static let svg: OutputFormat = "svg"
    /// SVG from this package's renderer plugin: the core renderer's document, byte for byte, for
    /// the drawings this package makes, without a `printf` per coordinate (see `SVGRenderer`). Only
    /// available in process (`dot` does not know it); for arbitrary DOT prefer ``svg``.
    public static let fastSVG: OutputFormat = "svg:pathway"
    /// PNG through the cairo plugin.
    public static let png: OutputFormat = "png"
    /// PDF through the cairo plugin.
    public static let pdf: OutputFormat = "pdf"
    /// DOT with layout positions (`pos`, `bb`, `width`, ...).
    public static let dot: OutputFormat = "dot"
    /// DOT with layout positions and drawing operations.
    public static let xdot: OutputFormat = "xdot"
    /// DOT exactly as parsed or built, without layout attributes.
    public static let canon: OutputFormat = "canon"
    /// JSON with layout positions and drawing operations.
    public static let json: OutputFormat = "json"
    /// Graphviz's plain-text layout format.
    public static let plain: OutputFormat = "plain"

    /// The plugin and Debian 12 package that provide this format, for formats Debian's Graphviz
    /// ships (all plugins but gtk are in `libgvc6`, which `libgraphviz-dev` depends on).
    var debianProvider: String? {
        switch baseName {
        case "png", "pdf", "ps", "eps", "svg", "svgz":
            "the cairo plugin libgvplugin_pango.so.6 in Debian package libgvc6"
        case "gif", "jpg", "jpeg", "jpe", "bmp", "wbmp", "gd", "gd2", "ico", "tif", "tiff":
            "the gd plugin libgvplugin_gd.so.6 in Debian package libgvc6"
        case "webp":
            "the webp plugin libgvplugin_webp.so.6 in Debian package libgvc6"
        case "vdx", "vml", "vmlz":
            "the visio plugin libgvplugin_visio.so.6 in Debian package libgvc6"
        case "gtk":
            "the gtk plugin in Debian package libgvc6-plugins-gtk"
        default:
            nil
        }
    }

    /// The part before any `:renderer:device` suffix (`png` for `png:cairo`).
    var baseName: String {
        String(rawValue.prefix { $0 != ":" })
    }
}

/// The result of a render: the output bytes and the warnings Graphviz issued on the way.
public struct Rendering: Sendable, Hashable {
    public var output: [UInt8]
    /// Graphviz's warnings, one per message, without the `Warning: ` prefix.
    public var warnings: [String]

    public init(output: [UInt8], warnings: [String]) {
        self.output = output
        self.warnings = warnings
    }
}
