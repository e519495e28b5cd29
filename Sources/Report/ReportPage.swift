import Foundation
import Plot

/// One self-contained HTML page about a model: the diagram coloured at a time with a slider through
/// time and a scenario switch, the time courses, the scenario comparison, a dose–response and the
/// step-size lesson. Everything is inline (SVG, CSS, one small script of ours); nothing is fetched.
///
/// The page works without its script: the diagram then shows the chosen time for the first
/// scenario, and the controls say that they need JavaScript.
public struct ReportPage: Sendable {
    public struct Figure: Sendable {
        public var title: String
        public var svg: String
        public var caption: String
        public init(title: String, svg: String, caption: String) {
            self.title = title
            self.svg = svg
            self.caption = caption
        }
    }

    public struct Table: Sendable {
        public var caption: String
        public var header: [String]
        public var rows: [[String]]
        public init(caption: String, header: [String], rows: [[String]]) {
            self.caption = caption
            self.header = header
            self.rows = rows
        }
    }

    public var title: String
    public var description: String
    /// Lines for the header: the perturbations applied, the model file, how the page was made.
    public var facts: [String]
    /// The diagram's SVG, its molecule nodes marked for recolouring.
    public var diagram: String
    /// Scenario labels (the first is what the static diagram shows).
    public var scenarios: [String]
    /// Frame labels ("30 min"), one per frame.
    public var frameLabels: [String]
    /// `colours[scenario][frame][nodeID]`.
    public var colours: [[[String: String]]]
    /// The frame the page opens on.
    public var initialFrame: Int
    public var timeCourses: [Figure]
    public var comparison: Table?
    public var doseResponse: Figure?
    public var doseResponseSummary: String?
    public var steps: Figure?
    public var stepsText: String?
    /// Without header and footer, for an iframe (`?embed=1`).
    public var embed: Bool

    public init(title: String, description: String, facts: [String], diagram: String, scenarios: [String], frameLabels: [String],
                colours: [[[String: String]]], initialFrame: Int, timeCourses: [Figure], comparison: Table?, doseResponse: Figure?,
                doseResponseSummary: String?, steps: Figure?, stepsText: String?, embed: Bool) {
        self.title = title
        self.description = description
        self.facts = facts
        self.diagram = diagram
        self.scenarios = scenarios
        self.frameLabels = frameLabels
        self.colours = colours
        self.initialFrame = initialFrame
        self.timeCourses = timeCourses
        self.comparison = comparison
        self.doseResponse = doseResponse
        self.doseResponseSummary = doseResponseSummary
        self.steps = steps
        self.stepsText = stepsText
        self.embed = embed
    }

    /// The page.
    public func html() -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(Self.escape(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n"
        h += "<body class=\"\(embed ? "embedded" : "page")\">\n"
        if !embed {
            h += "<header>\n<h1>\(Self.escape(title))</h1>\n<p>\(Self.escape(description))</p>\n"
            if !facts.isEmpty { h += "<ul class=\"facts\">\n" + facts.map { "<li>\(Self.escape($0))</li>\n" }.joined() + "</ul>\n" }
            h += "<nav aria-label=\"Sections\"><ul>"
            h += "<li><a href=\"#diagram\">Diagram</a></li><li><a href=\"#time-courses\">Time courses</a></li>"
            if comparison != nil { h += "<li><a href=\"#comparison\">Scenarios</a></li>" }
            if doseResponse != nil { h += "<li><a href=\"#dose-response\">Dose–response</a></li>" }
            if steps != nil || stepsText != nil { h += "<li><a href=\"#steps\">Time steps</a></li>" }
            h += "</ul></nav>\n</header>\n"
        }
        h += "<main>\n"
        // The diagram with its controls.
        let last = max(0, frameLabels.count - 1)
        h += "<section id=\"diagram\" aria-labelledby=\"diagram-heading\">\n<h2 id=\"diagram-heading\">The pathway over time</h2>\n"
        h += "<p>Each molecule is coloured by the fraction of it that is active (viridis: dark purple 0%, yellow 100%); "
            + "grey molecules do not change. Move the slider to go through time; choose a scenario to see a perturbation.</p>\n"
        h += "<form class=\"controls\" id=\"controls\" hidden>\n"
        h += "<label for=\"time\">Time</label> <input type=\"range\" id=\"time\" name=\"time\" min=\"0\" max=\"\(last)\" step=\"1\" "
            + "value=\"\(min(initialFrame, last))\" aria-valuetext=\"\(Self.escape(frameLabels.isEmpty ? "" : frameLabels[min(initialFrame, last)]))\"> "
        h += "<output id=\"time-label\" for=\"time\">\(Self.escape(frameLabels.isEmpty ? "" : frameLabels[min(initialFrame, last)]))</output>\n"
        if scenarios.count > 1 {
            h += "<label for=\"scenario\">Scenario</label> <select id=\"scenario\" name=\"scenario\">"
            for (k, s) in scenarios.enumerated() { h += "<option value=\"\(k)\">\(Self.escape(s))</option>" }
            h += "</select>\n"
        }
        h += "</form>\n<noscript><p class=\"note\">The time slider and the scenario switch need JavaScript; the diagram shows "
            + "\(Self.escape(scenarios.first ?? "the model")) at \(Self.escape(frameLabels.isEmpty ? "" : frameLabels[min(initialFrame, last)])).</p></noscript>\n"
        h += "<figure class=\"diagram\">\n\(Self.inline(diagram, prefix: nil))\n<figcaption>\(Self.escape(title)): activity diagram "
            + "coloured by simulation.</figcaption>\n</figure>\n</section>\n"
        // Time courses.
        h += "<section id=\"time-courses\" aria-labelledby=\"time-courses-heading\">\n<h2 id=\"time-courses-heading\">Time courses</h2>\n"
        for (k, f) in timeCourses.enumerated() { h += figure(f, prefix: "tc\(k + 1)") }
        h += "</section>\n"
        if let comparison {
            h += "<section id=\"comparison\" aria-labelledby=\"comparison-heading\">\n<h2 id=\"comparison-heading\">Scenarios compared</h2>\n"
            h += "<div class=\"table-wrap\"><table>\n<caption>\(Self.escape(comparison.caption))</caption>\n<thead><tr>"
            h += comparison.header.map { "<th scope=\"col\">\(Self.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for row in comparison.rows {
                h += "<tr>" + row.enumerated().map { k, v in k == 0 ? "<th scope=\"row\">\(Self.escape(v))</th>" : "<td>\(Self.escape(v))</td>" }.joined() + "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n</section>\n"
        }
        if let doseResponse {
            h += "<section id=\"dose-response\" aria-labelledby=\"dose-heading\">\n<h2 id=\"dose-heading\">Dose–response</h2>\n"
            if let s = doseResponseSummary { h += "<p>\(Self.escape(s))</p>\n" }
            h += figure(doseResponse, prefix: "dr") + "</section>\n"
        }
        if steps != nil || stepsText != nil {
            h += "<section id=\"steps\" aria-labelledby=\"steps-heading\">\n<h2 id=\"steps-heading\">How a time step approximates the continuous system</h2>\n"
            h += "<p>Fixed-step methods (Euler, fourth-order Runge–Kutta) are run with smaller and smaller steps against a tight "
                + "reference: the error falls as the step to the power of the method's order, until the step is too large for "
                + "the fastest process of the model, where Euler blows up.</p>\n"
            if let steps { h += figure(steps, prefix: "st") }
            if let stepsText { h += "<details><summary>The numbers</summary>\n<pre>\(Self.escape(stepsText))</pre>\n</details>\n" }
            h += "</section>\n"
        }
        h += "</main>\n"
        if !embed {
            h += "<footer><p>Made by <code>pathway report</code>. Every number in the model has its source in the model file.</p></footer>\n"
        }
        h += "<script>\n" + script() + "</script>\n</body>\n</html>\n"
        return h
    }

    private func figure(_ f: Figure, prefix: String) -> String {
        "<figure>\n\(Self.inline(f.svg, prefix: prefix))\n<figcaption>\(Self.escape(f.caption))</figcaption>\n</figure>\n"
    }

    /// An SVG document as inline markup: no XML declaration, and ids prefixed so that several
    /// drawings on one page do not collide.
    static func inline(_ svg: String, prefix: String?) -> String {
        var s = svg
        if s.hasPrefix("<?xml"), let end = s.range(of: "?>") { s = String(s[end.upperBound...]) }
        s = s.trimmingCharactersInSetNewlines()
        guard let prefix else { return s }
        return s.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)-")
            .replacingOccurrences(of: "aria-labelledby=\"", with: "aria-labelledby=\"\(prefix)-")
            .replacingOccurrences(of: "url(#", with: "url(#\(prefix)-")
            .replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)-")
    }

    /// The page's only script: recolours the diagram's nodes for the chosen time and scenario.
    func script() -> String {
        // Colours as one table of distinct colours and, per scenario and frame, node → index.
        var palette: [String] = []
        var index: [String: Int] = [:]
        let nodes = Array(Set(colours.flatMap { $0.flatMap(\.keys) })).sorted()
        var frames = "["
        for (si, scenario) in colours.enumerated() {
            frames += si == 0 ? "[" : ",["
            for (fi, frame) in scenario.enumerated() {
                frames += fi == 0 ? "[" : ",["
                frames += nodes.map { id -> String in
                    guard let c = frame[id] else { return "-1" }
                    if let i = index[c] { return String(i) }
                    index[c] = palette.count
                    palette.append(c)
                    return String(palette.count - 1)
                }.joined(separator: ",")
                frames += "]"
            }
            frames += "]"
        }
        frames += "]"
        let labels = "[" + frameLabels.map { "\"\(Self.jsEscape($0))\"" }.joined(separator: ",") + "]"
        return """
            (function () {
              "use strict";
              var nodes = [\(nodes.map { "\"\(Self.jsEscape($0))\"" }.joined(separator: ","))];
              var palette = [\(palette.map { "\"\($0)\"" }.joined(separator: ","))];
              var frames = \(frames);
              var labels = \(labels);
              var form = document.getElementById("controls");
              var time = document.getElementById("time");
              var output = document.getElementById("time-label");
              var scenario = document.getElementById("scenario");
              function light(c) {
                var r = parseInt(c.substr(1, 2), 16) / 255, g = parseInt(c.substr(3, 2), 16) / 255, b = parseInt(c.substr(5, 2), 16) / 255;
                function lin(v) { return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
                return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.2;
              }
              function show() {
                var s = scenario ? Number(scenario.value) : 0, f = Number(time.value);
                var row = frames[s][f];
                for (var k = 0; k < nodes.length; k++) {
                  var g = document.getElementById(nodes[k]);
                  if (!g || row[k] < 0) continue;
                  var c = palette[row[k]];
                  var shape = g.querySelector(".level-fill");
                  if (shape) shape.setAttribute("fill", c);
                  var texts = g.querySelectorAll(".level-text");
                  for (var t = 0; t < texts.length; t++) texts[t].setAttribute("fill", light(c) ? "#ffffff" : "#000000");
                }
                output.textContent = labels[f];
                time.setAttribute("aria-valuetext", labels[f]);
              }
              form.hidden = false;
              time.addEventListener("input", show);
              if (scenario) scenario.addEventListener("change", show);
              show();
              document.body.setAttribute("data-ready", "true");
            })();

            """
    }

    static let css = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --rule: #d0d7de; }
        body { font-family: "Liberation Sans", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 76rem;
               padding: 1rem 1.5rem; line-height: 1.45; }
        body.embedded { padding: 0.5rem; }
        h1 { font-size: 1.6rem; margin: 0.2rem 0 0.5rem; }
        h2 { font-size: 1.25rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; margin-top: 2rem; }
        .facts { color: var(--muted); font-size: 0.9rem; padding-left: 1.2rem; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
        a { color: #0b57d0; }
        a:focus, input:focus, select:focus, summary:focus { outline: 3px solid #f4b400; outline-offset: 2px; }
        .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; margin: 0.5rem 0 1rem;
                    position: sticky; top: 0; background: #ffffffee; padding: 0.4rem 0; z-index: 1; }
        .controls input[type=range] { width: min(28rem, 60vw); }
        output { font-variant-numeric: tabular-nums; min-width: 5rem; font-weight: bold; }
        figure { margin: 1rem 0; }
        figure svg { width: 100%; height: auto; max-height: 95vh; }
        .diagram svg { max-height: none; }
        figcaption { color: var(--muted); font-size: 0.9rem; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
        caption { text-align: left; color: var(--muted); padding-bottom: 0.3rem; }
        th, td { border-bottom: 1px solid var(--rule); padding: 0.25rem 0.6rem; text-align: right; }
        th[scope=row], thead th:first-child { text-align: left; }
        pre { overflow-x: auto; font-size: 0.8rem; background: #f6f8fa; padding: 0.6rem; }
        .note { color: var(--muted); }
        @media print {
          .controls, nav, noscript { display: none !important; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          section { break-inside: avoid-page; }
          details > pre { display: block; }
        }

        """

    static func escape(_ s: String) -> String { XMLText.escape(s) }

    static func jsEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "<": out += "\\u003c"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

private extension String {
    func trimmingCharactersInSetNewlines() -> String {
        var s = Substring(self)
        while let f = s.first, f == "\n" || f == " " { s = s.dropFirst() }
        while let l = s.last, l == "\n" || l == " " { s = s.dropLast() }
        return String(s)
    }
}
