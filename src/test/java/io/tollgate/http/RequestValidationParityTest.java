package io.tollgate.http;

import io.tollgate.http.hotpath.ErrorResponses;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same requests, good and bad, through two routers built from our OpenAPI document: one with
 * the router's generic validator, one with {@link HotPathValidation} (as {@link HttpVerticle} wires
 * it), each with the service's body limit and {@link ErrorResponses}. Behind validation sits a
 * stand-in handler that echoes the body it reads. Every answer must be identical: status, code,
 * message and detail, and for valid requests what the handler saw.
 */
class RequestValidationParityTest {
  static final List<String> CONVERTED = List.of("createCheckout", "submitPayment", "createPayerChallenge", "bindPayer",
      "createWebhookEndpoint", "updateWebhookEndpoint", "rotateWebhookEndpointSecret", "recoverWebhookEndpoint",
      "resendWebhookEvent", "getPaymentOptions", "getCheckoutStatus");
  static final String ID = UUID.randomUUID().toString();
  static final String SECRET = ID + "_secret_Ab-9_xYz";
  static final String TX = "0x" + "ab".repeat(32);
  static final String EVENT = "evt_01HZX3K8Q9RSTVWXYZ01234567";

  static Vertx vertx;
  static String generic;
  static String ours;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    OpenAPIContract contract = io.tollgate.http.ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get();
    generic = serve(contract, false);
    ours = serve(contract, true);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static String serve(OpenAPIContract contract, boolean prevalidated) throws Exception {
    RouterBuilder builder = HttpVerticle.routerBuilder(vertx, contract)
        .rootHandler(BodyHandler.create().setBodyLimit(HttpVerticle.BODY_LIMIT));
    for (String operationId : CONVERTED) {
      (prevalidated ? HttpVerticle.prevalidated(builder, contract, operationId) : builder.getRoute(operationId))
          .addHandler(RequestValidationParityTest::echo);
    }
    Router router = builder.createRouter();
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(ErrorResponses::handle);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** What a handler reads: the body as a JSON object (as ours do), or its absence. */
  private static void echo(RoutingContext ctx) {
    JsonObject seen = new JsonObject().put("length", ctx.body().length());
    if (ctx.body().length() > 0) seen.put("body", ctx.body().asJsonObject());
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(seen.toBuffer());
  }

  // ---- the requests ----

  private record Call(String method, String path, Map<String, String> headers, String body) {
    Call with(String header, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      if (value == null) h.remove(header); else h.put(header, value);
      return new Call(method, path, h, body);
    }

    Call body(String newBody) {
      return new Call(method, path, headers, newBody);
    }

    Call at(String newPath) {
      return new Call(method, newPath, headers, body);
    }
  }

  private static Call post(String path, String body, String... headers) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
    return new Call("POST", path, h, body);
  }

  static final Call CREATE = post("/v1/checkouts", """
      {"orderReference":"ORDER-1","amount":"12.50","currency":"USD","expiresInSeconds":900,"metadata":{"cart":"A1","n":[1,2]},
       "paymentOptions":[{"chainId":31337,"token":"USDC"}]}""", "Idempotency-Key", "drop-42");
  static final Call SUBMIT = post("/v1/checkouts/" + ID + "/payments",
      "{\"chainId\":31337,\"token\":\"USDC\",\"txHash\":\"" + TX + "\"}", "X-Client-Secret", SECRET);

  /** Every way to get a JSON body wrong, on {@code call} (whose body is {@code valid}); {@code required}: a required field or null. */
  private static Map<String, Call> bodyCases(String name, Call call, JsonObject valid, String required, String stringField) {
    Map<String, Call> cases = new LinkedHashMap<>();
    cases.put(name + " valid", call);
    if (required != null) {
      JsonObject missing = valid.copy();
      missing.remove(required);
      cases.put(name + " missing " + required, call.body(missing.encode()));
    }
    cases.put(name + " " + stringField + " of the wrong type", call.body(valid.copy().put(stringField, 12.5).encode()));
    cases.put(name + " extra property", call.body(valid.copy().put("extra", true).encode()));
    cases.put(name + " malformed JSON", call.body("{\"" + stringField + "\": "));
    cases.put(name + " trailing garbage", call.body(valid.encode() + " x"));
    cases.put(name + " comment in JSON", call.body("/* c */ " + valid.encode()));
    cases.put(name + " no Content-Type", call.with("Content-Type", null));
    cases.put(name + " text/plain", call.with("Content-Type", "text/plain"));
    cases.put(name + " form", call.with("Content-Type", "application/x-www-form-urlencoded").body("a=b"));
    cases.put(name + " charset", call.with("Content-Type", "application/json; charset=utf-8"));
    cases.put(name + " charset, no space", call.with("Content-Type", "application/json;charset=UTF-8"));
    cases.put(name + " upper case type", call.with("Content-Type", "Application/JSON"));
    cases.put(name + " type with a suffix", call.with("Content-Type", "application/jsonp"));
    cases.put(name + " empty body", call.body(""));
    cases.put(name + " empty body, no Content-Type", call.body("").with("Content-Type", null));
    cases.put(name + " array", call.body("[" + valid.encode() + "]"));
    cases.put(name + " null", call.body("null"));
    cases.put(name + " string", call.body("\"x\""));
    cases.put(name + " number", call.body("42"));
    cases.put(name + " oversize", call.body(valid.copy().put("pad", "x".repeat(HttpVerticle.BODY_LIMIT)).encode()));
    return cases;
  }

  private static Map<String, Call> cases() {
    Map<String, Call> cases = new LinkedHashMap<>();
    JsonObject order = new JsonObject(CREATE.body());
    cases.putAll(bodyCases("createCheckout", CREATE, order, "amount", "orderReference"));
    cases.put("createCheckout amount pattern", CREATE.body(order.copy().put("amount", "12.5.0").encode()));
    cases.put("createCheckout currency enum", CREATE.body(order.copy().put("currency", "EUR").encode()));
    cases.put("createCheckout nested minimum", CREATE.body(order.copy().put("paymentOptions",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", 0).put("token", "USDC"))).encode()));
    cases.put("createCheckout nested extra property", CREATE.body(order.copy().put("paymentOptions",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("chainId", 1).put("token", "USDC").put("x", 1))).encode()));
    cases.put("createCheckout too much metadata", CREATE.body(order.copy().put("metadata", manyProperties(51)).encode()));
    cases.put("createCheckout duplicate key", CREATE.body("{\"orderReference\":\"a\",\"amount\":\"1\",\"amount\":\"x\"}"));
    cases.put("createCheckout no Idempotency-Key", CREATE.with("Idempotency-Key", null));
    cases.put("createCheckout no Idempotency-Key, malformed JSON", CREATE.with("Idempotency-Key", null).body("{"));
    cases.put("createCheckout no Idempotency-Key, no body", CREATE.with("Idempotency-Key", null).body(""));
    cases.put("createCheckout empty Idempotency-Key", CREATE.with("Idempotency-Key", ""));
    cases.put("createCheckout Idempotency-Key too long", CREATE.with("Idempotency-Key", "k".repeat(256)));
    cases.put("createCheckout Idempotency-Key, longest", CREATE.with("Idempotency-Key", "k".repeat(255)));
    cases.put("createCheckout Idempotency-Key a number", CREATE.with("Idempotency-Key", "1.5"));
    cases.put("createCheckout Idempotency-Key a negative number", CREATE.with("Idempotency-Key", "-7"));
    cases.put("createCheckout Idempotency-Key an exponent", CREATE.with("Idempotency-Key", "12e-3"));
    cases.put("createCheckout Idempotency-Key quoted", CREATE.with("Idempotency-Key", "\"k\""));
    cases.put("createCheckout Idempotency-Key a lone quote", CREATE.with("Idempotency-Key", "\"k"));
    cases.put("createCheckout Idempotency-Key an object", CREATE.with("Idempotency-Key", "{\"a\":1}"));
    cases.put("createCheckout Idempotency-Key with a bad escape", CREATE.with("Idempotency-Key", "k%zz"));
    cases.put("createCheckout Idempotency-Key with escapes", CREATE.with("Idempotency-Key", "k%41+b"));
    cases.put("createCheckout Idempotency-Key escapes to a long one", CREATE.with("Idempotency-Key", "%41".repeat(200)));
    cases.put("createCheckout Idempotency-Key a UUID", CREATE.with("Idempotency-Key", UUID.randomUUID().toString()));

    JsonObject payment = new JsonObject(SUBMIT.body());
    cases.putAll(bodyCases("submitPayment", SUBMIT, payment, "txHash", "token"));
    cases.put("submitPayment txHash pattern", SUBMIT.body(payment.copy().put("txHash", "0x1234").encode()));
    cases.put("submitPayment txHash not hex", SUBMIT.body(payment.copy().put("txHash", "0x" + "zz".repeat(32)).encode()));
    cases.put("submitPayment chainId a string", SUBMIT.body(payment.copy().put("chainId", "31337").encode()));
    cases.put("submitPayment chainId zero", SUBMIT.body(payment.copy().put("chainId", 0).encode()));
    cases.put("submitPayment chainId a fraction", SUBMIT.body(payment.copy().put("chainId", 1.5).encode()));
    cases.put("submitPayment token empty", SUBMIT.body(payment.copy().put("token", "").encode()));
    cases.put("submitPayment no secret", SUBMIT.with("X-Client-Secret", null));
    cases.put("submitPayment secret too long", SUBMIT.with("X-Client-Secret", "s".repeat(201)));
    cases.put("submitPayment secret a number", SUBMIT.with("X-Client-Secret", "1.5"));
    cases.put("submitPayment secret with a bad escape", SUBMIT.with("X-Client-Secret", "%"));
    cases.put("submitPayment secret too long, bad body", SUBMIT.with("X-Client-Secret", "s".repeat(201)).body("{"));
    cases.put("submitPayment secret in the query", SUBMIT.with("X-Client-Secret", null).at(SUBMIT.path() + "?clientSecret=" + SECRET));
    cases.put("submitPayment query secret too long", SUBMIT.at(SUBMIT.path() + "?clientSecret=" + "q".repeat(201)));
    cases.put("submitPayment query secret twice encoded", SUBMIT.at(SUBMIT.path() + "?clientSecret=" + "%2541".repeat(150)));
    cases.put("submitPayment query secret with a bad escape", SUBMIT.at(SUBMIT.path() + "?clientSecret=%25zz"));
    cases.put("submitPayment id not a UUID", SUBMIT.at("/v1/checkouts/not-a-uuid/payments"));
    cases.put("submitPayment id a number", SUBMIT.at("/v1/checkouts/1.5/payments"));
    cases.put("submitPayment id in upper case", SUBMIT.at("/v1/checkouts/" + ID.toUpperCase() + "/payments"));
    cases.put("submitPayment id escaped", SUBMIT.at("/v1/checkouts/" + ID.replace("-", "%2D") + "/payments"));

    Call challenge = post("/v1/checkouts/" + ID + "/challenge", "{\"address\":\"0x" + "a1".repeat(20) + "\",\"chainId\":1}",
        "X-Client-Secret", SECRET);
    cases.putAll(bodyCases("createPayerChallenge", challenge, new JsonObject(challenge.body()), "address", "address"));
    cases.put("createPayerChallenge address pattern", challenge.body("{\"address\":\"0x12\",\"chainId\":1}"));
    Call bind = post("/v1/checkouts/" + ID + "/payer", "{\"message\":\"m\",\"signature\":\"0x\",\"signingChainId\":8453}",
        "X-Client-Secret", SECRET);
    cases.putAll(bodyCases("bindPayer", bind, new JsonObject(bind.body()), "signature", "message"));
    cases.put("bindPayer message too long", bind.body(new JsonObject().put("message", "m".repeat(4001)).put("signature", "0x").encode()));

    Call endpoint = post("/v1/webhook-endpoints", "{\"url\":\"https://shop.example/hook\",\"eventTypes\":[\"checkout.paid\"]}");
    cases.putAll(bodyCases("createWebhookEndpoint", endpoint, new JsonObject(endpoint.body()), "url", "url"));
    cases.put("createWebhookEndpoint unknown event type", endpoint.body("{\"url\":\"https://x\",\"eventTypes\":[\"checkout.nope\"]}"));
    Call update = new Call("PATCH", "/v1/webhook-endpoints/" + ID, Map.of("Content-Type", "application/json"),
        "{\"description\":null,\"enabled\":false}");
    cases.putAll(bodyCases("updateWebhookEndpoint", update, new JsonObject(update.body()), null, "description"));
    cases.put("updateWebhookEndpoint empty object", update.body("{}"));
    cases.put("updateWebhookEndpoint no event types", update.body("{\"eventTypes\":[]}"));
    cases.put("updateWebhookEndpoint id not a UUID", update.at("/v1/webhook-endpoints/x"));

    Call rotate = post("/v1/webhook-endpoints/" + ID + "/rotate-secret", "{\"overlapSeconds\":60}");
    cases.putAll(bodyCases("rotateWebhookEndpointSecret", rotate, new JsonObject(rotate.body()), null, "overlapSeconds"));
    cases.put("rotateWebhookEndpointSecret overlap too long", rotate.body("{\"overlapSeconds\":604801}"));
    Call recover = post("/v1/webhook-endpoints/" + ID + "/recover", "{\"since\":\"2026-01-01T00:00:00Z\"}");
    cases.putAll(bodyCases("recoverWebhookEndpoint", recover, new JsonObject(recover.body()), "since", "since"));
    cases.put("recoverWebhookEndpoint since not a time", recover.body("{\"since\":\"yesterday\"}"));
    Call resend = post("/v1/webhook-events/" + EVENT + "/resend", "{\"endpointId\":\"" + ID + "\"}");
    cases.putAll(bodyCases("resendWebhookEvent", resend, new JsonObject(resend.body()), null, "endpointId"));
    cases.put("resendWebhookEvent endpointId not a UUID", resend.body("{\"endpointId\":\"x\"}"));
    cases.put("resendWebhookEvent event id pattern", resend.at("/v1/webhook-events/evt_x/resend"));

    Call options = new Call("GET", "/v1/checkouts/" + ID + "/payment-options", Map.of("X-Client-Secret", SECRET), null);
    cases.put("getPaymentOptions valid", options);
    cases.put("getPaymentOptions secret a number", options.with("X-Client-Secret", "-1"));
    cases.put("getPaymentOptions secret with a bad escape", options.with("X-Client-Secret", "a%zz"));
    cases.put("getPaymentOptions secret escaped short enough", options.with("X-Client-Secret", "%41".repeat(100)));
    Call status = new Call("GET", "/v1/checkouts/" + ID + "/status", Map.of("X-Client-Secret", SECRET), null);
    cases.put("getCheckoutStatus valid", status);
    cases.put("getCheckoutStatus secret quoted", status.with("X-Client-Secret", "\"" + SECRET + "\""));
    cases.put("getCheckoutStatus secret an array", status.with("X-Client-Secret", "[1]"));
    cases.put("getCheckoutStatus id not a UUID", status.at("/v1/checkouts/x/status"));
    return cases;
  }

  private static JsonObject manyProperties(int n) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < n; i++) o.put("k" + i, i);
    return o;
  }

  // ---- the comparison ----

  /**
   * The cases whose answers differ by design: a header value is checked as sent (see
   * {@link HotPathValidation}), where the library URL-decodes it and reads it as JSON first. Each
   * with the status ours answers: 200 where the value as sent is a valid string, 400 where it is
   * too long as sent.
   */
  static final Map<String, Integer> LITERAL_HEADERS = Map.ofEntries(
      Map.entry("createCheckout Idempotency-Key a number", 200),
      Map.entry("createCheckout Idempotency-Key a negative number", 200),
      Map.entry("createCheckout Idempotency-Key an exponent", 200),
      Map.entry("createCheckout Idempotency-Key a lone quote", 200),
      Map.entry("createCheckout Idempotency-Key an object", 200),
      Map.entry("createCheckout Idempotency-Key with a bad escape", 200),
      Map.entry("createCheckout Idempotency-Key escapes to a long one", 400),
      Map.entry("submitPayment secret a number", 200),
      Map.entry("submitPayment secret with a bad escape", 200),
      Map.entry("getPaymentOptions secret a number", 200),
      Map.entry("getPaymentOptions secret with a bad escape", 200),
      Map.entry("getPaymentOptions secret escaped short enough", 400),
      Map.entry("getCheckoutStatus secret an array", 200));

  @Test
  void headerValuesAreCheckedAsSent() throws Exception {
    Map<String, Call> cases = cases();
    for (Map.Entry<String, Integer> c : LITERAL_HEADERS.entrySet()) {
      Call call = cases.get(c.getKey());
      assertThat(call).as(c.getKey()).isNotNull();
      HttpResponse<String> generic = send(RequestValidationParityTest.generic, call);
      HttpResponse<String> actual = send(ours, call);
      assertThat(actual.statusCode()).as(c.getKey() + ": " + actual.body()).isEqualTo(c.getValue());
      // listed only where the library answers otherwise: a case that agrees belongs in the parity test
      assertThat(generic.statusCode()).as(c.getKey() + " through the generic validator").isNotEqualTo(c.getValue());
      if (c.getValue() == 400) {
        assertThat(new JsonObject(actual.body()).getJsonObject("error").getString("detail")).containsPattern("is too long \\(at most \\d+ characters\\)");
      }
    }
  }

  @Test
  void everyRequestGetsTheSameAnswerFromBothValidators() throws Exception {
    int compared = 0;
    for (Map.Entry<String, Call> c : cases().entrySet()) {
      if (LITERAL_HEADERS.containsKey(c.getKey())) continue; // by design, see headerValuesAreCheckedAsSent
      HttpResponse<String> expected = send(generic, c.getValue());
      HttpResponse<String> actual = send(ours, c.getValue());
      assertThat(actual.statusCode()).as(c.getKey() + ": " + expected.body()).isEqualTo(expected.statusCode());
      assertThat(actual.body()).as(c.getKey()).isEqualTo(expected.body());
      compared++;
    }
    assertThat(compared).isGreaterThan(200);
  }

  /** A few of the answers spelled out: what clients see (through either validator, as the test above shows). */
  @Test
  void theAnswersSayWhatIsWrongAndWhere() throws Exception {
    Map<String, Call> cases = cases();
    assertAnswer(cases.get("createCheckout valid"), 200, null, null);
    assertAnswer(cases.get("createCheckout malformed JSON"), 400, "malformed_json", "The request body can't be decoded");
    assertAnswer(cases.get("createCheckout oversize"), 413, "payload_too_large", null);
    assertAnswer(cases.get("createCheckout empty body"), 400, "invalid_request",
        "a JSON body is required");
    assertAnswer(cases.get("createCheckout no Content-Type"), 400, "invalid_request",
        "the body must be JSON, sent with Content-Type: application/json");
    assertAnswer(cases.get("createCheckout text/plain"), 400, "invalid_request",
        "the body must be JSON, sent with Content-Type: application/json");
    // schema findings in a shop developer's words, naming the field (ValidationMessages)
    assertAnswer(cases.get("createCheckout array"), 400, "invalid_request", "body must be a JSON object");
    assertAnswer(cases.get("createCheckout missing amount"), 400, "invalid_request", "amount is required");
    assertAnswer(cases.get("createCheckout extra property"), 400, "invalid_request",
        "extra is not a field of this request (check its spelling; field names are camelCase)");
    // with additionalProperties: false the library reports the property under that keyword too; the
    // concrete finding (the pattern) is the one explained
    assertAnswer(cases.get("submitPayment txHash pattern"), 400, "invalid_request",
        "txHash must be a transaction hash: 0x followed by 64 hex digits (got 6 characters)");
    assertAnswer(cases.get("createCheckout no Idempotency-Key, malformed JSON"), 400, "invalid_request",
        "the Idempotency-Key header is required");
    assertAnswer(cases.get("submitPayment id not a UUID"), 400, "invalid_request",
        "checkoutId must be a checkout id (a UUID)");
  }

  private static void assertAnswer(Call call, int status, String code, String detail) throws Exception {
    HttpResponse<String> r = send(ours, call);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    if (code == null) return;
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("detail")).isEqualTo(detail);
  }

  private static HttpResponse<String> send(String base, Call call) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call.path())).timeout(Duration.ofSeconds(10))
        .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(call.body()));
    call.headers().forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
