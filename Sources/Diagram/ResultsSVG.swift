import Foundation
import PathwayModel

/// Simulation results drawn into a laid-out wiki SVG: sparklines inside the nodes, an animation of
/// the node colours over time (CSS only, no script: it plays where a wiki embeds the SVG as an
/// `<img>`), and small multiples (one panel per time).
///
/// These passes read the SVG that this package writes (``WikiSVG``): a node is
/// `<g id="NODE" class="node …">` whose first shape (`<path>`, `<polygon>` or `<ellipse>`) is its outline.
public enum ResultsSVG {
    /// The bounding box of a node's outline, in the SVG's user coordinates.
    struct Box {
        var minX: Double, minY: Double, maxX: Double, maxY: Double
    }

    /// The range of the node group `<g id="ID" …>…</g>` in `svg`, with the range of its outline element.
    static func node(_ id: String, in svg: String) -> (group: Range<String.Index>, shape: Range<String.Index>)? {
        guard let start = svg.range(of: "<g id=\"\(id)\" class=\"node") else { return nil }
        var depth = 0
        var i = start.lowerBound
        var end: String.Index?
        while i < svg.endIndex {
            if svg[i...].hasPrefix("<g") {
                depth += 1
            } else if svg[i...].hasPrefix("</g>") {
                depth -= 1
                if depth == 0 { end = svg.index(i, offsetBy: 4); break }
            }
            i = svg.index(after: i)
        }
        guard let end else { return nil }
        let group = start.lowerBound..<end
        for tag in ["<path ", "<polygon ", "<ellipse "] {
            if let r = svg.range(of: tag, range: group), let close = svg.range(of: "/>", range: r.upperBound..<end) {
                // The first of the three that appears.
                let earlier = ["<path ", "<polygon ", "<ellipse "].compactMap { svg.range(of: $0, range: group)?.lowerBound }.min()
                if r.lowerBound == earlier { return (group, r.lowerBound..<close.upperBound) }
            }
        }
        return nil
    }

    /// The box of an outline element's coordinates.
    static func box(of element: Substring) -> Box? {
        func attribute(_ name: String) -> Substring? {
            guard let r = element.range(of: " \(name)=\"") else { return nil }
            guard let close = element[r.upperBound...].firstIndex(of: "\"") else { return nil }
            return element[r.upperBound..<close]
        }
        if element.hasPrefix("<ellipse") {
            guard let cx = attribute("cx").flatMap({ Double($0) }), let cy = attribute("cy").flatMap({ Double($0) }),
                  let rx = attribute("rx").flatMap({ Double($0) }), let ry = attribute("ry").flatMap({ Double($0) }) else { return nil }
            return Box(minX: cx - rx, minY: cy - ry, maxX: cx + rx, maxY: cy + ry)
        }
        guard let text = attribute("d") ?? attribute("points") else { return nil }
        var numbers: [Double] = []
        var current = ""
        for ch in text {
            if ch.isNumber || ch == "." || (ch == "-" && current.isEmpty) || (ch == "e" && !current.isEmpty) {
                current.append(ch)
            } else {
                if let v = Double(current) { numbers.append(v) }
                current = ch == "-" ? "-" : ""
            }
        }
        if let v = Double(current) { numbers.append(v) }
        guard numbers.count >= 4 else { return nil }
        var b = Box(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for k in stride(from: 0, to: numbers.count - 1, by: 2) {
            b.minX = min(b.minX, numbers[k]); b.maxX = max(b.maxX, numbers[k])
            b.minY = min(b.minY, numbers[k + 1]); b.maxY = max(b.maxY, numbers[k + 1])
        }
        return b
    }

    static func format(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.2f", r)
    }

    // MARK: Sparklines

    /// Draws each node's series (`series[nodeID]`, one value per output time) in the room the label
    /// left at the bottom of the node; `marker` (a fraction of the run, 0…1) marks the time shown.
    public static func addSparklines(_ svg: String, series: [String: [Double]], marker: Double?) -> String {
        var out = svg
        for id in series.keys.sorted() {
            guard let values = series[id], values.count >= 2, let found = node(id, in: out),
                  let b = box(of: out[found.shape]) else { continue }
            let left = b.minX + 6, right = b.maxX - 6, bottom = b.maxY - 3, top = b.maxY - 16
            guard right > left else { continue }
            let high = values.max() ?? 0
            let scale = high > 0 ? high : 1
            var points: [String] = []
            for (k, v) in values.enumerated() {
                let x = left + (right - left) * Double(k) / Double(values.count - 1)
                let y = bottom - (bottom - top) * max(0, v) / scale
                points.append("\(format(x)),\(format(y))")
            }
            var drawing = "<g class=\"sparkline\"><rect x=\"\(format(left - 2))\" y=\"\(format(top - 1.5))\" width=\"\(format(right - left + 4))\""
                + " height=\"\(format(bottom - top + 3))\" rx=\"2\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>"
                + "<polyline fill=\"none\" stroke=\"#222222\" stroke-width=\"1.2\" points=\"\(points.joined(separator: " "))\"/>"
            if let marker {
                let k = min(values.count - 1, max(0, Int((marker * Double(values.count - 1)).rounded())))
                let x = left + (right - left) * Double(k) / Double(values.count - 1)
                let y = bottom - (bottom - top) * max(0, values[k]) / scale
                drawing += "<circle cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"1.8\" fill=\"#d6604d\"/>"
            }
            drawing += "</g>\n"
            let insertAt = out.index(found.group.upperBound, offsetBy: -4)
            out.insert(contentsOf: drawing, at: insertAt)
        }
        return out
    }

    // MARK: Animation

    /// Animates node fills through `frames` (one colour per node id per frame) with CSS keyframes,
    /// with a time read-out (`labels`, one per frame), looping every `seconds`, holding the last
    /// frame for the last fifth of the loop. Without motion (`prefers-reduced-motion`) the SVG
    /// shows the last frame, which is also what its static attributes hold.
    public static func animate(_ svg: String, frames: [[String: String]], labels: [String], seconds: Double) -> String {
        guard frames.count >= 2, labels.count == frames.count else { return svg }
        var out = svg
        let play = 80.0  // percent of the loop spent playing; the rest holds the last frame
        let n = frames.count
        func percent(_ k: Int) -> String { format(play * Double(k) / Double(n - 1)) + "%" }
        var css = "\n<style>\n"
        let ids = Set(frames.flatMap(\.keys)).sorted()
        for id in ids {
            guard let found = node(id, in: out) else { continue }
            // Mark the outline so the keyframes reach it, and keep the last frame as its fill.
            let shape = String(out[found.shape])
            var marked = shape.replacingOccurrences(of: "<path ", with: "<path class=\"level-fill\" ")
                .replacingOccurrences(of: "<polygon ", with: "<polygon class=\"level-fill\" ")
                .replacingOccurrences(of: "<ellipse ", with: "<ellipse class=\"level-fill\" ")
            if let last = frames[n - 1][id], let f = marked.range(of: "fill=\"") , let q = marked[f.upperBound...].firstIndex(of: "\"") {
                marked.replaceSubrange(f.upperBound..<q, with: last)
            }
            out.replaceSubrange(found.shape, with: marked)
            markLabelText(of: id, in: &out)
            css += "@keyframes lv-\(id) {"
            for k in 0..<n { css += " \(percent(k)) { fill: \(frames[k][id] ?? "#ffffff"); }" }
            css += " 100% { fill: \(frames[n - 1][id] ?? "#ffffff"); } }\n"
            css += "#\(id) .level-fill { animation: lv-\(id) \(format(seconds))s linear infinite; }\n"
            // The label's text turns white on dark fills, frame by frame.
            css += "@keyframes lt-\(id) {"
            for k in 0..<n { css += " \(percent(k)) { fill: \(textColour(frames[k][id])); }" }
            css += " 100% { fill: \(textColour(frames[n - 1][id])); } }\n"
            css += "#\(id) .level-text { animation: lt-\(id) \(format(seconds))s step-end infinite; }\n"
        }
        // One read-out per frame, each shown during its own slice of the loop.
        var texts = ""
        for k in 0..<n {
            let from = percent(k), to = k == n - 1 ? "100%" : percent(k + 1)
            // fill-opacity, not opacity: it animates on the main thread, which every renderer (and a
            // headless screenshot's virtual clock) advances.
            css += "@keyframes tf-\(k) { 0% { fill-opacity: 0; } \(from) { fill-opacity: 1; } \(to) { fill-opacity: \(k == n - 1 ? 1 : 0); } 100% { fill-opacity: \(k == n - 1 ? 1 : 0); } }\n"
            css += "#time-frame-\(k) { animation: tf-\(k) \(format(seconds))s step-end infinite; }\n"
            texts += "<text id=\"time-frame-\(k)\" class=\"time-frame\" x=\"12\" y=\"24\" font-family=\"Helvetica,sans-Serif\""
                + " font-size=\"16\" font-weight=\"bold\" fill=\"#333333\" fill-opacity=\"\(k == n - 1 ? 1 : 0)\">\(WikiSVG.escape(labels[k]))</text>\n"
        }
        css += "@media (prefers-reduced-motion: reduce) { .level-fill, .level-text, .time-frame { animation: none !important; } }\n"
        css += "</style>\n"
        if let open = graphGroup(in: out) {
            out.insert(contentsOf: css, at: open)
        }
        if let close = out.range(of: "</svg>", options: .backwards) {
            out.insert(contentsOf: texts, at: close.lowerBound)
        }
        return out
    }

    /// Marks each node's outline (`class="level-fill"`) and label text (`class="level-text"`) so that
    /// a page's script or style can recolour them.
    public static func markForRecolouring(_ svg: String, nodes ids: [String]) -> String {
        var out = svg
        for id in ids.sorted() {
            guard let found = node(id, in: out) else { continue }
            let shape = String(out[found.shape])
            let marked = shape.replacingOccurrences(of: "<path ", with: "<path class=\"level-fill\" ")
                .replacingOccurrences(of: "<polygon ", with: "<polygon class=\"level-fill\" ")
                .replacingOccurrences(of: "<ellipse ", with: "<ellipse class=\"level-fill\" ")
            out.replaceSubrange(found.shape, with: marked)
            markLabelText(of: id, in: &out)
        }
        return out
    }

    /// `#ffffff` or `#000000`: the text colour readable on `fill`.
    public static func textColour(_ fill: String?) -> String {
        fill.map { ColourScale.needsLightText($0) ? "#ffffff" : "#000000" } ?? "#000000"
    }

    /// Marks the node's label text (the `<text>` elements before its second shape, which is the state
    /// badge's white ground) with `class="level-text"`.
    static func markLabelText(of id: String, in svg: inout String) {
        guard let found = node(id, in: svg) else { return }
        let afterShape = found.shape.upperBound
        let group = found.group
        let nextShape = ["<path ", "<polygon ", "<ellipse "].compactMap { svg.range(of: $0, range: afterShape..<group.upperBound)?.lowerBound }.min()
            ?? group.upperBound
        var text = String(svg[afterShape..<nextShape])
        text = text.replacingOccurrences(of: "<text ", with: "<text class=\"level-text\" ")
        svg.replaceSubrange(afterShape..<nextShape, with: text)
    }

    // MARK: Small multiples

    /// Panels side by side (at most `columns` a row), each titled, in one SVG. Element ids inside
    /// panel k are prefixed `pk-` so that they stay unique.
    public static func smallMultiples(_ panels: [String], titles: [String], columns: Int = 2, title: String, description: String) -> String {
        var sizes: [(Double, Double)] = []
        var bodies: [String] = []
        for (k, panel) in panels.enumerated() {
            let (w, h) = viewBoxSize(panel) ?? (800, 600)
            sizes.append((w, h))
            // Keep the drawing (from the first <g id="graph0") and drop the wrapper and its metadata.
            var body = panel
            if let g = graphGroup(in: body) { body = String(body[g...]) }
            if let close = body.range(of: "</svg>", options: .backwards) { body = String(body[..<close.lowerBound]) }
            body = body.replacingOccurrences(of: "<g id=\"", with: "<g id=\"p\(k + 1)-")
                .replacingOccurrences(of: " id=\"a_", with: " id=\"p\(k + 1)-a_")
            bodies.append(body)
        }
        let cellW = sizes.map(\.0).max() ?? 800, cellH = sizes.map(\.1).max() ?? 600
        let cols = max(1, min(columns, panels.count))
        let rows = (panels.count + cols - 1) / cols
        let header = 34.0, gap = 16.0
        let width = Double(cols) * cellW + Double(cols - 1) * gap
        let height = Double(rows) * (cellH + header) + Double(rows - 1) * gap
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 \(format(width)) \(format(height))\""
            + " preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"multiples-title multiples-desc\" class=\"pathway-diagram small-multiples\">\n"
        svg += "<title id=\"multiples-title\">\(WikiSVG.escape(title))</title>\n<desc id=\"multiples-desc\">\(WikiSVG.escape(description))</desc>\n"
        for (k, body) in bodies.enumerated() {
            let x = Double(k % cols) * (cellW + gap), y = Double(k / cols) * (cellH + header + gap)
            svg += "<g id=\"panel-\(k + 1)\" class=\"panel\" transform=\"translate(\(format(x)) \(format(y)))\">\n"
            svg += "<text x=\"\(format(cellW / 2))\" y=\"24\" text-anchor=\"middle\" font-family=\"Helvetica,sans-Serif\" font-size=\"20\" font-weight=\"bold\" fill=\"#333333\">\(WikiSVG.escape(titles[k]))</text>\n"
            svg += "<svg x=\"0\" y=\"\(format(header))\" width=\"\(format(sizes[k].0))\" height=\"\(format(sizes[k].1))\" viewBox=\"0 0 \(format(sizes[k].0)) \(format(sizes[k].1))\">\n"
            svg += body
            svg += "</svg>\n</g>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// Where the drawing's top-level group (`<g id="…" class="graph …">`) starts.
    static func graphGroup(in svg: String) -> String.Index? {
        var from = svg.startIndex
        while let r = svg.range(of: "<g id=\"", range: from..<svg.endIndex) {
            let tagEnd = svg[r.upperBound...].firstIndex(of: ">") ?? svg.endIndex
            if svg[r.lowerBound..<tagEnd].contains(" class=\"graph") { return r.lowerBound }
            from = r.upperBound
        }
        return nil
    }

    static func viewBoxSize(_ svg: String) -> (Double, Double)? {
        guard let r = svg.range(of: "viewBox=\""), let close = svg[r.upperBound...].firstIndex(of: "\"") else { return nil }
        let parts = svg[r.upperBound..<close].split(separator: " ").compactMap { Double($0) }
        return parts.count == 4 ? (parts[2], parts[3]) : nil
    }
}
