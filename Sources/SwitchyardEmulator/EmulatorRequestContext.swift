import Hummingbird
import NIOCore

/// The request context of the emulator's routes: Hummingbird's core storage plus the
/// connection, which a fault may hold open or reset.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
