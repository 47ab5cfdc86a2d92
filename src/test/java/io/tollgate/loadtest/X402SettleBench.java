package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Issue 17's {@code /settle} throughput: Tollgate (the jar, as deployed) on anvil mining a block
 * every {@code blockTime} s; {@code n} distinct valid authorizations of {@code payers} payers, made
 * by the SDK's own client, each settled once through {@code POST /x402/settle} by {@code connections}
 * concurrent clients (a settle waits for its block, so concurrency, not the client, sets the pace).
 * Reports settles/s, p50/p99 answer time, answers by outcome (success, pending, failures by reason),
 * the node's refusals of the relayer's transactions (counted by the JSON-RPC proxy, by message:
 * "nonce too low", "replacement transaction underpriced", ...; and such lines in Tollgate's log),
 * JSON-RPC calls per settle, and whether every success has its on-chain transfer (the receipt,
 * status 1 with the token's {@code Transfer(payer, payTo, amount)}; and payTo's balance).
 *
 * <p>Settings (system properties): {@code n} (2000), {@code payers} (64), {@code connections} (64),
 * {@code blockTime} (1), {@code port} (18404), {@code database} (tollgate_load_x402_settle).
 */
public final class X402SettleBench {
  /** A fresh payee: its balance at the end is this run's settled money. */
  static final String PAY_TO = "0x4444444444444444444444444444444444444444";
  static final long AMOUNT = 10_000;
  private static final String TRANSFER = org.web3j.crypto.Hash.sha3String("Transfer(address,address,uint256)");

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("n", 2000);
    int payers = Integer.getInteger("payers", 64);
    int connections = Integer.getInteger("connections", 64);
    int blockTime = Integer.getInteger("blockTime", 1);
    int port = Integer.getInteger("port", 18404);
    String database = System.getProperty("database", "tollgate_load_x402_settle");
    Vertx proxyVertx = Vertx.vertx();
    try (Rig rig = new Rig("x402-settle")) {
      AnvilProcess anvil = rig.anvil("--block-time", Integer.toString(blockTime));
      String token = rig.deployToken(anvil.rpcUrl());
      CountingRpcProxy rpc = CountingRpcProxy.start(proxyVertx, anvil.rpcUrl());

      int perPayer = (n + payers - 1) / payers;
      Path bodies = rig.outDir.resolve("bodies.jsonl");
      JsonArray addresses = new JsonArray(node(rig, new JsonObject().put("n", payers).put("perPayer", perPayer).put("asset", token)
          .put("payTo", PAY_TO).put("amount", Long.toString(AMOUNT)).put("out", bodies.toString())));
      String last = null;
      for (Object a : addresses) {
        String data = FunctionEncoder.encode(new Function("mint", List.of(new Address((String) a),
            new Uint256(BigInteger.valueOf(AMOUNT * perPayer * 2))), List.of()));
        last = (String) rig.rpc(anvil.rpcUrl(), "eth_sendTransaction", new JsonObject().put("from", Rig.DEPLOYER).put("to", token)
            .put("data", data).put("gas", "0x30000"));
      }
      rig.awaitReceipt(anvil.rpcUrl(), last);
      List<String> payloads = Files.readAllLines(bodies).stream().filter(l -> !l.isBlank()).limit(n).toList();

      String databaseUrl = Rig.freshDatabase(database);
      Map<String, String> env = new java.util.HashMap<>(Rig.tollgateEnv(databaseUrl, rpc.url(), null, token, port,
          "loadtest:x402-settle:" + System.currentTimeMillis() + ":"));
      env.put("TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_NAME", "USD Coin");
      env.put("TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_VERSION", "2");
      env.put("TOLLGATE_CHAIN_31337_RELAYER_PRIVATE_KEY", X402VerifyBench.TOLLGATE_RELAYER);
      String apiKey = rig.createMerchant(env);
      rig.startTollgate(env, List.of(), "tollgate.log");
      String base = "http://127.0.0.1:" + port;

      String load = Rig.uptime();
      Map<String, Long> before = rpc.byMethod();
      Latencies settles = new Latencies("POST /x402/settle");
      JsonObject[] answers = new JsonObject[payloads.size()];
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      AtomicInteger next = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(connections);
      long start = System.nanoTime();
      for (int c = 0; c < connections; c++) {
        clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < payloads.size(); i = next.getAndIncrement()) {
            long sent = System.nanoTime();
            String outcome;
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/x402/settle"))
                  .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + apiKey)
                  .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payloads.get(i))).build(),
                  HttpResponse.BodyHandlers.ofString());
              JsonObject json = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
              answers[i] = json;
              outcome = json == null ? "http " + r.statusCode() : outcome(json);
            } catch (Exception e) {
              outcome = "client error " + e.getClass().getSimpleName();
            }
            settles.record(sent, outcome);
          }
          return null;
        });
      }
      clients.shutdown();
      if (!clients.awaitTermination(30, TimeUnit.MINUTES)) throw new IllegalStateException("the settles did not finish");
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> during = new TreeMap<>();
      rpc.byMethod().forEach((method, count) -> {
        long delta = count - before.getOrDefault(method, 0L);
        if (delta > 0) during.put(method, delta);
      });

      // Pending answers are followed to their end (the settlement resource), then every success is checked on-chain.
      Map<String, Long> pendingEnded = new TreeMap<>();
      List<String[]> settled = new ArrayList<>(); // {tx hash, payer}
      for (JsonObject a : answers) {
        if (a == null) continue;
        if (Boolean.TRUE.equals(a.getBoolean("success"))) {
          settled.add(new String[] {a.getString("transaction"), a.getString("payer")});
        } else if ("settlement_pending".equals(a.getString("errorReason"))) {
          JsonObject s = follow(http, base, apiKey, a.getJsonObject("extra").getString("settlementId"));
          String end = s == null ? "still settling" : "settled".equals(s.getString("state")) ? "settled" : s.getString("errorReason");
          pendingEnded.merge(end, 1L, Long::sum);
          if (s != null && "settled".equals(s.getString("state"))) settled.add(new String[] {s.getString("transaction"), a.getString("payer")});
        }
      }
      long onChain = transfersOnChain(rig, anvil.rpcUrl(), token, settled);
      BigInteger payee = new BigInteger(((String) rig.rpc(anvil.rpcUrl(), "eth_call", new JsonObject().put("to", token)
          .put("data", FunctionEncoder.encode(new Function("balanceOf", List.of(new Address(PAY_TO)), List.of()))), "latest"))
          .substring(2), 16);
      long logRefusals = GaslessBuyers.nonceErrors(rig.outDir.resolve("tollgate.log"));
      String relays = relaysByState(databaseUrl);

      long calls = during.values().stream().mapToLong(Long::longValue).sum();
      StringBuilder report = new StringBuilder();
      report.append(String.format("x402 POST /settle: %,d distinct SDK-made authorizations of %d payers (%d each), %d concurrent "
          + "clients, anvil mining every %d s; load before the run: %s%n%n", payloads.size(), payers, perPayer, connections,
          blockTime, load));
      report.append(String.format("* settles/s: %.1f (%,d answers in %.1f s); answer time p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          settles.count() / seconds, settles.count(), seconds, settles.percentileMillis(50), settles.percentileMillis(99),
          settles.percentileMillis(100)));
      report.append(String.format("* answers by outcome: %s%n", settles.outcomes()));
      report.append(String.format("* pending answers followed to their end: %s%n", pendingEnded.isEmpty() ? "none pending" : pendingEnded));
      report.append(String.format("* every success has its on-chain transfer: %s (%,d of %,d receipts status 1 with Transfer(payer, "
          + "payTo, %d) of the token; payTo's balance %s = %,d transfers)%n", onChain == settled.size() ? "yes" : "NO", onChain,
          settled.size(), AMOUNT, payee, payee.divide(BigInteger.valueOf(AMOUNT))));
      report.append(String.format("* the node's refusals of the relayer's transactions (by message, at the proxy): %s; nonce "
          + "refusals in tollgate.log: %d%n", rpc.sendErrors().isEmpty() ? "none" : rpc.sendErrors(), logRefusals));
      report.append(String.format("* relays by state: %s%n", relays));
      report.append(String.format("* JSON-RPC calls during the run: %,d = %.2f per settle; by method %s%n", calls,
          (double) calls / payloads.size(), during));
      System.out.println("\n" + report);
      Files.writeString(rig.outDir.resolve("report.md"), report.toString());
    } finally {
      proxyVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String outcome(JsonObject answer) {
    if (Boolean.TRUE.equals(answer.getBoolean("success"))) return "success";
    String reason = answer.getString("errorReason", "?");
    return "settlement_pending".equals(reason) ? "pending" : reason;
  }

  /** GET /x402/settlements/{id} until it leaves settling (2 minutes at most); null if it never did. */
  private static JsonObject follow(HttpClient http, String base, String apiKey, String id) throws Exception {
    for (long until = System.currentTimeMillis() + 120_000; System.currentTimeMillis() < until; Rig.sleep(500)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/x402/settlements/" + id))
          .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonObject s = new JsonObject(r.body());
        if (!"settling".equals(s.getString("state"))) return s;
      }
    }
    return null;
  }

  /** How many of the settled (hash, payer) pairs have a receipt with status 1 and the token's Transfer(payer, PAY_TO, AMOUNT). */
  private static long transfersOnChain(Rig rig, String anvilUrl, String token, List<String[]> settled) {
    long ok = 0;
    for (int from = 0; from < settled.size(); from += 200) {
      List<String[]> chunk = settled.subList(from, Math.min(settled.size(), from + 200));
      List<Object> receipts = rig.rpcBatch(anvilUrl, chunk.stream().map(s -> Rig.call("eth_getTransactionReceipt", s[0])).toList());
      for (int i = 0; i < chunk.size(); i++) {
        if (receipts.get(i) instanceof JsonObject receipt && "0x1".equals(receipt.getString("status"))
            && hasTransfer(receipt, token, chunk.get(i)[1])) ok++;
      }
    }
    return ok;
  }

  private static boolean hasTransfer(JsonObject receipt, String token, String payer) {
    for (Object o : receipt.getJsonArray("logs", new JsonArray())) {
      JsonObject log = (JsonObject) o;
      JsonArray topics = log.getJsonArray("topics");
      if (token.equalsIgnoreCase(log.getString("address")) && topics.size() == 3 && TRANSFER.equalsIgnoreCase(topics.getString(0))
          && topics.getString(1).substring(26).equalsIgnoreCase(payer.substring(2))
          && topics.getString(2).substring(26).equalsIgnoreCase(PAY_TO.substring(2))
          && new BigInteger(log.getString("data").substring(2), 16).longValueExact() == AMOUNT) {
        return true;
      }
    }
    return false;
  }

  private static String relaysByState(String databaseUrl) {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:" + databaseUrl.replace("postgresql://postgres@", "postgresql://") + "?user=postgres");
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT state || coalesce(':' || failure_detail, ''), count(*), sum(bumps)"
            + " FROM relays GROUP BY 1 ORDER BY 1")) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) {
        out.append(out.length() == 0 ? "" : ", ").append(rs.getString(1)).append(' ').append(rs.getLong(2))
            .append(" (fee bumps ").append(rs.getLong(3)).append(')');
      }
      return out.length() == 0 ? "none" : out.toString();
    } catch (java.sql.SQLException e) {
      return "not read: " + e;
    }
  }

  private static String node(Rig rig, JsonObject options) throws Exception {
    Process p = new ProcessBuilder("node", rig.projectDir.resolve("scripts/loadtest/x402-reference.cjs").toString(), "prepare",
        options.encode()).directory(rig.projectDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("node prepare failed");
    return out;
  }
}
