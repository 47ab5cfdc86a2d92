package io.tollgate.inbound;

import io.tollgate.webhook.StandardWebhookHeaders;
import io.tollgate.webhook.StandardWebhookVerifier;
import io.tollgate.webhook.WebhookSecret;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;

/**
 * Inbound Standard Webhooks (the same format Tollgate sends): verified by
 * {@link StandardWebhookVerifier}; the event id is the {@code webhook-id} header, the kind the
 * body's {@code type}.
 */
final class StandardWebhooksSignatureScheme implements InboundSignatureScheme {
  private final List<WebhookSecret> secrets;
  private final StandardWebhookVerifier verifier;

  StandardWebhooksSignatureScheme(List<WebhookSecret> secrets, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is needed");
    }
    this.secrets = List.copyOf(secrets);
    this.verifier = new StandardWebhookVerifier(clock);
  }

  @Override
  public InboundProvider provider() {
    return InboundProvider.STANDARD_WEBHOOKS;
  }

  @Override
  public VerifiedEvent verify(MultiMap headers, byte[] rawBody) {
    StandardWebhookHeaders verified = verifier.verify(headers, rawBody, secrets);
    JsonObject body = InboundPayloads.parseObject(rawBody);
    return new VerifiedEvent(
        verified.id(), InboundPayloads.requiredString(body, "type"), body, verified.timestamp());
  }

  @Override
  public String toString() {
    return "StandardWebhooksSignatureScheme[" + secrets.size() + " secret(s)]";
  }
}
