extension StringProtocol {
    /// Without leading and trailing spaces and tabs. Scans UTF-8, which config loading does
    /// for every duration, size and placeholder.
    func trimmingSpaces() -> String {
        let string = String(self)
        let bytes = string.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == 0x20 || bytes[last] == 0x09 else { break }
            end = last
        }
        return start == bytes.startIndex && end == bytes.endIndex ? string : String(string[start..<end])
    }
}
