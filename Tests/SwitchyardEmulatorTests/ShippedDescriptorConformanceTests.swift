import NIOHTTP1
import OrderedCollections
import SwitchyardCore
import SwitchyardEmulator
import Testing

/// Every shipped descriptor against the emulator, through the descriptor's own templates and
/// paths: what the generic adapter will do with each provider works here first.
@Suite(.timeLimit(.minutes(1))) struct ShippedDescriptorConformanceTests {
    static let providers = ["veo3", "runway", "nano-banana"]

    /// The body field that carries the image in each descriptor's submit template.
    static let imageField = ["veo3": "image", "runway": "promptImage", "nano-banana": "image_url"]

    /// A failure code in each provider's vocabulary that its descriptor maps to content_policy.
    static let safetyCode = ["veo3": "safety.input_image", "runway": "SAFETY.INPUT.IMAGE", "nano-banana": "content_policy_violation"]

    @Test(arguments: providers) func aJobRunsToItsResult(provider: String) async throws {
        try await EmulatorHarness.withEmulator { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (accepted, job) = try await driver.submit()
            let submitted = try #require(job, "\(accepted.status): \(accepted.text)")
            let (states, last) = try await driver.pollUntilFinal(submitted)
            #expect(states.last == .succeeded, "\(states)")
            #expect(Set(states).isSubset(of: [.queued, .running, .succeeded]))

            var resultAnswer = try #require(last.json)
            if let fetch = driver.descriptor.result.fetch {
                let reply = try await driver.send(fetch, job: submitted)
                #expect(reply.status == 200, "\(reply.text)")
                resultAnswer = try #require(reply.json)
            }
            let outputs = driver.descriptor.result.outputs
            let videoURL = try #require(outputs.first.flatMap { $0.path.first(resultAnswer)?.stringValue }, "\(resultAnswer)")
            #expect(videoURL.hasPrefix(endpoint.baseURL(for: EmulatedProvider(id: provider)!) + "/files/"))
            for output in outputs {
                #expect(output.path.first(resultAnswer) != nil, "\(output.name) missing in \(resultAnswer)")
            }
            if let durationPath = driver.descriptor.result.durationPath {
                #expect(durationPath.first(resultAnswer) == 30)
            }
            let video = try await EmulatorHarness.send(.GET, videoURL)
            #expect(video.status == 200)
            #expect(video.headers.first(name: "Content-Type") == "video/mp4")
        }
    }

    @Test(arguments: providers) func aWrongKeyIsRefusedWith401(provider: String) async throws {
        try await EmulatorHarness.withEmulator { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (reply, job) = try await driver.submit(key: "sk-not-the-key")
            #expect(reply.status == 401 && job == nil)
            let answer = try #require(reply.json)
            #expect(driver.errorMessage(of: answer) != nil, "\(reply.text)")
            #expect(!reply.text.contains("sk-not-the-key"))
        }
    }

    @Test(arguments: providers) func aScripted429CarriesRetryAfter(provider: String) async throws {
        let scenario = "providers:\n  \(provider):\n    faults:\n      - {status: 429, retry_after: 1500ms, probability: 1}"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (reply, job) = try await driver.submit()
            #expect(reply.status == 429 && job == nil)
            #expect(reply.headers.first(name: "Retry-After") == "2")
            let answer = try #require(reply.json)
            #expect(driver.errorMessage(of: answer) != nil, "\(reply.text)")
        }
    }

    @Test(arguments: providers) func aJobAcceptedThenFailedReportsItsCode(provider: String) async throws {
        let code = try #require(Self.safetyCode[provider])
        let scenario = """
            providers:
              \(provider):
                latency: 20ms
                faults: [{job_failure: "\(code)", message: "The image shows a real person.", probability: 1}]
            """
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (accepted, job) = try await driver.submit()
            let submitted = try #require(job, "\(accepted.status): \(accepted.text)")
            let (states, last) = try await driver.pollUntilFinal(submitted)
            #expect(states.last == .failed)
            let answer = try #require(last.json)
            #expect(driver.errorCode(of: answer).code == code)
            #expect(driver.errorCode(of: answer).outcome == "content_policy")
            #expect(driver.errorMessage(of: answer) == "The image shows a real person.")
        }
    }

    @Test(arguments: providers) func aContentPolicyRejectionMapsToContentPolicy(provider: String) async throws {
        let scenario = "providers:\n  \(provider):\n    faults: [{error: content_policy, probability: 1}]"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (reply, job) = try await driver.submit()
            #expect((400..<500).contains(reply.status) && job == nil, "\(reply.status)")
            let answer = try #require(reply.json)
            #expect(driver.errorCode(of: answer).outcome == "content_policy", "\(reply.text)")
            #expect(driver.errorMessage(of: answer) != nil)
        }
    }

    @Test(arguments: providers) func aBodyWithoutItsImageIsRefused(provider: String) async throws {
        try await EmulatorHarness.withEmulator { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            var body = try #require(try driver.body(driver.descriptor.submit.request)?.objectValue)
            let field = try #require(Self.imageField[provider])
            body[field] = nil
            let (reply, job) = try await driver.submit(body: .object(body))
            #expect(job == nil)
            #expect(reply.status == (provider == "nano-banana" ? 422 : 400), "\(reply.text)")
            let answer = try #require(reply.json)
            let message = try #require(driver.errorMessage(of: answer), "\(reply.text)")
            #expect(message.contains(field))
        }
    }

    @Test(arguments: providers) func aCanceledJobStaysCanceled(provider: String) async throws {
        let scenario = "providers:\n  \(provider): {latency: 1h}"
        try await EmulatorHarness.withEmulator(scenario) { endpoint in
            let driver = try DescriptorDriver.shipped(provider, at: endpoint)
            let (_, job) = try await driver.submit()
            let submitted = try #require(job)
            let cancel = try #require(driver.descriptor.cancel)
            let reply = try await driver.send(cancel, job: submitted)
            #expect((200..<300).contains(reply.status), "\(reply.text)")
            let pollSpec = try #require(driver.descriptor.poll)
            let poll = try await driver.send(pollSpec.request, job: submitted)
            let answer = try #require(poll.json)
            let state = driver.state(of: answer)
            // fal reports a canceled request as completed with an error.
            #expect(state == (provider == "nano-banana" ? .failed : .canceled), "\(poll.text)")
        }
    }
}
