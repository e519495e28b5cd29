import CFuzzer

/// A fuzz input: the bytes as UTF-8 text (invalid sequences become U+FFFD, as when a file is read).
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
    guard let data, size > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// Runs libFuzzer with the process's arguments (`-max_total_time=60 corpus/`, …), calling `body` with
/// each input. `body` must not capture anything (it is a C function pointer); it returns 0.
public func runFuzzer(
    argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments, body)
}
