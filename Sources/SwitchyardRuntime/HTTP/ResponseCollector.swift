import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Synchronization

/// Collects one provider answer for ``HTTPTransport``: its head, and its body up to a limit.
///
/// AsyncHTTPClient's delegate API runs a whole call under one deadline, body included, so a
/// call needs no task or timer of its own to bound a provider that stalls mid-body.
final class ResponseCollector: HTTPClientResponseDelegate, Sendable {
    typealias Response = HTTPResponse

    /// The body passed the limit: the call ends there, and the answer keeps its head.
    struct TooLarge: Error {
        let head: HTTPResponseHead?
    }

    private let limit: Int
    private let state = Mutex<(head: HTTPResponseHead?, body: ByteBuffer?)>((nil, nil))

    init(limit: Int) { self.limit = limit }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { $0.head = head }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let overflow = state.withLock { state -> TooLarge? in
            var part = part
            if state.body == nil { state.body = part } else { state.body!.writeBuffer(&part) }
            return state.body!.readableBytes > limit ? TooLarge(head: state.head) : nil
        }
        if let overflow { return task.eventLoop.makeFailedFuture(overflow) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> HTTPResponse {
        state.withLock { state in
            HTTPResponse(
                status: Int(state.head?.status.code ?? 0), headers: Self.headers(of: state.head),
                body: state.body.map(HTTPTransport.parse) ?? .empty)
        }
    }

    static func headers(of head: HTTPResponseHead?) -> [(name: String, value: String)] {
        head?.headers.map { (name: $0.name, value: $0.value) } ?? []
    }
}
