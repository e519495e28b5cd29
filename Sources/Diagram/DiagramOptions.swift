import PathwayModel

/// Which picture of a model to draw.
public enum DiagramView: String, CaseIterable, Sendable, Hashable {
    /// One node per gene product; edges say who activates or inhibits whom (SBGN Activity Flow).
    /// The view a wiki page wants.
    case activity
    /// Every species and every reaction, reactions as small process nodes with consumption,
    /// production and modifier arcs (SBGN Process Description). The view modellers want.
    case process
}

/// The file formats a diagram is written in.
public enum DiagramFormat: String, CaseIterable, Sendable, Hashable {
    /// SVG post-processed for a wiki page (see ``WikiSVG``).
    case svg
    /// PNG through Graphviz's cairo plugin, at 144 dpi.
    case png
    /// PDF through Graphviz's cairo plugin.
    case pdf
    /// The DOT source, before layout.
    case dot

    public var fileExtension: String { rawValue }
}

/// What to draw and how.
public struct DiagramOptions: Sendable, Hashable {
    public var view: DiagramView
    /// Draw only this module's elements (its reactions and species, and the species its reactions use).
    public var module: String?
    /// Apply this scenario: knocked-out entities greyed out, inhibited steps marked, drugs drawn.
    public var scenario: String?
    /// Perturbations applied after the scenario (the command line's `--knockout`, `--inhibit`, `--drug`, …),
    /// drawn as a scenario's are.
    public var perturbations: [Perturbation] = []
    /// The Graphviz engine the diagram is meant for (`dot` or `neato`); a few graph attributes depend on it.
    public var layout: LayoutEngine
    /// Draw a legend of the shapes, colours and arrows used.
    public var showsLegend: Bool
    /// In a model composed of several modules, group each compartment's nodes by module
    /// (tinted bands), so that the branches of a pathway stay apart.
    public var groupsModules: Bool
    /// Simulation results to paint on the nodes (colours at a time, sparklines).
    public var levels: LevelOptions?

    public init(view: DiagramView = .activity, module: String? = nil, scenario: String? = nil,
                layout: LayoutEngine = .dot, showsLegend: Bool = true, groupsModules: Bool = true,
                levels: LevelOptions? = nil) {
        self.levels = levels
        self.view = view
        self.module = module
        self.scenario = scenario
        self.layout = layout
        self.showsLegend = showsLegend
        self.groupsModules = groupsModules
    }

    /// The layout engines a pathway diagram is designed for.
    public static let supportedLayouts: [LayoutEngine] = [.dot, .neato]
}

/// Why a diagram could not be drawn.
public enum DiagramError: Error, CustomStringConvertible, Sendable, Equatable {
    case unknownModule(String, available: [String])
    case unknownScenario(String, available: [String])
    case unsupportedLayout(String)
    /// The scenario names something the model does not have.
    case invalidScenario(String, message: String)
    /// The ad-hoc perturbations name something the model does not have.
    case invalidPerturbations(message: String)
    case graphviz(GraphvizError)

    public var description: String {
        switch self {
        case .unknownModule(let name, let available):
            return "unknown module '\(name)'" + Self.list("modules", available, empty: "the model has no modules")
        case .unknownScenario(let name, let available):
            return "unknown scenario '\(name)'" + Self.list("scenarios", available, empty: "the model defines no scenarios")
        case .unsupportedLayout(let name):
            let valid = DiagramOptions.supportedLayouts.map(\.rawValue).joined(separator: ", ")
            return "unknown layout '\(name)' (valid layouts: \(valid))"
        case .invalidScenario(let name, let message):
            return "scenario '\(name)' cannot be applied: \(message)"
        case .invalidPerturbations(let message):
            return "the perturbations cannot be applied: \(message)"
        case .graphviz(let error):
            return error.description
        }
    }

    private static func list(_ what: String, _ names: [String], empty: String) -> String {
        names.isEmpty ? " (\(empty))" : " (\(what): \(names.joined(separator: ", ")))"
    }
}
