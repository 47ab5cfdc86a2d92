package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.browser.Browser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.web3j.crypto.Credentials;

/**
 * The operator console in headless Chromium against a real Tollgate (PostgreSQL, Redis, anvil):
 * after a checkout paid on-chain the way a buyer's wallet pays (a USDC transfer from the bound
 * payer, its hash submitted), the merchant signs in with its key, finds the checkout by transaction
 * hash and by order reference and reads its audit trail; the operator signs in with the token and
 * sees the merchants, the relayer and the live figures. Every page passes axe-core with no serious
 * or critical violation and raises no console error (a CSP violation would be one). Screenshots:
 * {@code target/browser-screenshots/console/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserEndToEndTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private TollgateFixture app;
  private Browser browser;
  private JsonObject paid;
  private String tx;
  private String order;
  private WebhookReceiver receiver;

  @BeforeAll
  void start() throws Exception {
    browser = Browser.start("console");
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    app = TollgateFixture.start(Map.of("admin.token-sha256", hash,
        "chain.31337.relayer.private-key", GaslessEndToEndTest.RELAYER_KEY,
        "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2"));
    // the shop's webhook endpoint is gone (410): the paid event's delivery fails, for the webhooks page
    receiver = new WebhookReceiver();
    receiver.answer(r -> WebhookReceiver.Answer.of(410));
    TollgateFixture.Response endpoint = app.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", receiver.url("/gone"))
            .put("eventTypes", new JsonArray().add("checkout.paid")).encode())));
    assertThat(endpoint.status()).isEqualTo(201);
    Credentials buyer = app.buyer(100);
    order = "TICKETS-" + UUID.randomUUID().toString().substring(0, 8);
    paid = app.createCheckout("b-" + UUID.randomUUID(), new JsonObject().put("orderReference", order)
        .put("amount", "12.50").put("payer", buyer.getAddress())
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", "USDC"))))
        .json();
    tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(12_500_000));
    assertThat(app.submit(paid, "USDC", tx).status()).isEqualTo(202);
    assertThat(app.awaitSettled(paid).getString("status")).isEqualTo("paid");
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (app.merchantGet("/v1/webhook-events?deliveryStatus=failed").json().getJsonArray("data").isEmpty()) {
      if (System.nanoTime() > deadline) throw new AssertionError("the paid event's delivery never failed");
      TollgateFixture.sleep(100);
    }
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.close();
    if (app != null) app.close();
    if (receiver != null) receiver.close();
  }

  @Test
  void theMerchantFindsItsPaidCheckoutAndTheOperatorSeesEverything() {
    browser.open(app.base() + "/console");
    browser.find("#credential");
    assertAccessible("sign-in");
    browser.screenshot("sign-in");
    signIn(app.apiKey);
    browser.awaitText("#who", "Test shop");
    assertAccessible("checkouts");

    // by transaction hash: one result, the paid checkout
    search(tx);
    WebElement link = browser.awaitText("#results[data-by=txHash][aria-busy=false] a.checkout-link", order);
    assertThat(browser.driver().findElements(By.cssSelector("table.results tbody tr"))).hasSize(1);
    awaitText(".notice", "transaction hash");
    browser.screenshot("merchant-found-by-tx-hash");
    link.click();
    browser.awaitText("#audit", "paid");
    browser.awaitText("#payments", tx.toLowerCase());
    assertThat(browser.find("#summary").getText()).contains(paid.getString("id")).contains("12.50 USD");
    List<String> changes = browser.driver().findElements(By.cssSelector("#audit tbody tr td:nth-child(2)")).stream()
        .map(WebElement::getText).toList();
    assertThat(changes).anyMatch(c -> c.endsWith("→ pending")).last().asString().endsWith("→ paid");
    browser.awaitText("#deliveries", "checkout.paid");
    assertThat(browser.find("#deliveries").getText()).contains("failed").contains("410");
    assertAccessible("detail");
    browser.screenshot("merchant-checkout-audit-trail");

    // by order reference, from the search page again
    browser.find("a[href='#/checkouts']").click();
    search(order);
    awaitText(".notice", "order reference");
    browser.awaitText("#results[data-by=orderReference][aria-busy=false] a.checkout-link", order);
    assertThat(browser.driver().findElements(By.cssSelector("table.results tbody tr"))).hasSize(1);
    browser.screenshot("merchant-found-by-order-reference");

    // the credential lives in this tab's sessionStorage and in no address
    assertThat(browser.js("return sessionStorage.getItem('tollgate.console.credential')")).isEqualTo(app.apiKey);
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(app.apiKey);
    assertThat(browser.consoleErrors()).isEmpty();

    // the webhooks page: the endpoint, disabled by its 410, with its failed delivery; the shop fixes
    // its receiver, enables the endpoint and resends the event from the list, and it arrives
    browser.find("nav a[href='#/webhooks']").click();
    awaitText("#endpoints", receiver.url("/gone"));
    awaitText("#failed", "checkout.paid");
    assertAccessible("webhooks");
    browser.screenshot("merchant-webhooks-failed");
    receiver.answer(r -> WebhookReceiver.Answer.of(204));
    browser.find("#endpoints button.enable").click();
    awaitText(".notice", "enabled again");
    assertThat(app.merchantGet("/v1/webhook-endpoints").json().getJsonArray("data").getJsonObject(0).getBoolean("enabled")).isTrue();
    browser.find("#failed button").click();
    awaitText(".notice", "Scheduled 1 deliveries");
    // the first attempt (answered 410) and the resend, with the same webhook-id
    List<WebhookReceiver.Received> both = receiver.await(r -> paid.getString("id").equals(r.checkoutId())
        && "checkout.paid".equals(r.type()), 2);
    assertThat(both.get(1).header("webhook-id")).isEqualTo(both.get(0).header("webhook-id"));
    browser.screenshot("merchant-webhooks-resent");

    // the live drop view counts the paid checkout
    browser.find("nav a[href='#/live']").click();
    browser.awaitText("#live-totals", "Paid");
    assertThat(browser.find("#live-totals").getText()).containsPattern("Paid\\s+1");
    assertAccessible("live");
    browser.screenshot("merchant-live-drop");

    // the operator: merchants, relayer, and the same checkout found across merchants
    browser.find("header button").click();
    signIn(TOKEN);
    browser.awaitText("#who", "operator");
    browser.find("nav a[href='#/merchants']").click();
    browser.awaitText("#merchants", "Test shop");
    assertAccessible("merchants");
    browser.screenshot("operator-merchants");
    browser.find("nav a[href='#/relayers']").click();
    browser.awaitText("main", "Chain 31337");
    String relayer = Credentials.create(GaslessEndToEndTest.RELAYER_KEY).getAddress();
    browser.awaitText("main", relayer);
    assertAccessible("relayers");
    browser.screenshot("operator-relayers");
    browser.find("nav a[href='#/inbound']").click();
    browser.awaitText("main", "No inbound event.");
    assertAccessible("inbound");
    browser.find("nav a[href='#/checkouts']").click();
    search(tx);
    browser.awaitText("#results[data-by=txHash][aria-busy=false] a.checkout-link", order).click();
    browser.awaitText("#audit", "paid");
    assertThat(browser.find("#summary").getText()).contains("Test shop");
    browser.screenshot("operator-checkout-audit-trail");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  /**
   * Waits until an element matching {@code css} contains {@code text}, looking again when a page
   * re-render replaced the element between finding and reading it.
   */
  private WebElement awaitText(String css, String text) {
    return browser.await("text '" + text + "' in " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        try {
          if (e.getText().contains(text)) return e;
        } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
          return null;
        }
      }
      return null;
    });
  }

  private void signIn(String credential) {
    WebElement input = browser.find("#credential");
    input.clear();
    input.sendKeys(credential);
    browser.find("form.signin button[type=submit]").click();
  }

  private void search(String text) {
    WebElement input = browser.find("#search");
    input.clear();
    input.sendKeys(text);
    browser.find("form.search button[type=submit]").click();
  }

  private void assertAccessible(String page) {
    assertThat(browser.axeViolations("serious")).as("axe-core on the " + page + " page").isEmpty();
  }
}
