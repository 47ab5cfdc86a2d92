package io.tollgate.relay;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.JsonRpcClient;
import io.tollgate.chain.RpcRequest;
import io.tollgate.chain.RpcResponse;
import io.tollgate.dev.AnvilProcess;
import io.tollgate.dev.ContractArtifact;
import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Codecs;
import io.tollgate.testing.TestChain;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.PoolOptions;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The relayer against a real anvil chain and a real PostgreSQL: authorizations signed by test keys
 * over the demo stablecoin's EIP-712 domain, relayed by the engine as the relay leader runs it.
 */
class RelayerAnvilTest {
  private static final long CHAIN = 31337;
  private static final BigInteger PRICE = BigInteger.valueOf(1_000_000);

  private static TestVertx env;
  private static AnvilProcess anvil;
  private static TestChain chain;
  private static String token;
  private static Credentials payer;
  private static String recipient;
  private static Credentials relayerKey;
  private static JsonRpcClient rpc;
  private static RelayerSettings settings;
  private static PgRelayer relayer;
  private static TestAuthorizations authorizations;
  private static String engineDeployment;
  private static final Queue<RelayChanged> events = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void setUp() {
    env = TestVertx.withDatabase(new PoolOptions().setMaxSize(16));
    anvil = AnvilProcess.start(AnvilProcess.defaultProjectDir(), CHAIN);
    chain = new TestChain(anvil.rpcUrl(), CHAIN);
    token = chain.deploy(TestChain.DEPLOYER, ContractArtifact.load("DemoStablecoin"),
        List.of(new Utf8String("USD Coin"), new Utf8String("2"), new Utf8String("USDC")));
    payer = chain.newFundedAccount();
    recipient = chain.newAccount(BigInteger.ZERO).getAddress().toLowerCase();
    chain.mintToken(token, payer.getAddress(), PRICE.multiply(BigInteger.valueOf(10_000)));
    relayerKey = chain.newFundedAccount();
    rpc = new JsonRpcClient(env.vertx(), CHAIN, List.of(anvil.rpcUrl()), JsonRpcClient.Options.defaults());
    settings = settings(relayerKey);
    relayer = new PgRelayer(env.pool(), Clock.systemUTC(), settings, Map.of(CHAIN, rpc));
    authorizations = new TestAuthorizations(chain, token);
    Codecs.register(env.vertx(), List.of(RelayChanged.class));
    env.vertx().eventBus().<RelayChanged>localConsumer(Addresses.RELAY_CHANGED, m -> events.add(m.body()));
    engineDeployment = startEngine(relayer, rpc);
  }

  @AfterAll
  static void tearDown() {
    if (env != null) await(env.vertx().undeploy(engineDeployment));
    if (env != null) env.close();
    if (anvil != null) anvil.close();
  }

  @AfterEach
  void automineBackOn() {
    chain.rpc("evm_setAutomine", true);
  }

  static RelayerSettings settings(Credentials key) {
    return new RelayerSettings(Map.of(CHAIN, new RelayerSettings.Chain(CHAIN, key, Duration.ofMillis(2500), 3, 100_000, 5,
        Duration.ofSeconds(1))), Duration.ofMillis(100), Duration.ofSeconds(1), Optional.empty());
  }

  static String startEngine(PgRelayer relayer, EthRpc client) {
    RelayerSettings.Chain c = settings.chain(CHAIN).orElseThrow();
    RelayEngine engine = new RelayEngine(c, client, new RelayStore(env.pool()), Clock.systemUTC(),
        new RelayCapacityView(c, client, Clock.systemUTC(), Duration.ofSeconds(1)),
        new OperatorAlerts(Clock.systemUTC(), null, new java.util.concurrent.atomic.AtomicLong()),
        changed -> env.vertx().eventBus().publish(Addresses.RELAY_CHANGED, changed,
            new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true)));
    return await(env.vertx().deployVerticle(new RelayEngineVerticle(engine, Duration.ofMillis(100))));
  }

  private static RelayOrder newOrder() {
    return authorizations.order(payer, recipient, PRICE, Instant.now().plus(Duration.ofMinutes(10)), "checkout:" + UUID.randomUUID());
  }

  private static RelayTicket awaitTicket(UUID relayId, Predicate<RelayTicket> until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RelayTicket ticket = null;
    while (System.nanoTime() < deadline) {
      ticket = await(relayer.find(relayId)).orElseThrow();
      if (until.test(ticket)) return ticket;
      sleep(50);
    }
    throw new AssertionError("relay " + relayId + " did not get there in " + timeout + "; last " + ticket);
  }

  private static RelayTicket awaitState(RelayTicket ticket, RelayState state) {
    return awaitTicket(ticket.relayId(), t -> t.state() == state, Duration.ofSeconds(20));
  }

  /** The highest fee cap among this relay's transactions still in the pool (each bump raises it). */
  private static BigInteger highestPendingMaxFee(UUID relayId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      BigInteger highest = null;
      for (String hash : await(relayer.find(relayId)).orElseThrow().txHashes()) {
        JsonObject tx = (JsonObject) chain.rpc("eth_getTransactionByHash", hash);
        if (tx != null) {
          BigInteger fee = Numeric.decodeQuantity(tx.getString("maxFeePerGas"));
          highest = highest == null ? fee : highest.max(fee);
        }
      }
      if (highest != null) return highest;
      sleep(50);
    }
    throw new AssertionError("no transaction of relay " + relayId + " in the pool");
  }

  private static long relayerNonce() {
    return Numeric.decodeQuantity((String) chain.rpc("eth_getTransactionCount", relayerKey.getAddress(), "latest")).longValueExact();
  }

  private static BigInteger tokenBalance(String owner) {
    String data = TestChain.encode("balanceOf", new org.web3j.abi.datatypes.Address(owner));
    return Numeric.decodeQuantity((String) chain.rpc("eth_call", new JsonObject().put("to", token).put("data", data), "latest"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void relaysAnAuthorizationAndPublishesEachChange() {
    BigInteger before = tokenBalance(recipient);
    RelayOrder order = newOrder();
    RelayTicket ticket = await(relayer.relay(order));
    assertThat(ticket.state()).isEqualTo(RelayState.QUEUED);
    assertThat(ticket.purpose()).isEqualTo(order.purpose());

    RelayTicket mined = awaitState(ticket, RelayState.MINED);
    assertThat(mined.txHashes()).hasSize(1).containsExactly(mined.txHash().orElseThrow());
    JsonObject receipt = chain.awaitReceipt(mined.txHash().orElseThrow());
    assertThat(receipt.getString("status")).isEqualTo("0x1");
    assertThat(receipt.getString("from")).isEqualToIgnoringCase(relayerKey.getAddress());
    assertThat(tokenBalance(recipient)).isEqualTo(before.add(PRICE));

    List<RelayState> published = events.stream().filter(e -> e.relayId().equals(ticket.relayId())).map(RelayChanged::state).toList();
    assertThat(published).containsExactly(RelayState.SENT, RelayState.MINED);
    RelayChanged last = events.stream().filter(e -> e.relayId().equals(ticket.relayId())).reduce((a, b) -> b).orElseThrow();
    assertThat(last.purpose()).isEqualTo(order.purpose());
    assertThat(last.chainId()).isEqualTo(CHAIN);
    assertThat(last.txHash()).isEqualTo(mined.txHash());
  }

  @Test
  void theSameAuthorizationTwiceOrThroughTwoInstancesIsRelayedOnce() {
    long nonceBefore = relayerNonce();
    RelayOrder order = newOrder();
    PgRelayer otherInstance = new PgRelayer(env.pool(), Clock.systemUTC(), settings, Map.of(CHAIN, rpc));
    List<Future<RelayTicket>> racing = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      racing.add(relayer.relay(order));
      racing.add(otherInstance.relay(order));
    }
    Set<UUID> ids = new HashSet<>();
    racing.forEach(f -> ids.add(await(f).relayId()));
    assertThat(ids).hasSize(1);

    RelayTicket mined = awaitState(await(relayer.find(order.key())).orElseThrow(), RelayState.MINED);
    // Asked again once mined: the same ticket, no new simulation (it would revert: authorization used).
    assertThat(await(otherInstance.relay(order)).relayId()).isEqualTo(mined.relayId());
    assertThat(await(otherInstance.relay(order)).state()).isEqualTo(RelayState.MINED);
    assertThat(relayerNonce()).isEqualTo(nonceBefore + 1);
    assertThat(env.count("SELECT count(*) FROM relays WHERE auth_nonce = $1", order.key().nonce())).isEqualTo(1);
  }

  @Test
  void refusesAnAuthorizationWhoseTransactionWouldRevertWithTheReason() {
    Credentials stranger = chain.newAccount(BigInteger.ZERO);
    byte[] nonce = new byte[32];
    nonce[31] = 7;
    RelayOrder forged = authorizations.order(payer, stranger, recipient, PRICE, Instant.now().plusSeconds(600), nonce, "x402:forged");
    Throwable refusal = awaitFailure(relayer.relay(forged));
    assertThat(refusal).isInstanceOf(RelayRefusedException.class);
    assertThat(((RelayRefusedException) refusal).code()).isEqualTo("simulation_reverted");
    assertThat(refusal.getMessage()).contains("invalid signature");
    assertThat(await(relayer.find(forged.key()))).isEmpty();
  }

  @Test
  void anEmptyRelayerRefusesAtOnceWithRelayerUnavailable() {
    Credentials empty = chain.newAccount(BigInteger.ZERO);
    PgRelayer broke = new PgRelayer(env.pool(), Clock.systemUTC(), settings(empty), Map.of(CHAIN, rpc));
    RelayOrder order = newOrder();
    Throwable refusal = awaitFailure(broke.relay(order));
    assertThat(refusal).isInstanceOf(RelayRefusedException.class);
    RelayRefusedException refused = (RelayRefusedException) refusal;
    assertThat(refused.code()).isEqualTo("relayer_unavailable");
    assertThat(refused.retryAfter()).isPresent();
    assertThat(refused.getMessage()).contains("cannot pay");
    assertThat(await(broke.find(order.key()))).isEmpty();
    RelayCapacity capacity = await(broke.capacity(CHAIN));
    assertThat(capacity.canPayNext()).isFalse();
    assertThat(capacity.low()).isTrue();
    assertThat(capacity.balanceWei()).isZero();

    // A chain without a relayer key: the same refusal, named.
    PgRelayer none = new PgRelayer(env.pool(), Clock.systemUTC(),
        new RelayerSettings(Map.of(), Duration.ofMillis(100), Duration.ofSeconds(1), Optional.empty()), Map.of(CHAIN, rpc));
    RelayRefusedException noKey = (RelayRefusedException) awaitFailure(none.relay(order));
    assertThat(noKey.code()).isEqualTo("relayer_unavailable");
    assertThat(noKey.getMessage()).contains("no relayer key");
    assertThat(await(relayer.capacity(CHAIN)).canPayNext()).isTrue();
  }

  @Test
  void aTransactionStuckUnderAHighBaseFeeIsBumpedAndMined() {
    chain.rpc("evm_setAutomine", false);
    RelayTicket ticket = await(relayer.relay(newOrder()));
    RelayTicket sent = awaitState(ticket, RelayState.SENT);
    String first = sent.txHash().orElseThrow();
    BigInteger firstMaxFee = Numeric.decodeQuantity(((JsonObject) chain.rpc("eth_getTransactionByHash", first)).getString("maxFeePerGas"));

    // The next block's base fee is above what the first transaction offers: it stays out.
    chain.rpc("anvil_setNextBlockBaseFeePerGas", Numeric.toHexStringWithPrefix(firstMaxFee.multiply(BigInteger.TWO)));
    chain.mine(1);
    assertThat(chain.rpc("eth_getTransactionReceipt", first)).isNull();

    RelayTicket bumped = awaitTicket(ticket.relayId(), t -> t.txHashes().size() >= 2, Duration.ofSeconds(15));
    assertThat(bumped.state()).isEqualTo(RelayState.SENT);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    RelayTicket current = bumped;
    while (current.state() != RelayState.MINED && System.nanoTime() < deadline) {
      chain.mine(1);
      sleep(300);
      current = await(relayer.find(ticket.relayId())).orElseThrow();
    }
    assertThat(current.state()).isEqualTo(RelayState.MINED);
    assertThat(current.txHash().orElseThrow()).isNotEqualTo(first);
    assertThat(current.txHashes()).contains(first, current.txHash().orElseThrow()).hasSizeLessThanOrEqualTo(4);
    assertThat(events.stream().filter(e -> e.relayId().equals(ticket.relayId()) && e.state() == RelayState.SENT)
        .map(e -> e.txHash().orElseThrow())).contains(first, bumped.txHash().orElseThrow());
    JsonObject mined = (JsonObject) chain.rpc("eth_getTransactionByHash", current.txHash().orElseThrow());
    assertThat(Numeric.decodeQuantity(mined.getString("maxFeePerGas"))).isGreaterThan(firstMaxFee);
  }

  @Test
  void aDroppedTransactionIsBroadcastAgain() {
    chain.rpc("evm_setAutomine", false);
    RelayTicket ticket = awaitState(await(relayer.relay(newOrder())), RelayState.SENT);
    String hash = ticket.txHash().orElseThrow();
    assertThat(chain.rpc("eth_getTransactionByHash", hash)).isNotNull();
    chain.rpc("anvil_dropTransaction", hash);
    assertThat(chain.rpc("eth_getTransactionByHash", hash)).isNull();

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (chain.rpc("eth_getTransactionByHash", hash) == null && System.nanoTime() < deadline) sleep(50);
    assertThat(chain.rpc("eth_getTransactionByHash", hash)).as("broadcast again").isNotNull();
    chain.mine(1);
    RelayTicket mined = awaitState(ticket, RelayState.MINED);
    assertThat(mined.txHash()).contains(hash);
    assertThat(mined.txHashes()).containsExactly(hash);
  }

  @Test
  void killedBetweenStoringAndBroadcastingThenRestartedBroadcastsOnce() {
    await(env.vertx().undeploy(engineDeployment));
    long nonceBefore = relayerNonce();
    // An engine whose process "dies" the moment it would broadcast: the signed transaction is stored, not sent.
    EthRpc dying = new EthRpc() {
      @Override public long chainId() { return CHAIN; }
      @Override public Future<Object> call(String method, JsonArray params) { return rpc.call(method, params); }
      @Override public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
        return requests.stream().anyMatch(r -> r.method().equals("eth_sendRawTransaction"))
            ? Future.failedFuture(new IllegalStateException("killed before broadcasting")) : rpc.batch(requests);
      }
    };
    String dyingEngine = startEngine(relayer, dying);
    RelayTicket ticket = await(relayer.relay(newOrder()));
    RelayTicket stored = awaitTicket(ticket.relayId(), t -> t.state() == RelayState.SENT, Duration.ofSeconds(10));
    String hash = stored.txHash().orElseThrow();
    assertThat(env.one("SELECT broadcast_at IS NULL AND raw_tx IS NOT NULL AS pending FROM relays WHERE relay_id = $1",
        ticket.relayId()).getBoolean("pending")).isTrue();
    await(env.vertx().undeploy(dyingEngine));
    assertThat(chain.rpc("eth_getTransactionByHash", hash)).isNull();

    PgRelayer restarted = new PgRelayer(env.pool(), Clock.systemUTC(), settings, Map.of(CHAIN, rpc));
    engineDeployment = startEngine(restarted, rpc);
    RelayTicket mined = awaitState(ticket, RelayState.MINED);
    assertThat(mined.txHashes()).containsExactly(hash);
    assertThat(relayerNonce()).isEqualTo(nonceBefore + 1);
  }

  @Test
  void aHundredConcurrentRelaysFromOneKeyAreAllMinedWithoutANonceError() {
    long nonceBefore = relayerNonce();
    List<Future<RelayTicket>> accepted = new ArrayList<>();
    for (int i = 0; i < 100; i++) accepted.add(relayer.relay(newOrder()));
    List<RelayTicket> tickets = accepted.stream().map(f -> await(f)).toList();
    Set<String> hashes = new HashSet<>();
    for (RelayTicket ticket : tickets) {
      RelayTicket mined = awaitTicket(ticket.relayId(), t -> t.state().terminal(), Duration.ofSeconds(60));
      assertThat(mined.state()).as("relay %s", mined).isEqualTo(RelayState.MINED);
      assertThat(mined.txHashes()).hasSize(1);
      hashes.add(mined.txHash().orElseThrow());
    }
    assertThat(hashes).hasSize(100);
    assertThat(relayerNonce()).isEqualTo(nonceBefore + 100);
    assertThat(env.count("SELECT count(DISTINCT tx_nonce) FROM relays WHERE relay_id = ANY($1)",
        (Object) tickets.stream().map(RelayTicket::relayId).toArray(UUID[]::new))).isEqualTo(100);
  }

  @Test
  void anAuthorizationUsedByAnotherTransactionFailsSayingSo() {
    chain.rpc("evm_setAutomine", false);
    RelayOrder order = newOrder();
    RelayTicket sent = awaitState(await(relayer.relay(order)), RelayState.SENT);
    // Someone copies the authorization from the mempool and sends it with a higher tip: theirs is mined first.
    Credentials frontRunner = chain.newFundedAccount();
    // Far above the relayer's tip, and whatever the base fee is now.
    BigInteger tip = BigInteger.TEN.pow(11).add(Numeric.decodeQuantity((String) chain.rpc("eth_maxPriorityFeePerGas")).shiftLeft(1));
    BigInteger maxFee = Numeric.decodeQuantity((String) chain.rpc("eth_gasPrice")).multiply(BigInteger.valueOf(3)).add(tip);
    org.web3j.crypto.RawTransaction copy = org.web3j.crypto.RawTransaction.createTransaction(CHAIN, BigInteger.ZERO,
        BigInteger.valueOf(200_000), token, BigInteger.ZERO, Hex.encode(order.calldata()), tip, maxFee);
    String theirs = (String) chain.rpc("eth_sendRawTransaction",
        Numeric.toHexString(org.web3j.crypto.TransactionEncoder.signMessage(copy, frontRunner)));
    chain.mine(1);
    chain.mine(1);
    assertThat(((JsonObject) chain.rpc("eth_getTransactionReceipt", theirs)).getString("status")).isEqualTo("0x1");
    RelayTicket failed = awaitTicket(sent.relayId(), t -> t.state().terminal(), Duration.ofSeconds(20));
    assertThat(failed.state()).isEqualTo(RelayState.FAILED);
    assertThat(failed.failureReason()).contains("relay_failed");
    assertThat(failed.failureDetail()).contains(RelayTicket.AUTHORIZATION_USED_ELSEWHERE);
    assertThat(events.stream().filter(e -> e.relayId().equals(sent.relayId())).map(RelayChanged::state))
        .contains(RelayState.FAILED);
  }

  @Test
  void anExpiredRelayFailsAndACancelFreesItsNonceForTheNext() {
    chain.rpc("evm_setAutomine", false);
    long nonceBefore = relayerNonce();
    Instant validBefore = Instant.now().plusSeconds(4);
    RelayOrder order = authorizations.order(payer, recipient, PRICE, validBefore, "checkout:" + UUID.randomUUID());
    RelayTicket sent = awaitState(await(relayer.relay(order)), RelayState.SENT);
    // On a slow machine the engine may already have bumped it: the replaced hash is gone from the pool.
    BigInteger maxFee = highestPendingMaxFee(sent.relayId());
    // A block past validBefore whose base fee leaves the relay out: the authorization can no longer be used.
    chain.rpc("anvil_setNextBlockBaseFeePerGas", Numeric.toHexStringWithPrefix(maxFee.multiply(BigInteger.valueOf(1000))));
    chain.rpc("anvil_setNextBlockTimestamp", Numeric.toHexStringWithPrefix(BigInteger.valueOf(validBefore.getEpochSecond() + 1)));
    chain.mine(1);
    for (String hash : await(relayer.find(sent.relayId())).orElseThrow().txHashes()) {
      assertThat(chain.rpc("eth_getTransactionReceipt", hash)).isNull();
    }

    RelayTicket failed = awaitTicket(sent.relayId(), t -> t.state().terminal(), Duration.ofSeconds(20));
    assertThat(failed.state()).isEqualTo(RelayState.FAILED);
    assertThat(failed.failureReason()).contains(RelayTicket.RELAY_FAILED);
    assertThat(failed.failureDetail()).contains(RelayTicket.EXPIRED);
    assertThat(events.stream().filter(e -> e.relayId().equals(sent.relayId())).map(RelayChanged::state)).contains(RelayState.FAILED);

    chain.rpc("evm_setAutomine", true);
    chain.mine(1); // the cancel, waiting in the pool
    RelayTicket next = awaitState(await(relayer.relay(newOrder())), RelayState.MINED);
    assertThat(chain.awaitReceipt(next.txHash().orElseThrow()).getString("status")).isEqualTo("0x1");
    assertThat(relayerNonce()).isEqualTo(nonceBefore + 2); // the cancel, then the next relay: no gap
    assertThat(env.one("SELECT nonce_settled FROM relays WHERE relay_id = $1", sent.relayId()).getBoolean("nonce_settled")).isTrue();
    assertThat(tokenBalance(order.key().from())).isNotNull();
    assertThat(await(relayer.find(order.key())).orElseThrow().txHashes()).doesNotContain(next.txHash().orElseThrow());
  }
}
