/// The raw memory of the stochastic engine, owned the way ``CompiledStorage`` owns the compiled model's:
/// one allocation per owner, filled on creation and freed in `deinit`. The buffers are views into it,
/// valid while the owner lives; the engine's inner loops read and write them without reference counting
/// or uniqueness checks. All of the engine's pointer allocation is in this file.
///
/// Every part starts at a multiple of 8 bytes, so parts of `Double`, `Int32` and `UInt8` can follow one
/// another in any order.
final class StochasticStorage {
    private let memory: UnsafeMutableRawPointer
    private let byteCount: Int
    private var offset = 0

    /// Room for parts of `counts` elements each (every element at most 8 bytes).
    private init(counts: [Int]) {
        byteCount = max(8, counts.reduce(0) { $0 + 8 * max($1, 1) })
        memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
    }

    deinit { memory.deallocate() }

    /// The next part: room for `count` elements (at least one), not yet initialised.
    private func part<T>(_ count: Int) -> UnsafeMutableBufferPointer<T> {
        precondition(MemoryLayout<T>.stride <= 8 && MemoryLayout<T>.alignment <= 8)
        let capacity = max(count, 1)
        precondition(offset + capacity * MemoryLayout<T>.stride <= byteCount)
        let start = (memory + offset).bindMemory(to: T.self, capacity: capacity)
        offset += 8 * capacity
        return UnsafeMutableBufferPointer(start: start, count: capacity)
    }

    private func copy<T>(_ array: [T], padding: T) -> UnsafeMutableBufferPointer<T> {
        let buffer: UnsafeMutableBufferPointer<T> = part(array.count)
        _ = buffer.initialize(from: array)
        if array.isEmpty { buffer.initialize(repeating: padding) }
        return buffer
    }

    private func filled<T>(_ value: T, count: Int) -> UnsafeMutableBufferPointer<T> {
        let buffer: UnsafeMutableBufferPointer<T> = part(count)
        buffer.initialize(repeating: value)
        return buffer
    }

    // MARK: The model's tables

    /// A ``StochasticModel``'s register file and per-channel tables, as arrays before they move here.
    struct ChannelTables {
        var registerCount: Int
        var stateRegister: [Int32]
        var kind: [UInt8], multiplier: [Double], valueRegister: [Int32]
        var factorIndex: [Int32], factorOrder: [Int32]
        var changeStart: [Int32], changeIndex: [Int32], changeDelta: [Double]
        var dependentStart: [Int32], dependent: [Int32]
    }

    /// The model's tables as buffers (views into `storage`).
    struct ChannelBuffers {
        let storage: StochasticStorage
        let registers: UnsafeMutablePointer<Double>
        let stateRegister: UnsafeMutableBufferPointer<Int32>
        let kind: UnsafeMutableBufferPointer<UInt8>
        let multiplier: UnsafeMutableBufferPointer<Double>
        let valueRegister: UnsafeMutableBufferPointer<Int32>
        let factorIndex: UnsafeMutableBufferPointer<Int32>
        let factorOrder: UnsafeMutableBufferPointer<Int32>
        let changeStart: UnsafeMutableBufferPointer<Int32>
        let changeIndex: UnsafeMutableBufferPointer<Int32>
        let changeDelta: UnsafeMutableBufferPointer<Double>
        let dependentStart: UnsafeMutableBufferPointer<Int32>
        let dependent: UnsafeMutableBufferPointer<Int32>
    }

    /// Copies `t` into one allocation (the register file zeroed).
    static func channels(_ t: ChannelTables) -> ChannelBuffers {
        let s = StochasticStorage(counts: [
            t.registerCount, t.stateRegister.count, t.kind.count, t.multiplier.count, t.valueRegister.count,
            t.factorIndex.count, t.factorOrder.count, t.changeStart.count, t.changeIndex.count, t.changeDelta.count,
            t.dependentStart.count, t.dependent.count,
        ])
        return ChannelBuffers(
            storage: s, registers: s.filled(0.0, count: t.registerCount).baseAddress!,
            stateRegister: s.copy(t.stateRegister, padding: 0), kind: s.copy(t.kind, padding: 0),
            multiplier: s.copy(t.multiplier, padding: 0), valueRegister: s.copy(t.valueRegister, padding: 0),
            factorIndex: s.copy(t.factorIndex, padding: -1), factorOrder: s.copy(t.factorOrder, padding: 0),
            changeStart: s.copy(t.changeStart, padding: 0), changeIndex: s.copy(t.changeIndex, padding: 0),
            changeDelta: s.copy(t.changeDelta, padding: 0), dependentStart: s.copy(t.dependentStart, padding: 0),
            dependent: s.copy(t.dependent, padding: 0))
    }

    // MARK: A simulator's work buffers

    /// The work buffers of a ``StochasticSimulator``'s runs (views into `storage`): the counts `x` and the
    /// model's values `y` per state component; per channel its propensity `a`, its putative time `tau` and
    /// its place in the next-reaction method's heap (`heap`, `position`); per triggered condition its sign
    /// before and at a trial time (`signs`, `trial`).
    struct WorkBuffers {
        let storage: StochasticStorage
        let x: UnsafeMutableBufferPointer<Double>
        let y: UnsafeMutableBufferPointer<Double>
        let a: UnsafeMutableBufferPointer<Double>
        let tau: UnsafeMutableBufferPointer<Double>
        let heap: UnsafeMutableBufferPointer<Int32>
        let position: UnsafeMutableBufferPointer<Int32>
        let signs: UnsafeMutableBufferPointer<Double>
        let trial: UnsafeMutableBufferPointer<Double>
    }

    /// Work buffers for `dimension` state components, `channels` channels and `conditions` triggered
    /// conditions, zeroed (`tau` infinite).
    static func work(dimension n: Int, channels: Int, conditions: Int) -> WorkBuffers {
        let s = StochasticStorage(counts: [n, n, channels, channels, channels, channels, conditions, conditions])
        return WorkBuffers(
            storage: s, x: s.filled(0.0, count: n), y: s.filled(0.0, count: n), a: s.filled(0.0, count: channels),
            tau: s.filled(Double.infinity, count: channels), heap: s.filled(Int32(0), count: channels),
            position: s.filled(Int32(0), count: channels), signs: s.filled(0.0, count: conditions),
            trial: s.filled(0.0, count: conditions))
    }
}
