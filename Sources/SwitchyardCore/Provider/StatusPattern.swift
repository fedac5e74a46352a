/// An HTTP status (`429`) or class (`5xx`) as error tables write them.
public enum StatusPattern: Sendable, Hashable, CustomStringConvertible {
    case exact(Int)
    /// The hundreds digit: 4 for `4xx`.
    case statusClass(Int)

    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if lowered.count == 3, lowered.hasSuffix("xx"), let digit = Int(lowered.prefix(1)), (1...5).contains(digit) {
            self = .statusClass(digit)
        } else if let code = Int(lowered), (100...599).contains(code) {
            self = .exact(code)
        } else {
            return nil
        }
    }

    public func matches(_ status: Int) -> Bool {
        switch self {
        case .exact(let code): code == status
        case .statusClass(let digit): status / 100 == digit
        }
    }

    public var description: String {
        switch self {
        case .exact(let code): "\(code)"
        case .statusClass(let digit): "\(digit)xx"
        }
    }
}
