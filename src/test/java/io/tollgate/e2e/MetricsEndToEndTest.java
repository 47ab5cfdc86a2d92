package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tollgate.e2e.WebhookReceiver.Answer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * {@code /metrics} as Prometheus scrapes it from the Vert.x that {@code serve} runs on, after a
 * paid checkout and a webhook its receiver refuses: checkouts by outcome, the confirmation delay
 * histogram, JSON-RPC calls per provider and method, chain lag, webhook results and backlog, JVM
 * and per-route HTTP metrics, the polls' own counter; no id ever a label value. And every series
 * the shipped dashboard and alert rules query exists under that name.
 */
class MetricsEndToEndTest {
  private static final BigInteger USDC_12_50 = BigInteger.valueOf(12_500_000);
  /**
   * Series registered on first use (labels known only then; GC pauses at the first collection);
   * tollgate_relay_* only where a relayer key is set (GaslessAndX402OperationsEndToEndTest scrapes those).
   */
  private static final Set<String> REGISTERED_LATER = Set.of("tollgate_inbound_webhooks_total", "jvm_gc_pause_seconds_sum",
      "tollgate_payments_rejected_total", "tollgate_rpc_errors_total", "tollgate_webhook_endpoints_disabled_total",
      "tollgate_relays_total", "tollgate_x402_settlements_total");

  @Test
  void aPaidCheckoutAndAFailedWebhookShowInTheScrape() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    root.addAppender(warnings);
    // logback.xml keeps Micrometer's registry logger at ERROR; hear its warnings here, or the check below proves nothing
    Logger meterLog = (Logger) LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry");
    ch.qos.logback.classic.Level configured = meterLog.getLevel();
    meterLog.setLevel(ch.qos.logback.classic.Level.WARN);
    try (TollgateFixture app = TollgateFixture.startWithMetrics(Map.of("webhooks.backlog-refresh-ms", "100"));
        WebhookReceiver refusing = new WebhookReceiver()) {
      refusing.answer(r -> Answer.of(503));
      TollgateFixture.Response hook = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
          .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", refusing.url("/down")).encode())));
      assertThat(hook.status()).as(hook.body()).isEqualTo(201);

      JsonObject checkout = app.newCheckout("12.50", "USDC");
      Credentials buyer = app.buyer(100);
      app.bindPayer(checkout, buyer);
      app.submit(checkout, "USDC", app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, USDC_12_50));
      assertThat(app.awaitSettled(checkout).getString("status")).isEqualTo("paid");
      refusing.await(r -> r.body().contains("checkout.paid"), 1);

      Map<String, Double> m = Map.of();
      String text = "";
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        text = app.get("/metrics", null, Map.of()).body();
        m = parse(text);
        if (value(m, "tollgate_webhook_deliveries_total{result=\"retrying\"}") >= 1
            && value(m, "tollgate_webhook_oldest_undelivered_seconds") > 0) break;
        TollgateFixture.sleep(100);
      }
      String scrape = text;
      assertThat(value(m, "tollgate_checkouts_total{outcome=\"created\",reason=\"none\"}")).as(scrape).isEqualTo(1);
      assertThat(value(m, "tollgate_checkouts_total{outcome=\"paid\",reason=\"none\"}")).isEqualTo(1);
      assertThat(value(m, "tollgate_payments_claimed_total")).isEqualTo(1);
      assertThat(value(m, "tollgate_payment_confirmation_delay_seconds_count")).isEqualTo(1);
      assertThat(value(m, "tollgate_payment_confirmation_delay_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
      assertThat(value(m, "tollgate_payment_confirmation_delay_seconds_bucket{le=\"30.0\"}")).isEqualTo(1);
      assertThat(value(m, "tollgate_webhook_deliveries_total{result=\"retrying\"}")).isGreaterThanOrEqualTo(1);
      assertThat(value(m, "tollgate_webhook_backlog_deliveries")).isGreaterThanOrEqualTo(1);
      assertThat(value(m, "tollgate_webhook_oldest_undelivered_seconds")).isGreaterThan(0);
      // the provider label is the same in the per-method and the per-provider series: scheme, host and port
      String provider = "http://" + URI.create(app.anvil.rpcUrl()).getAuthority();
      assertThat(value(m, "tollgate_rpc_calls_total{chain=\"31337\",method=\"eth_blockNumber\",provider=\"" + provider + "\"}"))
          .isGreaterThan(0);
      assertThat(value(m, "tollgate_rpc_calls_total{chain=\"31337\",method=\"eth_getTransactionReceipt\",provider=\""
          + provider + "\"}")).isGreaterThan(0);
      assertThat(value(m, "tollgate_chain_provider_requests_total{chain=\"31337\",provider=\"" + provider + "\"}"))
          .isGreaterThan(0);
      assertThat(value(m, "tollgate_chain_provider_stale_total{chain=\"31337\",provider=\"" + provider + "\"}")).isZero();
      assertThat(value(m, "tollgate_chain_head_lag_seconds{chain=\"31337\"}")).isGreaterThanOrEqualTo(0);
      assertThat(value(m, "tollgate_chain_leader{chain=\"31337\"}")).isEqualTo(1);
      assertThat(value(m, "tollgate_ratelimit_refusals_total")).isZero();
      assertThat(value(m, "tollgate_status_polls_total{code=\"200\"}")).isGreaterThan(0);
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_gc_"));
      // per-route HTTP metrics: the OpenAPI template, not the path with its id; polls are not there
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_http_server_requests_total{")
          && k.contains("route=\"/v1/checkouts\"") && k.contains("method=\"POST\"") && k.contains("code=\"201\""));
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_http_server_requests_total{")
          && k.contains("route=\"/v1/checkouts/:checkoutId/payer\""));
      assertThat(scrape).doesNotContain(checkout.getString("id"));
      // Vert.x's gauges shared by several consumers or clients (one value per id, by design), without the warning
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_eventbus_handlers"));
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_net_client_active_connections"));
      assertThat(m.keySet()).noneMatch(k -> k.startsWith("vertx_http_server_") && k.contains("/status"));

      // None of our meters is registered twice (Micrometer warns "Gauge has been already registered" when one is).
      // Vert.x registers its shared gauges once per consumer or client by design (vertx.eventbus.handlers: one
      // value per id, right): those warnings are the only ones, and the shipped logback.xml keeps them out of the log.
      assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).filteredOn(w -> w.contains("already registered"))
          .allMatch(w -> w.contains("MeterId{name='vertx."), "a Vert.x meter");
      assertThat(configured).as("logback.xml's level for Micrometer's registry").isEqualTo(ch.qos.logback.classic.Level.ERROR);

      // the dashboard and the alert rules query only series that exist
      Set<String> queried = new TreeSet<>();
      for (String file : new String[] {"deploy/grafana/tollgate.json", "deploy/prometheus/alerts.yml"}) {
        Matcher names = Pattern.compile("\\b((?:tollgate|vertx|jvm|process)_[a-z0-9_]+)").matcher(read(file));
        while (names.find()) queried.add(names.group(1));
      }
      assertThat(queried).contains("tollgate_checkouts_total", "tollgate_webhook_oldest_undelivered_seconds",
          "tollgate_chain_head_lag_seconds", "tollgate_rpc_errors_total", "tollgate_chain_provider_stale_total");
      for (String name : queried) {
        if (name.startsWith("tollgate_relay_") || REGISTERED_LATER.contains(name)) continue;
        assertThat(m.keySet()).as("the scrape has %s", name).anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
      }
    } finally {
      root.detachAppender(warnings);
      meterLog.setLevel(configured);
    }
  }

  /**
   * The series that count trouble, each after the trouble happened: rate-limit refusals after polls
   * past the checkout's limit, inbound events by variant and status after a processor's event, and
   * JSON-RPC errors per provider and method from a provider that refuses every connection (listed
   * first, so every round tries it and fails over to anvil).
   */
  @Test
  void refusalsInboundEventsAndProviderErrorsAreCountedWithTheirLabels() throws Exception {
    String dead;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = "http://127.0.0.1:" + closed.getLocalPort();
    }
    String inboundSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(
        "metrics-inbound-secret-32-bytes!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (TollgateFixture app = TollgateFixture.startWithMetrics(anvil -> Map.of(
        "chain.31337.rpc-urls", dead + "," + anvil.rpcUrl(),
        "ratelimit.buyer.per-checkout", "3", "ratelimit.buyer.per-checkout-period-seconds", "3600"))) {
      JsonObject checkout = app.newCheckout("1.00", "USDC");
      int refused = 0;
      for (int i = 0; i < 6; i++) if (app.status(checkout).status() == 429) refused++;
      assertThat(refused).isGreaterThan(0);
      try (TollgateFixture.Instance intake = app.startAnother(Map.of("webhooks.dispatcher.enabled", "false",
          "webhooks.inbound.variants", "std", "webhooks.inbound.std.provider", "standard_webhooks",
          "webhooks.inbound.std.secrets", inboundSecret, "webhooks.inbound.std.merchant", app.merchantId.toString()))) {
        String body = new JsonObject().put("type", "invoice.something_new").put("data", new JsonObject()).encode();
        long t = java.time.Instant.now().getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(inboundSecret.substring(6)), "HmacSHA256"));
        String signature = "v1," + java.util.Base64.getEncoder().encodeToString(
            mac.doFinal(("msg_metrics_1." + t + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        TollgateFixture.Response inbound = app.send(HttpRequest.newBuilder(URI.create(intake.base() + "/v1/webhooks/std"))
            .header("Content-Type", "application/json").header("webhook-id", "msg_metrics_1")
            .header("webhook-timestamp", Long.toString(t)).header("webhook-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(inbound.status()).as(inbound.body()).isEqualTo(200);
      }

      String provider = dead;
      Map<String, Double> m = Map.of();
      String scrape = "";
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        scrape = app.get("/metrics", null, Map.of()).body();
        m = parse(scrape);
        if (value(m, "tollgate_inbound_webhooks_total{status=\"ignored\",variant=\"std\"}") >= 1
            && value(m, "tollgate_rpc_errors_total{chain=\"31337\",kind=\"unavailable\",method=\"eth_blockNumber\",provider=\""
                + provider + "\"}") > 0) break;
        TollgateFixture.sleep(100);
      }
      assertThat(value(m, "tollgate_ratelimit_refusals_total")).as(scrape).isGreaterThanOrEqualTo(refused);
      assertThat(value(m, "tollgate_status_polls_total{code=\"429\"}")).isGreaterThanOrEqualTo(refused);
      assertThat(value(m, "tollgate_inbound_webhooks_total{status=\"ignored\",variant=\"std\"}")).isGreaterThanOrEqualTo(1);
      assertThat(value(m, "tollgate_rpc_errors_total{chain=\"31337\",kind=\"unavailable\",method=\"eth_blockNumber\",provider=\""
          + provider + "\"}")).isGreaterThan(0);
      assertThat(value(m, "tollgate_chain_provider_failures_total{chain=\"31337\",provider=\"" + provider + "\"}"))
          .isGreaterThan(0);
    }
  }

  /** {@code name{labels}} (labels sorted as Prometheus writes them) to value; comments skipped. */
  static Map<String, Double> parse(String scrape) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      values.put(sortedLabels(line.substring(0, space)), value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
    }
    return values;
  }

  private static String sortedLabels(String series) {
    int brace = series.indexOf('{');
    if (brace < 0) return series;
    TreeSet<String> labels = new TreeSet<>(java.util.Arrays.asList(series.substring(brace + 1, series.length() - 1).split(",")));
    labels.removeIf(String::isEmpty);
    return series.substring(0, brace) + "{" + String.join(",", labels) + "}";
  }

  private static double value(Map<String, Double> m, String series) {
    Double v = m.get(sortedLabels(series));
    return v == null ? -1 : v;
  }

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(System.getProperty("tollgate.project.dir", "."), file));
  }
}
