package io.tollgate.faults;

import io.tollgate.signature.TestSigner;
import io.tollgate.testing.TestChain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.web3j.crypto.Credentials;

/**
 * Real buyers, each on its own thread, the way a shop's page drives one: the shop creates a
 * checkout, the buyer's wallet binds itself (Sign-In with Ethereum), transfers the stablecoin on
 * the chain (its own node, not Tollgate's), submits the hash and polls the status every second
 * until the checkout settles or the patience runs out.
 */
final class Buyers {
  static final long CHAIN_ID = 31337;
  static final String RECIPIENT = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
  private static final BigInteger ONE_USDC = BigInteger.valueOf(1_000_000);

  /** One buyer's story: what it paid and when it was mined, and how its checkout ended. */
  record Outcome(String checkoutId, String txHash, Instant expiresAt, Instant minedAt, String status, String reason) {
    boolean minedInTime() {
      return txHash != null && minedAt != null && !minedAt.isAfter(expiresAt);
    }
  }

  private final TestChain chain;
  private final String usdc;
  private final ShopClient shop;
  private final Object deployer = new Object();

  Buyers(TestChain chain, String usdc, ShopClient shop) {
    this.chain = chain;
    this.usdc = usdc;
    this.shop = shop;
  }

  /**
   * Starts {@code count} buyers of {@code apiKey}'s shop, one every {@code staggerMillis} (so that
   * some are at every step of a payment whenever the fault begins); each future ends with its outcome.
   */
  List<Future<Outcome>> start(int count, String apiKey, int expirySeconds, Duration patience, long staggerMillis) {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    List<Future<Outcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long delay = i * staggerMillis;
      outcomes.add(threads.submit(() -> {
        Deployment.sleep(delay);
        return buy(apiKey, expirySeconds, patience);
      }));
    }
    threads.shutdown();
    return outcomes;
  }

  private Outcome buy(String apiKey, int expirySeconds, Duration patience) {
    Credentials wallet = chain.newFundedAccount();
    synchronized (deployer) {
      chain.mintToken(usdc, wallet.getAddress(), ONE_USDC.multiply(BigInteger.TEN));
    }
    String key = "faults-" + UUID.randomUUID();
    String body = new JsonObject().put("orderReference", "FAULT-" + key.substring(7, 15)).put("amount", "1.00")
        .put("expiresInSeconds", expirySeconds).put("paymentOptions", new JsonArray()
            .add(new JsonObject().put("chainId", CHAIN_ID).put("token", "USDC"))).encode();
    ShopClient.Answer created = shop.retrying(patience, () -> shop.send("POST", "/v1/checkouts", apiKey, null, key, body));
    if (created.status() != 201) return new Outcome(null, null, Instant.now(), null, "not_created", created.body());
    JsonObject checkout = created.json();
    String id = checkout.getString("id");
    String secret = checkout.getString("clientSecret");
    Instant expiresAt = Instant.parse(checkout.getString("expiresAt"));
    if (!bind(id, secret, wallet, patience)) return new Outcome(id, null, expiresAt, null, "not_bound", "");

    String tx = chain.transferToken(wallet, usdc, RECIPIENT, ONE_USDC);
    JsonObject receipt = chain.awaitReceipt(tx);
    JsonObject block = (JsonObject) chain.rpc("eth_getBlockByNumber", receipt.getString("blockNumber"), false);
    Instant minedAt = Instant.ofEpochSecond(Long.decode(block.getString("timestamp")));

    String claim = new JsonObject().put("chainId", CHAIN_ID).put("token", "USDC").put("txHash", tx).encode();
    shop.retrying(patience, () -> shop.send("POST", "/v1/checkouts/" + id + "/payments", null, secret, null, claim));

    long deadline = System.nanoTime() + patience.toNanos();
    String status = "unknown";
    String reason = null;
    while (System.nanoTime() < deadline) {
      ShopClient.Answer poll = shop.send("GET", "/v1/checkouts/" + id + "/status", null, secret, null, null);
      if (poll.status() == 200) {
        JsonObject s = poll.json();
        status = s.getString("status");
        reason = s.getString("reason");
        if (!"open".equals(status) && !"pending".equals(status)) break;
      }
      Deployment.sleep(1000);
    }
    return new Outcome(id, tx, expiresAt, minedAt, status, reason);
  }

  private boolean bind(String id, String secret, Credentials wallet, Duration patience) {
    String ask = new JsonObject().put("address", wallet.getAddress()).put("chainId", CHAIN_ID).encode();
    ShopClient.Answer challenge = shop.retrying(patience,
        () -> shop.send("POST", "/v1/checkouts/" + id + "/challenge", null, secret, null, ask));
    if (challenge.status() != 201) return false;
    String message = challenge.json().getString("message");
    String signature = TestSigner.signHex(TestSigner.personalSignHash(message), wallet.getEcKeyPair());
    String proof = new JsonObject().put("message", message).put("signature", signature).encode();
    ShopClient.Answer bound = shop.retrying(patience, () -> shop.send("POST", "/v1/checkouts/" + id + "/payer", null, secret, null, proof));
    return bound.status() == 200;
  }
}
