package io.tollgate.checkout;

import io.tollgate.merchant.KeyMode;
import io.tollgate.pricing.Price;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A checkout fully decided (quote included) but not yet stored. */
record CheckoutPlan(
    UUID id,
    String orderReference,
    BigDecimal amount,
    String currency,
    JsonObject metadata,
    String payer,
    Instant createdAt,
    Instant expiresAt,
    List<Option> options,
    KeyMode mode,
    String successUrl,
    String cancelUrl) {

  /**
   * One way to pay: exactly {@code amount} base units of {@code token} on {@code chainId} to
   * {@code recipient}, quoted at {@code rate} (null for a USD stablecoin in USD).
   */
  record Option(long chainId, String token, String tokenAddress, int decimals, BigInteger amount, String recipient,
      Price rate) {}
}
