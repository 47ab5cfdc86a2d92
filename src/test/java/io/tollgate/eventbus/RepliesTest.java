package io.tollgate.eventbus;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failures keep their meaning across the event bus: ours by code, an unreachable database as a 503. */
class RepliesTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private Throwable failureOf(Throwable cause) {
    await(vertx.eventBus().consumer("test.replies", message -> Replies.respond(message, Future.failedFuture(cause)))
        .completion());
    return awaitFailure(Replies.request(vertx.eventBus(), "test.replies", "hello", new DeliveryOptions()));
  }

  @Test
  void anApiExceptionArrivesWithItsCodeAndDetail() {
    Throwable failure = failureOf(new ApiException(ErrorCode.PAYER_NOT_BOUND, "bind first"));
    assertThat(failure).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.error()).isEqualTo(ErrorCode.PAYER_NOT_BOUND);
      assertThat(e.detail()).isEqualTo("bind first");
    });
  }

  @Test
  void anUnreachableDatabaseArrivesAsUnavailableNotAsOurFault() {
    Throwable failure = failureOf(new RuntimeException("pool", new ConnectException("Connection refused")));
    assertThat(failure).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @Test
  void anythingElseIsInternal() {
    Throwable failure = failureOf(new IllegalStateException("bug"));
    assertThat(failure).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ErrorCode.INTERNAL));
  }
}
