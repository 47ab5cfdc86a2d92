package io.tollgate.http.hotpath;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * An HTTP server's metrics that leave status polls out (see {@link StatusPollMetrics}): a poll's
 * request metric is the {@link #POLL} marker, whose events only count the answer's status code;
 * every other request, and every connection-level event, goes to the delegate as it came.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class PollSkippingServerMetrics implements HttpServerMetrics<Object, Object, Object> {
  /** The request metric of a status poll. */
  static final Object POLL = new Object() {
    @Override
    public String toString() {
      return "status poll";
    }
  };

  private final HttpServerMetrics delegate;
  private final StatusPollMetrics.PollCounts polls;

  PollSkippingServerMetrics(HttpServerMetrics<?, ?, ?> delegate, StatusPollMetrics.PollCounts polls) {
    this.delegate = delegate;
    this.polls = polls;
  }

  @Override
  public Object requestBegin(Object socketMetric, HttpRequest request) {
    return StatusPollMetrics.isStatusPoll(request) ? POLL : delegate.requestBegin(socketMetric, request);
  }

  @Override
  public void requestEnd(Object requestMetric, HttpRequest request, long bytesRead) {
    if (requestMetric != POLL) delegate.requestEnd(requestMetric, request, bytesRead);
  }

  @Override
  public void requestReset(Object requestMetric) {
    if (requestMetric != POLL) delegate.requestReset(requestMetric);
  }

  @Override
  public void responseBegin(Object requestMetric, HttpResponse response) {
    if (requestMetric != POLL) delegate.responseBegin(requestMetric, response);
  }

  @Override
  public void responseEnd(Object requestMetric, HttpResponse response, long bytesWritten) {
    if (requestMetric == POLL) {
      polls.count(response.statusCode());
    } else {
      delegate.responseEnd(requestMetric, response, bytesWritten);
    }
  }

  @Override
  public void requestRouted(Object requestMetric, String route) {
    if (requestMetric != POLL) delegate.requestRouted(requestMetric, route);
  }

  @Override
  public Object responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
    return delegate.responsePushed(socketMetric, method, uri, response);
  }

  @Override
  public Object connected(Object socketMetric, Object requestMetric, ServerWebSocket serverWebSocket) {
    return requestMetric == POLL ? null : delegate.connected(socketMetric, requestMetric, serverWebSocket);
  }

  @Override
  public void disconnected(Object serverWebSocketMetric) {
    if (serverWebSocketMetric != null) delegate.disconnected(serverWebSocketMetric);
  }

  @Override
  public Object connected(SocketAddress remoteAddress, String remoteName) {
    return delegate.connected(remoteAddress, remoteName);
  }

  @Override
  public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
    delegate.disconnected(socketMetric, remoteAddress);
  }

  @Override
  public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    delegate.bytesRead(socketMetric, remoteAddress, numberOfBytes);
  }

  @Override
  public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    delegate.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
  }

  @Override
  public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
    delegate.exceptionOccurred(socketMetric, remoteAddress, t);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
