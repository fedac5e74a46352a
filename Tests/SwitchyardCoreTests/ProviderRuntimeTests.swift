import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct ProviderRuntimeTests {
    let t0 = Timestamp(millisecondsSinceEpoch: 1_000_000)

    func at(_ seconds: Double) -> Timestamp { t0 + .milliseconds(Int64(seconds * 1000)) }

    @Test func tokenBucketRefillsAtItsRate() {
        var bucket = TokenBucket(requestsPerMinute: 60, at: t0)
        for _ in 0..<60 {
            let r1 = bucket.tryAcquire(at: t0)
            #expect(r1)
        }
        let r2 = bucket.tryAcquire(at: t0)
        #expect(!r2)
        let r3 = bucket.nextToken(at: t0)
        #expect(r3 == at(1))
        let r4 = bucket.tryAcquire(at: at(0.5))
        #expect(!r4)
        let r5 = bucket.tryAcquire(at: at(1))
        #expect(r5)
    }

    @Test func aThrottleBlocksUntilRetryAfter() {
        var bucket = TokenBucket(requestsPerMinute: 600, at: t0)
        bucket.throttle(until: at(7), at: t0)
        let r6 = bucket.tryAcquire(at: at(6.9))
        #expect(!r6)
        // Empty when the block lifts: the first token comes a tenth of a second later, no burst.
        let r7 = bucket.nextToken(at: at(1))
        #expect(r7 == at(7.1))
        let r8 = bucket.tryAcquire(at: at(7))
        #expect(!r8)
        let r9 = bucket.tryAcquire(at: at(7.1))
        #expect(r9)
        let r10 = bucket.tryAcquire(at: at(7.1))
        #expect(!r10)
    }

    @Test func anAnsweringProbeClosesAHalfOpenBreaker() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(consecutiveFailures: 1, cooldown: .seconds(10)))
        breaker.record(failed: true, at: t0)
        let probe = breaker.allow(at: at(10))
        #expect(probe)
        // A 429 or a 4xx says the provider is up.
        breaker.recordAnswered(at: at(11))
        #expect(breaker.state == .closed)
    }

    @Test func anAbandonedProbeExpires() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(consecutiveFailures: 1, cooldown: .seconds(10)))
        breaker.record(failed: true, at: t0)
        let first = breaker.allow(at: at(10))
        let blocked = breaker.allow(at: at(15))
        let second = breaker.allow(at: at(20))
        #expect(first && !blocked && second)
    }

    @Test func breakerOpensOnConsecutiveFailuresAndProbesAfterCooldown() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(consecutiveFailures: 3, cooldown: .seconds(30)))
        for second in 0..<3 { breaker.record(failed: true, at: at(Double(second))) }
        #expect(breaker.state == .open(until: at(32)))
        let r9 = breaker.allow(at: at(10))
        #expect(!r9)
        #expect(!breaker.isAvailable(at: at(10)))
        #expect(breaker.reason(at: at(12)) == "circuit open for 20s more")
        // After the cooldown one probe goes through, and only one.
        let r10 = breaker.allow(at: at(32))
        #expect(r10)
        let r11 = breaker.allow(at: at(32))
        #expect(!r11)
        breaker.record(failed: false, at: at(33))
        #expect(breaker.state == .closed)
    }

    @Test func aFailedProbeReopens() {
        var breaker = CircuitBreaker(settings: CircuitBreakerSettings(consecutiveFailures: 1, cooldown: .seconds(10)))
        breaker.record(failed: true, at: t0)
        let r12 = breaker.allow(at: at(10))
        #expect(r12)
        breaker.record(failed: true, at: at(11))
        #expect(breaker.state == .open(until: at(21)))
    }

    @Test func breakerOpensOnFailureRateOverItsWindow() {
        var breaker = CircuitBreaker(
            settings: CircuitBreakerSettings(
                consecutiveFailures: 100, failureRate: 0.5, window: .seconds(60), minimumCalls: 10, cooldown: .seconds(5)))
        // Alternating: never 2 failures in a row, but half of every window fails.
        for index in 0..<9 { breaker.record(failed: index % 2 == 0, at: at(Double(index))) }
        #expect(breaker.state == .closed)
        breaker.record(failed: false, at: at(9))
        breaker.record(failed: true, at: at(10))
        #expect(breaker.state == .open(until: at(15)))
    }

    @Test func oldOutcomesLeaveTheWindow() {
        var breaker = CircuitBreaker(
            settings: CircuitBreakerSettings(consecutiveFailures: 100, failureRate: 0.5, window: .seconds(10), minimumCalls: 4, cooldown: .seconds(5))
        )
        for index in 0..<3 { breaker.record(failed: true, at: at(Double(index))) }
        for index in 0..<3 { breaker.record(failed: false, at: at(Double(index) + 3)) }
        // The failures are 20 s old: one more failure is 1 in 4.
        breaker.record(failed: true, at: at(25))
        #expect(breaker.state == .closed)
    }

    func gate(rpm: Int? = nil, concurrent: Int? = nil) throws -> ProviderGate {
        var descriptor = try #require(shippedConfig().provider("runway"))
        descriptor.limits.requestsPerMinute = rpm
        descriptor.limits.maxConcurrent = concurrent
        descriptor.circuitBreaker = CircuitBreakerSettings(consecutiveFailures: 2, cooldown: .seconds(30))
        return ProviderGate(provider: descriptor, at: t0)
    }

    @Test func concurrencyCapQueuesOrSkipsAsThePolicySays() throws {
        var gate = try gate(concurrent: 1)
        let r13 = gate.request(at: t0, waitingSince: t0, queueing: .skip)
        #expect(r13 == .proceed)
        let r14 = gate.request(at: t0, waitingSince: t0, queueing: .skip)
        #expect(r14 == .reject(reason: "at max_concurrent 1"))
        #expect(gate.request(at: at(2), waitingSince: t0, queueing: .queue(maxWait: .seconds(10))) == .wait(until: at(10)))
        #expect(
            gate.request(at: at(10), waitingSince: t0, queueing: .queue(maxWait: .seconds(10))) == .reject(reason: "waited 10s at max_concurrent 1"))
        gate.release()
        #expect(gate.request(at: at(3), waitingSince: t0, queueing: .queue(maxWait: .seconds(10))) == .proceed)
        #expect(gate.inFlight == 1)
    }

    @Test func rateLimitWaitsForTheNextToken() throws {
        var gate = try gate(rpm: 1)
        let r15 = gate.request(at: t0, waitingSince: t0, queueing: .default)
        #expect(r15 == .proceed)
        gate.release()
        #expect(gate.request(at: at(1), waitingSince: at(1), queueing: .queue(maxWait: .seconds(120))) == .wait(until: at(60)))
        // A 429 counts against the limiter, not the breaker.
        gate.record(.rateLimited(retryAfter: .seconds(90)), at: at(1))
        #expect(gate.breaker.state == .closed)
        // Blocked until 91 s, then empty: one request a minute gives the next token at 151 s.
        #expect(gate.request(at: at(2), waitingSince: at(2), queueing: .queue(maxWait: .seconds(300))) == .wait(until: at(151)))
    }

    @Test func anOpenCircuitRejectsAndMarksTheProviderUnavailable() throws {
        var gate = try gate()
        gate.record(.failure, at: t0)
        gate.record(.failure, at: t0)
        let r16 = gate.request(at: at(1), waitingSince: at(1), queueing: .default)
        #expect(r16 == .reject(reason: "circuit open for 29s more"))
        #expect(gate.status(at: at(1)) == WorldState.ProviderStatus(available: false, reason: "circuit open for 29s more"))
        #expect(gate.status(at: at(30)).available)
    }

    @Test func descriptorAndPolicySettingsDecode() throws {
        let yaml = descriptorYAML(
            extra: "circuit_breaker: {consecutive_failures: 3, failure_rate: 0.25, window: 2m, minimum_calls: 20, cooldown: 45s}")
        let policy = policyYAML(extra: "concurrency: {when_full: skip}")
        let config = try #require(load(providers: ["providers.d/alpha.yaml": yaml], policies: ["routes/demo.yaml": policy]).config)
        #expect(
            config.provider("alpha")?.circuitBreaker
                == CircuitBreakerSettings(consecutiveFailures: 3, failureRate: 0.25, window: .seconds(120), minimumCalls: 20, cooldown: .seconds(45)))
        #expect(config.policies.first?.queueing == .skip)
        #expect(try shippedConfig().policies.first?.queueing == .queue(maxWait: .seconds(10)))
    }
}
