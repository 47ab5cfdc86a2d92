package io.tollgate.relay;

import static io.tollgate.testing.Async.await;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.testing.TestChain;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.PoolOptions;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;

/**
 * Relays per second from one relayer key on anvil with 1 s blocks (issue 16's benchmark): N
 * authorizations from N/10 payers queued through {@link Relayer#relay} (its acceptance rate is
 * measured on its own), then the engine, as the relay leader runs it, is started and timed until
 * every relay is MINED. Counts JSON-RPC calls
 * (each call in a batch) and node refusals of our transactions. Not a test: run by hand.
 *
 * <p>System properties: {@code relays} (1000), {@code tickMs} (the engine's round interval, 200),
 * {@code inFlight} (relay() calls outstanding at once, 64).
 */
public final class RelayBench {
  private RelayBench() {}

  public static void main(String[] args) throws Exception {
    int relays = Integer.getInteger("relays", 1000);
    long tickMs = Long.getLong("tickMs", 200);
    int inFlight = Integer.getInteger("inFlight", 64);
    try (AnvilProcess anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), 31337, "--block-time", "1");
        TestVertx env = TestVertx.withDatabase(new PoolOptions().setMaxSize(16))) {
      TestChain chain = new TestChain(anvil.rpcUrl(), 31337);
      String token = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
          List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
      List<Credentials> payers = new ArrayList<>();
      for (int i = 0; i < Math.max(1, relays / 10); i++) {
        Credentials payer = chain.newAccount(BigInteger.ZERO);
        chain.mintToken(token, payer.getAddress(), BigInteger.valueOf(1_000_000_000L));
        payers.add(payer);
      }
      String recipient = chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
      Credentials key = chain.newFundedAccount();
      LongAdder calls = new LongAdder();
      LongAdder refused = new LongAdder();
      JsonRpcClient client = new JsonRpcClient(env.vertx(), 31337, List.of(anvil.rpcUrl()), JsonRpcClient.Options.defaults());
      EthRpc counting = new EthRpc() {
        @Override public long chainId() { return 31337; }
        @Override public Future<Object> call(String method, JsonArray params) {
          calls.increment();
          return client.call(method, params);
        }
        @Override public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
          calls.add(requests.size());
          return client.batch(requests).onSuccess(answers -> {
            for (int i = 0; i < answers.size(); i++) {
              if (requests.get(i).method().equals("eth_sendRawTransaction") && answers.get(i).isError()) refused.increment();
            }
          });
        }
      };
      RelayerSettings settings = new RelayerSettings(Map.of(31337L, new RelayerSettings.Chain(31337, key,
          Duration.ofSeconds(5), 3, 100_000, 10, Duration.ofSeconds(3))), Duration.ofMillis(tickMs), Duration.ofSeconds(5),
          Optional.empty());
      PgRelayer relayer = new PgRelayer(env.pool(), Clock.systemUTC(), settings, Map.of(31337L, counting));
      io.tollgate.eventbus.Codecs.register(env.vertx(), List.of(RelayChanged.class));
      TestAuthorizations authorizations = new TestAuthorizations(chain, token);
      List<RelayOrder> orders = new ArrayList<>();
      for (int i = 0; i < relays; i++) {
        orders.add(authorizations.order(payers.get(i % payers.size()), recipient, BigInteger.ONE,
            Instant.now().plus(Duration.ofMinutes(30)), "bench:" + i));
      }
      long startNonce = org.web3j.utils.Numeric.decodeQuantity(
          (String) chain.rpc("eth_getTransactionCount", key.getAddress(), "latest")).longValueExact();
      long start = System.nanoTime();
      List<Future<RelayTicket>> window = new ArrayList<>();
      for (RelayOrder order : orders) {
        window.add(relayer.relay(order));
        if (window.size() >= inFlight) {
          window.forEach(f -> await(f, Duration.ofSeconds(120)));
          window.clear();
        }
      }
      window.forEach(f -> await(f, Duration.ofSeconds(120)));
      double acceptedSeconds = (System.nanoTime() - start) / 1e9;
      long callsAccepting = calls.sum();
      // The queue is full; now the relay leader starts: from here on it is the key's sending rate alone.
      long engineStart = System.nanoTime();
      await(env.vertx().deployVerticle(new RelayEngineVerticle(relayer.engine(31337, env.vertx()), Duration.ofMillis(tickMs))));
      long mined = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (mined < relays && System.nanoTime() < deadline) {
        Thread.sleep(100);
        mined = env.count("SELECT count(*) FROM relays WHERE state = 'MINED'");
      }
      double seconds = (System.nanoTime() - engineStart) / 1e9;
      long failed = env.count("SELECT count(*) FROM relays WHERE state = 'FAILED'");
      long bumped = env.count("SELECT count(*) FROM relays WHERE bumps > 0");
      long endNonce = org.web3j.utils.Numeric.decodeQuantity(
          (String) chain.rpc("eth_getTransactionCount", key.getAddress(), "latest")).longValueExact();
      System.out.printf("relays=%d tickMs=%d inFlight=%d%n", relays, tickMs, inFlight);
      System.out.printf("accepted (queued, engine not yet running) in %.1f s: %.0f relay() per s, %.2f JSON-RPC calls each%n",
          acceptedSeconds, relays / acceptedSeconds, callsAccepting / (double) relays);
      System.out.printf("engine: mined %d, failed %d, bumped %d in %.1f s from its start: %.1f relays mined per s%n", mined,
          failed, bumped, seconds, mined / seconds);
      System.out.printf("relayer nonces used %d; node refusals of our transactions %d; JSON-RPC calls %d (%.2f per relay)%n",
          endNonce - startNonce, refused.sum(), calls.sum(), calls.sum() / (double) relays);
    }
  }
}
