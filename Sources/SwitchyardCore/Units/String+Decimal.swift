extension String {
    /// `prefix` then `number` in decimal, written directly: simulated traffic names every
    /// request and job this way, and `description` with interpolation costs several times more.
    public init(_ prefix: String, decimal number: Int) {
        let digits = DecimalDigits(number)
        var prefix = prefix
        self = prefix.withUTF8 { prefix in
            String(unsafeUninitializedCapacity: prefix.count + digits.count) { buffer in
                for index in 0..<prefix.count { buffer[index] = prefix[index] }
                return prefix.count + digits.write(into: buffer, at: prefix.count)
            }
        }
    }
}
