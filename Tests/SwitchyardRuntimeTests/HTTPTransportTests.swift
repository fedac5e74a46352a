import Hummingbird
import Logging
import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardRuntime

/// The transport against a real loopback server that misbehaves in ways the emulator's
/// faults do not: an answer whose body stalls after its head, answers over the size limit.
@Suite struct HTTPTransportTests {
    /// Serves `router` on an ephemeral loopback port while `body` runs.
    static func serving(_ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "misbehaving-server", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup { group in
            group.addTask { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port)
            group.cancelAll()
        }
    }

    @Test func aBodyThatStallsAfterItsHeadEndsAtTheCallTimeout() async throws {
        let router = Router()
        router.get("stall") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"status": "runn"#))
                    try await Task.sleep(for: .seconds(60))
                    try await writer.finish(nil)
                })
        }
        router.get("whole") { _, _ in #"{"status": "done"}"# }
        try await Self.serving(router) { port in
            let transport = HTTPTransport()
            func call(_ path: String) -> OutboundCall {
                OutboundCall(
                    id: CallID(1), provider: "p", purpose: .poll, method: .GET, url: "http://127.0.0.1:\(port)/\(path)", headers: [], body: nil,
                    timeout: .milliseconds(400))
            }
            let stalled = await transport.perform(call("stall"), auth: nil)
            #expect(stalled == .transportFailure(CallID(1), .timeout))
            let whole = await transport.perform(call("whole"), auth: nil)
            guard case .response(_, let response) = whole else {
                Issue.record("no answer: \(whole)")
                return
            }
            #expect(response.status == 200 && response.body == .json(["status": "done"]))
            try await transport.shutdown()
        }
    }

    @Test func anAnswerOverTheLimitKeepsItsHeadAndNoBody() async throws {
        let router = Router()
        let big = #"{"data": "\#(String(repeating: "x", count: 1000))"}"#
        // Announced by Content-Length, and streamed in parts without one.
        router.get("announced") { _, _ in
            Response(
                status: .created, headers: [.contentType: "application/json", .init("X-Job")!: "j-1"],
                body: .init(byteBuffer: ByteBuffer(string: big)))
        }
        router.get("streamed") { _, _ in
            Response(
                status: .created, headers: [.contentType: "application/json", .init("X-Job")!: "j-1"],
                body: ResponseBody { writer in
                    let bytes = Array(big.utf8)
                    for start in stride(from: 0, to: bytes.count, by: 100) {
                        try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + 100, bytes.count)]))
                    }
                    try await writer.finish(nil)
                })
        }
        try await Self.serving(router) { port in
            let transport = HTTPTransport(maxResponseBytes: 256)
            for path in ["announced", "streamed"] {
                let call = OutboundCall(
                    id: CallID(2), provider: "p", purpose: .poll, method: .GET, url: "http://127.0.0.1:\(port)/\(path)", headers: [], body: nil,
                    timeout: .seconds(10))
                let event = await transport.perform(call, auth: nil)
                guard case .response(let id, let response) = event else {
                    Issue.record("\(path): no answer: \(event)")
                    continue
                }
                #expect(id == CallID(2))
                #expect(response.status == 201, "\(path)")
                #expect(response.body == .tooLarge(limit: 256), "\(path)")
                #expect(response.headers.contains { $0.name.lowercased() == "x-job" && $0.value == "j-1" }, "\(path)")
            }
            try await transport.shutdown()
        }
    }
}
