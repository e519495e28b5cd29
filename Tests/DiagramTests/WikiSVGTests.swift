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

    @Test("wiki SVG is written in one pass: scaling root, title, description, readable titles, SVG 2 links")
    func wikiModeUnit() throws {
        var graph = GraphDescription(attributes: ["comment": "a -- comment"])
        graph.addNode("species-A", ["id": "species-A", "class": "species kinase", "URL": "/genes/a", "tooltip": "A kinase"])
        graph.addNode("species-B", ["id": "species-B"])
        graph.addEdge(from: "species-A", to: "species-B", ["id": "edge-A-B"])
        let meta = WikiSVG.Metadata(modelID: "m", name: "M & N", description: "<desc>", view: "activity",
                                    sourceSHA256: "00")
        let document = WikiSVG.Document(metadata: meta, titles: ["species-A": "A, a kinase", "edge-A-B": "A → B"])
        let out = String(decoding: try Graphviz.renderWikiSVG(graph, layout: .dot, document: document), as: UTF8.self)
        #expect(out.contains("viewBox=\"0.00 0.00 "))
        #expect(!out.contains("pt\""))
        #expect(!out.contains("<!DOCTYPE"))
        #expect(out.contains("<title id=\"pathway-title\">M &amp; N</title>"))
        #expect(out.contains("<desc id=\"pathway-desc\">&lt;desc&gt;</desc>"))
        #expect(out.contains("<g id=\"species-A\" class=\"node species kinase\">\n<title>A, a kinase</title>"))
        #expect(out.contains("<g id=\"species-B\" class=\"node\">\n<title>species-B</title>"))
        #expect(out.contains("<g id=\"edge-A-B\" class=\"edge\">\n<title>A → B</title>"))
        #expect(out.contains("<a href=\"/genes/a\" xlink:href=\"/genes/a\""))
        #expect(!out.contains("<!--"))
        #expect(!out.contains("&#45;"))
        #expect(try Graphviz.renderWikiSVG(graph, layout: .dot, document: document) == Array(out.utf8))
    }

    /// The wiki document as the core renderer's SVG transformed line by line: an independent
    /// reference for the one-pass writer (DOCTYPE and comments dropped, `&#45;` as `-`, the `<svg>`
    /// start tag replaced, readable titles after the groups `titles` names, `href` beside `xlink:href`).
    static func wikiReference(_ core: String, metadata: WikiSVG.Metadata, titles: [String: String]) -> String {
        var out: [String] = []
        var skipUntil: String?
        var root: String?
        var pendingTitle: String?
        for raw in core.split(separator: "\n", omittingEmptySubsequences: false) {
            if let end = skipUntil {
                if raw.contains(end) { skipUntil = nil }
                continue
            }
            if raw.hasPrefix("<!DOCTYPE") || raw.hasPrefix("<!--") {
                let end = raw.hasPrefix("<!--") ? "-->" : ">"
                if !raw.contains(end) { skipUntil = end }
                continue
            }
            var line = raw.replacingOccurrences(of: "&#45;", with: "-")
            if root != nil || line.hasPrefix("<svg") {
                root = (root.map { $0 + "\n" } ?? "") + line
                if line.contains(">") {
                    let viewBox = root!.components(separatedBy: "viewBox=\"")[1].components(separatedBy: "\"")[0]
                    out.append(WikiSVG.root(viewBox: viewBox, metadata: metadata))
                    root = nil
                }
                continue
            }
            if let title = pendingTitle, line.hasPrefix("<title>") {
                out.append("<title>" + WikiSVG.escape(title) + "</title>")
                pendingTitle = nil
                continue
            }
            pendingTitle = nil
            if line.hasPrefix("<g id=\"") {
                let id = line.dropFirst(7).prefix { $0 != "\"" }
                pendingTitle = titles[String(id)]
                if line.hasPrefix("<g id=\"a_"), let range = line.range(of: "<a xlink:href=\"") {
                    let href = line[range.upperBound...].prefix { $0 != "\"" }
                    line.replaceSubrange(range, with: "<a href=\"\(href)\" xlink:href=\"")
                }
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    @Test("wiki SVG equals the core renderer's document with the wiki changes, for every shipped model's diagrams")
    func wikiModeMatchesReference() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("models"))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 7)
        for file in files {
            let model = try Repository.model("models/" + file)
            for view in [DiagramView.activity, .process] {
                let diagram = try DiagramBuilder.diagram(for: model, options: DiagramOptions(view: view))
                #expect(!diagram.titles.isEmpty)
                let wiki = String(decoding: try DiagramRenderer.render(diagram, format: .svg), as: UTF8.self)
                let core = String(decoding: try Graphviz.render(diagram.graph, format: .svg), as: UTF8.self)
                let reference = Self.wikiReference(core, metadata: WikiSVG.metadata(for: diagram), titles: diagram.titles)
                #expect(wiki == reference, "\(file) \(view)")
            }
        }
    }
}
