import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a client may take over its connection when it is not being answered.
public struct ConnectionTimeouts: Sendable, Hashable {
    /// A request head (request line and headers) must be complete this long after the connection
    /// opened, or after the first byte of the next request on a kept-alive connection; otherwise
    /// the connection is closed. An idle timeout alone does not catch a client that trickles its
    /// head a byte at a time.
    public var requestHeadTimeout: Duration
    /// A kept-alive connection with no request in progress is closed after this long; so is one
    /// whose request body stops arriving for this long (Hummingbird's idle timeout).
    public var idleTimeout: Duration

    public static let defaultRequestHeadTimeout: Duration = .seconds(30)
    public static let defaultIdleTimeout: Duration = .seconds(60)

    public init(requestHeadTimeout: Duration = Self.defaultRequestHeadTimeout, idleTimeout: Duration = Self.defaultIdleTimeout) {
        self.requestHeadTimeout = requestHeadTimeout
        self.idleTimeout = idleTimeout
    }

    /// The HTTP/1.1 server with both bounds in its connections' pipelines.
    var serverBuilder: HTTPServerBuilder {
        let headTimeout = TimeAmount(requestHeadTimeout)
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestHeadDeadlineHandler(timeout: headTimeout)],
                idleTimeout: TimeAmount(idleTimeout)))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Closes a connection whose request head is not complete within `timeout`.
///
/// It sits after the HTTP decoder, so it sees a `.head` part only once the whole head has
/// arrived; `channelReadComplete` still reaches it after every read from the socket, which is how
/// it learns that the bytes of a new head have started to arrive. The deadline runs from the
/// connection's start, and on a kept-alive connection from the first read after the last response
/// (an idle kept-alive connection, or one that pipelined part of a head and then went silent, is
/// left to the idle timeout).
final class RequestHeadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let timeout: TimeAmount
    /// Heads read minus responses finished: a head is awaited when this is 0.
    private var requestsInProgress = 0
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            requestsInProgress += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Bytes arrived and no request is in progress: a head has started and is not complete
        // (a complete one would have come through channelRead first).
        if requestsInProgress == 0 { arm(context) }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // The next head's deadline starts with its first bytes (a client that sends none is
            // left to the idle timeout).
            requestsInProgress = max(0, requestsInProgress - 1)
        }
        context.write(data, promise: promise)
    }

    /// Starts the deadline unless one is running.
    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        deadline = loop.scheduleTask(in: timeout) { [self] in
            deadline = nil
            guard requestsInProgress == 0, context.channel.isActive else { return }
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestHeadDeadlineHandler: Sendable {}
