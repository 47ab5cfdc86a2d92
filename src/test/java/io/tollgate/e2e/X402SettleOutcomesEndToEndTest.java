package io.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.Async;
import io.tollgate.testing.ChaosRpcProxy;
import io.tollgate.testing.TestChain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * How a sent x402 settlement can end other than settled, on anvil with the real relayer: a token
 * whose call succeeds but logs another transfer than the signed one ends
 * {@code invalid_exact_evm_transfer_event_mismatch}, a relay mined and reverted ends
 * {@code invalid_exact_evm_transaction_failed}; each with its hash, in the answer, the stored
 * settlement and one {@code x402.settlement.failed} webhook, and nothing retried. The relayer's
 * JSON-RPC calls go through a counting proxy: the transfer check costs no call of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class X402SettleOutcomesEndToEndTest {
  static final String PAY_TO = "0x2222222222222222222222222222222222222222";
  static final String ELSEWHERE = "0x3333333333333333333333333333333333333333";
  private static final String MISMATCH = "invalid_exact_evm_transfer_event_mismatch";
  private static final String FAILED = "invalid_exact_evm_transaction_failed";

  private TollgateFixture app;
  private ChaosRpcProxy proxy;
  private String feeToken;
  private WebhookReceiver receiver;
  private String relayer;

  @BeforeAll
  void start() {
    app = TollgateFixture.start(anvil -> {
      try {
        proxy = new ChaosRpcProxy(anvil.rpcUrl());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      feeToken = new TestChain(anvil.rpcUrl(), TollgateFixture.CHAIN_ID)
          .deploy(TestChain.DEPLOYER, ContractArtifact.load("FeeTakingEip3009Token"), List.of());
      Map<String, String> s = new HashMap<>(Map.of(
          "chain.31337.rpc-urls", proxy.url(),
          "chain.31337.tokens", "USDC,ETH,FEE",
          "chain.31337.token.USDC.eip712-name", "USD Coin", "chain.31337.token.USDC.eip712-version", "2",
          "chain.31337.token.FEE.address", feeToken,
          "chain.31337.token.FEE.eip712-name", "Fee Coin", "chain.31337.token.FEE.eip712-version", "1",
          "chain.31337.relayer.private-key", X402FacilitatorEndToEndTest.RELAYER_KEY,
          // a relay held in the mempool on purpose is not bumped meanwhile
          "chain.31337.relayer.bump-after-ms", "60000"));
      s.put("x402.settle-wait-ms", "15000");
      return s;
    });
    relayer = Credentials.create(X402FacilitatorEndToEndTest.RELAYER_KEY).getAddress();
    receiver = new WebhookReceiver();
    TollgateFixture.Response created = app.send(HttpRequest.newBuilder(URI.create(app.base() + "/v1/webhook-endpoints"))
        .header("Authorization", "Bearer " + app.apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", receiver.url("/hooks/x402"))
            .put("eventTypes", new JsonArray().add("x402.settlement.settled").add("x402.settlement.failed")).encode())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    if (receiver != null) receiver.close();
    if (app != null) app.close();
    if (proxy != null) proxy.close();
  }

  @Test
  void aTokenThatLogsAnotherTransferThanTheSignedOneEndsTransferEventMismatchWithItsHash() {
    Credentials payer = app.chain.newAccount(BigInteger.ZERO);
    app.chain.awaitReceipt(app.chain.send(TestChain.DEPLOYER, feeToken, BigInteger.ZERO,
        TestChain.encode("mint", new Address(payer.getAddress()), new Uint256(5_000_000)), BigInteger.valueOf(120_000)));
    JsonObject body = X402Payloads.paying(payer, X402Payloads.requirements(feeToken, "1000000", PAY_TO, "Fee Coin", "1"), feeToken);
    // verify cannot know (the token reads like any other): only the mined transaction's logs tell
    assertThat(post("/x402/verify", body).json().getBoolean("isValid")).isTrue();

    proxy.resetCounts();
    JsonObject answer = post("/x402/settle", body).json();
    Map<String, Long> calls = proxy.callsByMethod();
    assertThat(answer.getBoolean("success")).as(answer.encode()).isFalse();
    assertThat(answer.getString("errorReason")).as(answer.encode()).isEqualTo(MISMATCH);
    assertThat(answer.getString("errorMessage")).contains("no Transfer(").contains("990000 to " + PAY_TO);
    String hash = answer.getString("transaction");
    assertThat(hash).matches("0x[0-9a-f]{64}");
    // the transaction itself succeeded and moved 99 % of the money: a status check alone says "paid"
    assertThat(app.chain.awaitReceipt(hash).getString("status")).isEqualTo("0x1");
    assertThat(balanceOf(feeToken, PAY_TO)).isEqualTo(BigInteger.valueOf(990_000));
    // the facts came with the round's eth_getLogs: no receipt asked for this settlement
    System.out.println("x402 settle with a transfer event mismatch, JSON-RPC calls: " + calls);
    assertThat(calls.getOrDefault("eth_getTransactionReceipt", 0L)).as("calls %s", calls).isZero();

    String id = settlementId(payer);
    JsonObject settlement = app.merchantGet("/x402/settlements/" + id).json();
    assertThat(settlement.getString("state")).isEqualTo("failed");
    assertThat(settlement.getString("errorReason")).isEqualTo(MISMATCH);
    assertThat(settlement.getString("transaction")).isEqualTo(hash);
    assertOneFailedWebhook(id, MISMATCH, hash);
    // the same payload again: the same final answer, nothing sent
    JsonObject again = post("/x402/settle", body).json();
    assertThat(again.getString("errorReason")).isEqualTo(MISMATCH);
    assertThat(again.getString("transaction")).isEqualTo(hash);
    assertThat(relayCount(payer)).isEqualTo(1);
  }

  @Test
  void aNormalTokenSettlesWithTheSignedTransferLoggedAndNoCallOfItsOwn() {
    Credentials payer = app.chain.newAccount(BigInteger.ZERO);
    app.chain.mintToken(app.usdc, payer.getAddress(), BigInteger.valueOf(5_000_000));
    JsonObject body = X402Payloads.paying(payer, X402Payloads.requirements(app.usdc, "1250000", PAY_TO, "USD Coin", "2"), app.usdc);
    proxy.resetCounts();
    JsonObject answer = post("/x402/settle", body).json();
    Map<String, Long> calls = proxy.callsByMethod();
    assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
    System.out.println("x402 settle (success), JSON-RPC calls: " + calls);
    assertThat(calls.getOrDefault("eth_getTransactionReceipt", 0L)).as("calls %s", calls).isZero();
    JsonObject logs = relayRow(payer).getJsonObject("mined_logs");
    assertThat(logs).isEqualTo(new JsonObject().put("authorizationUsed", true).put("transfers", new JsonArray()
        .add(new JsonObject().put("from", payer.getAddress().toLowerCase()).put("to", PAY_TO).put("value", "1250000"))));
    String id = answer.getJsonObject("extra").getString("settlementId");
    assertThat(receiver.await(forSettlement(id), 1).get(0).type()).isEqualTo("x402.settlement.settled");
  }

  @Test
  void aRelayMinedAndRevertedEndsTransactionFailedWithItsHashOnceAndIsNotRetried() throws Exception {
    Credentials payer = app.chain.newFundedAccount();
    app.chain.mintToken(app.usdc, payer.getAddress(), BigInteger.valueOf(2_000_000));
    JsonObject body = X402Payloads.paying(payer, X402Payloads.requirements(app.usdc, "1500000", PAY_TO, "USD Coin", "2"), app.usdc);

    // Blocks only when asked: the relay waits in the mempool, and the payer empties its balance
    // first with a direct transfer tipping more, so the block runs the drain, then our relay, which reverts.
    ExecutorService client = Executors.newSingleThreadExecutor();
    app.chain.rpc("evm_setAutomine", false);
    JsonObject answer;
    String sent;
    try {
      Future<TollgateFixture.Response> settling = client.submit(() -> post("/x402/settle", body));
      sent = awaitBroadcast(payer);
      assertThat(app.chain.rpc("eth_getTransactionByHash", sent)).as("the relay is in the mempool").isNotNull();
      String drain = app.chain.send(payer, app.usdc, BigInteger.ZERO,
          TestChain.encode("transfer", new Address(ELSEWHERE), new Uint256(2_000_000)), BigInteger.valueOf(120_000),
          BigInteger.TEN.pow(11));
      app.chain.rpc("evm_mine");
      assertThat(app.chain.awaitReceipt(drain).getString("status")).isEqualTo("0x1");
      JsonObject reverted = app.chain.awaitReceipt(sent);
      assertThat(reverted.getString("status")).as("the relay was mined after the drain, and reverted").isEqualTo("0x0");
      answer = settling.get(30, TimeUnit.SECONDS).json();
    } finally {
      app.chain.rpc("evm_setAutomine", true);
      client.shutdownNow();
    }
    assertThat(answer.getBoolean("success")).as(answer.encode()).isFalse();
    assertThat(answer.getString("errorReason")).as(answer.encode()).isEqualTo(FAILED);
    assertThat(answer.getString("transaction")).isEqualTo(sent);

    String id = settlementId(payer);
    JsonObject settlement = app.merchantGet("/x402/settlements/" + id).json();
    assertThat(settlement.getString("state")).isEqualTo("failed");
    assertThat(settlement.getString("errorReason")).isEqualTo(FAILED);
    assertThat(settlement.getString("transaction")).isEqualTo(sent);
    assertOneFailedWebhook(id, FAILED, sent);

    // Nothing is retried: the relay is settled FAILED (its key nonce used), the relayer sends no more.
    long relayerNonce = nonceOf(relayer);
    TollgateFixture.sleep(3_000);
    JsonObject row = relayRow(payer);
    assertThat(row.getString("state")).isEqualTo("FAILED");
    assertThat(row.getString("failure_detail")).isEqualTo("reverted");
    assertThat(row.getBoolean("nonce_settled")).isTrue();
    assertThat(row.getInteger("hashes")).isEqualTo(1);
    assertThat(nonceOf(relayer)).isEqualTo(relayerNonce);
    assertThat(app.merchantGet("/x402/settlements/" + id).json().getString("state")).isEqualTo("failed");
    assertThat(balanceOf(app.usdc, payer.getAddress())).isZero();
    // the same payload again: the final answer, nothing sent
    JsonObject again = post("/x402/settle", body).json();
    assertThat(again.getString("errorReason")).isEqualTo(FAILED);
    assertThat(again.getString("transaction")).isEqualTo(sent);
    assertThat(nonceOf(relayer)).isEqualTo(relayerNonce);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private void assertOneFailedWebhook(String id, String reason, String hash) {
    WebhookReceiver.Received hook = receiver.await(forSettlement(id), 1).get(0);
    assertThat(hook.type()).isEqualTo("x402.settlement.failed");
    JsonObject s = hook.json().getJsonObject("data").getJsonObject("settlement");
    assertThat(s.getString("errorReason")).isEqualTo(reason);
    assertThat(s.getString("transaction")).isEqualTo(hash);
    TollgateFixture.sleep(2_500); // the follower's sweep and the dispatcher had their chances to send another
    assertThat(receiver.matching(forSettlement(id))).hasSize(1);
  }

  private static Predicate<WebhookReceiver.Received> forSettlement(String id) {
    return r -> r.json().getJsonObject("data").getJsonObject("settlement") != null
        && id.equals(r.json().getJsonObject("data").getJsonObject("settlement").getString("id"));
  }

  /** The relay's first transaction hash once the relayer broadcast it. */
  private String awaitBroadcast(Credentials payer) {
    for (long until = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < until; TollgateFixture.sleep(50)) {
      JsonObject row = relayRow(payer);
      if (row != null && row.getString("current_hash") != null && row.getValue("broadcast_at") != null) {
        return row.getString("current_hash");
      }
    }
    throw new AssertionError("the relay was not broadcast");
  }

  private TollgateFixture.Response post(String path, JsonObject body) {
    return app.send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", "Bearer " + app.apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  private BigInteger balanceOf(String token, String holder) {
    return Numeric.decodeQuantity((String) app.chain.rpc("eth_call", new JsonObject().put("to", token)
        .put("data", TestChain.encode("balanceOf", new Address(holder))), "latest"));
  }

  private long nonceOf(String address) {
    return Numeric.decodeQuantity((String) app.chain.rpc("eth_getTransactionCount", address, "latest")).longValueExact();
  }

  private String settlementId(Credentials payer) {
    Row row = query("SELECT id::text AS id FROM x402_settlements WHERE from_address = $1", payer);
    return row == null ? null : row.getString("id");
  }

  private long relayCount(Credentials payer) {
    return query("SELECT count(*) AS n FROM relays WHERE from_address = $1", payer).getLong("n");
  }

  private JsonObject relayRow(Credentials payer) {
    Row row = query("SELECT state, current_hash, broadcast_at::text AS broadcast_at, failure_detail, nonce_settled,"
        + " cardinality(tx_hashes) AS hashes, mined_logs FROM relays WHERE from_address = $1 AND precedes IS NULL", payer);
    return row == null ? null : row.toJson();
  }

  private Row query(String sql, Credentials payer) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(app.database.settings().connectOptions()).using(vertx).build();
      var rows = Async.await(pool.preparedQuery(sql).execute(Tuple.of(payer.getAddress().toLowerCase())));
      return rows.size() == 0 ? null : rows.iterator().next();
    } finally {
      Async.await(vertx.close());
    }
  }
}
