import Foundation
import PathwayTestSupport
import Testing

/// `pathway report`: one self-contained HTML page, checked as text and, where Chromium is installed,
/// opened headless (its script must run without a console error).
@Suite("pathway report (built binary)", .serialized)
struct ReportCommandTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func report(_ arguments: [String]) throws -> (String, URL) {
        let dir = try makeTemporaryDirectory("pathway-report")
        let file = dir.appendingPathComponent("page.html")
        let r = try PathwayBinary.run(["report"] + arguments + ["-o", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        return (try String(contentsOf: file, encoding: .utf8), dir)
    }

    @Test func aReportIsSelfContainedAndHasEverySection() throws {
        let (html, dir) = try report(["models/kholodenko-2000.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        for section in ["id=\"diagram\"", "id=\"time-courses\"", "id=\"comparison\"", "id=\"steps\"", "<input type=\"range\" id=\"time\"",
                        "<select id=\"scenario\"", "@media print", "euler (order 1.00)"] {
            #expect(html.contains(section), "missing \(section)")
        }
        // Nothing to fetch: no external scripts, styles, images or fonts.
        for external in ["<script src", "<link", "<img", "@import", "url(http", "src=\"http"] {
            #expect(!html.contains(external), "found \(external)")
        }
        #expect(html.components(separatedBy: "<script").count - 1 == 1, "one script of our own")
        let scriptStart = try #require(html.range(of: "<script>")), scriptEnd = try #require(html.range(of: "</script>"))
        #expect(html.distance(from: scriptStart.upperBound, to: scriptEnd.lowerBound) < 40_000)
    }

    @Test func anEmbeddedIL11ReportHasNoHeaderAndTheChosenScenarios() throws {
        let (html, dir) = try report(["models/il11.yaml", "--scenarios", "socs3-knockout,ruxolitinib", "--no-steps", "--embed", "--at", "30min"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(!html.contains("<header>") && !html.contains("<footer>"))
        #expect(html.contains("<option value=\"1\">socs3-knockout</option>") && html.contains("<option value=\"2\">ruxolitinib</option>"))
        #expect(html.contains("id=\"dose-response\""))
        #expect(html.contains(">30 min</output>"))
    }

    @Test func theReportOpensInChromiumWithoutConsoleErrors() throws {
        guard let chromium = Self.chromium else {
            print("skipped: Chromium is not installed (make test installs it)")
            return
        }
        let (_, dir) = try report(["models/kholodenko-2000.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("page.html")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--dump-dom", page.absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(dom.contains("data-ready=\"true\""), "the page's script did not run to the end")
        let consoleErrors = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
    }

    @Test(arguments: [
        (["models/il11.yaml", "--scenarios", "socs3-knockuot"], "unknown scenario 'socs3-knockuot' (did you mean 'socs3-knockout'?)"),
        (["models/il11.yaml", "--at", "9h", "--no-steps", "--scenarios", "socs3-knockout"], "--at 9 h is outside the simulated range"),
        (["models/il11.yaml", "--frames", "1"], "--frames must be between 2 and 400"),
    ])
    func badInputWritesNothing(_ arguments: [String], _ message: String) throws {
        let dir = try makeTemporaryDirectory("pathway-report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("page.html").path
        let r = try PathwayBinary.run(["report"] + arguments + ["-o", file])
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func anUnwritableDestinationIsRefusedFirst() throws {
        let r = try PathwayBinary.run(["report", "models/kholodenko-2000.yaml", "-o", "/nonexistent/dir/page.html"])
        #expect(r.status != 0)
        #expect(r.stderr == "error: cannot write '/nonexistent/dir/page.html': directory '/nonexistent/dir' does not exist\n")
    }
}
