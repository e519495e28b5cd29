import Dispatch
import Foundation
import PathwayTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Output to something that is not a regular file is written in place. Atomic writes rename a
/// temporary file over the destination; over /dev/null (as root) that replaced the device with a plain
/// file, which broke /dev/null for every program on the machine.
@Suite("Writing to a device or a named pipe", .serialized)
struct SpecialDestinationTests {
    @Test func aNamedPipeStaysAPipeAndReceivesTheOutput() throws {
        let dir = try makeTemporaryDirectory("pathway-fifo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("out.fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // A reader on the pipe, so that the writer's open does not block forever.
        nonisolated(unsafe) var received = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                received = handle.readDataToEndOfFile()
                try? handle.close()
            }
            done.signal()
        }
        let r = try PathwayBinary.run(["simulate", "models/kholodenko-2000.yaml", "--t-end", "10", "--points", "3", "-o", fifo])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("time,MKKK_P,MKK_PP,MAPK_PP\n"))
        let type = try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType
        #expect(type != nil && type != .typeRegular, "the pipe was replaced by a \(String(describing: type))")
    }

    @Test func devNullStaysACharacterDevice() throws {
        let r = try PathwayBinary.run(["simulate", "models/kholodenko-2000.yaml", "--t-end", "10", "--points", "3", "-o", "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial, "/dev/null is now a \(String(describing: type))")
    }
}
