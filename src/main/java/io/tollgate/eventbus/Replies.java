package io.tollgate.eventbus;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.api.Unavailability;
import io.tollgate.telemetry.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply over the event bus without losing typed failures: a consumer's
 * {@link ApiException} travels as a failure code (its HTTP status) and message (its error code name
 * and detail) and is rebuilt on the sender's side; an unreachable database becomes a 503
 * ({@link Unavailability}), anything else a 500. The id of the HTTP request a request is sent for
 * travels with it ({@link RequestIds#HEADER}), so the consumer's log lines carry it too.
 */
public final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
  private static final String SEPARATOR = "|";

  private Replies() {}

  /** Replies with the outcome of {@code work}; always replies or fails, so no sender waits for a timeout. */
  public static <T> void respond(Message<?> message, Future<T> work) {
    work.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
        return;
      }
      ApiException api = ar.cause() instanceof ApiException typed ? typed : Unavailability.of(ar.cause());
      if (api == null) {
        LOG.error("handler of {} failed", message.address(), ar.cause());
        message.fail(500, ErrorCode.INTERNAL.name() + SEPARATOR);
        return;
      }
      if (api != ar.cause()) LOG.warn("handler of {} could not reach a dependency: {}", message.address(), ar.cause().toString());
      message.fail(api.error().httpStatus(), api.error().name() + SEPARATOR + (api.detail() == null ? "" : api.detail()));
    });
  }

  /**
   * A consumer's handler that replies with the outcome of {@code work}, run with the sender's
   * request id bound ({@link RequestIds#bind}): what it logs names the HTTP request it serves.
   */
  public static <M> Handler<Message<M>> responding(java.util.function.Function<Message<M>, Future<?>> work) {
    return message -> {
      String requestId = message.headers().get(RequestIds.HEADER);
      if (requestId != null) RequestIds.bind(requestId);
      respond(message, work.apply(message));
    };
  }

  public static <T> Future<T> request(EventBus bus, String address, Object body, DeliveryOptions options) {
    String requestId = RequestIds.current();
    if (requestId != null) options = new DeliveryOptions(options).addHeader(RequestIds.HEADER, requestId);
    return bus.<T>request(address, body, options)
        .map(Message::body)
        .recover(e -> Future.failedFuture(toApiException(e)));
  }

  private static Throwable toApiException(Throwable e) {
    if (!(e instanceof ReplyException reply)) return e;
    if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return new ApiException(ErrorCode.UNAVAILABLE, reply.failureType().name().toLowerCase());
    }
    String text = reply.getMessage() == null ? "" : reply.getMessage();
    int split = text.indexOf(SEPARATOR);
    try {
      ErrorCode code = ErrorCode.valueOf(split < 0 ? text : text.substring(0, split));
      String detail = split < 0 || split == text.length() - 1 ? null : text.substring(split + 1);
      return new ApiException(code, detail);
    } catch (IllegalArgumentException unknown) {
      return new ApiException(ErrorCode.INTERNAL);
    }
  }
}
