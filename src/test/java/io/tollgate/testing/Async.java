package io.tollgate.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a Vert.x {@link Future} from a test thread: the one way tests block on async code.
 *
 * <pre>{@code
 * RowSet<Row> rows = await(pool.query("SELECT 1").execute());          // the result, or throws
 * Throwable cause = awaitFailure(service.create(...));                  // the failure, or throws
 * assertThat(cause).isInstanceOf(ApiException.class);
 * }</pre>
 *
 * A future that fails makes {@link #await} throw {@link FutureFailedException}, whose cause is the
 * future's own cause (so {@code hasRootCauseMessage}, {@code hasCauseInstanceOf} work) and whose
 * message names it. A future that never completes fails the test after the timeout instead of
 * hanging the build. Never call these on an event-loop thread: they block.
 */
public final class Async {
  /** Long enough for a loaded CI machine, short enough that a hung future is noticed. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private Async() {}

  /** The future's result; throws {@link FutureFailedException} if it failed, {@link AssertionError} on timeout. */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT_TIMEOUT);
  }

  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return completion(future).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new FutureFailedException(cause);
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a future", e);
    }
  }

  /** The cause the future failed with; throws {@link AssertionError} if it succeeded (naming its result) or timed out. */
  public static Throwable awaitFailure(Future<?> future) {
    return awaitFailure(future, DEFAULT_TIMEOUT);
  }

  public static Throwable awaitFailure(Future<?> future, Duration timeout) {
    Object result;
    try {
      result = await(future, timeout);
    } catch (FutureFailedException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail, but it succeeded with " + result);
  }

  /**
   * {@code request} made on an event loop of {@code vertx}. Vert.x 5.0.10's HTTP client, asked from
   * a test thread, now and then never answers (about 1 request in 250 in a loop here, none from an
   * event loop): tests that drive a Vert.x HTTP client themselves ask through this.
   */
  public static <T> Future<T> onLoop(io.vertx.core.Vertx vertx, java.util.function.Supplier<Future<T>> request) {
    if (Context.isOnEventLoopThread()) return request.get();
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> request.get().onComplete(done));
    return done.future();
  }

  private static <T> CompletableFuture<T> completion(Future<T> future) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Async.await blocks: call it from a test thread, never from an event loop");
    }
    return future.toCompletionStage().toCompletableFuture();
  }

  /** A future that failed, seen from a blocking test: the cause is the future's cause, unwrapped. */
  public static final class FutureFailedException extends RuntimeException {
    FutureFailedException(Throwable cause) {
      super("the future failed: " + cause, cause);
    }
  }
}
