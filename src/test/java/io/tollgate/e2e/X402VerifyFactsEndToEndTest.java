package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.ChaosRpcProxy;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Verify's facts kept in memory and fresh from the token's logs, through HTTP on anvil: a second
 * instance (the first holds the watcher and relay leases, so the second's calls are verify's alone)
 * talks to anvil through a counting proxy. 50 verifies of one payload cost one {@code eth_call}
 * while the feed's calls follow blocks and time, not requests; a balance moved away and an
 * authorization used by somebody else directly on the chain are seen from the logs within the
 * feed's bound, with no new {@code eth_call} (the facts' max age is set far beyond the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class X402VerifyFactsEndToEndTest {
  static final String PAY_TO = X402FacilitatorEndToEndTest.PAY_TO;
  /** The fixture polls every 100 ms, so the feed does: a log-visible change is seen within a round after it. */
  static final long BOUND_MS = 2_000;

  private TollgateFixture app;
  private ChaosRpcProxy proxy;
  private TollgateFixture.Instance counted;

  @BeforeAll
  void start() throws IOException {
    app = TollgateFixture.start(anvil -> {
      Map<String, String> s = new HashMap<>(Map.of(
          "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
          "chain.31337.relayer.private-key", X402FacilitatorEndToEndTest.RELAYER_KEY));
      return s;
    });
    proxy = new ChaosRpcProxy(app.anvil.rpcUrl());
    counted = app.startAnother(Map.of("chain.31337.rpc-urls", proxy.url(), "x402.facts-max-age-ms", "600000"));
  }

  @AfterAll
  void stop() {
    if (counted != null) counted.close();
    if (proxy != null) proxy.close();
    if (app != null) app.close();
  }

  @Test
  void fiftyVerifiesOfOnePaymentCostOneCallAndTheFeedFollowsBlocksNotRequests() {
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("1000000"), app.usdc);
    TollgateFixture.sleep(300); // a running feed catches up with the payer's funding
    proxy.resetCounts();
    long firstBlock = app.chain.blockNumber();
    long started = System.currentTimeMillis();
    for (int i = 0; i < 50; i++) {
      if (i % 20 == 10) app.chain.mine(1 + i / 20); // blocks come while it verifies: one, then two at once
      JsonObject verdict = verify(body);
      assertThat(verdict.getBoolean("isValid")).as(verdict.encode()).isTrue();
    }
    TollgateFixture.sleep(300); // the feed's rounds catch up with the last blocks
    long elapsed = System.currentTimeMillis() - started;
    long blocks = app.chain.blockNumber() - firstBlock;
    Map<String, Long> calls = proxy.callsByMethod();
    assertThat(calls.getOrDefault("eth_call", 0L)).as(calls.toString()).isEqualTo(1);
    // the feed: a head per round (every 100 ms while it has facts), logs only for new blocks
    assertThat(blocks).isEqualTo(3);
    assertThat(calls.getOrDefault("eth_getLogs", 0L)).as(calls.toString()).isBetween(1L, blocks);
    assertThat(calls.getOrDefault("eth_getBlockByNumber", 0L)).as(calls.toString())
        .isLessThanOrEqualTo(elapsed / 100 + 2 + 2 * blocks);
  }

  @Test
  void aBalanceMovedAwayOnTheChainIsSeenFromTheLogsWithinTheBound() {
    Credentials payer = payer(1_500_000);
    app.chain.rpc("anvil_setBalance", payer.getAddress(), "0xde0b6b3a7640000");
    JsonObject body = X402Payloads.paying(payer, usdc("1000000"), app.usdc);
    kept(body);
    proxy.resetCounts();
    assertThat(verify(body).getBoolean("isValid")).isTrue();
    assertThat(proxy.callsByMethod().getOrDefault("eth_call", 0L)).as("kept").isZero();

    // not through Tollgate: the payer sends most of its tokens away itself
    JsonObject receipt = app.chain.awaitReceipt(app.chain.transferToken(payer, app.usdc, PAY_TO, BigInteger.valueOf(1_000_000)));
    assertThat(receipt.getString("status")).isEqualTo("0x1");
    long sent = System.currentTimeMillis();
    JsonObject verdict = awaitReason(body, "invalid_exact_evm_insufficient_balance");
    assertThat(System.currentTimeMillis() - sent).isLessThan(BOUND_MS);
    // the Transfer log made the kept balance short; a short balance is confirmed at "latest" before
    // it is answered (only refusals cost that call), so each refusal read it once
    assertThat(proxy.callsByMethod().getOrDefault("eth_call", 0L)).isPositive();
    assertThat(verdict.getString("payer")).isEqualTo(payer.getAddress());
  }

  @Test
  void anAuthorizationUsedOnTheChainBySomebodyElseIsSeenFromTheLogsWithinTheBound() {
    Credentials payer = payer(5_000_000);
    JsonObject body = X402Payloads.paying(payer, usdc("1000000"), app.usdc);
    kept(body);
    proxy.resetCounts();
    assertThat(verify(body).getBoolean("isValid")).isTrue();

    // a bearer instrument: anyone may submit it, here the deployer, straight to the token
    JsonObject payload = body.getJsonObject("paymentPayload").getJsonObject("payload");
    sendDirectly(payload.getJsonObject("authorization"), Numeric.hexStringToByteArray(payload.getString("signature")));
    long sent = System.currentTimeMillis();
    awaitReason(body, "invalid_exact_evm_nonce_already_used");
    assertThat(System.currentTimeMillis() - sent).isLessThan(BOUND_MS);
    assertThat(proxy.callsByMethod().getOrDefault("eth_call", 0L)).as("from the AuthorizationUsed log, not a new read").isZero();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * Verifies until this payment's facts are kept: a first read races the feed's round that applies
   * the payer's funding block (a read made at a base the feed has just left is not kept), so once
   * the feed has caught up, once more.
   */
  private void kept(JsonObject body) {
    assertThat(verify(body).getBoolean("isValid")).isTrue();
    TollgateFixture.sleep(300);
    assertThat(verify(body).getBoolean("isValid")).isTrue();
  }

  private JsonObject awaitReason(JsonObject body, String reason) {
    JsonObject verdict = verify(body);
    for (long until = System.currentTimeMillis() + 10_000; !reason.equals(verdict.getString("invalidReason"))
        && System.currentTimeMillis() < until; ) {
      TollgateFixture.sleep(20);
      verdict = verify(body);
    }
    assertThat(verdict.getString("invalidReason")).as(verdict.encode()).isEqualTo(reason);
    return verdict;
  }

  private JsonObject verify(JsonObject body) {
    TollgateFixture.Response r = app.send(HttpRequest.newBuilder(URI.create(counted.base() + "/x402/verify"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private JsonObject usdc(String amount) {
    return X402Payloads.requirements(app.usdc, amount, PAY_TO, "USD Coin", "2");
  }

  private Credentials payer(long units) {
    Credentials payer = app.chain.newAccount(BigInteger.ZERO);
    app.chain.mintToken(app.usdc, payer.getAddress(), BigInteger.valueOf(units));
    return payer;
  }

  private void sendDirectly(JsonObject m, byte[] signature) {
    assertThat(app.chain.useAuthorization(app.usdc, m, signature).getString("status")).isEqualTo("0x1");
  }
}
