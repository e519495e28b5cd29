import Plot
import PathwayModel

/// Shapes, colours and arrows, after SBGN: macromolecules are rounded boxes coloured by role,
/// complexes cut-corner boxes (octagons), simple chemicals ellipses, genes gene arrows (`cds`),
/// drugs hexagons; arcs follow SBGN's arrowheads (filled arrow: production or activation,
/// bar: inhibition, open circle: catalysis, open arrow: stimulation, open diamond: modulation).
///
/// Fonts: Helvetica, which Graphviz lays out with fontconfig's metric-compatible substitute
/// (Liberation Sans on Debian) and which every browser has in some metric-compatible form, so the
/// SVG's text fits its boxes.
enum DiagramStyle {
    static let fontName = "Helvetica"
    static let nodeFontSize = "12"
    static let clusterFontSize = "12"

    // MARK: Roles

    struct RoleStyle {
        var shape: String
        var fill: String
        var border: String
        /// Whether the box has rounded corners (SBGN macromolecule).
        var rounded: Bool
        /// The word used in the legend and in tooltips.
        var name: String
    }

    static func style(for role: Role) -> RoleStyle {
        switch role {
        case .ligand: RoleStyle(shape: "ellipse", fill: "#fde9a9", border: "#a67c00", rounded: false, name: "ligand")
        case .receptor: RoleStyle(shape: "box", fill: "#cfe2f3", border: "#3d6fa5", rounded: true, name: "receptor")
        case .kinase: RoleStyle(shape: "box", fill: "#d9ead3", border: "#4f8a3c", rounded: true, name: "kinase")
        case .phosphatase: RoleStyle(shape: "box", fill: "#f4cccc", border: "#a94442", rounded: true, name: "phosphatase")
        case .adaptor: RoleStyle(shape: "box", fill: "#e6ddf2", border: "#6f56a0", rounded: true, name: "adaptor")
        case .gtpase: RoleStyle(shape: "box", fill: "#fce5cd", border: "#b8661b", rounded: true, name: "GTPase")
        case .lipid: RoleStyle(shape: "ellipse", fill: "#fff2cc", border: "#9c7f1e", rounded: false, name: "lipid")
        case .transcriptionFactor:
            RoleStyle(shape: "box", fill: "#c9e4e7", border: "#2a6f7a", rounded: true, name: "transcription factor")
        case .gene: RoleStyle(shape: "cds", fill: "#ffffff", border: "#4d4d4d", rounded: false, name: "gene")
        case .mrna: RoleStyle(shape: "cds", fill: "#f2f2f2", border: "#7a7a7a", rounded: false, name: "mRNA")
        case .drug: RoleStyle(shape: "hexagon", fill: "#ffd6e7", border: "#b0175a", rounded: false, name: "drug")
        case .complex: RoleStyle(shape: "octagon", fill: "#ececec", border: "#5f5f5f", rounded: false, name: "complex")
        case .enzyme: RoleStyle(shape: "box", fill: "#e2f0d9", border: "#5a8a3a", rounded: true, name: "enzyme")
        case .protein: RoleStyle(shape: "box", fill: "#f3f3f3", border: "#707070", rounded: true, name: "protein")
        case .inhibitor: RoleStyle(shape: "box", fill: "#f9d3c4", border: "#b5523b", rounded: true, name: "inhibitor")
        case .smallMolecule:
            RoleStyle(shape: "ellipse", fill: "#fffbe6", border: "#8c8c8c", rounded: false, name: "small molecule")
        case .other: RoleStyle(shape: "box", fill: "#ffffff", border: "#8c8c8c", rounded: false, name: "other")
        }
    }

    /// A role as a CSS class name (`transcription-factor`).
    static func cssClass(_ role: Role) -> String { role.rawValue }

    /// Node attributes for a molecule of `role`; `active` thickens the border, `external`
    /// (drawn from another module) dashes it, `knockedOut` greys it out.
    static func nodeAttributes(role: Role, active: Bool, external: Bool, knockedOut: Bool) -> Attributes {
        let s = style(for: role)
        var styles = ["filled"]
        if s.rounded { styles.append("rounded") }
        if external || knockedOut { styles.append("dashed") }
        var attributes: Attributes = [
            "shape": .string(s.shape),
            "style": .string(styles.joined(separator: ",")),
            "fillcolor": .string(knockedOut ? "#f0f0f0" : s.fill),
            "color": .string(knockedOut ? "#b0b0b0" : s.border),
        ]
        if knockedOut { attributes["fontcolor"] = "#9a9a9a" }
        if active && !knockedOut { attributes["penwidth"] = "2" }
        return attributes
    }

    // MARK: Compartments

    enum CompartmentKind { case outside, membrane, inside, nucleus }

    static func compartmentAttributes(_ kind: CompartmentKind, label: String) -> Attributes {
        let (fill, border, width): (String, String, String) =
            switch kind {
            case .outside: ("#f5f9fd", "#9fb7cf", "1")
            case .membrane: ("#fff3df", "#d39b3a", "2.5")
            case .inside: ("#fbfbf5", "#a8a89a", "1")
            case .nucleus: ("#eef4ea", "#7f9b6a", "1.5")
            }
        return [
            "label": .string(label),
            "labeljust": "l",
            "style": "rounded,filled",
            "fillcolor": .string(fill),
            "color": .string(border),
            "penwidth": .string(width),
            "fontname": .string(fontName + "-Bold"),
            "fontsize": .string(clusterFontSize),
            "fontcolor": "#555555",
            "margin": "10",
        ]
    }

    /// Tints for module bands, in module order.
    static let moduleTints = ["#eaf1fb", "#fbefe6", "#eef7ea", "#f6ecf7", "#fdf8e1", "#e9f6f6"]

    // MARK: Edges

    /// The kinds of arc either view draws.
    enum Arc: String, CaseIterable {
        // Activity view (influences)
        case activation, inhibition, transcription
        /// One molecule made into another (PIP2 into PIP3), activity view.
        case conversion
        // Process view
        case consumption, production, catalysis, stimulation, modulation
        /// A drug blocking a step (either view).
        case drugInhibition = "drug-inhibition"

        var legendText: String {
            switch self {
            case .activation: "activates"
            case .inhibition: "inhibits"
            case .transcription: "induces transcription"
            case .conversion: "is converted into"
            case .consumption: "consumed by a step"
            case .production: "produced by a step"
            case .catalysis: "catalyses"
            case .stimulation: "stimulates"
            case .modulation: "modulates"
            case .drugInhibition: "drug blocks"
            }
        }

        /// A glyph for the legend: an arrow drawn in text.
        var legendGlyph: String {
            switch self {
            case .activation, .production: "──▶"
            case .inhibition, .drugInhibition: "──┤"
            case .transcription: "┄┄▶"
            case .conversion: "━━▶"
            case .consumption: "───"
            case .catalysis: "──○"
            case .stimulation: "──▷"
            case .modulation: "──◇"
            }
        }

        var color: String {
            switch self {
            case .activation, .production, .consumption: "#333333"
            case .inhibition: "#c0392b"
            case .drugInhibition: "#b0175a"
            case .transcription: "#1f5fa8"
            case .conversion: "#8c6d1f"
            case .catalysis, .stimulation: "#2e7d32"
            case .modulation: "#6d4c41"
            }
        }

        var attributes: Attributes {
            var a: Attributes = ["color": .string(color)]
            switch self {
            case .activation: a["arrowhead"] = "normal"
            case .inhibition: a["arrowhead"] = "tee"
            case .drugInhibition:
                a["arrowhead"] = "tee"
                a["penwidth"] = "2"
            case .transcription:
                a["arrowhead"] = "normal"
                a["style"] = "dashed"
            case .conversion:
                a["arrowhead"] = "normal"
                a["penwidth"] = "2"
            case .consumption: a["arrowhead"] = "none"
            case .production: a["arrowhead"] = "normal"
            case .catalysis: a["arrowhead"] = "odot"
            case .stimulation: a["arrowhead"] = "onormal"
            case .modulation: a["arrowhead"] = "odiamond"
            }
            return a
        }
    }

    /// Attributes that mark an arc as blocked by the scenario.
    static let blockedArc: Attributes = ["color": "#b0175a", "style": "dashed", "penwidth": "2"]
    /// Attributes that grey out an arc touching a knocked-out molecule.
    static let knockedOutArc: Attributes = ["color": "#bbbbbb", "fontcolor": "#bbbbbb"]

    // MARK: HTML-like labels

    /// `text` escaped for an HTML-like label.
    static func escapeHTML(_ text: String) -> String { XMLText.escape(text) }

    /// Breaks `text` into lines of at most about `width` characters at spaces.
    static func wrap(_ text: String, width: Int = 20) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [text] : lines
    }

    /// A node label: the name (wrapped), and the state as a white badge under it.
    /// `reserveSparkline` adds an empty row at the bottom where a sparkline is drawn after layout.
    static func label(_ name: String, state: String?, fontColor: String? = nil, reserveSparkline: Bool = false) -> AttributeValue {
        let lines = wrap(name).map(escapeHTML).joined(separator: "<BR/>")
        var rows = "<TR><TD>\(lines)</TD></TR>"
        if let state, !state.isEmpty {
            let badge = wrap(state, width: 24).map(escapeHTML).joined(separator: "<BR/>")
            let badgeFont = fontColor.map { " COLOR=\"\($0)\"" } ?? ""
            rows += "<TR><TD><TABLE STYLE=\"rounded\" BORDER=\"1\" CELLBORDER=\"0\" CELLPADDING=\"1\" CELLSPACING=\"0\""
                + " BGCOLOR=\"white\" COLOR=\"#777777\"><TR><TD><FONT POINT-SIZE=\"9\"\(badgeFont)>\(badge)</FONT></TD></TR>"
                + "</TABLE></TD></TR>"
        }
        if reserveSparkline { rows += "<TR><TD WIDTH=\"64\" HEIGHT=\"16\"></TD></TR>" }
        return .html("<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">\(rows)</TABLE>")
    }

    // MARK: Legend

    /// An HTML-table legend: a swatch per role drawn, an arrow per kind of arc drawn, and the
    /// marks of a scenario or of ad-hoc perturbations when any are applied (`marks` says which).
    ///
    /// Molecules and arrows each get their own rows, and each row is its own borderless table:
    /// in one shared grid a wide entry ("induces transcription") widened its whole column and
    /// left gaps in the rows above it. An arrow is one left-aligned cell (glyph and words), so
    /// that the room a shorter row is stretched by falls after each entry, not inside it.
    static func legend(roles: [Role], arcs: [Arc], marks: String?, levels: String? = nil) -> AttributeValue {
        var molecules: [String] = []
        for role in roles {
            let s = style(for: role)
            molecules.append("<TD BGCOLOR=\"\(s.fill)\" COLOR=\"\(s.border)\" BORDER=\"1\" WIDTH=\"20\" HEIGHT=\"12\"></TD>"
                + "<TD ALIGN=\"LEFT\">\(escapeHTML(s.name))</TD>")
        }
        var arrows: [String] = []
        for arc in arcs {
            arrows.append("<TD ALIGN=\"LEFT\"><FONT COLOR=\"\(arc.color)\">\(arc.legendGlyph)</FONT> \(escapeHTML(arc.legendText))</TD>")
        }
        if marks != nil {
            molecules.append("<TD BGCOLOR=\"#f0f0f0\" COLOR=\"#b0b0b0\" BORDER=\"1\" WIDTH=\"20\" HEIGHT=\"12\"></TD>"
                + "<TD ALIGN=\"LEFT\"><FONT COLOR=\"#777777\">knocked out</FONT></TD>")
            arrows.append("<TD ALIGN=\"LEFT\"><FONT COLOR=\"#b0175a\">╌╌▶</FONT> blocked step</TD>")
        }
        let perRow = 8
        var rows = ""
        for entries in [molecules, arrows] {
            var start = 0
            while start < entries.count {
                let row = entries[start..<min(start + perRow, entries.count)].joined()
                rows += "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"1\">"
                    + "<TR>\(row)</TR></TABLE></TD></TR>"
                start += perRow
            }
        }
        if let levels { rows += levels }
        var heading = "<B>Legend</B>"
        if let marks { heading += "  <I>\(escapeHTML(marks))</I>" }
        return .html("<TABLE BORDER=\"1\" COLOR=\"#999999\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\""
            + " BGCOLOR=\"white\"><TR><TD ALIGN=\"LEFT\">\(heading)</TD></TR>\(rows)</TABLE>")
    }
}
