package io.tollgate.checkout;

import io.tollgate.config.Settings;
import java.time.Duration;
import java.util.Currency;
import java.util.List;

/**
 * Bounds on checkouts, the currencies their amounts may be in, and how long idempotency keys are
 * kept (at least 24 h, as Stripe does).
 */
public record CheckoutSettings(Duration defaultExpiry, Duration minExpiry, Duration maxExpiry, Duration idempotencyRetention,
    List<String> currencies) {
  public CheckoutSettings {
    currencies = List.copyOf(currencies);
    for (String c : currencies) {
      try {
        if (!c.equals(Currency.getInstance(c).getCurrencyCode())) throw new IllegalArgumentException();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checkout.currencies: '" + c + "' is not an ISO 4217 currency code (USD, EUR, ...)");
      }
    }
    if (currencies.isEmpty()) throw new IllegalArgumentException("checkout.currencies names no currency");
  }

  public static CheckoutSettings fromSettings(Settings s) {
    List<String> currencies = s.list("checkout.currencies");
    return new CheckoutSettings(
        Duration.ofSeconds(s.longValue("checkout.default-expiry-seconds", 600)),
        Duration.ofSeconds(s.longValue("checkout.min-expiry-seconds", 60)),
        Duration.ofSeconds(s.longValue("checkout.max-expiry-seconds", 86_400)),
        Duration.ofHours(Math.max(24, s.longValue("checkout.idempotency-retention-hours", 48))),
        currencies.isEmpty() ? List.of("USD", "EUR") : currencies);
  }
}
