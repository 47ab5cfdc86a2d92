package io.tollgate.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * From a seed, HTTP/1.1 requests as bytes that a hostile or broken client could send: the
 * operations of {@code openapi.yaml} with their parameters and bodies filled in, then mutated
 * (content types, encodings, escapes, out-of-range numbers, huge and deeply nested bodies, NUL,
 * invalid UTF-8, lying framing), pipelined requests, and malformed request heads. The same seed
 * gives the same sequence.
 */
final class HostileRequests {
  /** One request (or several pipelined), with a description to reproduce it by. */
  record Case(String description, byte[] bytes) {}

  /** Values that are valid somewhere: the fuzzer's requests get past the first checks often enough. */
  record Known(String checkoutId, String clientSecret, String apiKey) {}

  private static final String[] STRINGS = {"", " ", "a", "%", "%zz", "%00", "%2e%2e%2f", "..%2F..%2Fetc", "%C0%AE",
      "\u0000", "A\u0000B", "\ud800", "\uffff", "é", "💥", "<script>", "' OR 1=1 --", "${jndi:ldap://x}", "null",
      "9223372036854775808", "-9223372036854775809", "1e309", "-0", "0x10", "NaN", "Infinity", "0.000000000000000000001",
      "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "not-a-uuid", "\r\nX-Injected: 1"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
      "application/json; charset=utf-16", "application/json;;;", "text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data", "multipart/form-data; boundary=x", "application/xml", "*/*", "application/json\u0000", "",
      "application/merge-patch+json", "application/vnd.api+json"};
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
      "PROPFIND", "get", "G\u0000T"};

  private final List<ApiOperations.Operation> operations;
  private final ApiOperations api;
  private final Known known;
  private final Random rnd;

  HostileRequests(ApiOperations api, Known known, long seed) {
    this.api = api;
    this.operations = api.operations();
    this.known = known;
    this.rnd = new Random(seed);
  }

  Case next() {
    int dice = rnd.nextInt(100);
    if (dice < 70) return apiRequest(true);
    if (dice < 80) return pipelined();
    if (dice < 98) return malformedHead();
    return lyingLength();
  }

  private Case apiRequest(boolean close) {
    ApiOperations.Operation op = operations.get(rnd.nextInt(operations.size()));
    String method = rnd.nextInt(12) == 0 ? pick(METHODS) : op.method();
    StringBuilder path = new StringBuilder();
    for (String segment : op.path().split("/")) {
      if (segment.isEmpty()) continue;
      path.append('/').append(segment.startsWith("{") ? pathValue(op, segment.substring(1, segment.length() - 1)) : segment);
    }
    StringBuilder query = new StringBuilder();
    for (ApiOperations.Parameter p : op.parameters()) {
      if ("query".equals(p.in()) && rnd.nextBoolean()) query.append(query.length() == 0 ? "?" : "&").append(p.name()).append('=')
          .append(escape(value(p.schema(), p.name())));
    }
    if (rnd.nextInt(10) == 0) query.append(query.length() == 0 ? "?" : "&").append(pick(new String[] {"%", "a", "=&=", "x=%zz", "x=1&x=2"}));
    byte[] body = op.bodySchema() != null || rnd.nextInt(6) == 0 ? body(op.bodySchema()) : null;
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\n");
    if (rnd.nextInt(4) != 0) head.append("Authorization: ").append(rnd.nextInt(5) == 0 ? pick(STRINGS) : "Bearer " + known.apiKey()).append("\r\n");
    if (rnd.nextInt(3) != 0) head.append("X-Client-Secret: ").append(rnd.nextInt(5) == 0 ? pick(STRINGS) : known.clientSecret()).append("\r\n");
    if (rnd.nextInt(3) == 0) head.append("Idempotency-Key: ").append(rnd.nextBoolean() ? "k" + rnd.nextLong() : pick(STRINGS)).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("Content-Encoding: ").append(pick(new String[] {"gzip", "br", "deflate", "x"})).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("X-Forwarded-For: ").append(pick(new String[] {"1.2.3.4", "::1", "garbage", "1.2.3.4, ::ffff:1"})).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("Origin: ").append(pick(STRINGS)).append("\r\n");
    if (rnd.nextInt(10) == 0) head.append("If-None-Match: ").append(pick(STRINGS)).append("\r\n");
    if (body != null) {
      head.append("Content-Type: ").append(pick(CONTENT_TYPES)).append("\r\n");
      if (rnd.nextInt(8) == 0) return framed(head, body, close, "chunked");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    if (close) head.append("Connection: close\r\n");
    head.append("\r\n");
    return new Case(op.id() + " " + head.toString().lines().findFirst().orElse("") + " body=" + describe(body), concat(head, body));
  }

  private Case framed(StringBuilder head, byte[] body, boolean close, String how) {
    head.append("Transfer-Encoding: chunked\r\n");
    if (close) head.append("Connection: close\r\n");
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    String size = rnd.nextInt(4) == 0 ? pick(new String[] {"zz", "-1", "FFFFFFFFFFFFFFFF", "1;ext=\u0000"}) : Integer.toHexString(body.length);
    out.writeBytes((size + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    return new Case(how + " " + head.toString().lines().findFirst().orElse("") + " size=" + size, out.toByteArray());
  }

  private Case pipelined() {
    int n = 2 + rnd.nextInt(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder description = new StringBuilder("pipelined:");
    for (int i = 0; i < n; i++) {
      Case c = apiRequest(i == n - 1);
      out.writeBytes(c.bytes());
      description.append(" [").append(c.description()).append(']');
    }
    return new Case(description.toString(), out.toByteArray());
  }

  private Case malformedHead() {
    String[] heads = {
        "GET /v1/checkouts HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
        "GET /v1/checkouts HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET  /v1/checkouts  HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /v1/checkouts\r\n\r\n",
        "\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n folded: continuation\r\nConnection: close\r\n\r\n",
        "GET /v1/checkouts/%zz/status HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /v1/checkouts/\u0000/status HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET http://evil.example/v1/checkouts HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET * HTTP/1.1\r\nConnection: close\r\n\r\n",
        "POST /v1/checkouts HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{}{}{}{",
        "POST /v1/checkouts HTTP/1.1\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
        "POST /v1/checkouts HTTP/1.1\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
        "POST /v1/checkouts HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nConnection: close\r\n\r\n0\r\n\r\n",
        "POST /v1/checkouts HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\nConnection: close\n\n",
        "GET /v1/checkouts/" + known.checkoutId() + "/status?clientSecret=%E0%A4%A HTTP/1.1\r\nConnection: close\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
        "GET /health/ready HTTP/1.1\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    };
    String h = heads[rnd.nextInt(heads.length)];
    return new Case("malformed head: " + printable(h), h.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A body shorter than its Content-Length, or a head never finished: the server's read timeout must end it. */
  private Case lyingLength() {
    String h = rnd.nextBoolean()
        ? "POST /v1/checkouts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":"
        : "GET /v1/checkouts HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    return new Case("never finished: " + printable(h), h.getBytes(StandardCharsets.UTF_8));
  }

  private String pathValue(ApiOperations.Operation op, String name) {
    if (name.equals("checkoutId") && rnd.nextBoolean()) return known.checkoutId();
    Map<String, Object> schema = op.parameters().stream().filter(p -> p.name().equals(name)).findFirst()
        .map(ApiOperations.Parameter::schema).orElse(Map.of());
    String v = value(schema, name);
    return rnd.nextInt(3) == 0 ? v.replace(" ", "%20") : escape(v);
  }

  private String value(Map<String, Object> schema, String name) {
    if (rnd.nextInt(3) == 0) return pick(STRINGS);
    Object type = schema.get("type");
    if ("integer".equals(type)) return pick(new String[] {"1", "0", "-1", "100", "9223372036854775807", "9223372036854775808", "1.5"});
    if ("uuid".equals(schema.get("format"))) return java.util.UUID.randomUUID().toString();
    return name + rnd.nextInt(1000);
  }

  private byte[] body(Map<String, Object> schema) {
    int dice = rnd.nextInt(20);
    return switch (dice) {
      case 0 -> new byte[0];
      case 1 -> "a=b&c=%zz".getBytes(StandardCharsets.UTF_8);
      case 2 -> "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n".getBytes(StandardCharsets.UTF_8);
      case 3 -> ("[".repeat(1 + rnd.nextInt(20_000)) + "]".repeat(rnd.nextInt(3))).getBytes(StandardCharsets.UTF_8);
      case 4 -> ("{\"a\":\"" + "x".repeat(70_000 + rnd.nextInt(100_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 5 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
      case 6 -> "{\"a\":1,\"a\":2}  trailing".getBytes(StandardCharsets.UTF_8);
      case 7 -> ("\uFEFF" + json(schema, 0)).getBytes(StandardCharsets.UTF_8);
      case 8 -> json(schema, 0).getBytes(StandardCharsets.UTF_16);
      case 9 -> {
        String whole = json(schema, 0);
        yield whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8); // truncated
      }
      default -> json(schema, 0).getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A JSON text following {@code schema}, with one in four values replaced by something hostile. */
  @SuppressWarnings("unchecked")
  private String json(Map<String, Object> schema, int depth) {
    schema = api.resolve(schema);
    if (depth > 0 && rnd.nextInt(4) == 0) return hostileJson(depth);
    Object type = schema.get("type");
    if (type instanceof List<?> types) type = types.get(0);
    if ("object".equals(type) || schema.containsKey("properties")) {
      StringBuilder b = new StringBuilder("{");
      Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      for (Map.Entry<String, Object> e : props.entrySet()) {
        if (rnd.nextInt(6) == 0) continue;
        if (b.length() > 1) b.append(',');
        b.append('"').append(e.getKey()).append("\":").append(json((Map<String, Object>) e.getValue(), depth + 1));
      }
      if (rnd.nextInt(8) == 0) b.append(b.length() > 1 ? "," : "").append("\"unknown\u0000\":{\"x\":[]}");
      return b.append('}').toString();
    }
    if ("array".equals(type)) {
      Map<String, Object> items = (Map<String, Object>) schema.getOrDefault("items", Map.of());
      int n = rnd.nextInt(10) == 0 ? 500 : rnd.nextInt(3);
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < n; i++) b.append(i > 0 ? "," : "").append(json(items, depth + 1));
      return b.append(']').toString();
    }
    if ("integer".equals(type)) return pick(new String[] {"31337", "1", "0", "-1", "86400", "86401", "99999999999999999999"});
    if ("number".equals(type)) return pick(new String[] {"1.5", "1e308", "-1e-308"});
    if ("boolean".equals(type)) return rnd.nextBoolean() ? "true" : "false";
    Object example = schema.get("example");
    if (example instanceof String s) return quote(s);
    if (schema.get("enum") instanceof List<?> values && !values.isEmpty()) return quote(String.valueOf(values.get(rnd.nextInt(values.size()))));
    return quote(pick(new String[] {"1.00", "USDC", "0x" + "ab".repeat(32), "0x" + "12".repeat(20), "ORDER-1", "https://example.com/h"}));
  }

  private String hostileJson(int depth) {
    return switch (rnd.nextInt(10)) {
      case 0 -> "null";
      case 1 -> quote(pick(STRINGS));
      case 2 -> pick(new String[] {"1e999", "-0", "123456789012345678901234567890", "0.1e-400", "-9223372036854775809"});
      case 3 -> "{".repeat(100 + rnd.nextInt(2000)) + "}".repeat(100);
      case 4 -> "[" + "1,".repeat(1000) + "1]";
      case 5 -> quote("x".repeat(5000));
      case 6 -> "\"\\u0000\"";
      case 7 -> "\"\\ud800\"";
      case 8 -> "{\"$ref\":\"#/x\"}";
      default -> "true";
    };
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private String escape(String v) {
    if (rnd.nextInt(4) == 0) return v; // raw: spaces, NUL, CRLF and non-ASCII as they are
    return java.net.URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String pick(String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  private static byte[] concat(StringBuilder head, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) out.writeBytes(body);
    return out.toByteArray();
  }

  private static String describe(byte[] body) {
    if (body == null) return "none";
    String s = new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8);
    return body.length + " bytes " + printable(s);
  }

  private static String printable(String s) {
    String cut = s.length() > 120 ? s.substring(0, 120) + "…" : s;
    return cut.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
  }
}
