package io.tollgate.relay;

import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcException;
import io.tollgate.eventbus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@link Relayer} over the PostgreSQL queue: accepts orders on any instance (refusing what it
 * cannot pay for or what would revert), and builds the per-chain {@link RelayEngine}s the relay
 * leader runs.
 */
public final class PgRelayer implements Relayer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgRelayer.class);
  /** What {@code relayer_unavailable} tells callers to wait before asking again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private final RelayerSettings settings;
  private final Map<Long, EthRpc> rpc;
  private final RelayStore store;
  private final Clock clock;
  private final Map<Long, RelayCapacityView> views;
  private final Map<Long, java.util.concurrent.atomic.AtomicLong> warnings = new java.util.concurrent.ConcurrentHashMap<>();

  public PgRelayer(Pool pool, Clock clock, RelayerSettings settings, Map<Long, ? extends EthRpc> rpc) {
    this.settings = settings;
    this.rpc = Map.copyOf(rpc);
    this.store = new RelayStore(pool);
    this.clock = clock;
    Map<Long, RelayCapacityView> byChain = new LinkedHashMap<>();
    settings.chains().forEach((id, chain) -> {
      EthRpc client = rpc.get(id);
      if (client == null) throw new IllegalArgumentException("chain " + id + " has a relayer key but is not configured");
      byChain.put(id, new RelayCapacityView(chain, client, clock, settings.capacityCacheTtl()));
    });
    this.views = Map.copyOf(byChain);
  }

  @Override
  public Future<RelayTicket> relay(RelayOrder order) {
    long chainId = order.key().chainId();
    Optional<RelayerSettings.Chain> chain = settings.chain(chainId);
    if (chain.isEmpty()) return refused("chain " + chainId + " has no relayer key: gasless payments are off there");
    return store.find(order.key()).compose(existing -> existing.isPresent()
        ? Future.succeededFuture(existing.get())
        : capacity(chainId).compose(capacity -> capacity.canPayNext()
            ? (order.preDeploy() == null ? simulate(chain.get(), order).compose(gas -> store.insert(order, chain.get().address(), gas))
                : relayWithDeploy(chain.get(), order))
            : refused("the relayer of chain " + chainId + " cannot pay for another relay right now (balance "
                + capacity.balanceWei() + " wei, " + capacity.inFlight() + " relays in flight); pay directly or retry later")));
  }

  /**
   * Runs the exact transaction from the relayer's address at the latest block ({@code eth_estimateGas},
   * which executes it); its gas plus 25 % is the relay's gas limit. A revert is refused with its
   * reason, read from an {@code eth_call} of the same transaction.
   */
  private Future<Long> simulate(RelayerSettings.Chain chain, RelayOrder order) {
    return estimate(chain, order.tokenContract(), order.calldata());
  }

  private Future<Long> estimate(RelayerSettings.Chain chain, String to, byte[] data) {
    EthRpc client = rpc.get(chain.chainId());
    JsonObject tx = new JsonObject().put("from", chain.address()).put("to", to).put("data", Hex.encode(data));
    return client.call("eth_estimateGas", new JsonArray().add(tx).add("latest"))
        .map(gas -> Hex.quantity((String) gas).multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4)).longValueExact() + 1)
        .recover(e -> e instanceof RpcException estimate
            ? client.call("eth_call", new JsonArray().add(tx).add("latest")).transform(call -> call.succeeded()
                ? Future.<Long>failedFuture(estimate) // not a revert: a node problem, not the order's
                : Future.<Long>failedFuture(new RelayRefusedException(RelayRefusedException.Reason.SIMULATION_REVERTED,
                    "the relay transaction would revert: " + RevertReason.of(call.cause()), null)))
            : Future.failedFuture(e));
  }

  /**
   * An order that may need its payer's wallet deployed first. Deployed already (by anyone) → the
   * plain transfer. Not deployed → the deploy is simulated; the transfer cannot be (the token checks
   * ERC-1271 on deployed code only), so its signature was verified by the caller through ERC-6492's
   * deployless validator and it gets {@link #UNDEPLOYED_TRANSFER_GAS}; both are stored together.
   */
  private Future<RelayTicket> relayWithDeploy(RelayerSettings.Chain chain, RelayOrder order) {
    EthRpc client = rpc.get(chain.chainId());
    RelayOrder.PreDeploy deploy = order.preDeploy();
    return client.call("eth_getCode", new JsonArray().add(order.key().from()).add("latest")).compose(code -> {
      byte[] bytes = code instanceof String hex ? Hex.decodeOrNull(hex) : null;
      if (bytes != null && bytes.length > 0) {
        return simulate(chain, order).compose(gas -> store.insert(order, chain.address(), gas));
      }
      return estimate(chain, deploy.factory(), deploy.calldata())
          .compose(gas -> store.insertWithDeploy(order, chain.address(), UNDEPLOYED_TRANSFER_GAS, gas));
    });
  }

  /**
   * Gas limit of a transfer whose wallet is deployed just before it (it cannot be estimated yet):
   * generous for a {@code transferWithAuthorization} with one ERC-1271 check; only gas used is paid.
   */
  static final long UNDEPLOYED_TRANSFER_GAS = 300_000;

  private static <T> Future<T> refused(String message) {
    return Future.failedFuture(new RelayRefusedException(RelayRefusedException.Reason.RELAYER_UNAVAILABLE, message, RETRY_AFTER));
  }

  @Override
  public Future<Optional<RelayTicket>> find(AuthorizationKey key) {
    return store.find(key);
  }

  @Override
  public Future<Optional<RelayTicket>> find(UUID relayId) {
    return store.find(relayId);
  }

  @Override
  public Future<RelayCapacity> capacity(long chainId) {
    RelayCapacityView view = views.get(chainId);
    if (view == null) {
      return Future.succeededFuture(new RelayCapacity(chainId, Optional.empty(), BigInteger.ZERO, BigInteger.ZERO, 0, 0, 0));
    }
    return store.inFlight(chainId).compose(view::capacity);
  }

  @Override
  public Future<java.util.List<OpenRelay>> openRelays(long chainId, int limit) {
    return store.openOldest(chainId, limit);
  }

  @Override
  public Set<Long> chains() {
    return settings.chains().keySet();
  }

  /**
   * The engine the chain's relay leader runs: it publishes every {@link RelayChanged} on
   * {@link Addresses#RELAY_CHANGED} (local to this instance) and sends low-balance warnings to the
   * operator endpoint, if configured.
   */
  public RelayEngine engine(long chainId, Vertx vertx) {
    return engine(chainId, vertx, changed -> { });
  }

  /**
   * As {@link #engine(long, Vertx)}, telling {@code observer} of each change first (the composition
   * root's business-event log and relay metrics: one line and one count per change, on the leader).
   */
  public RelayEngine engine(long chainId, Vertx vertx, java.util.function.Consumer<RelayChanged> observer) {
    RelayerSettings.Chain chain = settings.chain(chainId).orElseThrow();
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);
    return new RelayEngine(chain, rpc.get(chainId), store, clock, views.get(chainId),
        new OperatorAlerts(clock, settings.operatorWebhookUrl().map(url -> OperatorEndpoint.of(vertx, url)).orElse(null),
            warnings.computeIfAbsent(chainId, id -> new java.util.concurrent.atomic.AtomicLong())),
        changed -> {
          observer.accept(changed);
          try {
            vertx.eventBus().publish(Addresses.RELAY_CHANGED, changed, local);
          } catch (RuntimeException e) { // a hint only: the stored ticket is the truth, the relay goes on
            LOG.warn("could not publish {} of relay {}: {}", changed.state(), changed.relayId(), e.toString());
          }
        });
  }

  /** Last known balance of the chain's relayer in wei (-1 before the first reading), for the gauge. */
  public double balanceWei(long chainId) {
    return views.get(chainId).balanceWei();
  }

  /** Relays the last known balance pays for (-1 before the first reading), for the gauge. */
  public double relaysPaid(long chainId) {
    return views.get(chainId).relaysPaid();
  }

  /** Low-balance warnings this instance gave for the chain (as its relay leader), for the counter. */
  public double lowBalanceWarnings(long chainId) {
    return warnings.computeIfAbsent(chainId, id -> new java.util.concurrent.atomic.AtomicLong()).get();
  }
}
