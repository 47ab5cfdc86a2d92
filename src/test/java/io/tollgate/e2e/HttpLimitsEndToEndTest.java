package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Requests any client can send, over raw sockets (issue 22, item 1): every route with every kind
 * of body and content type, escapes and numbers a client can get wrong, malformed and pipelined
 * HTTP. None earns a 5xx or a logged error; slow header tricklers are cut off, and one address
 * cannot hold more than its share of connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLimitsEndToEndTest {
  private static final String ID = "00000000-0000-4000-8000-000000000001";
  private TollgateFixture app;
  private int port;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(Map.of("http.header-read-timeout-ms", "1000", "http.max-connections-per-address", "8",
        "http.instances", "1"));
    port = app.tollgate.httpPort();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void noRequestOfAnyShapeIsAnsweredWithA5xxOrLogsAnError() throws Exception {
    String[][] routes = {
        {"POST", "/v1/checkouts"}, {"GET", "/v1/checkouts/" + ID}, {"GET", "/v1/checkouts/" + ID + "/payment-options"},
        {"GET", "/v1/checkouts/" + ID + "/status"}, {"POST", "/v1/checkouts/" + ID + "/payments"},
        {"POST", "/v1/checkouts/" + ID + "/challenge"}, {"POST", "/v1/checkouts/" + ID + "/payer"},
        {"POST", "/v1/webhook-endpoints"}, {"GET", "/v1/webhook-endpoints"}, {"GET", "/v1/webhook-endpoints/" + ID},
        {"PATCH", "/v1/webhook-endpoints/" + ID}, {"DELETE", "/v1/webhook-endpoints/" + ID},
        {"POST", "/v1/webhook-endpoints/" + ID + "/rotate-secret"}, {"GET", "/v1/webhook-endpoints/" + ID + "/attempts"},
        {"POST", "/v1/webhook-endpoints/" + ID + "/recover"}, {"GET", "/v1/webhook-events"},
        {"GET", "/v1/webhook-events/evt_x"}, {"POST", "/v1/webhook-events/evt_x/resend"}, {"POST", "/v1/webhooks/x"},
        {"GET", "/v1/admin/inbound-webhooks"}, {"POST", "/v1/admin/inbound-webhooks/9223372036854775808/retry"},
        {"POST", "/v1/admin/inbound-webhooks/-99999999999999999999999/retry"},
        {"GET", "/v1/webhook-endpoints/%zz"}, {"GET", "/v1/checkouts/%"}, {"GET", "/v1/checkouts/%E0%A4%A/status"},
        {"GET", "/v1/webhook-events?limit=99999999999999999999"}, {"GET", "/v1/webhook-events?limit=%zz"},
        {"GET", "/v1/webhook-events?limit=1%"}, {"GET", "/v1/webhook-endpoints/" + ID + "/attempts?limit=1e400"},
        {"GET", "/v1/checkouts/" + ID + "/status?clientSecret=%G1"}, {"PUT", "/v1/checkouts"}, {"TRACE", "/"},
    };
    String options = "\"paymentOptions\":[{\"chainId\":31337,\"token\":\"USDC\"}]";
    String[][] bodies = {
        {"application/x-www-form-urlencoded", "a=b&c=%zz"},
        {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"},
        {"multipart/form-data", "garbage"}, {"text/plain", "hello"}, {"application/json; charset=utf-16", "{}"},
        {"application/json", "{\"a\":"}, {"application/json", "[]"}, {"application/json", "null"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"1.00\",\"paymentOptions\":[{\"chainId\":1e400,\"token\":\"USDC\"}]}"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"1.00\",\"paymentOptions\":[{\"chainId\":99999999999999999999999,\"token\":\"USDC\"}]}"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"1.00\",\"expiresInSeconds\":99999999999999999999," + options + "}"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"1.00\",\"paymentOptions\":[null]}"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"99999999999999999999999999999999.00\"," + options + "}"},
        {"application/json", "{\"orderReference\":\"A\",\"amount\":\"1.00\",\"metadata\":{\"a\":1e400}," + options + "}"},
        {"application/json", "{\"orderReference\":\"\\uD800\",\"amount\":\"1.00\"," + options + "}"},
        {null, null},
    };
    List<String> serverErrors = new ArrayList<>();
    List<ILoggingEvent> logged = captureLogs(() -> {
      for (String[] route : routes) {
        for (String[] body : bodies) {
          String answer = exchange(request(route[0], route[1], body[0], body[1], "Bearer " + app.apiKey));
          if (status(answer) >= 500) serverErrors.add(route[0] + " " + route[1] + " " + body[0] + " -> " + answer);
        }
      }
    });
    assertThat(serverErrors).isEmpty();
    assertThat(logged).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void aBadPercentEscapeIsA400WithACode() throws Exception {
    String answer = exchange(request("GET", "/v1/webhook-events?limit=%zz", null, null, "Bearer " + app.apiKey));
    assertThat(status(answer)).isEqualTo(400);
    assertThat(answer).contains("\"invalid_request\"").contains("percent-escape");
    assertThat(status(exchange(request("GET", "/v1/checkouts/%zz", null, null, "Bearer " + app.apiKey)))).isEqualTo(400);
  }

  @Test
  void malformedAndOversizedHttpIsAnswered4xx() throws Exception {
    assertThat(status(exchange("GET /v1/webhook-events HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000)
        + "\r\nConnection: close\r\n\r\n"))).isEqualTo(431);
    assertThat(status(exchange("GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
        .isEqualTo(414);
    assertThat(status(exchange("GARBAGE\r\n\r\n"))).isBetween(400, 499);
    // two pipelined requests: two answers, in order
    String two = exchange("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
        + "GET /v1/checkouts/" + ID + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(two).startsWith("HTTP/1.1 200").contains("HTTP/1.1 401");
  }

  @Test
  void aClientTricklingItsHeadersIsCutOff() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /health/live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      boolean cut = false;
      for (int i = 0; i < 40 && !cut; i++) { // one header byte every 200 ms: never idle, never done
        try {
          out.write('X');
          out.flush();
        } catch (IOException closed) {
          cut = true;
        }
        if (!cut && s.getInputStream().available() == 0) Thread.sleep(200);
        if (!cut) cut = closedByPeer(s);
      }
      long heldMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(cut).as("the connection is closed").isTrue();
      assertThat(heldMs).as("held for at most the header timeout and its check interval").isLessThan(3_000);
    }
  }

  /**
   * A keep-alive connection idle between requests (a load balancer's pool, a shop's client between
   * calls) is not a slow client: its next request, sent after more than the header timeout, is
   * answered, not met by a close it would race.
   */
  @Test
  void anIdleKeepAliveConnectionOutlivesTheHeaderTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      java.io.InputStream in = s.getInputStream();
      out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
      Thread.sleep(2_500); // the header timeout is 1 s here, checked every 250 ms
      out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readAnswer(in)).as("the second request on the idle connection").startsWith("HTTP/1.1 200");
    }
  }

  /** One answer with a Content-Length body, read off the socket; empty when the peer closed first. */
  private static String readAnswer(java.io.InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) head.append((char) c);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    for (int i = 0; i < length && in.read() >= 0; i++) { }
    return head.toString();
  }

  @Test
  void oneAddressHoldsAtMostItsConnections() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) held.add(new Socket("127.0.0.1", port));
      Thread.sleep(200);
      String refused = exchange(request("GET", "/health/live", null, null, null));
      assertThat(status(refused)).isEqualTo(429);
      assertThat(refused).contains("too_many_connections");
    } finally {
      for (Socket s : held) s.close();
    }
    Thread.sleep(300);
    assertThat(status(exchange(request("GET", "/health/live", null, null, null)))).isEqualTo(200);
  }

  private static boolean closedByPeer(Socket s) throws IOException {
    if (s.getInputStream().available() > 0) return false;
    s.setSoTimeout(1);
    try {
      return s.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    } finally {
      s.setSoTimeout(10_000);
    }
  }

  private static String request(String method, String path, String type, String body, String auth) {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + "Idempotency-Key: k" + System.nanoTime() + "\r\n");
    if (auth != null) req.append("Authorization: ").append(auth).append("\r\n");
    if (type != null) req.append("Content-Type: ").append(type).append("\r\n");
    req.append("Content-Length: ").append(b.length).append("\r\n\r\n").append(body == null ? "" : body);
    return req.toString();
  }

  /**
   * No route takes a file: a multipart upload is never written to disk (Vert.x's body handler, by
   * default, writes every file part to ./file-uploads and keeps it, so anyone could fill the disk).
   */
  @Test
  void aMultipartUploadWritesNothingToDisk() throws Exception {
    java.nio.file.Path uploads = java.nio.file.Path.of(io.vertx.ext.web.handler.BodyHandler.DEFAULT_UPLOADS_DIRECTORY);
    long before = files(uploads);
    String boundary = "tollgate-test-boundary";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(4096) + "\r\n--" + boundary + "--\r\n";
    for (String path : List.of("/v1/checkouts", "/v1/webhooks/x", "/x402/verify", "/v1/checkouts/" + ID + "/payments")) {
      String answer = exchange("POST " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary="
          + boundary + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      assertThat(status(answer)).as(path + ": " + answer).isBetween(400, 499);
    }
    assertThat(files(uploads)).as("files in ./" + uploads).isEqualTo(before);
  }

  private static long files(java.nio.file.Path dir) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) return 0;
    try (var listed = java.nio.file.Files.list(dir)) {
      return listed.count();
    }
  }

  private String exchange(String raw) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String answer) {
    return answer.length() < 12 ? -1 : Integer.parseInt(answer.substring(9, 12));
  }

  interface Body {
    void run() throws Exception;
  }

  private static List<ILoggingEvent> captureLogs(Body body) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      body.run();
    } finally {
      root.detachAppender(logged);
    }
    return logged.list;
  }
}
