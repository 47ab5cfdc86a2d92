package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.browser.Browser;
import io.tollgate.testing.browser.InjectedWallet;
import io.tollgate.testing.browser.TestPageServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.web3j.crypto.Credentials;

/**
 * The hosted payment page in a real browser (headless Chromium), against the whole service
 * (HTTP, PostgreSQL, Redis, anvil) with a wallet injected into the page that signs with anvil's
 * unlocked accounts: a buyer pays an ERC-20 option (Sign-In with Ethereum binding, transfer, hash
 * submission), a native ETH option and a gasless (EIP-3009) option through the page; the page in a
 * shop's iframe tells its parent that the checkout is paid; a wallet the shop did not name is
 * refused with its sentence before anything is sent; axe-core finds no serious violation and the
 * page runs under its own CSP. Screenshots of each step: target/browser-screenshots/payment-page/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentPageBrowserTest {
  private static final String TOKEN = "operator-token-" + UUID.randomUUID();
  private static final BigInteger USDC_UNIT = BigInteger.TEN.pow(6);
  private Browser browser;
  private TollgateFixture app;
  private TestPageServer shop;

  @BeforeAll
  void start() throws Exception {
    browser = Browser.start("payment-page");
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    Map<String, String> settings = new HashMap<>(GaslessEndToEndTest.settings(null));
    settings.put("admin.token-sha256", hash);
    app = TollgateFixture.start(settings);
    shop = new TestPageServer("localhost"); // another origin than the service's (127.0.0.1)
    TollgateFixture.Response allowed = admin("PATCH", "/v1/admin/merchants/" + app.merchantId,
        new JsonObject().put("allowedOrigins", new JsonArray().add(shop.origin())));
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.close();
    if (shop != null) shop.close();
    if (app != null) app.close();
  }

  @Test
  void aBuyerPaysAnErc20OptionAndIsSentBackToTheShop() {
    String buyer = anvilAccount(1);
    app.chain.mintToken(app.usdc, buyer, BigInteger.valueOf(100).multiply(USDC_UNIT));
    String thanks = shop.page("/thanks", "<!doctype html><html lang=\"en\"><title>Thanks</title><p>Thanks for your order</p></html>");
    JsonObject checkout = create("12.50", "USDC", new JsonObject().put("successUrl", thanks));
    open(checkout, wallet(buyer));
    assertThat(browser.text("#amount")).isEqualTo("$12.50");
    assertThat(browser.text("button[data-option='31337:USDC']")).contains("12.5 USDC");
    browser.screenshot("erc20-1-options");
    browser.click(".wallet-button");
    browser.awaitTextContaining(".balance", "You have 100 USDC.");
    browser.screenshot("erc20-2-connected-balance");
    browser.click("#pay-transfer");
    browser.awaitTextContaining("#outcome", "Payment received");
    browser.screenshot("erc20-3-paid");
    assertThat(browser.driver().findElements(By.cssSelector(".progress li.done"))).hasSize(4);
    browser.await("redirect to the success URL", d -> d.getCurrentUrl().equals(thanks));
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
    JsonObject full = app.merchantGet("/v1/checkouts/" + checkout.getString("id")).json();
    assertThat(full.getString("payer")).isEqualToIgnoringCase(buyer);
  }

  @Test
  void aBuyerPaysANativeEthOption() {
    String buyer = anvilAccount(2);
    JsonObject checkout = create("25.00", "ETH", new JsonObject());
    open(checkout, wallet(buyer));
    browser.click(".wallet-button");
    browser.awaitTextContaining(".balance", "ETH.");
    browser.screenshot("eth-1-connected");
    browser.click("#pay-transfer");
    browser.awaitTextContaining("#outcome", "Payment received");
    browser.screenshot("eth-2-paid");
    List<String> methods = walletMethods();
    assertThat(methods).containsSubsequence("eth_requestAccounts", "personal_sign", "eth_sendTransaction");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
  }

  @Test
  void aBuyerPaysByGaslessSignature() {
    String buyer = anvilAccount(3);
    app.chain.mintToken(app.usdc, buyer, BigInteger.valueOf(20).multiply(USDC_UNIT));
    String nonceBefore = (String) app.chain.rpc("eth_getTransactionCount", buyer, "latest");
    JsonObject checkout = create("7.25", "USDC", new JsonObject());
    open(checkout, wallet(buyer));
    assertThat(browser.text("button[data-option='31337:USDC']")).contains("no network fee");
    browser.click(".wallet-button");
    browser.find("#pay-gasless");
    browser.screenshot("gasless-1-connected");
    browser.click("#pay-gasless");
    browser.awaitTextContaining("#outcome", "Payment received");
    browser.screenshot("gasless-2-paid");
    assertThat(walletMethods()).contains("eth_signTypedData_v4").doesNotContain("eth_sendTransaction");
    // the buyer's wallet sent no transaction: the relayer paid the gas
    assertThat(app.chain.rpc("eth_getTransactionCount", buyer, "latest")).isEqualTo(nonceBefore);
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
  }

  @Test
  void aWalletTheShopDidNotNameIsRefusedWithItsSentenceBeforeAnythingIsSent() {
    Credentials named = app.buyer(10);
    String other = anvilAccount(4);
    app.chain.mintToken(app.usdc, other, BigInteger.valueOf(50).multiply(USDC_UNIT));
    JsonObject checkout = create("4.00", "USDC", new JsonObject().put("payer", named.getAddress()));
    open(checkout, wallet(other));
    browser.click(".wallet-button");
    browser.click("#pay-transfer");
    String sentence = browser.awaitTextContaining("#problem", "can only be paid from the wallet");
    browser.screenshot("wrong-payer-refused");
    assertThat(sentence).contains("Nothing was sent").contains("Switch to that wallet");
    assertThat(walletMethods()).doesNotContain("eth_sendTransaction", "personal_sign", "eth_signTypedData_v4");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open");
  }

  @Test
  void aHashFromAWalletThatNeverProvedItselfIsRefusedByTheServiceWithItsSentence() {
    Credentials phone = app.buyer(10); // paid from a phone wallet that never signed this checkout's challenge
    JsonObject checkout = create("2.00", "USDC", new JsonObject());
    browser.newTab();
    browser.open(app.base() + checkout.getString("paymentUrl"));
    String tx = app.chain.transferToken(phone, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(2).multiply(USDC_UNIT));
    browser.type("#tx-hash", tx);
    // the page rebuilds itself on every change (a wallet announcing itself, here): what was typed stays
    browser.js("window.dispatchEvent(new CustomEvent('eip6963:announceProvider', {detail: {info: {uuid: 'late-wallet',"
        + " name: 'Late wallet', icon: 'data:,', rdns: 'test.late'}, provider: {request: async () => []}}}))");
    browser.await("a second wallet button", d -> d.findElements(org.openqa.selenium.By.cssSelector(".wallet-button")).size() >= 1
        ? true : null);
    assertThat(browser.js("return document.getElementById('tx-hash').value")).as("the typed hash after a re-render").isEqualTo(tx);
    browser.click(".txform button[type=submit]");
    String sentence = browser.awaitTextContaining("#problem", "We cannot tell this payment came from you");
    browser.screenshot("payer-not-bound-refused");
    assertThat(sentence).contains("contact the shop with the transaction hash");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("open");
  }

  @Test
  void aFailedPaymentLeavesThePagePayableAndPayingAgainFromTheRightWalletIsPaid() {
    String buyer = anvilAccount(5);
    app.chain.mintToken(app.usdc, buyer, BigInteger.valueOf(20).multiply(USDC_UNIT));
    Credentials stranger = app.buyer(10);
    JsonObject checkout = create("5.00", "USDC", new JsonObject().put("payer", buyer));
    open(checkout, wallet(buyer));
    browser.find("button[data-option='31337:USDC']");
    // a transfer from another wallet is claimed for the checkout: the service refuses it, the checkout fails
    // mined a second past now: anvil's block time was seen lagging the wall clock (outside the window)
    long latest = Long.decode(((JsonObject) app.chain.rpc("eth_getBlockByNumber", "latest", false)).getString("timestamp"));
    app.chain.rpc("evm_setNextBlockTimestamp", Math.max(latest + 1, java.time.Instant.now().getEpochSecond() + 1));
    String wrong = app.chain.transferToken(stranger, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(5).multiply(USDC_UNIT));
    assertThat(app.submit(checkout, "USDC", wrong).status()).isEqualTo(202);
    String sentence = browser.awaitTextContaining("#outcome", "came from another wallet");
    browser.screenshot("failed-1-wrong-payer");
    assertThat(sentence).contains("contact the shop");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("failed");
    // failed is not the end (the server keeps the stream open): the options, the expiry and the way to pay stay
    assertThat(browser.text("#pay-again")).contains("can still be paid");
    assertThat(browser.text("#expiry")).contains("expires in");
    browser.click(".wallet-button");
    browser.click("#pay-transfer");
    browser.awaitTextContaining("#outcome", "Payment received");
    browser.screenshot("failed-2-paid-again");
    assertThat(app.status(checkout).json().getString("status")).isEqualTo("paid");
  }

  @Test
  void inAShopsIframeThePageTellsItsParentThatTheCheckoutIsPaid() {
    Credentials buyer = app.buyer(10);
    JsonObject checkout = create("3.00", "USDC", new JsonObject().put("payer", buyer.getAddress()));
    String embedding = """
        <!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Tickets</h1>
        <iframe id="pay" title="Payment" width="480" height="700" src="%s" onload="this.dataset.loaded = '1'"></iframe></main>
        <script>
          window.tollgateMessages = [];
          window.addEventListener('message', e => window.tollgateMessages.push({ origin: e.origin, type: e.data.type,
            status: e.data.status, height: e.data.height }));
        </script></body></html>""".formatted(app.base() + checkout.getString("paymentUrl"));
    // a page on an origin the merchant did not allow: the browser refuses to show the checkout in it
    try (TestPageServer stranger = new TestPageServer("127.0.0.1")) {
      browser.newTab();
      browser.open(stranger.page("/embed", embedding));
      browser.await("the refused frame to finish loading", d -> browser.js("return document.getElementById('pay').dataset.loaded"));
      TollgateFixture.sleep(2000); // what is checked is that nothing arrives: the allowed parent hears within this time
      browser.screenshot("iframe-0-refused-on-another-origin");
      assertThat(messages()).isEmpty();
    }
    String parent = shop.page("/embed-" + checkout.getString("id"), embedding);
    browser.newTab();
    browser.open(parent);
    browser.await("the page in the iframe reports its height", d -> messages().stream()
        .anyMatch(m -> "tollgate:checkout-resize".equals(m.get("type"))));
    browser.screenshot("iframe-1-embedded");
    // the buyer pays from elsewhere (a phone wallet): the page learns it from the status stream or poll
    String tx = app.chain.transferToken(buyer, app.usdc, TollgateFixture.RECIPIENT, BigInteger.valueOf(3).multiply(USDC_UNIT));
    assertThat(app.submit(checkout, "USDC", tx).status()).isEqualTo(202);
    Map<String, Object> paid = browser.await("tollgate:checkout-paid at the parent", d -> messages().stream()
        .filter(m -> "tollgate:checkout-paid".equals(m.get("type"))).findFirst().orElse(null));
    browser.screenshot("iframe-2-paid");
    assertThat(paid.get("origin")).isEqualTo(app.base());
    assertThat(paid.get("status")).isEqualTo("paid");
  }

  @Test
  void thePageHasNoSeriousAccessibilityViolationAndRunsUnderItsOwnPolicy() throws Exception {
    JsonObject checkout = create("9.99", "USDC", new JsonObject().put("cancelUrl", shop.origin() + "/cart"));
    browser.newTab();
    browser.beforeEachDocument("""
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));""");
    // first render = the options on screen (the page's own mark), from navigation start; the peer is a
    // static page of one line from the test's page server, loaded in the same run
    String peer = shop.page("/peer.html", "<!doctype html><html lang=\"en\"><title>peer</title><p>static page</p></html>");
    List<Double> renders = new ArrayList<>();
    List<Double> peerPaints = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      browser.open(peer); // also: else the same URL again is only a fragment change, not a load
      browser.find("p");
      peerPaints.add(firstContentfulPaint());
      browser.open(app.base() + checkout.getString("paymentUrl"));
      browser.find("button[data-option='31337:USDC']");
      renders.add(((Number) browser.js(
          "return performance.getEntriesByName('tollgate:first-render')[0].startTime")).doubleValue());
    }
    browser.find("img.qr");
    browser.screenshot("accessibility-no-wallet");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("#"); // the secret left the address bar
    assertThat(browser.axeViolations("serious")).isEmpty();
    assertThat((List<?>) browser.js("return window.__cspViolations")).isEmpty();
    String link = browser.await("EIP-681 link", d -> d.findElement(By.id("eip681")).getAttribute("href"));
    assertThat(link)
        .isEqualTo("ethereum:" + app.usdc + "@31337/transfer?address=" + TollgateFixture.RECIPIENT + "&uint256=9990000");
    // a figure for docs/BENCHMARKS.md, not an assertion: first render = options on screen, from navigation start
    renders.sort(Double::compare);
    peerPaints.sort(Double::compare);
    Path figures = Path.of(System.getProperty("tollgate.project.dir", ".")).resolve("target/browser-screenshots/payment-page/first-render.txt");
    Files.writeString(figures, "payment page first render (ms, sorted): " + renders + "\nstatic peer page first paint (ms, sorted): "
        + peerPaints + "\nload average: " + Files.readString(Path.of("/proc/loadavg")));
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private JsonObject create(String amount, String token, JsonObject extra) {
    JsonObject body = new JsonObject().put("orderReference", "PAGE-" + UUID.randomUUID()).put("amount", amount)
        .put("paymentOptions", new JsonArray().add(new JsonObject().put("chainId", TollgateFixture.CHAIN_ID).put("token", token)));
    extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    TollgateFixture.Response r = app.createCheckout("key-" + UUID.randomUUID(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private void open(JsonObject checkout, InjectedWallet wallet) {
    browser.newTab();
    browser.install(wallet);
    browser.open(app.base() + checkout.getString("paymentUrl"));
  }

  private InjectedWallet wallet(String account) {
    return new InjectedWallet(app.anvil.rpcUrl(), account, TollgateFixture.CHAIN_ID);
  }

  private String anvilAccount(int index) {
    return InjectedWallet.anvilAccount(app.anvil.rpcUrl(), index);
  }

  @SuppressWarnings("unchecked")
  private List<String> walletMethods() {
    List<Map<String, Object>> calls = (List<Map<String, Object>>) browser.js("return window.__testWallet.calls");
    return calls.stream().map(c -> (String) c.get("method")).toList();
  }

  private double firstContentfulPaint() {
    return ((Number) browser.await("first contentful paint", d -> browser.js(
        "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null"))).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> messages() {
    return (List<Map<String, Object>>) browser.js("return window.tollgateMessages || []");
  }

  private TollgateFixture.Response admin(String method, String path, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json");
    return app.send(b);
  }
}
