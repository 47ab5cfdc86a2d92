package io.tollgate.loadtest;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.utils.Numeric;

/**
 * The drop's gasless buyers (issue 16): wallets holding USDC and no ETH that pay by signing the
 * offered EIP-3009 typed data (payment options with {@code ?payer=}) and posting it to
 * {@code /authorizations}; the shop's relayer (anvil account 8) sends the transfers. Their keys
 * derive from the buyer number, so a run is repeatable.
 */
final class GaslessBuyers {
  /** anvil's development key #8 (public test mnemonic), 10,000 ETH on a fresh anvil: the relayer. */
  static final String RELAYER_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
  /**
   * Methods only the gasless path calls: the intake (eth_getCode for the signature, eth_call for the
   * nonce's state and the balance) and the relayer (simulation, fees, its nonce and balance,
   * broadcast, its own look at sent transactions). The watcher's calls (heads, logs, receipts,
   * headers) are shared by every payment of a block and counted per paid checkout.
   */
  static final Set<String> GASLESS_ONLY = Set.of("eth_getCode", "eth_call", "eth_estimateGas", "eth_gasPrice",
      "eth_maxPriorityFeePerGas", "eth_getBalance", "eth_getTransactionCount", "eth_sendRawTransaction",
      "eth_getTransactionByHash", "eth_feeHistory");

  private GaslessBuyers() {}

  static ECKeyPair key(int buyerIndex) {
    return ECKeyPair.create(new BigInteger(1, Hash.sha3(BigInteger.valueOf(2_000_000L + buyerIndex).toByteArray())));
  }

  static String address(ECKeyPair key) {
    return "0x" + Keys.getAddress(key.getPublicKey());
  }

  static Map<String, String> tollgateEnv() {
    return Map.of("TOLLGATE_CHAIN_31337_RELAYER_PRIVATE_KEY", RELAYER_KEY,
        "TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_NAME", "USD Coin",
        "TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_VERSION", "2");
  }

  /**
   * The browser's side of a gasless payment: the typed data from the payment options, the wallet's
   * signature, the post. Answers the post's HTTP status.
   */
  static Future<Integer> pay(HttpClient api, String checkoutId, String secret, String clientIp, ECKeyPair key,
      Latencies options, Latencies authorize) {
    String payer = address(key);
    long optionsStart = System.nanoTime();
    return api.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setURI("/v1/checkouts/" + checkoutId + "/payment-options?payer=" + payer)
            .putHeader("X-Client-Secret", secret).putHeader("X-Forwarded-For", clientIp))
        .compose(req -> req.send()).compose(resp -> resp.body().map(buf -> {
          options.record(optionsStart, Integer.toString(resp.statusCode()));
          if (resp.statusCode() != 200) throw new IllegalStateException("payment-options " + resp.statusCode() + " " + buf);
          return buf.toJsonObject().getJsonArray("paymentOptions").getJsonObject(0).getJsonObject("gasless").getJsonObject("typedData");
        }))
        .compose(typed -> {
          byte[] digest;
          try {
            digest = new StructuredDataEncoder(typed.encode()).hashStructuredData();
          } catch (java.io.IOException e) {
            return Future.failedFuture(e);
          }
          Sign.SignatureData sig = Sign.signMessage(digest, key, false);
          String signature = Numeric.toHexString(sig.getR()) + Numeric.toHexStringNoPrefix(sig.getS())
              + Numeric.toHexStringNoPrefix(sig.getV());
          JsonObject body = new JsonObject().put("chainId", Rig.CHAIN_ID).put("token", "USDC")
              .put("authorization", typed.getJsonObject("message")).put("signature", signature);
          long start = System.nanoTime();
          return api.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/checkouts/" + checkoutId + "/authorizations")
                  .putHeader("X-Client-Secret", secret).putHeader("X-Forwarded-For", clientIp)
                  .putHeader("Content-Type", "application/json"))
              .compose(req -> req.send(body.toBuffer()))
              .compose(resp -> resp.body().map(buf -> {
                authorize.record(start, Integer.toString(resp.statusCode()));
                if (resp.statusCode() != 202) System.err.println("authorize " + resp.statusCode() + " " + buf);
                return resp.statusCode();
              }));
        });
  }

  /**
   * The relayer's lines of a drop with gasless buyers, from PostgreSQL and Tollgate's log: relays by
   * state, relays mined per second (from the first relay queued to the last mined, and in the
   * busiest block), the time from the pay window's opening to the last checkout paid, and the node's
   * refusals of the relayer's nonces in the log ("nonce too low", "nonce too high", "replacement
   * transaction underpriced"): the target is 0.
   */
  static String relaySummary(String databaseUrl, java.nio.file.Path tollgateLog, long payStartMillis, int payWindow,
      Drop.Verification v) {
    StringBuilder r = new StringBuilder();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:" + databaseUrl.replace("postgresql://postgres@", "postgresql://") + "?user=postgres");
        java.sql.Statement st = c.createStatement()) {
      Map<String, Long> byState = new java.util.TreeMap<>();
      try (java.sql.ResultSet rs = st.executeQuery(
          "SELECT state || coalesce(':' || failure_detail, ''), count(*) FROM relays GROUP BY 1")) {
        while (rs.next()) byState.put(rs.getString(1), rs.getLong(2));
      }
      double span = Double.NaN;
      long mined = 0;
      try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*), extract(epoch FROM max(updated_at) - "
          + "(SELECT min(created_at) FROM relays)) FROM relays WHERE state = 'MINED'")) {
        if (rs.next()) {
          mined = rs.getLong(1);
          span = rs.getDouble(2);
        }
      }
      long busiest = 0;
      try (java.sql.ResultSet rs = st.executeQuery("SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM payments p "
          + "JOIN gasless_authorizations g ON g.checkout_id = p.checkout_id WHERE p.status = 'confirmed' GROUP BY p.block_number) b")) {
        if (rs.next()) busiest = rs.getLong(1);
      }
      long lastPaid = v.paidAuditMillis().values().stream().mapToLong(Long::longValue).max().orElse(0);
      long errors = nonceErrors(tollgateLog);
      r.append(String.format("* relayer: relays by state %s; %,d mined in %.1f s from the first queued to the last mined = "
              + "%.1f relays/s (buyers arrived over a %d s pay window, so this is at most their arrival rate); busiest block "
              + "%,d gasless payments%n", byState, mined, span, mined / span, payWindow, busiest));
      r.append(String.format("* pay window opened -> last checkout paid: %.1f s; the node's nonce refusals in tollgate.log "
          + "(nonce too low / too high / replacement underpriced): %,d%n", lastPaid == 0 ? Double.NaN : (lastPaid - payStartMillis) / 1000.0,
          errors));
    } catch (java.sql.SQLException | java.io.IOException e) {
      r.append("* relayer: not read: ").append(e).append('\n');
    }
    return r.toString();
  }

  static long nonceErrors(java.nio.file.Path log) throws java.io.IOException {
    if (!java.nio.file.Files.exists(log)) return -1;
    java.util.regex.Pattern refusal = java.util.regex.Pattern.compile(
        "(?i)nonce too low|nonce too high|replacement transaction underpriced|replacement fee too low");
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
      return lines.filter(line -> refusal.matcher(line).find()).count();
    }
  }

  /**
   * The report's gasless lines: JSON-RPC calls per gasless paid checkout = the gasless-only methods
   * over the gasless checkouts paid, plus the watcher's shared calls per paid checkout.
   */
  static String report(Map<String, Long> byMethod, long headTracking, long paid, long gaslessBuyers, long gaslessPaid,
      Latencies authorize) {
    long only = byMethod.entrySet().stream().filter(e -> GASLESS_ONLY.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    long all = byMethod.values().stream().mapToLong(Long::longValue).sum();
    long shared = all - only - headTracking;
    double perGasless = gaslessPaid == 0 ? Double.NaN : (double) only / gaslessPaid;
    double sharedPerPaid = paid == 0 ? Double.NaN : (double) shared / paid;
    return String.format("* gasless: %,d buyers (no ETH, pay by EIP-3009 signature), %,d of their checkouts paid; "
            + "POST /authorizations answers %s; JSON-RPC calls per gasless paid checkout %.2f "
            + "(= %.2f of the gasless path's own methods %s, %,d calls, + %.2f of the watcher's shared calls per paid checkout, "
            + "head tracking left out)%n",
        gaslessBuyers, gaslessPaid, authorize.outcomes(), perGasless + sharedPerPaid, perGasless, GASLESS_ONLY, only, sharedPerPaid);
  }
}
