extension String {
    /// `prefix` then `number` in decimal, written directly: simulated traffic names every
    /// request and job this way, and `description` with interpolation costs several times more.
    public init(_ prefix: String, decimal number: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        self = withUnsafeMutableBytes(of: &digits) { scratch in
            // Digits from the right end of the scratch space, then the sign.
            var start = scratch.count
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
            let count = scratch.count - start
            var prefix = prefix
            return prefix.withUTF8 { prefix in
                String(unsafeUninitializedCapacity: prefix.count + count) { buffer in
                    for index in 0..<prefix.count { buffer[index] = prefix[index] }
                    for index in 0..<count { buffer[prefix.count + index] = scratch[start + index] }
                    return prefix.count + count
                }
            }
        }
    }
}
