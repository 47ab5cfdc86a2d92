package io.tollgate.relay;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.JsonRpcClient;
import io.tollgate.db.LeaderOnlyVerticle;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.eventbus.Codecs;
import io.tollgate.testing.TestChain;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Two instances share the database and the relayer key; only the holder of the chain's relay lock
 * sends. When it dies, the other takes over the queue and the key's nonce sequence: every relay is
 * mined once, no nonce is used twice or skipped.
 */
class RelayLeadershipTest {
  private static final long CHAIN = 31337;
  private static final int LOCK = 0x40000000 + (int) CHAIN;

  private static TestVertx env;
  private static AnvilProcess anvil;
  private static TestChain chain;
  private static TestAuthorizations authorizations;
  private static Credentials payer;
  private static Credentials key;

  @BeforeAll
  static void setUp() {
    env = TestVertx.withDatabase();
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), CHAIN);
    chain = new TestChain(anvil.rpcUrl(), CHAIN);
    String token = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    payer = chain.newAccount(BigInteger.ZERO);
    chain.mintToken(token, payer.getAddress(), BigInteger.valueOf(1_000_000_000));
    key = chain.newFundedAccount();
    authorizations = new TestAuthorizations(chain, token);
  }

  @AfterAll
  static void tearDown() {
    if (env != null) env.close();
    if (anvil != null) anvil.close();
  }

  /** One instance: its own Vert.x, pool, RPC client, relayer, and a bid for the relay lead. */
  private record Instance(Vertx vertx, Pool pool, PgRelayer relayer) {
    static Instance start() {
      Vertx vertx = Vertx.vertx();
      Codecs.register(vertx, List.of(RelayChanged.class, io.tollgate.db.LeadershipChanged.class));
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(env.db().connectOptions()).using(vertx).build();
      JsonRpcClient rpc = new JsonRpcClient(vertx, CHAIN, List.of(anvil.rpcUrl()), JsonRpcClient.Options.defaults());
      RelayerSettings settings = RelayerAnvilTest.settings(key);
      PgRelayer relayer = new PgRelayer(pool, Clock.systemUTC(), settings, Map.of(CHAIN, rpc));
      await(vertx.deployVerticle(new LeaderOnlyVerticle(env.db(), LOCK, "chain 31337 relayer",
          () -> new RelayEngineVerticle(relayer.engine(CHAIN, vertx), Duration.ofMillis(100)), Duration.ofMillis(200))));
      return new Instance(vertx, pool, relayer);
    }

    void kill() {
      await(vertx.close());
    }
  }

  private static long relayerNonce() {
    return Numeric.decodeQuantity((String) chain.rpc("eth_getTransactionCount", key.getAddress(), "latest")).longValueExact();
  }

  private static List<RelayTicket> relay(PgRelayer relayer, int count) {
    List<Future<RelayTicket>> accepted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      accepted.add(relayer.relay(authorizations.order(payer, "0x000000000000000000000000000000000000dead", BigInteger.ONE,
          Instant.now().plus(Duration.ofMinutes(10)), "x402:" + UUID.randomUUID())));
    }
    return accepted.stream().map(f -> await(f)).toList();
  }

  @Test
  void whenTheLeaderDiesTheOtherInstanceContinuesTheQueueAndTheNonceSequence() {
    Instance first = Instance.start();
    Instance second = Instance.start();
    List<RelayTicket> before = relay(first.relayer(), 20);
    first.kill(); // its lock connection closes with it; the second instance takes the lead within 200 ms
    List<RelayTicket> after = relay(second.relayer(), 20);

    List<RelayTicket> all = new ArrayList<>(before);
    all.addAll(after);
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    for (RelayTicket ticket : all) {
      RelayTicket now = await(second.relayer().find(ticket.relayId())).orElseThrow();
      while (!now.state().terminal() && System.nanoTime() < deadline) {
        sleep(50);
        now = await(second.relayer().find(ticket.relayId())).orElseThrow();
      }
      assertThat(now.state()).as("%s", now).isEqualTo(RelayState.MINED);
      assertThat(now.txHashes()).hasSize(1);
    }
    assertThat(relayerNonce()).isEqualTo(40);
    assertThat(env.count("SELECT count(DISTINCT tx_nonce) FROM relays")).isEqualTo(40);
    assertThat(env.count("SELECT max(tx_nonce) FROM relays")).isEqualTo(39);
    assertThat(env.count("SELECT next_nonce FROM relayer_nonces")).isEqualTo(40);
    second.kill();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
