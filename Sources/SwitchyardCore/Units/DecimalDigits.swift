/// An integer's decimal digits, worked out once and written straight into string buffers: an
/// arrival writes its number and user into several fields, amounts and durations their parts.
struct DecimalDigits {
    /// The characters, right-aligned: room for the 20 of `Int.min`.
    private var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private let start: Int

    init(_ number: Int) {
        var start = MemoryLayout.size(ofValue: scratch)
        withUnsafeMutableBytes(of: &scratch) { scratch in
            var magnitude = number.magnitude
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
        }
        self.start = start
    }

    /// How many characters the number takes.
    var count: Int { MemoryLayout.size(ofValue: scratch) - start }

    /// Writes the characters at `offset`, which leaves room for ``count`` of them; returns ``count``.
    func write(into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        let count = count
        withUnsafeBytes(of: scratch) { scratch in
            UnsafeMutableRawPointer(buffer.baseAddress! + offset).copyMemory(from: scratch.baseAddress! + start, byteCount: count)
        }
        return count
    }
}
