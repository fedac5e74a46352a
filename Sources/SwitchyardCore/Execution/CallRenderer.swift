/// Renders a descriptor's call templates into concrete HTTP requests.
struct CallRenderer {
    let variables: TemplateVariables

    private var provider: ProviderDescriptor { variables.provider }

    func render(_ spec: HTTPRequestSpec, purpose: OutboundCall.Purpose, id: CallID) throws(TemplateError) -> OutboundCall {
        let lookup = { (name: String) in variables.value(name) }
        let url: String
        switch spec.target {
        case .path(let template): url = provider.baseURL + (try template.renderString(lookup, escape: Self.percentEncodePath))
        case .url(let template): url = try template.renderString(lookup)
        }
        var headers: [OutboundCall.HeaderField] = []
        for header in provider.headers + spec.headers {
            headers.append(OutboundCall.HeaderField(name: header.name, value: try header.value.renderString(lookup)))
        }
        var body: String?
        if let template = spec.body {
            body = try template.render(lookup).jsonString()
            if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(OutboundCall.HeaderField(name: "Content-Type", value: "application/json"))
            }
        }
        if purpose == .submit, let name = provider.submit.idempotencyHeader {
            headers.append(OutboundCall.HeaderField(name: name, value: variables.idempotencyKey))
        }
        return OutboundCall(
            id: id, provider: provider.id, purpose: purpose, method: spec.method, url: url, headers: headers, body: body,
            timeout: provider.limits.timeout)
    }

    /// The call without its URL, headers and body, after checking that ``render(_:purpose:id:)``
    /// would succeed: every variable its templates read has a value.
    func checked(_ spec: HTTPRequestSpec, purpose: OutboundCall.Purpose, id: CallID) throws(TemplateError) -> OutboundCall {
        let present = variables.present
        switch spec.target {
        case .path(let template), .url(let template): try check(template, present)
        }
        for header in provider.headers { try check(header.value, present) }
        for header in spec.headers { try check(header.value, present) }
        if let body = spec.body { try check(body, present) }
        return OutboundCall(
            id: id, provider: provider.id, purpose: purpose, method: spec.method, url: "", headers: [], body: nil, timeout: provider.limits.timeout)
    }

    private func check(_ template: Template, _ present: KnownVariables) throws(TemplateError) {
        if let name = variables.missing(in: template, present: present) { throw Template.missing(name) }
    }

    /// Keeps what RFC 3986 allows in a path (so ids like `models/x/operations/1` stay readable)
    /// and percent-encodes the rest.
    static func percentEncodePath(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case _ where "-._~!$&'()*+,;=:@/".utf8.contains(byte):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                output += "%"
                output.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                output.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return output
    }
}
