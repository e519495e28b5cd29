import Dispatch
import Foundation
import Synchronization

/// Work spread over threads, results handed back in index order.
public enum Parallel {
    /// The number of cores the process may use.
    public static var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Computes `work(&context, i)` for every `i` in `indices` on `jobs` threads and hands each result to
    /// `deliver` **in the order of `indices`**, as soon as it and every result before it are done.
    ///
    /// Each thread builds its own context with `makeContext` (a compiled model, say) and uses it alone,
    /// so contexts need not be thread-safe or `Sendable`. `deliver` runs under a lock, one call at a
    /// time; if it throws, no new work starts and the error is rethrown once running work finishes.
    /// Results do not depend on the number of threads or their scheduling.
    /// `indices` may be a range: nothing is allocated per index up front (a scan of 10⁸ rows streams).
    public static func orderedMap<Indices: RandomAccessCollection & Sendable, Context, Result: Sendable>(
        _ indices: Indices,
        jobs: Int,
        makeContext: @Sendable () throws -> Context,
        work: @Sendable (inout Context, Int) -> Result,
        deliver: @Sendable (Int, Result) throws -> Void
    ) throws where Indices.Element == Int, Indices.Index == Int {
        guard !indices.isEmpty else { return }
        let start = indices.startIndex
        let state = OrderedDelivery<Result>(count: indices.count)
        let threads = max(1, min(jobs, indices.count))
        withoutActuallyEscaping(makeContext) { makeContext in
            withoutActuallyEscaping(work) { work in
                withoutActuallyEscaping(deliver) { deliver in
                    let body: @Sendable (Int) -> Void = { _ in
                        var context: Context
                        do { context = try makeContext() } catch {
                            state.fail(error)
                            return
                        }
                        while let position = state.next() {
                            let result = work(&context, indices[start + position])
                            state.complete(position, result) { p, r in try deliver(indices[start + p], r) }
                        }
                    }
                    if threads == 1 {
                        body(0)
                    } else {
                        DispatchQueue.concurrentPerform(iterations: threads, execute: body)
                    }
                }
            }
        }
        if let error = state.error { throw error }
    }
}

/// The shared state of ``Parallel/orderedMap``: a work counter and a reorder buffer, behind one lock.
private final class OrderedDelivery<Result: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextToStart = 0
    private var nextToDeliver = 0
    private var pending: [Int: Result] = [:]
    private let count: Int
    private(set) var error: (any Error)?

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, nextToStart < count else { return nil }
        nextToStart += 1
        return nextToStart - 1
    }

    func fail(_ e: any Error) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }

    func complete(_ position: Int, _ result: Result, deliver: (Int, Result) throws -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil else { return }
        pending[position] = result
        while let r = pending.removeValue(forKey: nextToDeliver) {
            do { try deliver(nextToDeliver, r) } catch {
                self.error = error
                return
            }
            nextToDeliver += 1
        }
    }
}

/// Collects results by index from ``Parallel/orderedMap``'s delivery, behind a lock of its own, so that
/// its `Sendable` conformance is the compiler's to check, not a promise of the caller.
final class ResultBox<T: Sendable>: Sendable {
    private let storage: Mutex<[T?]>
    init(count: Int) { storage = Mutex([T?](repeating: nil, count: count)) }
    func set(_ i: Int, _ v: T) { storage.withLock { $0[i] = v } }
    /// Every result (each index must have been set).
    var values: [T] { storage.withLock { $0.map { $0! } } }
}
