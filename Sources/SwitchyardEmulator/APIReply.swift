import HTTPTypes
import Hummingbird
import NIOCore
import SwitchyardCore

/// One answer of an emulated API, before it becomes a Hummingbird response.
struct APIReply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    /// A JSON answer.
    init(_ status: HTTPResponse.Status, json: JSONValue, headers: HTTPFields = [:]) {
        self.init(status, text: json.jsonString(), contentType: "application/json", headers: headers)
    }

    /// An answer whose body is `text`, sent as is.
    init(_ status: HTTPResponse.Status, text: String, contentType: String, headers: HTTPFields = [:]) {
        self.status = status
        self.headers = headers
        self.headers[.contentType] = contentType
        body = ByteBuffer(string: text)
    }

    /// An answer with no body, such as Runway's 204 to a cancel.
    init(_ status: HTTPResponse.Status) {
        self.status = status
        headers = [:]
        body = ByteBuffer()
    }

    /// A binary answer, for the files the returned URLs point at.
    init(_ status: HTTPResponse.Status, bytes: [UInt8], contentType: String) {
        self.status = status
        headers = [.contentType: contentType]
        body = ByteBuffer(bytes: bytes)
    }

    var response: Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension HTTPResponse.Status {
    /// The status with its standard reason phrase, for the statuses scenarios use.
    static func standard(_ code: Int) -> HTTPResponse.Status {
        let known: [HTTPResponse.Status] = [
            .badRequest, .unauthorized, HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), .forbidden, .notFound, .methodNotAllowed,
            .requestTimeout, .conflict,
            .gone, .contentTooLarge, .unsupportedMediaType, .unprocessableContent, .tooManyRequests, .internalServerError,
            .notImplemented, .badGateway, .serviceUnavailable, .gatewayTimeout,
        ]
        return known.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }
}

/// A request the provider refuses, thrown from deep in a handler and answered by ``CallPipeline``.
struct Refusal: Error {
    let reply: APIReply

    init(_ reply: APIReply) { self.reply = reply }
}
