package io.tollgate.http.hotpath;

import io.tollgate.http.HttpVerticle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HotPathValidationTest {
  static Vertx vertx;
  static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    contract = io.tollgate.http.ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void close() {
    vertx.close();
  }

  @Test
  void everyStatusParameterHasAFastAccept() {
    HotPathValidation v = HotPathValidation.forOperation(contract, "getCheckoutStatus");
    assertThat(v.hasFastAccept("checkoutId")).isTrue();
    assertThat(v.hasFastAccept("X-Client-Secret")).isTrue();
    assertThat(v.hasFastAccept("clientSecret")).isTrue();
  }

  @Test
  void paymentOptionsParametersHaveAFastAcceptToo() {
    HotPathValidation v = HotPathValidation.forOperation(contract, "getPaymentOptions");
    assertThat(v.hasFastAccept("checkoutId")).isTrue();
    assertThat(v.hasFastAccept("X-Client-Secret")).isTrue();
  }

  @Test
  void theFastAcceptTakesOnlyWhatTheSchemaValidatorTakes() {
    List<String> samples = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase(), "not-a-uuid", "",
        "x".repeat(200), "x".repeat(201), "é".repeat(200), "😀".repeat(150), "😀".repeat(201),
        "123e4567-e89b-12d3-a456-4266141740000", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g",
        "123e4567-e89b-12d3-a456_426614174000", "123E4567-E89B-12d3-A456-426614174000", " 23e4567-e89b-12d3-a456-426614174000");
    for (Parameter p : contract.operation("getCheckoutStatus").getParameters()) {
      JsonSchema schema = p.getSchema();
      Predicate<String> fast = HotPathValidation.fastAccept(schema);
      for (String value : samples) {
        boolean valid = contract.getSchemaRepository().validator(schema).validate(value).getValid();
        if (fast.test(value)) assertThat(valid).as(p.getName() + " = " + value).isTrue();
      }
    }
  }

  @Test
  void certainlyValidOnlyWhenEveryFastAcceptTakesItsValue() {
    HotPathValidation v = HotPathValidation.forOperation(contract, "getCheckoutStatus");
    String id = UUID.randomUUID().toString();
    Map<String, String> good = Map.of("checkoutId", id, "X-Client-Secret", id + "_secret_abc");
    assertThat(v.certainlyValid(p -> good.get(p.getName()))).isTrue();
    assertThat(v.certainlyValid(p -> p.getName().equals("checkoutId") ? id : null)).isTrue(); // the secrets are optional
    assertThat(v.certainlyValid(p -> null)).isFalse(); // the id is required
    assertThat(v.certainlyValid(p -> p.getName().equals("checkoutId") ? "not-a-uuid" : null)).isFalse();
    assertThat(v.certainlyValid(p -> p.getName().equals("checkoutId") ? id : "x".repeat(201))).isFalse();
  }

  @Test
  void certainlyValidTakesHeaderValuesAsSent() {
    HotPathValidation v = HotPathValidation.forOperation(contract, "getCheckoutStatus");
    String id = UUID.randomUUID().toString();
    // strings as sent, whatever the library would have made of them (a number, an array, "A" for %41)
    for (String secret : List.of("1.5", "-1", "12e-3", "\"quoted\"", "a%41", "a+b", "[1]", "%zz")) {
      assertThat(v.certainlyValid(p -> p.getName().equals("checkoutId") ? id : p.getName().equals("X-Client-Secret") ? secret : null))
          .as(secret).isTrue();
    }
    // its length as sent counts: 201 characters that would decode to 67
    assertThat(v.certainlyValid(p -> p.getName().equals("checkoutId") ? id : p.getName().equals("X-Client-Secret")
        ? "%41".repeat(67) : null)).isFalse();
  }

  @Test
  void transformsToItselfOnlyWhenTheLibrarysTransformerLeavesTheValueAlone() {
    Parameter secret = contract.operation("getCheckoutStatus").getParameters().stream()
        .filter(p -> p.getName().equals("X-Client-Secret")).findFirst().orElseThrow();
    ParameterTransformer library = new SimpleTransformer();
    List<String> samples = new java.util.ArrayList<>(List.of("abc", "ABC_123", "123", "1e5", "1e-5", "1E-05", "12e-3x", "0-1",
        "-1", "-abc", "true", "true-1", "null-x", "NaN", "Infinity-1", "a-b", "a_b-c", "e-5", "1-2-3", "0x12",
        UUID.randomUUID().toString(), UUID.randomUUID() + "_secret_Ab-9_xYz", "12345678-1234-1234-1234-123456789012",
        "1e234567-89ab-cdef-0123-456789abcdef", "00000000-0000-0000-0000-000000000000"));
    Random random = new Random(7);
    String alphabet = "0123456789eE-_aZ.+\"%";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = 1 + random.nextInt(8);
      for (int j = 0; j < length; j++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      samples.add(b.toString());
    }
    for (String value : samples) {
      if (!HotPathValidation.transformsToItself(value)) continue;
      Object transformed;
      try {
        transformed = library.transform(secret, value);
      } catch (ValidatorException e) {
        transformed = e;
      }
      assertThat(transformed).as(value).isEqualTo(value);
    }
    assertThat(HotPathValidation.transformsToItself("1e-5")).isFalse();
    assertThat(HotPathValidation.transformsToItself("-1")).isFalse();
    assertThat(HotPathValidation.transformsToItself(UUID.randomUUID().toString())).isTrue();
  }

  @Test
  void everyOperationWithAJsonBodyAndStringParametersQualifies() {
    for (String operationId : List.of("createCheckout", "submitPayment", "createPayerChallenge", "bindPayer",
        "createWebhookEndpoint", "updateWebhookEndpoint", "rotateWebhookEndpointSecret", "recoverWebhookEndpoint",
        "resendWebhookEvent", "adminCreateMerchant", "adminUpdateMerchant", "adminCreateApiKey", "adminRotateApiKey")) {
      HotPathValidation v = HotPathValidation.forOperation(contract, operationId);
      assertThat(v.certainlyValid(p -> "x")).as(operationId + " has a body: never for the fast lane").isFalse();
    }
    assertThat(HotPathValidation.forOperation(contract, "createCheckout").hasFastAccept("Idempotency-Key")).isTrue();
    assertThat(HotPathValidation.forOperation(contract, "submitPayment").hasFastAccept("checkoutId")).isTrue();
  }

  @Test
  void operationsItCannotValidateExactlyAreRefusedWhenTheRouterIsBuilt() throws Exception {
    assertThatThrownBy(() -> HotPathValidation.forOperation(contract, "adminRetryInboundWebhook"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inboundEventId is not a string");
    assertThatThrownBy(() -> HotPathValidation.forOperation(contract, "listWebhookEndpointAttempts"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit is not a string");
    assertThatThrownBy(() -> HotPathValidation.forOperation(contract, "noSuchOperation"))
        .isInstanceOf(IllegalArgumentException.class);

    OpenAPIContract other = OpenAPIContract.from(vertx, new JsonObject("""
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
          "/text": {"post": {"operationId": "text", "requestBody": {"required": true,
            "content": {"text/plain": {"schema": {"type": "string"}}}}, "responses": {"200": {"description": "ok"}}}},
          "/both": {"post": {"operationId": "both", "requestBody": {"required": true, "content": {
            "application/json": {"schema": {"type": "object"}}, "multipart/form-data": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}}},
          "/any": {"post": {"operationId": "any", "requestBody": {"required": true,
            "content": {"application/json": {}}}, "responses": {"200": {"description": "ok"}}}},
          "/cookie": {"get": {"operationId": "cookie", "parameters": [{"name": "c", "in": "cookie", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}}},
          "/label/{id}": {"get": {"operationId": "label", "parameters": [{"name": "id", "in": "path", "required": true,
            "style": "label", "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}}
        }}""")).toCompletionStage().toCompletableFuture().get();
    assertThatThrownBy(() -> HotPathValidation.forOperation(other, "text")).hasMessageContaining("text/plain");
    assertThatThrownBy(() -> HotPathValidation.forOperation(other, "both")).hasMessageContaining("multipart/form-data");
    assertThatThrownBy(() -> HotPathValidation.forOperation(other, "any")).hasMessageContaining("without a schema");
    assertThatThrownBy(() -> HotPathValidation.forOperation(other, "cookie")).hasMessageContaining("is in cookie");
    assertThatThrownBy(() -> HotPathValidation.forOperation(other, "label")).hasMessageContaining("style label");
  }

  @Test
  void canonicalUuidsOnly() {
    String id = UUID.randomUUID().toString();
    assertThat(CanonicalUuid.is(id)).isTrue();
    assertThat(CanonicalUuid.is(id.toUpperCase())).isTrue();
    assertThat(CanonicalUuid.is(id.replace("-", ""))).isFalse();
    assertThat(CanonicalUuid.is(id + "0")).isFalse();
    assertThat(CanonicalUuid.is(id.substring(0, 35) + "g")).isFalse();
    assertThat(CanonicalUuid.is(id.substring(0, 8) + "x" + id.substring(9))).isFalse();
  }
}
