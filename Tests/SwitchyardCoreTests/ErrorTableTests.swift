import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct ErrorTableTests {
    let table: ErrorTable

    init() throws {
        table = try #require(shippedConfig().policy("talkingphoto")).onError
    }

    func action(status: Int? = nil, _ outcomes: String...) -> ErrorAction? {
        table.resolve(status: status, outcomes: outcomes)?.action
    }

    @Test func shippedTableFollowsTheDesign() {
        #expect(
            action(status: 401)
                == .fail(FailAction(message: "The video service rejected our credentials. Please try again later.", code: "provider_auth_failed")))
        #expect(action(status: 429, "rate_limited") == .retry(RetryAction(attempts: 2, delay: .retryAfter, then: .fallback)))
        #expect(action(status: 503) == .fallback)
        #expect(action("timeout") == .retry(RetryAction(attempts: 1, delay: .fixed, interval: .seconds(2), then: .fallback)))
        #expect(action("connection") == .fallback)
        #expect(action("job_failed") == .fallback)
        if case .fail(let fail) = action("content_policy") {
            #expect(fail.code == "content_policy")
        } else {
            Issue.record("content policy must fail")
        }
        if case .fail(let fail) = action(status: 422) { #expect(fail.code == "request_rejected") } else { Issue.record("422 must fail") }
    }

    @Test func providerCodesBeatStatusesAndStatusesBeatClasses() {
        let custom = ErrorTable(entries: [
            .init(key: .outcome("invalid_asset"), action: .fail(FailAction(message: "bad image", code: "bad_image")), location: nil),
            .init(key: .status(400), action: .fallback, location: nil),
            .init(key: .statusClass(4), action: .fail(FailAction(message: "no", code: "no")), location: nil),
        ])
        #expect(custom.resolve(status: 400, outcomes: ["invalid_asset"])?.action == .fail(FailAction(message: "bad image", code: "bad_image")))
        #expect(custom.resolve(status: 400, outcomes: [])?.action == .fallback)
        #expect(custom.resolve(status: 404, outcomes: [])?.action == .fail(FailAction(message: "no", code: "no")))
    }

    @Test func defaultsApplyToOutcomesLeftOut() {
        let empty = ErrorTable()
        #expect(
            empty.resolve(status: 429, outcomes: ["rate_limited"])?.action == .retry(RetryAction(attempts: 1, delay: .retryAfter, then: .fallback)))
        #expect(empty.resolve(status: 500, outcomes: [])?.action == .fallback)
        #expect(empty.resolve(status: nil, outcomes: ["timeout"])?.action == .fallback)
        #expect(empty.resolve(status: nil, outcomes: ["connection"])?.action == .fallback)
        #expect(empty.resolve(status: nil, outcomes: ["job_failed"])?.action == .fallback)
        let contentPolicy = empty.resolve(status: nil, outcomes: ["content_policy"])
        #expect(contentPolicy != nil && contentPolicy?.location == nil)
        // A 429 is a rate limit even when no descriptor maps it.
        #expect(empty.resolve(status: 429, outcomes: [])?.action == .retry(RetryAction(attempts: 1, delay: .retryAfter, then: .fallback)))
        if case .fail(let fail)? = empty.resolve(status: 404, outcomes: [])?.action {
            #expect(fail.code == "request_rejected")
        } else {
            Issue.record("404 must fail")
        }
    }

    @Test func retryDelaysAreBounded() {
        let retry = RetryAction(attempts: 4, delay: .exponential, interval: .seconds(1), factor: 2, jitter: 0, maxDelay: .seconds(5), then: .fallback)
        #expect(retry.worstCaseDelay == .seconds(1 + 2 + 4 + 5))
        // Many attempts stop growing at the cap instead of overflowing.
        let many = RetryAction(attempts: 100, delay: .exponential, interval: .seconds(1), factor: 10, maxDelay: .seconds(60), then: .fallback)
        #expect(many.worstCaseDelay <= .seconds(100 * 60))
    }
}
