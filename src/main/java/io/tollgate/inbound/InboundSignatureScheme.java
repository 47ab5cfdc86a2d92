package io.tollgate.inbound;

import io.tollgate.webhook.WebhookSecret;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.util.List;

/**
 * One provider's way of signing webhooks. Pure and thread-safe: no I/O, time from the injected
 * clock. The intake route calls it with the raw body bytes exactly as received, before storing.
 */
public interface InboundSignatureScheme {

  InboundProvider provider();

  /**
   * Verifies the signature and extracts the event id and kind.
   *
   * @throws WebhookSignatureException for every failure, with a machine-readable reason
   */
  VerifiedEvent verify(MultiMap headers, byte[] rawBody);

  /**
   * The scheme for a configured variant. {@code secrets} are the variant's signing secrets as the
   * provider shows them (several while a provider-side rotation overlaps); Standard Webhooks
   * secrets must be in {@code whsec_} form.
   */
  public static InboundSignatureScheme create(InboundProvider provider, List<String> secrets, Clock clock) {
    return switch (provider) {
      case STRIPE -> new StripeSignatureScheme(secrets, clock);
      case NODERAILS -> new NodeRailsSignatureScheme(secrets, clock);
      case STANDARD_WEBHOOKS -> new StandardWebhooksSignatureScheme(
          secrets.stream().map(WebhookSecret::parse).toList(), clock);
    };
  }
}
