import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardCore
import SwitchyardEmulator
import Testing

/// Scenario faults as a client on the wire sees them, through veo3's API.
@Suite(.timeLimit(.minutes(1))) struct EmulatorFaultTests {
    static let veo3Body = """
        {"prompt": "Hello", "image": {"data": "\(EmulatorHarness.photoBase64)", "mime_type": "image/png"}, "duration_s": 30}
        """

    func submit(_ endpoint: EmulatorEndpoint, timeout: TimeAmount = .seconds(10)) async throws -> EmulatorHarness.Reply {
        try await EmulatorHarness.send(
            .POST, "\(endpoint.baseURL(for: .veo3))/videos", headers: [("Authorization", "Bearer \(endpoint.keys[.veo3]!)")],
            body: Self.veo3Body, timeout: timeout)
    }

    func poll(_ endpoint: EmulatorEndpoint, _ id: String) async throws -> EmulatorHarness.Reply {
        try await EmulatorHarness.send(
            .GET, "\(endpoint.baseURL(for: .veo3))/videos/\(id)", headers: [("Authorization", "Bearer \(endpoint.keys[.veo3]!)")])
    }

    @Test func aServerErrorFiresOnlyInsideItsWindow() async throws {
        let clock = ManualClock()
        let scenario = """
            providers:
              veo3:
                faults: [{status: 500, probability: 1, from: 10s, until: 1h}]
            """
        try await EmulatorHarness.withEmulator(scenario, clock: clock) { endpoint in
            #expect(try await submit(endpoint).status == 202)
            clock.advance(by: .seconds(10))
            let failing = try await submit(endpoint)
            #expect(failing.status == 500)
            #expect(failing.json?["error"]?["code"] == "internal")
            clock.advance(by: .seconds(3590))
            #expect(try await submit(endpoint).status == 202)
        }
    }

    @Test func jobsEndWhenTheirLatencyHasPassedOnTheInjectedClock() async throws {
        let clock = ManualClock()
        try await EmulatorHarness.withEmulator("providers:\n  veo3: {latency: 40s}", clock: clock) { endpoint in
            let id = try #require(try await submit(endpoint).json?["job_id"]?.stringValue)
            #expect(try await poll(endpoint, id).json?["status"] == "queued")
            clock.advance(by: .seconds(8))
            #expect(try await poll(endpoint, id).json?["status"] == "processing")
            clock.advance(by: .seconds(32))
            let done = try #require(try await poll(endpoint, id).json)
            #expect(done["status"] == "completed")
            #expect(done["duration_s"] == 30)
            #expect(done["quality_metrics"]?["resolution"] == "1080p")
        }
    }

    @Test func malformedJSONKeepsTheSuccessStatus() async throws {
        let scenario = "providers:\n  veo3:\n    latency: 1h\n    faults: [{error: malformed_json, probability: 1, on: poll}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let accepted = try await submit(endpoint)
            let id = try #require(accepted.json?["job_id"]?.stringValue)
            let garbled = try await poll(endpoint, id)
            #expect(garbled.status == 200)
            #expect(garbled.headers.first(name: "Content-Type") == "application/json")
            #expect(garbled.json == nil)
            #expect(!garbled.text.isEmpty)
        }
    }

    @Test func aConnectionResetIsATransportErrorNotAnAnswer() async throws {
        let scenario = "providers:\n  veo3:\n    faults: [{error: connection, probability: 1}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let error = await #expect(throws: (any Error).self) { try await submit(endpoint) }
            #expect(!(error is HarnessError))
            // The next connection still works: a reset ends one connection, not the server.
            let poll = try await poll(endpoint, "job_unknown")
            #expect(poll.status == 404)
        }
    }

    @Test func aTimeoutHoldsTheRequestUnansweredUntilTheClientGivesUp() async throws {
        let scenario = "providers:\n  veo3:\n    faults: [{error: timeout, hold: 30s, probability: 1}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let error = await #expect(throws: HTTPClientError.self) { try await submit(endpoint, timeout: .milliseconds(300)) }
            #expect(error == .deadlineExceeded || error == .readTimeout, "\(String(describing: error))")
        }
        // Leaving withEmulator stopped the server and cut the 30 s hold short.
    }

    @Test func aDelayComesBeforeTheAnswerOrTheFault() async throws {
        let scenario = "providers:\n  veo3:\n    faults: [{delay: 100ms, probability: 1}, {status: 503, delay: 50ms, probability: 1, on: poll}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let accepted = try await submit(endpoint)
            #expect(accepted.status == 202)
            let id = try #require(accepted.json?["job_id"]?.stringValue)
            let unavailable = try await poll(endpoint, id)
            #expect(unavailable.status == 503)
            #expect(unavailable.json?["error"]?["code"] == "unavailable")
        }
    }

    @Test func aJobFailureCarriesItsCodeAndMessage() async throws {
        let scenario = "providers:\n  veo3:\n    latency: 0s\n    faults: [{job_failure: quota_exceeded, probability: 1}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let id = try #require(try await submit(endpoint).json?["job_id"]?.stringValue)
            let failed = try #require(try await poll(endpoint, id).json)
            #expect(failed["status"] == "failed")
            #expect(failed["error"]?["code"] == "quota_exceeded")
            #expect(failed["error"]?["message"] == "The job failed (quota_exceeded).")
        }
    }

    @Test func drawsAreReproducibleAndFollowTheDocumentedOrder() async throws {
        let scenario = """
            seed: 7
            providers:
              veo3:
                latency: {distribution: exponential, mean: 1h}
                faults: [{status: 500, probability: 0.5}]
            """
        func run() async throws -> [Int] {
            try await EmulatorHarness.withEmulator(scenario) { endpoint in
                var statuses: [Int] = []
                for _ in 0..<16 { statuses.append(try await submit(endpoint).status) }
                return statuses
            }
        }
        let first = try await run()
        #expect(try await run() == first)
        #expect(first.contains(202) && first.contains(500))

        // The pure model the simulator uses draws in the same order, so it predicts the run.
        let model = try EmulatorHarness.scenario(scenario)
        var draws = model.drawStream(for: "veo3")
        let predicted = (0..<16).map { _ in model.provider("veo3").outcome(of: .submit, at: .zero, draws: &draws).job == nil ? 500 : 202 }
        #expect(first == predicted)
    }

    @Test func aRepeatedIdempotencyKeyReturnsTheSameJob() async throws {
        try await EmulatorHarness.withEmulator { endpoint in
            let headers = [("Authorization", "Bearer \(endpoint.keys[.veo3]!)"), ("Idempotency-Key", "req-1-attempt")]
            let url = "\(endpoint.baseURL(for: .veo3))/videos"
            let first = try await EmulatorHarness.send(.POST, url, headers: headers, body: Self.veo3Body)
            let second = try await EmulatorHarness.send(.POST, url, headers: headers, body: Self.veo3Body)
            let third = try await submit(endpoint)
            #expect(first.json?["job_id"] != nil)
            #expect(first.json?["job_id"] == second.json?["job_id"])
            #expect(third.json?["job_id"] != first.json?["job_id"])
        }
    }

    @Test func requestsAreCheckedAsTheRealAPIsCheckThem() async throws {
        try await EmulatorHarness.withEmulator { endpoint in
            let veo3 = "\(endpoint.baseURL(for: .veo3))/videos"
            let bearer = ("Authorization", "Bearer \(endpoint.keys[.veo3]!)")

            let missing = try await EmulatorHarness.send(.POST, veo3, body: Self.veo3Body)
            #expect(missing.status == 401)
            let plainText = try await EmulatorHarness.send(.POST, veo3, headers: [bearer, ("Content-Type", "text/plain")], body: "hello")
            #expect(plainText.status == 415)
            let notJSON = try await EmulatorHarness.send(.POST, veo3, headers: [bearer], body: "{\"prompt\": ")
            #expect(notJSON.status == 400 && notJSON.json?["error"]?["code"] == "invalid_json")
            let wrongTypes = try await EmulatorHarness.send(
                .POST, veo3, headers: [bearer],
                body: #"{"prompt": "Hi", "image": {"data": "not base64!", "mime_type": "image/gif"}, "duration_s": 30.5, "colour": "red"}"#)
            #expect(wrongTypes.status == 400)
            let details = wrongTypes.json?["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue }
            #expect(details == ["image.mime_type", "image.data", "duration_s", "colour"])
            #expect(
                wrongTypes.json?["error"]?["message"] == #"image.mime_type must be one of "image/png", "image/jpeg", "image/webp", got "image/gif""#)

            let runway = "\(endpoint.baseURL(for: .runway))/v1/image_to_video"
            let runwayBody = #"{"model": "gen4_turbo", "promptImage": "https://example.com/a.png", "ratio": "1280:720", "duration": 10}"#
            let noVersion = try await EmulatorHarness.send(
                .POST, runway, headers: [("Authorization", "Bearer \(endpoint.keys[.runway]!)")], body: runwayBody)
            #expect(noVersion.status == 400 && noVersion.json?["error"]?.stringValue?.contains("X-Runway-Version") == true)
            let badRatio = try await EmulatorHarness.send(
                .POST, runway, headers: [("Authorization", "Bearer \(endpoint.keys[.runway]!)"), ("X-Runway-Version", "2024-11-06")],
                body: runwayBody.replacingOccurrences(of: "1280:720", with: "16:9"))
            #expect(badRatio.status == 400)
            #expect(badRatio.json?["issues"]?.arrayValue?.first?["path"] == ["ratio"])

            // 5MB is the fal descriptor's limit on the decoded image.
            let big = String(repeating: "A", count: 5_000_004 / 3 * 4)
            let fal = "\(endpoint.baseURL(for: .nanoBanana))/fal-ai/nano-banana/talking-photo"
            let tooLarge = try await EmulatorHarness.send(
                .POST, fal, headers: [("Authorization", "Key \(endpoint.keys[.nanoBanana]!)")],
                body: #"{"prompt": "Hi", "image_url": "data:image/png;base64,\#(big)", "duration": 30}"#)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.json?["detail"]?.stringValue?.contains("limit is 5000000 bytes") == true)

            let unknown = try await EmulatorHarness.send(
                .GET, "\(endpoint.baseURL(for: .nanoBanana))/fal-ai/nano-banana/requests/nope/status",
                headers: [("Authorization", "Key \(endpoint.keys[.nanoBanana]!)")])
            #expect(unknown.status == 404 && unknown.json?["detail"] == "Request not found.")
        }
    }

    @Test func theEndpointPrintsEveryVariableTheDescriptorsRead() {
        let endpoint = EmulatorEndpoint(port: 8080, keys: [.veo3: "a", .runway: "b", .nanoBanana: "c"])
        #expect(
            endpoint.exportLines == [
                "export VEO3_API_BASE_URL=http://127.0.0.1:8080/veo3", "export RUNWAY_API_BASE_URL=http://127.0.0.1:8080/runway",
                "export NANO_BANANA_API_BASE_URL=http://127.0.0.1:8080/nano-banana", "export VEO3_API_KEY=a", "export RUNWAY_API_KEY=b",
                "export NANO_BANANA_API_KEY=c",
            ])
        #expect(EmulatorConfiguration().key(for: .nanoBanana) == "emulator-nano-banana-key")
    }
}
