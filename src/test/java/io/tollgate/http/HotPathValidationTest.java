package io.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import java.util.List;
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
    contract = OpenAPIContract.from(vertx, HttpVerticle.OPENAPI_RESOURCE).toCompletionStage().toCompletableFuture().get();
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
        "123e4567-e89b-12d3-a456-4266141740000", "123e4567e89b12d3a456426614174000");
    for (Parameter p : contract.operation("getCheckoutStatus").getParameters()) {
      JsonSchema schema = p.getSchema();
      Predicate<String> fast = HotPathValidation.fastAccept(schema);
      for (String value : samples) {
        boolean valid = contract.getSchemaRepository().validator(schema).validate(value).getValid();
        if (fast.test(value)) assertThat(valid).as(p.getName() + " = " + value).isTrue();
      }
    }
  }
}
