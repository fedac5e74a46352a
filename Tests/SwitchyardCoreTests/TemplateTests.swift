import Foundation
import Testing

@testable import SwitchyardCore

@Suite struct TemplateTests {
    let variables: [String: JSONValue] = ["prompt": "Say \"hi\"\n", "duration_s": 30, "features.lip_sync": true, "job.id": "a/b"]

    @Test func wholeValuePlaceholdersKeepTheirType() throws {
        let template = try Template(
            json: ["seconds": "{{duration_s}}", "sync": "{{features.lip_sync}}", "label": "{{duration_s}}s"], scope: .request)
        let rendered = try template.render { variables[$0] }
        #expect(rendered == ["seconds": 30, "sync": true, "label": "30s"])
        #expect(rendered.jsonString() == #"{"seconds":30,"sync":true,"label":"30s"}"#)
    }

    @Test func substitutedStringsAreJSONEscaped() throws {
        let template = try Template(json: ["text": "{{prompt}}", "quoted": "<{{prompt}}>"], scope: .request)
        #expect(try template.render { variables[$0] }.jsonString() == #"{"text":"Say \"hi\"\n","quoted":"<Say \"hi\"\n>"}"#)
    }

    @Test func unknownVariablesFailToCompile() {
        #expect(throws: TemplateError.self) { try Template(string: "/jobs/{{job.id}}", scope: .request) }
        do {
            _ = try Template(string: "x {{promt}}", scope: .request)
        } catch {
            #expect(error.message.hasPrefix("unknown template variable 'promt'; did you mean 'prompt'?"))
            #expect(error.offset == 2)
        }
    }

    @Test func malformedPlaceholdersFailToCompile() {
        #expect(throws: TemplateError.self) { try Template(string: "{{prompt", scope: .request) }
        #expect(throws: TemplateError.self) { try Template(string: "prompt}}", scope: .request) }
        #expect(throws: TemplateError.self) { try Template(string: "{{ two words }}", scope: .request) }
    }

    @Test func stringTemplatesEscapeSubstitutions() throws {
        let template = try Template(string: "/jobs/{{job.id}}/status", scope: .job)
        #expect(try template.renderString({ variables[$0] }, escape: { $0.replacingOccurrences(of: "/", with: "%2F") }) == "/jobs/a%2Fb/status")
        #expect(template.variables == ["job.id"])
    }

    @Test func missingValuesFailToRender() throws {
        let template = try Template(string: "{{image.url}}", scope: .request)
        #expect(throws: TemplateError.self) { try template.render { variables[$0] } }
    }

    @Test func metadataIsAnOpenNamespace() throws {
        let template = try Template(string: "{{metadata.campaign}}", scope: .request)
        #expect(try template.render { $0 == "metadata.campaign" ? "spring" : nil } == "spring")
    }
}
