package io.tollgate.checkout;

import io.tollgate.config.Settings;
import java.time.Duration;

/** Bounds on checkouts and how long idempotency keys are kept (at least 24 h, as Stripe does). */
public record CheckoutSettings(Duration defaultExpiry, Duration minExpiry, Duration maxExpiry, Duration idempotencyRetention) {
  public static CheckoutSettings fromSettings(Settings s) {
    return new CheckoutSettings(
        Duration.ofSeconds(s.longValue("checkout.default-expiry-seconds", 600)),
        Duration.ofSeconds(s.longValue("checkout.min-expiry-seconds", 60)),
        Duration.ofSeconds(s.longValue("checkout.max-expiry-seconds", 86_400)),
        Duration.ofHours(Math.max(24, s.longValue("checkout.idempotency-retention-hours", 48))));
  }
}
