import OrderedCollections
import Testing

@testable import SwitchyardCore
@testable import SwitchyardRuntime

@Suite struct RedactorTests {
    let redactor = Redactor(secrets: ["sk-live-123", "abab", "xyz"])

    @Test func everyOccurrenceOfEverySecretIsReplaced() {
        #expect(redactor.redact("key sk-live-123 and again sk-live-123!") == "key [redacted] and again [redacted]!")
        #expect(redactor.redact("sk-live-123sk-live-123") == "[redacted][redacted]")
        // A partial match before a whole one does not hide it.
        #expect(redactor.redact("aababab") == "a[redacted]ab")
        #expect(redactor.redact("é sk-live-123 ü") == "é [redacted] ü")
        #expect(redactor.redact("sk-live-12") == "sk-live-12")
    }

    @Test func secretsShorterThanFourCharactersAreLeftAlone() {
        #expect(redactor.redact("xyz xyz") == "xyz xyz")
    }

    @Test func eventsAndResultsAreRedactedThroughNestedValues() {
        let event = DecisionEvent(
            timestamp: Timestamp(millisecondsSinceEpoch: 0), event: "attempt_outcome", requestID: "r",
            fields: ["message": "bad key sk-live-123", "detail": ["nested": ["sk-live-123"]], "status": 401])
        let redacted = redactor(event)
        #expect(redacted.fields["message"] == "bad key [redacted]")
        #expect(redacted.fields["detail"] == ["nested": ["[redacted]"]])
        #expect(redacted.fields["status"] == 401)

        let result = ExecutionResult.failure(
            requestID: "r", action: FailAction(message: "echo abab", code: "x"), currency: "USD", attempts: 1)
        #expect(redactor(result).message == "echo [redacted]")
    }
}
