import Foundation
import PathwayModel

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func modelPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("models/\(name)").path }

func loadShippedModel(_ name: String) throws -> Model {
    try ModelLoader.load(path: modelPath(name)).model
}

func loadYAML(_ yaml: String) throws -> Model {
    try ModelLoader.load(yaml: yaml).model
}

func approximately(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 0) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}
