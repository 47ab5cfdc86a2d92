package io.tollgate.loadtest;

import io.tollgate.dev.AnvilProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Issue 17's benchmark: {@code POST /verify} of the x402 reference facilitator ({@code @x402/core}
 * + {@code @x402/evm} {@code registerExactEvmScheme} behind express, a viem signer) against
 * Tollgate's {@code POST /x402/verify}, on the same anvil, with the same 64 payloads made by the
 * SDK's own client for 64 funded payers; wrk, alternating runs; each side's JSON-RPC traffic through
 * its own counting proxy, so calls per verify are counted, not estimated.
 *
 * <p>Settings (system properties): {@code rounds} (2: ref, Tollgate, ref, Tollgate), {@code seconds}
 * per measured run (20), {@code warmup} (5), {@code connections} (64), {@code payers} (64),
 * {@code wrkCpu} ("0-1": wrk shares the machine), {@code port} (Tollgate's, 18402),
 * {@code refPort} (18403), {@code database} (tollgate_load_x402).
 */
public final class X402VerifyBench {
  /** anvil's development keys #6 and #7: Tollgate's relayer and the reference facilitator's signer. */
  static final String TOLLGATE_RELAYER = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
  static final String REFERENCE_SIGNER = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";
  static final String PAY_TO = "0x1111111111111111111111111111111111111111";
  /** JSON-RPC methods either facilitator's verify may call (the reference: getCode, eth_call, multicall's eth_call). */
  static final java.util.Set<String> VERIFY_METHODS = java.util.Set.of("eth_call", "eth_getCode", "eth_estimateGas",
      "eth_createAccessList", "eth_getStorageAt");

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 2);
    int seconds = Integer.getInteger("seconds", 20);
    int warmup = Integer.getInteger("warmup", 5);
    int connections = Integer.getInteger("connections", 64);
    int payers = Integer.getInteger("payers", 64);
    String wrkCpu = System.getProperty("wrkCpu", "0-1");
    int port = Integer.getInteger("port", 18402);
    int refPort = Integer.getInteger("refPort", 18403);
    String database = System.getProperty("database", "tollgate_load_x402");
    Vertx proxyVertx = Vertx.vertx();
    try (Rig rig = new Rig("x402-verify")) {
      AnvilProcess anvil = rig.anvil();
      String token = rig.deployToken(anvil.rpcUrl());
      CountingRpcProxy tollgateRpc = CountingRpcProxy.start(proxyVertx, anvil.rpcUrl());
      CountingRpcProxy referenceRpc = CountingRpcProxy.start(proxyVertx, anvil.rpcUrl());

      // 64 payers and their payloads, made by the SDK's client; then funded
      Path bodies = rig.outDir.resolve("bodies.jsonl");
      JsonArray addresses = new JsonArray(node(rig, "prepare", new JsonObject().put("n", payers).put("asset", token)
          .put("payTo", PAY_TO).put("amount", "10000").put("out", bodies.toString())));
      String last = null;
      for (Object a : addresses) {
        String data = FunctionEncoder.encode(new Function("mint", List.of(new Address((String) a),
            new Uint256(BigInteger.valueOf(1_000_000_000))), List.of()));
        last = (String) rig.rpc(anvil.rpcUrl(), "eth_sendTransaction", new JsonObject().put("from", Rig.DEPLOYER).put("to", token)
            .put("data", data).put("gas", "0x30000"));
      }
      rig.awaitReceipt(anvil.rpcUrl(), last);

      Map<String, String> env = new java.util.HashMap<>(Rig.tollgateEnv(Rig.freshDatabase(database), tollgateRpc.url(), null,
          token, port, "loadtest:x402:" + System.currentTimeMillis() + ":"));
      env.put("TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_NAME", "USD Coin");
      env.put("TOLLGATE_CHAIN_31337_TOKEN_USDC_EIP712_VERSION", "2");
      env.put("TOLLGATE_CHAIN_31337_RELAYER_PRIVATE_KEY", TOLLGATE_RELAYER);
      env.put("TOLLGATE_CHAIN_31337_POLL_INTERVAL_MS", "2000");
      String apiKey = rig.createMerchant(env);
      rig.startTollgate(env, List.of(), "tollgate.log");

      Process reference = rig.start(List.of("node", rig.projectDir.resolve("scripts/loadtest/x402-reference.cjs").toString(),
          "facilitator", new JsonObject().put("port", refPort).put("rpcUrl", referenceRpc.url())
              .put("privateKey", REFERENCE_SIGNER).encode()), Map.of(), "reference.log");
      awaitListening(rig, "http://127.0.0.1:" + refPort + "/supported", reference);

      Path lua = rig.projectDir.resolve("scripts/loadtest/x402-verify.lua");
      List<String> rows = new ArrayList<>();
      List<double[]> ratios = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] ref = measure(rig, "reference (round " + round + ")", lua, bodies, "/verify", "", refPort, wrkCpu, connections,
            warmup, seconds, referenceRpc, rows);
        double[] ours = measure(rig, "Tollgate (round " + round + ")", lua, bodies, "/x402/verify", apiKey, port, wrkCpu,
            connections, warmup, seconds, tollgateRpc, rows);
        ratios.add(new double[] {ours[0] / ref[0], ours[1], ours[2]});
      }
      StringBuilder report = new StringBuilder();
      report.append("x402 POST /verify, ").append(payers).append(" SDK-made payloads of ").append(payers)
          .append(" funded payers, wrk ").append(connections).append(" connections, ").append(seconds).append(" s runs after ")
          .append(warmup).append(" s warm-up, alternating; load before the run: ").append(Rig.uptime()).append("\n\n");
      report.append("| run | requests/s | p50 ms | p99 ms | valid answers | JSON-RPC calls per verify | all calls in the run | load (1/5/15 min) |\n");
      report.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
      rows.forEach(r -> report.append(r).append('\n'));
      report.append('\n');
      for (int i = 0; i < ratios.size(); i++) {
        report.append(String.format("round %d: Tollgate / reference requests/s = %.1fx%n", i + 1, ratios.get(i)[0]));
      }
      System.out.println("\n" + report);
      Files.writeString(rig.outDir.resolve("report.md"), report.toString());
    } finally {
      proxyVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** One warm-up and one measured wrk run; returns {rps, p99, rpc calls per request} and adds the table row. */
  private static double[] measure(Rig rig, String name, Path lua, Path bodies, String path, String key, int port, String cpu,
      int connections, int warmup, int seconds, CountingRpcProxy rpc, List<String> rows) throws Exception {
    List<String> base = List.of("taskset", "-c", cpu, "wrk", "-t1", "-c" + connections, "--timeout", "30s", "--latency", "-s",
        lua.toString(), "http://127.0.0.1:" + port);
    if (warmup > 0) wrk(base, warmup, bodies, path, key);
    String load = Rig.uptime();
    Map<String, Long> before = rpc.byMethod();
    JsonObject r = wrk(base, seconds, bodies, path, key);
    Map<String, Long> during = new java.util.TreeMap<>();
    rpc.byMethod().forEach((method, n) -> {
      long delta = n - before.getOrDefault(method, 0L);
      if (delta > 0) during.put(method, delta);
    });
    // Calls a verify can make; the rest is Tollgate's background (the watcher's heads, the relay engine's round).
    long calls = during.entrySet().stream().filter(e -> VERIFY_METHODS.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    double perVerify = r.getLong("requests") == 0 ? 0 : (double) calls / r.getLong("requests");
    System.out.println(name + ": " + r.encode() + " rpc calls by method " + during + ", load " + load);
    rows.add(String.format("| %s | %,.0f | %.1f | %.1f | %,d of %,d | %.2f | %s | %s |", name, r.getDouble("rps"), r.getDouble("p50ms"),
        r.getDouble("p99ms"), r.getLong("valid"), r.getLong("requests"), perVerify, during, load));
    return new double[] {r.getDouble("rps"), r.getDouble("p99ms"), perVerify};
  }

  private static JsonObject wrk(List<String> base, int seconds, Path bodies, String path, String key) throws Exception {
    List<String> cmd = new ArrayList<>(base);
    cmd.add(4, "-d" + seconds + "s");
    cmd.addAll(List.of("--", bodies.toString(), path, key));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not stop");
    }
    for (String line : out.split("\n")) {
      if (line.startsWith("RESULT ")) return new JsonObject(line.substring(7));
    }
    throw new IllegalStateException("wrk printed no RESULT:\n" + out);
  }

  private static String node(Rig rig, String mode, JsonObject options) throws Exception {
    Process p = new ProcessBuilder("node", rig.projectDir.resolve("scripts/loadtest/x402-reference.cjs").toString(), mode,
        options.encode()).directory(rig.projectDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("node " + mode + " failed");
    return out;
  }

  private static void awaitListening(Rig rig, String url, Process p) {
    for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Rig.sleep(200)) {
      if (!p.isAlive()) throw new IllegalStateException("the reference facilitator exited; see target/loadtest/x402-verify/reference.log");
      if (rig.get(url) == 200) return;
    }
    throw new IllegalStateException("the reference facilitator did not start");
  }
}
