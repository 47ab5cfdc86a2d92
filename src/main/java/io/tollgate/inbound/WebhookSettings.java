package io.tollgate.inbound;

import io.tollgate.webhook.EndpointUrlPolicy;
import io.tollgate.webhook.SecretBox;
import io.tollgate.webhook.WebhookDispatcherVerticle;
import io.tollgate.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Webhook configuration, read once by the composition root. Keys (see conf/tollgate.properties):
 * {@code secrets.webhook-keys}, {@code secrets.webhook-active-key}, {@code webhooks.allow-http},
 * {@code webhooks.allow-private-targets}, {@code webhooks.dispatcher.enabled},
 * {@code webhooks.dispatch-interval-ms}, {@code webhooks.dispatch-batch-size},
 * {@code webhooks.delivery-timeout-ms}, {@code webhooks.secret-overlap-hours}, and per inbound
 * variant listed in {@code webhooks.inbound.variants}: {@code webhooks.inbound.<v>.provider},
 * {@code .secrets}, {@code .merchant}.
 */
public record WebhookSettings(
    SecretBox secretBox,
    EndpointUrlPolicy.Options urlOptions,
    boolean dispatcherEnabled,
    WebhookDispatcherVerticle.Options dispatch,
    Duration secretOverlap,
    Map<String, InboundVariant> variants) {

  public static WebhookSettings fromSettings(Settings settings, Clock clock) {
    String keyring = settings.optional("secrets.webhook-keys");
    if (keyring == null) throw new IllegalArgumentException("setting secrets.webhook-keys is required");
    SecretBox box = SecretBox.fromConfig(keyring, settings.integer("secrets.webhook-active-key", 1));
    EndpointUrlPolicy.Options urls = new EndpointUrlPolicy.Options(settings.bool("webhooks.allow-http", false),
        settings.bool("webhooks.allow-private-targets", false));
    Duration timeout = settings.millis("webhooks.delivery-timeout-ms", 15_000);
    WebhookDispatcherVerticle.Options dispatch = new WebhookDispatcherVerticle.Options(
        settings.millis("webhooks.dispatch-interval-ms", 1_000), settings.integer("webhooks.dispatch-batch-size", 100),
        timeout, timeout.multipliedBy(4), settings.integer("webhooks.max-in-flight-per-endpoint", 4));
    Map<String, InboundVariant> variants = new LinkedHashMap<>();
    for (String name : settings.list("webhooks.inbound.variants")) {
      if (!name.matches("[A-Za-z0-9_-]{1,64}")) throw new IllegalArgumentException("bad inbound variant name " + name);
      String prefix = "webhooks.inbound." + name + ".";
      InboundProvider provider = InboundProvider.fromConfigName(settings.string(prefix + "provider", ""));
      List<String> secrets = settings.list(prefix + "secrets");
      if (secrets.isEmpty()) throw new IllegalArgumentException("setting " + prefix + "secrets is required");
      String merchant = settings.optional(prefix + "merchant");
      if (merchant == null) throw new IllegalArgumentException("setting " + prefix + "merchant is required");
      variants.put(name, new InboundVariant(name, provider, InboundSignatureScheme.create(provider, secrets, clock),
          UUID.fromString(merchant)));
    }
    return new WebhookSettings(box, urls, settings.bool("webhooks.dispatcher.enabled", true), dispatch,
        Duration.ofHours(settings.longValue("webhooks.secret-overlap-hours", 24)), Map.copyOf(variants));
  }

  @Override
  public String toString() {
    return "WebhookSettings[" + secretBox + ", " + urlOptions + ", variants=" + variants.keySet() + "]";
  }
}
