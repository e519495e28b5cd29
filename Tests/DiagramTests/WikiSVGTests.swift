import Foundation
import PathwayTestSupport
import FoundationXML
import PathwayModel
import Testing
@testable import Diagram

@Suite("Wiki SVG and rendering")
struct WikiSVGTests {
    static func il11Path() -> String {
        Repository.exists("models/il11.yaml") ? "models/il11.yaml" : "models/il11-jak-stat.yaml"
    }

    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        #expect(SHA256.hexDigest(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the SVG is XML with a viewBox, no fixed size, a title, a description, metadata, links, ids and classes")
    func wikiSVG() throws {
        let model = try Repository.model(Self.il11Path())
        let diagram = try DiagramBuilder.diagram(for: model, options: DiagramOptions())
        let bytes = try DiagramRenderer.render(diagram, format: .svg)
        let document = try XMLDocument(data: Data(bytes))
        let root = try #require(document.rootElement())
        #expect(root.name == "svg")
        let rootAttributes = Dictionary(uniqueKeysWithValues: (root.attributes ?? []).compactMap { a in
            a.name.map { ($0, a.stringValue ?? "") }
        })
        let viewBox = try #require(rootAttributes["viewBox"])
        #expect(viewBox.split(separator: " ").count == 4)
        #expect(rootAttributes["width"] == nil)
        #expect(rootAttributes["height"] == nil)
        #expect(rootAttributes["role"] == "img")

        let children = root.children?.compactMap { $0 as? XMLElement } ?? []
        #expect(children.first?.name == "title")
        #expect(children.first?.stringValue == model.name)
        #expect(children.dropFirst().first?.name == "desc")
        #expect(children.dropFirst().first?.stringValue?.isEmpty == false)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("source-sha256=\"\(WikiSVG.sha256(diagram.graph.dotText))\""))
        #expect(text.contains("model=\"\(model.id)\""))
        #expect(!text.contains("<!DOCTYPE"))
        #expect(!text.contains("&#45;"))

        // Every element with an id, and every link.
        var elements: [String: (classes: String, title: String?)] = [:]
        var links: [String: String] = [:]
        func walk(_ element: XMLElement, insideID: String?) {
            let attributes = Dictionary(uniqueKeysWithValues: (element.attributes ?? []).compactMap { a in
                a.name.map { ($0, a.stringValue ?? "") }
            })
            var current = insideID
            if element.name == "g", let id = attributes["id"] {
                let title = element.children?.compactMap { $0 as? XMLElement }.first { $0.name == "title" }?.stringValue
                elements[id] = (attributes["class"] ?? "", title)
                current = id
            }
            if element.name == "a", let href = attributes["xlink:href"] ?? attributes["href"], let owner = insideID {
                links[owner] = href
                #expect(attributes["href"] == attributes["xlink:href"])
                #expect(attributes["xlink:title"]?.isEmpty == false)
            }
            for child in element.children ?? [] {
                if let e = child as? XMLElement { walk(e, insideID: current) }
            }
        }
        walk(root, insideID: nil)
        let stat3 = try #require(elements["entity-STAT3"])
        #expect(stat3.classes.split(separator: " ").contains("transcription-factor"))
        #expect(stat3.classes.split(separator: " ").contains("entity"))
        #expect(stat3.title?.contains("STAT3") == true)
        #expect(links["a_entity-STAT3"] == "/genes/stat3" || links["entity-STAT3"] == "/genes/stat3")
        #expect(elements["compartment-cytoplasm"]?.classes.contains("compartment") == true)
        #expect(elements.keys.contains { $0.hasPrefix("influence-JAK1-activation-STAT3") })
        #expect(text.contains("<text"))
    }

    @Test("two renders of the same model are byte-identical", arguments: DiagramFormat.allCases)
    func repeatable(format: DiagramFormat) throws {
        let model = try Repository.model(Self.il11Path())
        let options = DiagramOptions(view: .activity)
        let first = try DiagramRenderer.render(model, options: options, format: format)
        _ = try DiagramRenderer.render(try Repository.model("models/kholodenko-2000.yaml"), options: options, format: format)
        let second = try DiagramRenderer.render(model, options: options, format: format)
        if format == .pdf {
            // cairo stamps a creation date into PDF metadata; compare everything but that line.
            func strip(_ b: [UInt8]) -> [UInt8] {
                let text = String(decoding: b, as: Unicode.ASCII.self)
                return Array(text.split(separator: "\n").filter { !$0.contains("CreationDate") }.joined(separator: "\n").utf8)
            }
            #expect(strip(first) == strip(second))
        } else {
            #expect(first == second)
        }
    }

    @Test("PNG and PDF output carry their signatures")
    func binaryFormats() throws {
        let model = try ModelLoader.load(path: Repository.workedExample).model
        let png = try DiagramRenderer.render(model, options: DiagramOptions(), format: .png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let pdf = try DiagramRenderer.render(model, options: DiagramOptions(view: .process), format: .pdf)
        #expect(Array(pdf.prefix(5)) == Array("%PDF-".utf8))
        #expect(String(decoding: pdf.suffix(8), as: UTF8.self).contains("%%EOF"))
    }

    @Test("post-processing is a pure text transformation")
    func postprocessUnit() {
        let svg = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
             "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <!-- Generated by graphviz version 2.43.0 (0)
             -->
            <svg width="94pt" height="155pt"
             viewBox="0.00 0.00 94.00 155.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
            <g id="graph0" class="graph">
            <title>G</title>
            <!-- a -->
            <g id="species&#45;A" class="node species kinase">
            <title>species&#45;A</title>
            <g id="a_species&#45;A"><a xlink:href="/genes/a" xlink:title="A kinase">
            <text>A</text>
            </a>
            </g>
            </g>
            </g>
            </svg>
            """
        let meta = WikiSVG.Metadata(modelID: "m", name: "M & N", description: "<desc>", view: "activity",
                                    sourceSHA256: "00")
        let out = WikiSVG.postprocess(svg, metadata: meta, titles: ["species-A": "A, a kinase"])
        #expect(out.contains("viewBox=\"0.00 0.00 94.00 155.00\""))
        #expect(!out.contains("width=\"94pt\""))
        #expect(out.contains("<title id=\"pathway-title\">M &amp; N</title>"))
        #expect(out.contains("<desc id=\"pathway-desc\">&lt;desc&gt;</desc>"))
        #expect(out.contains("<g id=\"species-A\" class=\"node species kinase\">\n<title>A, a kinase</title>"))
        #expect(out.contains("<a href=\"/genes/a\" xlink:href=\"/genes/a\""))
        #expect(!out.contains("<!--"))
        #expect(WikiSVG.postprocess(svg, metadata: meta) == WikiSVG.postprocess(svg, metadata: meta))
    }
}
