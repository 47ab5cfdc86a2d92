package io.tollgate;

import io.tollgate.inbound.ProcessorPayments;
import io.tollgate.webhook.EndpointUrlPolicy;
import io.tollgate.inbound.InboundVariantMerchants;
import io.tollgate.inbound.InboundWebhooks;
import io.tollgate.webhook.WebhookDispatcherVerticle;
import io.tollgate.webhook.WebhookEndpoints;
import io.tollgate.webhook.WebhookMetrics;
import io.tollgate.inbound.InboundMetrics;
import io.tollgate.inbound.WebhookHandlerRegistry;
import io.tollgate.inbound.WebhookSettings;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: the shop's endpoints and the dispatcher that delivers the outbox's events, and the
 * intake of other processors' events (applied to checkouts by {@link ProcessorPayments}).
 */
final class WebhookModule {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookModule.class);

  final InboundWebhooks inbound;
  private final WebhookMetrics metrics;
  final WebhookEndpoints endpoints;
  private final Foundation f;
  private final WebhookSettings webhooks;

  private WebhookModule(Foundation f, WebhookSettings webhooks, InboundWebhooks inbound, WebhookEndpoints endpoints) {
    this.metrics = new WebhookMetrics(f.meters());
    this.f = f;
    this.webhooks = webhooks;
    this.inbound = inbound;
    this.endpoints = endpoints;
  }

  static WebhookModule create(Foundation f) {
    WebhookSettings webhooks = WebhookSettings.fromSettings(f.settings(), f.clock());
    Map<String, UUID> merchantByVariant = new LinkedHashMap<>();
    webhooks.variants().forEach((name, variant) -> merchantByVariant.put(name, variant.merchantId()));
    InboundWebhooks inbound = new InboundWebhooks(f.pool(), webhooks.variants(), WebhookHandlerRegistry.builder()
        .registerProcessorEvents(new ProcessorPayments(merchantByVariant, f.transitions())).build(), f.clock(),
        new InboundMetrics(f.meters()));
    WebhookEndpoints endpoints = new WebhookEndpoints(f.pool(), webhooks.secretBox(),
        new EndpointUrlPolicy(EndpointUrlPolicy.HostResolver.system(f.vertx()), webhooks.urlOptions()), new SecureRandom(),
        f.clock(), webhooks.secretOverlap(),
        f.settings().integer("webhooks.max-endpoints-per-merchant", WebhookEndpoints.DEFAULT_MAX_ENDPOINTS));
    return new WebhookModule(f, webhooks, inbound, endpoints);
  }

  /** Before anything is deployed: a variant naming no merchant fails the start instead of every event later. */
  Future<Void> checkVariants() {
    return InboundVariantMerchants.requireExisting(f.pool(), webhooks.variants());
  }

  Module module() {
    if (!webhooks.dispatcherEnabled()) {
      LOG.warn("webhooks.dispatcher.enabled=false: this instance writes webhook events but sends none");
      return Module.of(List.of());
    }
    return Module.of(List.of(() -> f.vertx().deployVerticle(new WebhookDispatcherVerticle(f.pool(), f.db(),
        webhooks.secretBox(), webhooks.urlOptions(), f.clock(), webhooks.dispatch(), metrics))));
  }

  /**
   * Reads the delivery backlog for its gauges now and every 15 s by default (on every instance, dispatching
   * or not: the backlog is the shared database's); {@code webhooks.backlog-refresh-ms} changes the interval.
   */
  void startBacklogGauges() {
    Runnable refresh = () -> metrics.refreshBacklog(f.pool())
        .onFailure(e -> LOG.debug("reading the webhook backlog failed: {}", e.toString()));
    refresh.run();
    f.vertx().setPeriodic(f.settings().longValue("webhooks.backlog-refresh-ms", 15_000), tick -> refresh.run());
  }
}
