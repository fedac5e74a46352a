import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SwitchyardCore
import Synchronization

/// Moves the execution machine's calls over HTTP: one shared AsyncHTTPClient with pooled
/// connections, the provider's authentication added at the edge, every body parsed once, and
/// a response size limit so a broken or hostile provider cannot exhaust memory.
public final class HTTPTransport: Sendable {
    private let client: HTTPClient
    private let timers = TimerThread(name: "switchyard-timers")
    public let maxResponseBytes: Int

    /// - Parameters:
    ///   - maxResponseBytes: larger answers become `.tooLarge` without being kept.
    ///   - connectionsPerHost: AsyncHTTPClient's default of 8 throttles a busy router.
    public init(maxResponseBytes: Int = 8 << 20, connectionsPerHost: Int = 64) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        // A refused connection is the policy's `connection` outcome, to act on at once; the
        // pool's own retries would hide it until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.maxResponseBytes = maxResponseBytes
    }

    public func shutdown() async throws {
        timers.stop()
        try await client.shutdown()
    }

    /// Sends `call` with `auth` applied (the secret's value goes on the wire, nowhere else).
    public func perform(_ call: OutboundCall, auth: (ProviderAuth, secret: String)?) async -> ExecutionEvent {
        let started = Mutex<CallInFlight?>(nil)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let inFlight = start(call, auth: auth) { continuation.resume(returning: $0) }
                started.withLock { $0 = inFlight }
                // Cancelled before the call was stored, the handler found nothing to cancel.
                if Task.isCancelled { inFlight.cancel() }
            }
        } onCancel: {
            started.withLock { $0?.cancel() }
        }
    }

    /// Sends `call` and hands its outcome to `completion`, on one of the client's threads: for a
    /// caller that waits for several things at once, so a call needs no task of its own.
    @discardableResult
    public func start(
        _ call: OutboundCall, auth: (ProviderAuth, secret: String)?, completion: @escaping @Sendable (ExecutionEvent) -> Void
    ) -> CallInFlight {
        var url = call.url
        var headers = HTTPHeaders()
        for header in call.headers { headers.add(name: header.name, value: header.value) }
        if let (auth, secret) = auth {
            let value = (try? auth.value.renderString { $0 == "secret" ? .string(secret) : nil }) ?? secret
            switch auth.placement {
            case .header(let name):
                headers.replaceOrAdd(name: name, value: value)
            case .query(let name):
                url += (url.contains("?") ? "&" : "?") + "\(Self.queryEncode(name))=\(Self.queryEncode(value))"
            }
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: call.method.rawValue), headers: headers, body: call.body.map { .string($0) })
        } catch {
            completion(.transportFailure(call.id, .connection))
            return CallInFlight(task: nil)
        }
        // One deadline for the head and the body: the delegate API keeps it until the body
        // ends, so a provider that stalls mid-body is cut off at the call's timeout.
        let task = client.execute(
            request: request, delegate: ResponseCollector(limit: maxResponseBytes), deadline: .now() + .milliseconds(call.timeout.milliseconds))
        let limit = maxResponseBytes
        task.futureResult.whenComplete { result in
            completion(Self.event(for: result, call: call.id, limit: limit))
        }
        return CallInFlight(task: task)
    }

    private static func event(for result: Result<HTTPResponse, any Error>, call id: CallID, limit: Int) -> ExecutionEvent {
        switch result {
        case .success(let response):
            return .response(id, response)
        case .failure(let tooLarge as ResponseCollector.TooLarge):
            let head = tooLarge.head
            return .response(
                id, HTTPResponse(status: Int(head?.status.code ?? 0), headers: ResponseCollector.headers(of: head), body: .tooLarge(limit: limit)))
        case .failure(let error as HTTPClientError) where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error):
            return .transportFailure(id, .timeout)
        case .failure:
            return .transportFailure(id, .connection)
        }
    }

    /// Runs `work` after `delay` on the transport's timer thread, unless cancelled first.
    ///
    /// What the runtime's timers (deadlines, polls, retries) use instead of `Task.sleep`, which
    /// arms a dispatch timer per sleep that stays armed after a cancel: one per request cost
    /// more CPU than the calls themselves (measured with `live-overhead`).
    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> TransportTimer {
        TransportTimer(timer: timers.schedule(after: delay, work))
    }

    /// Fetches a URL's bytes (an image given by URL), up to `limit`.
    public func download(_ url: String, limit: Int, timeout: Duration = .seconds(60)) async throws -> (bytes: [UInt8], contentType: String?) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
        guard (200..<300).contains(response.status.code) else { throw DownloadError(description: "\(url) answered HTTP \(response.status.code)") }
        let buffer = try await response.body.collect(upTo: limit)
        return (Array(buffer.readableBytesView), response.headers.first(name: "content-type"))
    }

    static func parse(_ buffer: ByteBuffer) -> ResponseBody {
        guard buffer.readableBytes > 0 else { return .empty }
        let bytes = buffer.readableBytesView
        do {
            return .json(try JSONValue.parse(bytes: bytes))
        } catch {
            return .malformed(String(decoding: bytes.prefix(200), as: UTF8.self))
        }
    }

    private static func queryEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? text
    }
}

/// A call from ``HTTPTransport/start(_:auth:completion:)``, for cancelling it.
public struct CallInFlight: Sendable {
    fileprivate let task: HTTPClient.Task<HTTPResponse>?

    /// Ends the call if it is still going: its completion then gets a transport failure.
    public func cancel() { task?.cancel() }
}

/// A timer from ``HTTPTransport/schedule(after:_:)``.
public struct TransportTimer: Sendable {
    fileprivate let timer: TimerThread.Timer

    /// Stops the timer if it has not fired; harmless after.
    public func cancel() { timer.cancel() }
}

/// A download that did not succeed.
public struct DownloadError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
