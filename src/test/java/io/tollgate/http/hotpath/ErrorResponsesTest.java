package io.tollgate.http.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.ratelimit.RateLimiterUnavailableException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.handler.HttpException;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
  @Test
  void ourOwnErrorsKeepTheirCodeEvenWhenWrapped() {
    ApiException used = new ApiException(ErrorCode.TX_HASH_ALREADY_USED);
    assertThat(ErrorResponses.classify(500, used)).isSameAs(used);
    assertThat(ErrorResponses.classify(500, new HttpException(400, used)).error()).isEqualTo(ErrorCode.TX_HASH_ALREADY_USED);
  }

  @Test
  void dependencyOutagesAre503AndUnknownFailures500() {
    assertThat(ErrorResponses.classify(500, new RateLimiterUnavailableException("down", null)).error())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorResponses.classify(500, new IllegalStateException("bug")).error()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void anUnreachableOrStoppingDatabaseIs503NotAFaultOfOurs() {
    for (Throwable down : java.util.List.of(
        new java.net.ConnectException("Connection refused"),
        new RuntimeException("pool", new java.net.ConnectException("Connection refused")),
        new io.vertx.pgclient.PgException("terminating connection due to administrator command", "FATAL", "57P01", null),
        new io.vertx.pgclient.PgException("the database system is starting up", "FATAL", "57P03", null),
        new io.vertx.pgclient.PgException("connection failure", "FATAL", "08006", null),
        new io.vertx.pgclient.PgException("sorry, too many clients already", "FATAL", "53300", null))) {
      assertThat(ErrorResponses.classify(500, down).error()).as(down.toString()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
    assertThat(ErrorResponses.classify(500,
        new io.vertx.pgclient.PgException("syntax error", "ERROR", "42601", null)).error()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void routingAndParsingFailuresMapTo4xx() {
    assertThat(ErrorResponses.classify(404, null).error()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ErrorResponses.classify(405, null).error()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(ErrorResponses.classify(403, new IllegalStateException("CORS Rejected - Invalid origin")).error())
        .isEqualTo(ErrorCode.ORIGIN_NOT_ALLOWED);
    assertThat(ErrorResponses.classify(413, new HttpException(413)).error()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(ErrorResponses.classify(400, new HttpException(400, new DecodeException("bad"))).error())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
  }

  @Test
  void aRequestTheClientBrokeIsA400NotAnInternalError() {
    assertThat(ErrorResponses.classify(500, new io.vertx.core.http.HttpClosedException("Connection was closed")).error())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    NumberFormatException badChunk = new NumberFormatException("Invalid character in chunk size");
    badChunk.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("io.netty.handler.codec.http.HttpObjectDecoder", "getChunkSize", "HttpObjectDecoder.java", 1),
        new StackTraceElement("io.netty.handler.codec.http.HttpObjectDecoder", "decode", "HttpObjectDecoder.java", 2)});
    assertThat(ErrorResponses.classify(500, badChunk).error()).isEqualTo(ErrorCode.INVALID_REQUEST);
    // the same exception thrown by our own code is still our fault
    assertThat(ErrorResponses.classify(500, new NumberFormatException("For input string: x")).error())
        .isEqualTo(ErrorCode.INTERNAL);
  }
}
