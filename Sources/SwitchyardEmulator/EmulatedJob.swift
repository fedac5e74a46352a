import OrderedCollections
import SwitchyardCore

/// A job an emulated provider accepted: its life under the scenario and what was asked.
struct EmulatedJob: Sendable {
    let id: String
    let provider: EmulatedProvider
    var timeline: ScenarioJob
    /// The output length asked for; the result reports it.
    let durationSeconds: Int
    /// The request's small fields (never the image), for result details such as quality metrics.
    let details: JSONObject
}

/// What a validated submit asks for.
struct JobRequest: Sendable {
    var durationSeconds: Int
    var details: JSONObject
}
