/// What a driver tells an ``Execution``: an answer to one of its calls, a failure to get one,
/// or a timer it asked for.
public enum ExecutionEvent: Sendable, Hashable {
    case response(CallID, HTTPResponse)
    case transportFailure(CallID, TransportFailure)
    /// The driver did not send the call: the provider's circuit is open, or its rate or
    /// concurrency limit left no room within the policy's wait.
    case rejected(CallID, reason: String)
    case timer(TimerID)
}

/// A provider's answer, parsed once by the driver.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Names as received; lookups are case-insensitive.
    public var headers: [(name: String, value: String)]
    public var body: ResponseBody

    public init(status: Int, headers: [(name: String, value: String)] = [], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(body)
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}

/// A response body as the driver found it.
public enum ResponseBody: Sendable, Hashable {
    case empty
    case json(JSONValue)
    /// Not JSON; the text is kept (truncated by the driver) for the log.
    case malformed(String)
    /// Larger than the driver's limit; nothing of it is kept.
    case tooLarge(limit: Int)

    var json: JSONValue? {
        if case .json(let value) = self { return value }
        return nil
    }
}

/// Why no response arrived.
public enum TransportFailure: String, Sendable, Hashable {
    /// Refused, reset, DNS or TLS failure.
    case connection
    /// The call's timeout passed without a complete response.
    case timeout
}

/// Identifies a call within one execution.
public struct CallID: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "call-\(rawValue)" }
}

/// Identifies a timer within one execution.
public struct TimerID: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "timer-\(rawValue)" }
}
