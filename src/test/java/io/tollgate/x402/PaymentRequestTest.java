package io.tollgate.x402;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.api.ApiException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The facilitator's request shapes (400 codes naming the field) and the reference's check order, without a chain. */
class PaymentRequestTest {
  static final String ASSET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final String PAY_TO = "0x1111111111111111111111111111111111111111";
  static final String FROM = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  static final long NOW = 1_800_000_000L;

  static JsonObject body() {
    JsonObject requirements = new JsonObject().put("scheme", "exact").put("network", "eip155:31337").put("asset", ASSET)
        .put("amount", "10000").put("payTo", PAY_TO).put("maxTimeoutSeconds", 60)
        .put("extra", new JsonObject().put("name", "USD Coin").put("version", "2"));
    JsonObject authorization = new JsonObject().put("from", FROM).put("to", PAY_TO).put("value", "10000")
        .put("validAfter", Long.toString(NOW - 600)).put("validBefore", Long.toString(NOW + 60)).put("nonce", "0x" + "ab".repeat(32));
    return new JsonObject().put("x402Version", 2).put("paymentRequirements", requirements)
        .put("paymentPayload", new JsonObject().put("x402Version", 2).put("accepted", requirements.copy())
            .put("payload", new JsonObject().put("signature", "0x" + "11".repeat(65)).put("authorization", authorization)));
  }

  @Test
  void aWellFormedBodyParsesWithThePayerAsSentAndEverythingElseLowercase() {
    PaymentRequest p = PaymentRequest.parse(body());
    assertThat(p.chainId()).isEqualTo(31337);
    assertThat(p.asset()).isEqualTo(ASSET.toLowerCase());
    assertThat(p.payer()).isEqualTo(FROM);
    assertThat(p.authorization().from()).isEqualTo(FROM.toLowerCase());
    assertThat(ExactRules.beforeSignature(p)).isEmpty();
    assertThat(ExactRules.afterSignature(p, Instant.ofEpochSecond(NOW))).isEmpty();
  }

  @Test
  void whatCannotBeJudgedIsA400NamingTheField() {
    assertCode(body().put("x402Version", 1), "x402_unsupported_version", "x402Version");
    JsonObject scheme = body();
    scheme.getJsonObject("paymentRequirements").put("scheme", "upto");
    assertCode(scheme, "x402_unsupported_scheme", "paymentRequirements.scheme");
    JsonObject permit2 = body();
    permit2.getJsonObject("paymentRequirements").getJsonObject("extra").put("assetTransferMethod", "permit2");
    assertCode(permit2, "x402_unsupported_asset", "paymentRequirements.extra.assetTransferMethod");
    JsonObject value = body();
    value.getJsonObject("paymentPayload").getJsonObject("payload").getJsonObject("authorization").put("value", "-1");
    assertCode(value, "invalid_request", "paymentPayload.payload.authorization.value");
    JsonObject timeout = body();
    timeout.getJsonObject("paymentRequirements").put("maxTimeoutSeconds", 0);
    assertCode(timeout, "invalid_request", "paymentRequirements.maxTimeoutSeconds");
    assertThatThrownBy(() -> PaymentRequest.parse(null)).isInstanceOf(ApiException.class);
  }

  @Test
  void theReferenceOrderDecidesWhichReasonAPaymentWrongInSeveralWaysGets() {
    JsonObject both = body();
    both.getJsonObject("paymentPayload").getJsonObject("accepted").put("scheme", "upto").put("network", "eip155:1");
    assertThat(ExactRules.beforeSignature(PaymentRequest.parse(both))).contains("invalid_exact_evm_scheme");
    JsonObject late = body();
    JsonObject auth = late.getJsonObject("paymentPayload").getJsonObject("payload").getJsonObject("authorization");
    auth.put("validBefore", Long.toString(NOW + 5)).put("value", "1");
    assertThat(ExactRules.afterSignature(PaymentRequest.parse(late), Instant.ofEpochSecond(NOW)))
        .contains("invalid_exact_evm_payload_authorization_valid_before");
    auth.put("validBefore", Long.toString(NOW + 6));
    assertThat(ExactRules.afterSignature(PaymentRequest.parse(late), Instant.ofEpochSecond(NOW)))
        .contains("invalid_exact_evm_payload_authorization_value_mismatch");
  }

  @Test
  void revertMessagesMapAsTheReferenceMapsThem() {
    assertThat(Reasons.ofRevert("FiatTokenV2: authorization is used or canceled")).isEqualTo("invalid_exact_evm_nonce_already_used");
    assertThat(Reasons.ofRevert("FiatTokenV2: authorization is expired")).isEqualTo("invalid_exact_evm_payload_authorization_valid_before");
    assertThat(Reasons.ofRevert("FiatTokenV2: authorization is not yet valid")).isEqualTo("invalid_exact_evm_payload_authorization_valid_after");
    assertThat(Reasons.ofRevert("ERC20: transfer amount exceeds balance")).isEqualTo("invalid_exact_evm_insufficient_balance");
    assertThat(Reasons.ofRevert("FiatTokenV2: invalid signature")).isEqualTo("invalid_exact_evm_signature");
    assertThat(Reasons.ofRevert("out of gas")).isEqualTo("invalid_exact_evm_transaction_failed");
  }

  private static void assertCode(JsonObject body, String code, String field) {
    assertThatThrownBy(() -> PaymentRequest.parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.error().code()).isEqualTo(code);
      assertThat(e.field()).isEqualTo(field);
    });
  }
}
