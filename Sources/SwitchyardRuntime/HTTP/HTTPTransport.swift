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
        var url = call.url
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: call.method.rawValue)
        for header in call.headers { request.headers.add(name: header.name, value: header.value) }
        if let (auth, secret) = auth {
            let value = (try? auth.value.renderString { $0 == "secret" ? .string(secret) : nil }) ?? secret
            switch auth.placement {
            case .header(let name):
                request.headers.replaceOrAdd(name: name, value: value)
            case .query(let name):
                url += (url.contains("?") ? "&" : "?") + "\(Self.queryEncode(name))=\(Self.queryEncode(value))"
                request.url = url
            }
        }
        if let body = call.body { request.body = .bytes(ByteBuffer(string: body)) }
        // One deadline for the head and the body: AsyncHTTPClient's own timeout ends at the
        // head, so a provider that stalls mid-body would otherwise hold the call forever. A
        // timer cancels the exchange.
        let prepared = request
        let exchange = Task { try await self.exchange(prepared, id: call.id, timeout: call.timeout) }
        let timedOut = Atomic(false)
        let timer = schedule(after: call.timeout) {
            timedOut.store(true, ordering: .sequentiallyConsistent)
            exchange.cancel()
        }
        let outcome = await withTaskCancellationHandler {
            await exchange.result
        } onCancel: {
            exchange.cancel()
        }
        timer.cancel()
        switch outcome {
        case .success(let event):
            return event
        case .failure where timedOut.load(ordering: .sequentiallyConsistent):
            return .transportFailure(call.id, .timeout)
        case .failure(let error as HTTPClientError) where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error):
            return .transportFailure(call.id, .timeout)
        case .failure:
            return .transportFailure(call.id, .connection)
        }
    }

    /// Runs `work` after `delay` on the transport's timer thread, unless cancelled first.
    ///
    /// What the runtime's timers use instead of `Task.sleep`, which arms a dispatch timer per
    /// sleep that stays armed after a cancel: one per call and one per request cost more CPU
    /// than the calls themselves (measured with `live-overhead`: 90 µs a request).
    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> TransportTimer {
        TransportTimer(timer: timers.schedule(after: delay, work))
    }

    private func exchange(_ request: HTTPClientRequest, id: CallID, timeout: Duration) async throws -> ExecutionEvent {
        let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
        let headers = response.headers.map { (name: $0.name, value: $0.value) }
        let body: ResponseBody
        do {
            body = Self.parse(try await response.body.collect(upTo: maxResponseBytes))
        } catch is NIOTooManyBytesError {
            body = .tooLarge(limit: maxResponseBytes)
        }
        return .response(id, HTTPResponse(status: Int(response.status.code), headers: headers, body: body))
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
